"""Our simulator side by side with ChampSim on the workload suite, same traces, same default core.

    python bench/champsim_compare.py                          # suite in ~/.cache/edaflow/workloads
    python bench/champsim_compare.py --traces /tmp/wl --only stream,bfs --warmup 200000 --instructions 1000000
    python bench/champsim_compare.py --traces /tmp/unseen --section champsim-unseen   # any *.champsimtrace.xz
    python bench/champsim_compare.py --champsim /path/to/bin/champsim --no-write

ChampSim is the reference build of /work/shared/reference/champsim (commit 2ff2501, its default
`champsim_config.json` core); it is built once, outside the repository, with that folder's
`build.sh` when `--champsim` is not given and no build is found (about a minute). The workload suite
is built and traced with `ipc_predict.workloads.build_suite` when `--traces` has no workloads.json.

Both simulators get the same trace, the same warm-up and the same number of detailed instructions
(ChampSim's warm-up is detailed timing, ours functional warming). The default is the issue's setting:
1,000,000 warm-up instructions and the rest of each trace detailed (`--instructions rest`: the
trace's record count less the warm-up less `REST_MARGIN` records, because ChampSim restarts a trace
at its end and its fetch runs a few hundred records ahead of retirement); a fixed `--instructions N`
must keep warm-up + N below every trace's record count (checked). A `--traces` folder without
workloads.json is taken as its `*.champsimtrace.xz` files, their records counted by reading them. Our simulator
runs from the CLI (`python -m edaflow.cli ipc sim`, a fresh process each time), ChampSim as its
binary; CPU seconds are each child's user+system time (the machine may be shared), MIPS are
(warm-up + detailed instructions) per CPU second. ChampSim runs under `nice -n 10`, one at a time,
and its results are cached per (trace checksum, counts, binary) in `--cache`, so re-running after a
change of our model only re-runs ours.

MPKI definitions: ChampSim's L1D demand misses are LOAD + RFO + WRITE misses (stores reach the L1D
as WRITE) less MSHR merges (ChampSim counts a request merged into an outstanding miss as a miss, we
count it as a hit on a line in flight), L2C and LLC count LOAD + RFO (their WRITE accesses are
write-backs, TRANSLATION the page walks'), L1I counts LOAD; branch MPKI is all mispredictions
(ours: direction and target mispredictions plus BTB misses of direct branches, which ChampSim also
counts as mispredictions although decode redirects them). Ours are
`SimResult.mpki` / `branch_mpki`. The table goes into docs/benchmarks.md between
`<!-- champsim:begin -->` and `<!-- champsim:end -->`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.docsection import replace_section  # noqa: E402

BEGIN, END = "<!-- champsim:begin -->", "<!-- champsim:end -->"
REFERENCE = Path("/work/shared/reference/champsim")
CACHE_HOME = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "edaflow"
REST_MARGIN = 1_000  # records left unsimulated at a trace's end with --instructions rest
KNOWN_BUILDS = (Path("/tmp/champsim_build/cs/bin/champsim"), CACHE_HOME / "champsim" / "bin" / "champsim")


# ----- ChampSim ---------------------------------------------------------------------------------------

def find_or_build_champsim(path: str | None) -> Path:
    """The ChampSim binary: `path`, else a known build, else build it with the reference build.sh."""
    if path:
        p = Path(path)
        if not os.access(p, os.X_OK):
            raise SystemExit(f"{p}: not an executable ChampSim binary")
        return p
    for p in KNOWN_BUILDS:
        if os.access(p, os.X_OK):
            return p
    script = REFERENCE / "build.sh"
    if not script.exists():
        raise SystemExit(f"no ChampSim build found and no {script} to build one; pass --champsim PATH")
    dest = CACHE_HOME / "champsim"
    print(f"building ChampSim into {dest} (about a minute)", file=sys.stderr)
    subprocess.run(["bash", str(script), str(dest)], check=True)
    return dest / "bin" / "champsim"


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _file_key(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def champsim_stats(doc: dict) -> dict:
    """IPC, MPKI per level and branch MPKI from ChampSim's --json output (region of interest)."""
    roi = doc[0]["roi"]
    core = roi["cores"][0]
    n = core["instructions"]
    per_k = 1000.0 / n

    def misses(cache: str, kinds: tuple[str, ...]) -> int:
        # ChampSim's "miss" includes requests merged into an outstanding MSHR; ours counts a line
        # already in flight as a hit, so merges are taken off.
        c = roi.get(cache, {})
        return sum(sum(c.get(k, {}).get("miss", [0])) - sum(c.get(k, {}).get("mshr_merge", [0])) for k in kinds)

    dram = roi.get("DRAM", [{}])[0]
    return {
        "instructions": n,
        "cycles": core["cycles"],
        "ipc": n / core["cycles"],
        "mpki": {
            "L1I": misses("cpu0_L1I", ("LOAD",)) * per_k,
            "L1D": misses("cpu0_L1D", ("LOAD", "RFO", "WRITE")) * per_k,
            "L2": misses("cpu0_L2C", ("LOAD", "RFO")) * per_k,
            "LLC": misses("LLC", ("LOAD", "RFO")) * per_k,
        },
        "branch_mpki": sum(core["mispredict"].values()) * per_k,
        "dtlb_mpki": misses("cpu0_DTLB", ("LOAD", "RFO", "WRITE")) * per_k,
        "dram_row_hits": dram.get("RQ ROW_BUFFER_HIT", 0),
        "dram_row_misses": dram.get("RQ ROW_BUFFER_MISS", 0),
        "dram_writes": dram.get("WQ ROW_BUFFER_HIT", 0) + dram.get("WQ ROW_BUFFER_MISS", 0),
    }


