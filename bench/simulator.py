"""Simulator speed and IPC on synthetic traces (and any ChampSim traces given), default core.

    python bench/simulator.py                       # synthetic traces of 4 M records each
    python bench/simulator.py --records 5000000 some.champsimtrace.xz ...
    python bench/simulator.py --no-write            # print the table only

Each trace is written as .champsimtrace.xz and simulated twice: in-process through
`ipc_predict.simulator.simulate` (numba already warm), and end to end through the CLI
(`python -m edaflow.cli ipc sim TRACE --json`, a fresh process: interpreter and numba start-up,
loading the cached machine code, xz decoding and simulation). Both wall-clock and CPU time are
reported: the machine may be shared, and CPU seconds (all threads) say what one core sustains.
The table goes into docs/benchmarks.md between `<!-- simulator:begin -->` and `<!-- simulator:end -->`
(only that part of the file is touched), and into the same markers in docs/simulator.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.docsection import replace_section  # noqa: E402
from ipc_predict import microbench as mb  # noqa: E402
from ipc_predict.simulator import Simulator, simulate  # noqa: E402
from ipc_predict.traces import write_trace  # noqa: E402

BEGIN, END = "<!-- simulator:begin -->", "<!-- simulator:end -->"

WORKLOADS = {
    "mixed, 1 MiB working set": lambda n: mb.mixed(n, working_set=1 << 20),
    "mixed, 64 KiB working set": lambda n: mb.mixed(n, working_set=64 << 10, seed=1),
    "pointer chase, 64 MiB (+3 ops/load)": lambda n: mb.pointer_chase(n // 4, 64 << 20, filler=3),
    "random branches (1 in 8)": lambda n: mb.branches(n // 8, "random"),
    "streaming loads (+2 ops/load)": lambda n: mb.streaming_loads(n // 4, filler=2),
    "independent ALU ops": lambda n: mb.independent_ops(n),
}


def _cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def measure(name: str, path: Path) -> dict:
    c0, w0 = _cpu_self(), time.perf_counter()
    res = simulate(path)
    wall, cpu = time.perf_counter() - w0, _cpu_self() - c0
    n = res.instructions
    c1, w1 = _cpu_children(), time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "edaflow.cli", "ipc", "sim", str(path), "--json"],
                          capture_output=True, text=True, cwd=ROOT)
    cli_wall, cli_cpu = time.perf_counter() - w1, _cpu_children() - c1
    if proc.returncode != 0:
        raise SystemExit(f"CLI failed on {path}: {proc.stderr.strip()}")
    out = json.loads(proc.stdout)
    assert out["cycles"] == res.cycles, "CLI and library disagree"
    return {
        "name": name, "records": n, "ipc": res.ipc, "l1d": res.mpki["L1D"], "llc": res.mpki["LLC"],
        "bmpki": res.branch_mpki, "lib_wall": n / wall / 1e6, "lib_cpu": n / cpu / 1e6,
        "cli_wall": n / cli_wall / 1e6, "cli_cpu": n / cli_cpu / 1e6, "cli_seconds": cli_wall,
    }


def table(rows: list[dict], header: str) -> str:
    lines = [
        header,
        "",
        "| trace | records | IPC | L1D MPKI | LLC MPKI | branch MPKI | library MIPS (wall / CPU) "
        "| CLI end-to-end MIPS (wall / CPU) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['name']} | {r['records']:,} | {r['ipc']:.3f} | {r['l1d']:.1f} | {r['llc']:.1f} | "
            f"{r['bmpki']:.1f} | {r['lib_wall']:.2f} / {r['lib_cpu']:.2f} | "
            f"{r['cli_wall']:.2f} / {r['cli_cpu']:.2f} |"
        )
    return "\n".join(lines)


def write_section(doc: Path, body: str) -> None:
    """Replace only the text between our markers (another benchmark owns the rest of the file)."""
    replace_section(doc, BEGIN, END, body, "Simulator")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("traces", nargs="*", type=Path, help="extra ChampSim traces (.champsimtrace.xz)")
    ap.add_argument("--records", type=int, default=4_000_000, help="records per synthetic trace")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    ap.add_argument("--no-write", action="store_true", help="print the table, do not touch --out")
    args = ap.parse_args()

    # Compile / load the kernels once so that in-process numbers are steady-state.
    sim = Simulator()
    sim.warm(mb.mixed(1000))
    sim.run(mb.mixed(1000))

    load_before = os.getloadavg()
    rows = []
    with tempfile.TemporaryDirectory(prefix="edaflow-simbench-") as tmp:
        for name, make in WORKLOADS.items():
            path = Path(tmp) / f"synthetic_{len(rows)}.champsimtrace.xz"
            write_trace(path, make(args.records))
            rows.append(measure(name, path))
            print(f"{name:40s} IPC {rows[-1]['ipc']:.3f}  CLI {rows[-1]['cli_wall']:.2f} MIPS wall, "
                  f"{rows[-1]['cli_cpu']:.2f} MIPS per CPU-second", flush=True)
        for p in args.traces:
            rows.append(measure(p.name, p))
            print(f"{p.name:40s} IPC {rows[-1]['ipc']:.3f}  CLI {rows[-1]['cli_wall']:.2f} MIPS", flush=True)
    load_after = os.getloadavg()

    import numba
    header = (
        f"Default core (ChampSim-like), no warm-up, traces stored as `.champsimtrace.xz` (xz -1). "
        f"Measured {time.strftime('%Y-%m-%d')} on {_cpu_model()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, numba {numba.__version__}; 1-minute load average "
        f"{load_before[0]:.1f} before and {load_after[0]:.1f} after (the machine is shared, so wall-clock "
        "figures vary with other work). *Library*: `simulate(path)` in a warm process (xz decoding on a "
        "second thread overlaps the simulation). *CLI*: `python -m edaflow.cli ipc sim TRACE --json` in a "
        "fresh process, including start-up (importing edaflow.cli and numba, loading the cached machine code; about 2.5 s when this table was measured, when edaflow.cli still imported torch, about 1 s since commit c342449). "
        "MIPS = simulated instructions per second, wall-clock / per CPU-second of all threads."
    )
    body = table(rows, header)
    print()
    print(body)
    if not args.no_write:
        write_section(args.out, body)
        print(f"\nwrote {args.out}")
        own = ROOT / "docs" / "simulator.md"  # its "Speed" section carries the same table
        if own.exists() and BEGIN in own.read_text(encoding="utf-8"):
            write_section(own, body)
            print(f"wrote {own}")


if __name__ == "__main__":
    main()