def _cache_key(binary: Path, trace: Path, warmup: int, instructions: int) -> str:
    return f"{trace.name}-{_file_key(trace)}-{warmup}-{instructions}-{int(binary.stat().st_mtime)}"


def champsim_cached(binary: Path, trace: Path, warmup: int, instructions: int, cache_dir: Path) -> bool:
    return (cache_dir / f"{_cache_key(binary, trace, warmup, instructions)}.json").exists()


def run_champsim(binary: Path, trace: Path, warmup: int, instructions: int, cache_dir: Path) -> dict:
    key = _cache_key(binary, trace, warmup, instructions)
    cached = cache_dir / f"{key}.json"
    out_json = cache_dir / f"{key}.champsim.json"
    if cached.exists():
        res = json.loads(cached.read_text())
        if out_json.exists():  # statistics re-derived from ChampSim's own output (definitions may change)
            res.update(champsim_stats(json.loads(out_json.read_text())))
        return res
    cache_dir.mkdir(parents=True, exist_ok=True)
    c0, w0 = _cpu_children(), time.perf_counter()
    proc = subprocess.run(["nice", "-n", "10", str(binary), "--warmup-instructions", str(warmup),
                           "--simulation-instructions", str(instructions), "--json", str(out_json), str(trace)],
                          capture_output=True, text=True)
    cpu, wall = _cpu_children() - c0, time.perf_counter() - w0
    if proc.returncode != 0:
        raise SystemExit(f"ChampSim failed on {trace}: {proc.stderr.strip()[-500:]}")
    res = champsim_stats(json.loads(out_json.read_text()))
    res.update(cpu_seconds=cpu, wall_seconds=wall)
    cached.write_text(json.dumps(res))
    return res


# ----- ours -------------------------------------------------------------------------------------------

def run_ours(trace: Path, warmup: int, instructions: int, config: str | None) -> dict:
    cmd = [sys.executable, "-m", "edaflow.cli", "ipc", "sim", str(trace), "--warmup", str(warmup),
           "--instructions", str(instructions), "--json"]
    if config:
        cmd += ["--config", config]
    c0, w0 = _cpu_children(), time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    cpu, wall = _cpu_children() - c0, time.perf_counter() - w0
    if proc.returncode != 0:
        raise SystemExit(f"edaflow ipc sim failed on {trace}: {proc.stderr.strip()}")
    out = json.loads(proc.stdout)
    # ChampSim counts a taken branch whose BTB target was wrong as a misprediction even when decode
    # redirects fetch; ours keeps those apart (btb_misses), so they are added here.
    branch_mpki = out["branch_mpki"] + 1000.0 * out["events"]["btb_misses"] / out["instructions"]
    return {"instructions": out["instructions"], "cycles": out["cycles"], "ipc": out["ipc"],
            "mpki": out["mpki"], "branch_mpki": branch_mpki, "events": out["events"],
            "cpu_seconds": cpu, "wall_seconds": wall}


def run_ours_in_process(trace: Path, warmup: int, instructions: int, config: str | None) -> float:
    """CPU seconds (all threads: xz decoding runs beside the simulation) of `simulate` in this
    process, numba already loaded: the simulator without the CLI's start-up."""
    from ipc_predict.config import CoreConfig
    from ipc_predict.simulator import simulate

    cfg = None
    if config:
        cfg = CoreConfig.from_champsim_json(config) if config.endswith(".json") else CoreConfig.from_toml(config)
    simulate(trace, cfg, warmup=0, instructions=1000)  # load the compiled code first
    c0 = time.process_time()
    simulate(trace, cfg, warmup=warmup, instructions=instructions)
    return time.process_time() - c0


# ----- suite, table -----------------------------------------------------------------------------------

def suite(traces: str | None, only: list[str] | None) -> list[tuple[str, Path, int]]:
    """(name, trace path, record count) of the workloads, building the suite if needed."""
    from ipc_predict import workloads as W

    d = Path(traces) if traces else CACHE_HOME / "workloads"
    manifest = d / W.MANIFEST_NAME
    if not manifest.exists() and traces and sorted(d.glob("*.champsimtrace.xz")):
        return _plain_folder(d, only)
    if not manifest.exists():
        print(f"building and tracing the workload suite into {d} (a few minutes)", file=sys.stderr)
        W.build_suite(d)
    entries = json.loads(manifest.read_text())["workloads"]
    out = []
    for e in entries:
        if only and e["name"] not in only:
            continue
        out.append((e["name"], d / Path(e["trace"]).name, int(e["traced_instructions"])))
    if only:
        missing = set(only) - {n for n, _, _ in out}
        if missing:
            raise SystemExit(f"not in {manifest}: {', '.join(sorted(missing))}")
    return out


def _plain_folder(d: Path, only: list[str] | None) -> list[tuple[str, Path, int]]:
    """(name, path, record count) of every `*.champsimtrace.xz` in `d` (records counted by reading)."""
    from ipc_predict.traces import read_trace_chunks

    out = []
    for t in sorted(d.glob("*.champsimtrace.xz")):
        name = t.name.removesuffix(".champsimtrace.xz")
        if only and name not in only:
            continue
        out.append((name, t, sum(len(c) for c in read_trace_chunks(t, validate=False))))
    if only and set(only) - {n for n, _, _ in out}:
        raise SystemExit(f"no {', '.join(sorted(set(only) - {n for n, _, _ in out}))} trace in {d}")
    return out


def detailed_counts(traces: list[tuple[str, Path, int]], warmup: int, instructions: str) -> dict[str, int]:
    """Detailed instructions per trace: `instructions` ("rest" or a count), checked against its length."""
    out = {}
    for name, trace, records in traces:
        n = records - warmup - REST_MARGIN if instructions == "rest" else int(instructions)
        if n <= 0 or warmup + n >= records:
            raise SystemExit(f"{trace}: {records:,} records, too few for warm-up {warmup:,} + "
                             f"{'the rest' if instructions == 'rest' else f'{n:,}'}; ChampSim would wrap around")
        out[name] = n
    return out


def _spearman(a: list[float], b: list[float]) -> float:
    def ranks(x):
        order = sorted(range(len(x)), key=lambda i: x[i])
        r = [0.0] * len(x)
        for k, i in enumerate(order):
            r[i] = float(k)
        return r
    ra, rb = ranks(a), ranks(b)
    n = len(a)
    if n < 2:
        return float("nan")
    ma, mb = sum(ra) / n, sum(rb) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    va = math.sqrt(sum((x - ma) ** 2 for x in ra))
    vb = math.sqrt(sum((y - mb) ** 2 for y in rb))
    return cov / (va * vb) if va and vb else float("nan")


def table(rows: list[dict], warmup: int, instructions: str, note: str,
          target: str = "target: mean ≤ 5 %, all within 15 %") -> str:
    head = ("| trace | IPC ChampSim | IPC ours | diff | L1D MPKI CS / ours | L2 MPKI CS / ours | "
            "LLC MPKI CS / ours | branch MPKI CS / ours | CPU s CS / CLI / lib | MIPS/CPU-s CS / CLI / lib | "
            "speed-up CLI / lib |")
    lines = [head, "|" + "---|" * 1 + "---:|" * 10]
    diffs, cs_cpu, our_cpu, lib_cpu = [], 0.0, 0.0, 0.0
    for r in rows:
        c, o = r["champsim"], r["ours"]
        diff = (o["ipc"] - c["ipc"]) / c["ipc"]
        diffs.append(diff)
        cs_cpu += c["cpu_seconds"]
        our_cpu += o["cpu_seconds"]
        lib_cpu += o["lib_cpu_seconds"]
        total = warmup + o["instructions"]
        mc, mo, ml = (total / x / 1e6 for x in (c["cpu_seconds"], o["cpu_seconds"], o["lib_cpu_seconds"]))
        lines.append(
            f"| {r['name']} | {c['ipc']:.3f} | {o['ipc']:.3f} | {100 * diff:+.1f} % | "
            + " | ".join(f"{c['mpki'][k]:.1f} / {o['mpki'][k]:.1f}" for k in ("L1D", "L2", "LLC"))
            + f" | {c['branch_mpki']:.1f} / {o['branch_mpki']:.1f}"
            f" | {c['cpu_seconds']:.1f} / {o['cpu_seconds']:.1f} / {o['lib_cpu_seconds']:.2f}"
            f" | {mc:.3f} / {mo:.2f} / {ml:.1f}"
            f" | {c['cpu_seconds'] / o['cpu_seconds']:.0f}× / {c['cpu_seconds'] / o['lib_cpu_seconds']:.0f}× |")
    absd = [abs(d) for d in diffs]
    within = sum(1 for d in absd if d <= 0.15)
    rho = _spearman([r["champsim"]["ipc"] for r in rows], [r["ours"]["ipc"] for r in rows])
    n_all = sum(warmup + r["ours"]["instructions"] for r in rows)
    counts = (f"{int(instructions):,} detailed instructions" if instructions != "rest" else
              f"the rest of the trace detailed ({sum(r['ours']['instructions'] for r in rows):,} "
              f"detailed instructions in all)")
    summary = (
        f"\nWarm-up {warmup:,} + {counts} per trace, default core of both. "
        f"Mean |IPC diff| **{100 * sum(absd) / len(absd):.1f} %**, max {100 * max(absd):.1f} %, "
        f"{within} of {len(rows)} traces within 15 % ({target}); "
        f"Spearman ρ of IPC {rho:.3f}. CPU time over the suite: ChampSim {cs_cpu:.0f} s "
        f"({n_all / cs_cpu / 1e6:.3f} MIPS per CPU-second), ours from the CLI {our_cpu:.1f} s "
        f"({n_all / our_cpu / 1e6:.2f} MIPS per CPU-second, start-up included), "
        f"{cs_cpu / our_cpu:.0f}× faster; in a warm process (*lib*) {lib_cpu:.1f} s "
        f"({n_all / lib_cpu / 1e6:.1f} MIPS per CPU-second), {cs_cpu / lib_cpu:.0f}× faster.")
    return "\n".join(lines) + "\n" + summary + ("\n\n" + note if note else "") + "\n"


ABLATIONS = {  # mechanism -> the configuration change that switches it off
    "physical register file (128)": {"core.physical_registers": 8192},
    "stack-pointer folding": {"core.stack_pointer_folding": False},
    "IP register dependences": {"core.ip_dependences": False},
    "stores write at retire": {"core.stores_write_at_retire": False},
    "page map": {"vmem.page_map": False},
    "interleaved DRAM mapping (32 banks)": {"dram.mapping": "row", "dram.banks": 8},
    "write-backs": {"dram.write_backs": False},
    "write-queue bursts (tRAS turnarounds)": {"dram.write_queue": 0},
    "DRAM refresh": {"dram.refresh_interval_ns": 0},
    "L1D tag-check bandwidth (4 per 3 cycles)": {"l1d.tag_checks": 0},
    "TLBs, page walks, minor faults": {"vmem.tlbs": False},
    "BTB entry types": {"branch_predictor.btb_types": False},
    "indirect predictor with history": {"branch_predictor.indirect_entries": 1},
}


def ablation(rows: list[dict], traces: list[tuple[str, Path, int]], warmup: int, counts: dict[str, int]) -> str:
    """Mean |IPC diff| vs ChampSim with each mechanism switched off (in-process, ChampSim cached)."""
    from ipc_predict.config import CoreConfig
    from ipc_predict.simulator import simulate

    cs = {r["name"]: r["champsim"]["ipc"] for r in rows}
    paths = {n: t for n, t, _ in traces}
    base = CoreConfig.default()
    out = ["| switched off | mean abs IPC diff | max abs diff (trace) | largest change of our IPC (trace) |",
           "|---|---:|---:|---:|"]
    full = {n: r["ours"]["ipc"] for n, r in ((r["name"], r) for r in rows)}
    for label, change in [("nothing (all mechanisms on)", {})] + list(ABLATIONS.items()):
        cfg = base.replace(change)
        ipc = {n: (simulate(paths[n], cfg, warmup=warmup, instructions=counts[n]).ipc if change else full[n])
               for n in cs}
        d = {n: abs(ipc[n] - cs[n]) / cs[n] for n in cs}
        worst = max(d, key=d.get)
        moved = {n: (ipc[n] - full[n]) / full[n] for n in cs}
        most = max(moved, key=lambda n: abs(moved[n]))
        out.append(f"| {label} | {100 * sum(d.values()) / len(d):.1f} % | {100 * d[worst]:.1f} % ({worst}) | "
                   f"{100 * moved[most]:+.1f} % ({most}) |")
        print(out[-1], flush=True)
    return "\n".join(out) + "\n"


SECTION_HEADINGS = {
    "champsim": "Our simulator vs ChampSim (`bench/champsim_compare.py`)",
    "champsim-unseen": "Programs we did not write (`--traces` on the unseen set)",
}


def write_between(path: Path, text: str, begin: str = BEGIN, end: str = END,
                  heading: str = "## Our simulator vs ChampSim (`bench/champsim_compare.py`)") -> None:
    replace_section(path, begin, end, text, heading.removeprefix("## "))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--champsim", help="ChampSim binary (default: a known build, else build one)")
    ap.add_argument("--traces", help="folder with workloads.json and the traces (default: build the suite)")
    ap.add_argument("--only", help="comma-separated workload names")
    ap.add_argument("--warmup", type=int, default=1_000_000, help="warm-up instructions (default 1,000,000)")
    ap.add_argument("--instructions", default="rest",
                    help="detailed instructions per trace, or 'rest' (default): the rest of each trace")
    ap.add_argument("--config", help="our core configuration TOML (default: the ChampSim-like default)")
    ap.add_argument("--cache", default=str(CACHE_HOME / "champsim-results"), help="ChampSim result cache")
    ap.add_argument("--note", default="", help="a line printed under the table")
    ap.add_argument("--no-write", action="store_true", help="print the table only")
    ap.add_argument("--cached-only", action="store_true",
                    help="only the traces whose ChampSim result is already cached (no ChampSim runs)")
    ap.add_argument("--json-out", help="also write all numbers to this JSON file")
    ap.add_argument("--section", default="champsim",
                    help="docs/benchmarks.md section to write: champsim (default) or champsim-unseen")
    ap.add_argument("--champsim-only", action="store_true",
                    help="only run (and cache) ChampSim on the traces, one at a time; no table")
    ap.add_argument("--ablation", action="store_true",
                    help="also switch each mechanism off in turn (default core, in-process) and write "
                         "the mean |IPC diff| of each to docs/benchmarks.md (champsim-ablation markers)")
    args = ap.parse_args(argv)
    if args.instructions != "rest" and not (args.instructions.isdigit() and int(args.instructions) > 0):
        raise SystemExit("--instructions must be a positive count or 'rest'")
    if args.warmup < 0:
        raise SystemExit("--warmup must be >= 0")

    binary = find_or_build_champsim(args.champsim)
    only = args.only.split(",") if args.only else None
    rows = []
    traces = suite(args.traces, only)
    counts = detailed_counts(traces, args.warmup, args.instructions)
    if args.champsim_only:
        for name, trace, _ in traces:
            c = run_champsim(binary, trace, args.warmup, counts[name], Path(args.cache))
            print(f"{name:15s} ChampSim {c['ipc']:.3f} ({c.get('cpu_seconds', 0):.1f} s)", flush=True)
        return
    # Ours first (seconds), then ChampSim (minutes, cached): the model measured is the one at start.
    if args.cached_only:
        traces = [x for x in traces if champsim_cached(binary, x[1], args.warmup, counts[x[0]], Path(args.cache))]
        if not traces:
            raise SystemExit("no cached ChampSim results for these traces and counts")
    ours = {name: run_ours(trace, args.warmup, counts[name], args.config) for name, trace, _ in traces}
    for name, trace, _ in traces:
        ours[name]["lib_cpu_seconds"] = run_ours_in_process(trace, args.warmup, counts[name], args.config)
    for name, trace, _ in traces:
        c = run_champsim(binary, trace, args.warmup, counts[name], Path(args.cache))
        o = ours[name]
        rows.append({"name": name, "champsim": c, "ours": o})
        print(f"{name:15s} ChampSim {c['ipc']:.3f} ({c['cpu_seconds']:.1f} s)  ours {o['ipc']:.3f} "
              f"({o['cpu_seconds']:.1f} s)  diff {100 * (o['ipc'] - c['ipc']) / c['ipc']:+.1f} %", flush=True)
    target = ("target for programs we did not write: mean ≤ 10 %" if args.section == "champsim-unseen"
              else "target: mean ≤ 5 %, all within 15 %")
    text = table(rows, args.warmup, args.instructions, args.note, target)
    print(text)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(rows, indent=1))
    if not args.no_write:
        write_between(ROOT / "docs" / "benchmarks.md", text, f"<!-- {args.section}:begin -->",
                      f"<!-- {args.section}:end -->", SECTION_HEADINGS.get(args.section, args.section))
    if args.ablation:
        ab = ablation(rows, traces, args.warmup, counts)
        ab += (f"\nSame traces and counts as the table above ({args.warmup:,} + {args.instructions}); "
               "each row switches one mechanism off in the default core (`ABLATIONS` in the script).\n")
        if not args.no_write:
            write_between(ROOT / "docs" / "benchmarks.md", ab, "<!-- champsim-ablation:begin -->",
                          "<!-- champsim-ablation:end -->", "### Each mechanism's effect (`--ablation`)")


if __name__ == "__main__":
    main()
