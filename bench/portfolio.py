#!/usr/bin/env python3
"""Benchmark: edaflow's default search at a wall-clock budget vs ABC's own flows at the same time.

For every design: the AIG from edaflow's frontend; ABC's flows on it in one ABC session, each ending
in technology mapping with the bundled edaflow45 library (or --liberty/--genlib), every mapped result
checked with ``cec`` against the input:

- ``resyn2; map`` (the reference of every ADP figure)
- ``compress2rs; compress2rs; map``
- ``resyn2; dch; map``
- ``compress2rs; compress2rs; dch; map``
- ``&deepsyn -T T; map`` (T = the search time given to edaflow; ``compress2rs``, which ``&deepsyn``
  calls, is defined in the session as abc.rc defines it: the wheel's ABC ships no abc.rc)
- the best of these per design (the time column is then the sum of the flows' times)

and ``edaflow synth`` with the CLI's default settings (``CLI_DEFAULTS``; ``--jobs`` = cores) and ``--time T`` (its own equivalence checks pass or it
fails). Writes the `portfolio` (or --section) table of docs/benchmarks.md.

    python bench/portfolio.py [--time 10] [--jobs 1] [--designs a,b]            # our test split
    python bench/portfolio.py --files /tmp/public/epfl/*.v --section portfolio-public

ABC (flows and edaflow alike): the pyosys wheel's ``yosys-abc`` unless ``--abc`` names one
(``bench.strategies.bench_abc``); the table names its version. ``--jobs``: edaflow's ABC sessions
(default: the number of cores, as the CLI; the ABC flows use one).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from abc_bin import bundled_library, load_library  # noqa: E402
from abc_bin import abc_version  # noqa: E402
from bench.strategies import DOC, bench_abc, replace_section  # noqa: E402
from edaflow.manifest import load_manifest  # noqa: E402
from synth.abc_session import AbcError, AbcSession  # noqa: E402
from synth.equivalence import Verdict, check_equivalence  # noqa: E402
from synth.flow import SynthOptions, synthesize  # noqa: E402
from synth.frontend import load_design  # noqa: E402
from synth.qor import MappedStats  # noqa: E402
from synth.recipes import STANDARD_SCRIPTS  # noqa: E402
from synth.search import CLI_DEFAULTS  # noqa: E402

RESYN2 = "; ".join(STANDARD_SCRIPTS["resyn2"])
C2RS = "; ".join(STANDARD_SCRIPTS["compress2rs"])
ALIAS = f'alias compress2rs "{C2RS}"'


def flows(t: float) -> dict[str, str]:
    return {
        "resyn2": f"{RESYN2}; map",
        "compress2rs x2": f"{C2RS}; {C2RS}; map",
        "resyn2; dch; map": f"{RESYN2}; dch; map",
        "compress2rs x2; dch; map": f"{C2RS}; {C2RS}; dch; map",
        f"&deepsyn -T {t:g}; map": f"&get -n; &deepsyn -T {t:g}; &put; map",
    }


def run_flow(session: AbcSession, aig: Path, script: str, liberty: bool, t: float,
             sequential: bool = False) -> tuple[float, float, float, str]:
    """(area, delay, seconds, verdict) of one flow on ``aig``. Sequential designs: the flows rewrite
    only the logic between registers, so ``cec`` with the registers as cut points (then ``dsec``)
    decides, as for edaflow's own results."""
    t0 = time.perf_counter()
    session.run(f"read {aig}")
    for cmd in script.split(";"):
        session.run(cmd.strip(), timeout=max(120.0, 4 * t))
    if liberty:
        session.run("topo")
        stats = MappedStats.parse_stime(session.run("stime"))
    else:
        stats = MappedStats.parse_print_stats(session.run("print_stats"))
    dt = time.perf_counter() - t0
    eq = check_equivalence(session, str(aig), None, sequential=sequential)
    return stats.area, stats.delay, dt, eq.verdict.value


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time", type=float, default=10.0, help="search seconds for edaflow and &deepsyn -T")
    ap.add_argument("--designs", help="comma-separated manifest designs (default: the test split)")
    ap.add_argument("--files", nargs="+", help="circuits to use instead of the manifest")
    ap.add_argument("--liberty", help="Liberty library (default: the bundled genlib)")
    ap.add_argument("--genlib")
    ap.add_argument("--section", help="docs/benchmarks.md section (default: portfolio, or portfolio-public with --files)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--abc", help="ABC executable (default: the pyosys wheel's yosys-abc)")
    ap.add_argument("--jobs", type=int, help="edaflow's ABC sessions (default: the number of cores)")
    args = ap.parse_args()
    abc = bench_abc(args.abc)
    library = (load_library(args.liberty, "liberty") if args.liberty else
               load_library(args.genlib, "genlib") if args.genlib else bundled_library())
    if args.files:
        designs = [(Path(f).stem, [f], {}) for f in sorted(args.files)]
    else:
        entries = load_manifest(split=None if args.designs else "test")
        if args.designs:
            entries = [d for d in entries if d.name in set(args.designs.split(","))]
        designs = [(d.name, [str(f) for f in d.files], d.synth_kwargs()) for d in entries]
    section = args.section or ("portfolio-public" if args.files else "portfolio")
    fl = flows(args.time)
    names = list(fl) + ["best ABC flow", "edaflow"]
    rows, reds, loads = [], {n: [] for n in names}, [os.getloadavg()[0]]
    secs = {n: [] for n in names}
    with tempfile.TemporaryDirectory() as tmp, AbcSession(abc, setup=[library.abc_load_command(), ALIAS]) as s:
        for name, files, kwargs in designs:
            wd = Path(tmp) / name
            wd.mkdir()
            design = load_design(files, wd, s, **kwargs)
            res = {}
            for fname, script in fl.items():
                try:
                    res[fname] = run_flow(s, design.aig_path, script, library.kind == "liberty", args.time,
                                          design.sequential)
                except AbcError as exc:
                    print(f"{name} {fname}: failed: {exc}", flush=True)
            base = res["resyn2"][0] * res["resyn2"][1]
            cells = {}
            for fname, (area, delay, dt, verdict) in res.items():
                red = 100 * (base - area * delay) / base
                cells[fname] = (red, dt, verdict)
            ok = {k: v for k, v in cells.items() if v[2] == Verdict.EQUIVALENT.value}
            best_name = max(ok, key=lambda k: ok[k][0])
            cells["best ABC flow"] = (ok[best_name][0], sum(v[1] for v in cells.values()), f"equivalent ({best_name})")
            t0 = time.perf_counter()
            rep = synthesize(SynthOptions(files=files, budget=None, time_limit=args.time, seed=args.seed,
                                          strategy=CLI_DEFAULTS["strategy"], action_set=CLI_DEFAULTS["actions"],
                                          mapping=CLI_DEFAULTS["mapping"], jobs=args.jobs, abc_path=abc,
                                          library=library, outdir=str(wd / "edaflow"), use_cache=False,
                                          **kwargs)).report
            cells["edaflow"] = (rep["improvement_pct"]["adp"], time.perf_counter() - t0,
                                f"{rep['equivalence']} ({rep['search']['evaluations']} evals, {rep['strategy']}/"
                                f"{len(rep['action_set'])} actions/{rep['mapping']})")
            for n, (red, dt, _) in cells.items():
                reds[n].append(red)
                secs[n].append(dt)
            loads.append(os.getloadavg()[0])
            rows.append((name, design.stats.ands, cells))
            print(name, design.stats.ands, {k: (round(v[0], 2), round(v[1], 1)) for k, v in cells.items()}, flush=True)
    lines = [
        f"ADP reduction vs `resyn2; map` (positive is better) and wall time in seconds per design. edaflow: "
        f"`edaflow synth` with default settings and `--time {args.time:g}` (the time column is the whole run: "
        f"frontend, baseline, search, equivalence checks and writing). ABC flows run on the same AIG in one "
        f"session; every result checked with `cec`. Library: {library.path.name} ({library.kind}). ABC: "
        f"`{Path(abc).name}` {abc_version(abc)} ({'the pyosys wheel' if 'site-packages' in abc else abc}); "
        f"edaflow with {args.jobs or 'one per core'} ABC session(s). 1-minute load average "
        f"{min(loads):.1f}-{max(loads):.1f} (start and after each design) on {os.cpu_count()} shared cores.",
        "",
        "| design | ANDs | " + " | ".join(names) + " |",
        "|---|---:|" + "---:|" * len(names),
    ]
    for name, ands, cells in rows:
        lines.append(f"| {name} | {ands} | " + " | ".join(
            f"{cells[n][0]:+.2f} % ({cells[n][1]:.1f} s)" if n in cells else "failed" for n in names) + " |")
    if rows:
        lines.append("| **mean** | | " + " | ".join(
            f"**{statistics.mean(reds[n]):+.2f} %** ({statistics.mean(secs[n]):.1f} s)" if reds[n] else "" for n in names)
            + " |")
        wins = sum(1 for _, _, c in rows if c["edaflow"][0] >= c["best ABC flow"][0])
        lines += ["", f"edaflow at least as good as the best ABC flow on {wins} of {len(rows)} designs."]
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        replace_section(DOC, f"<!-- {section}:begin -->", f"<!-- {section}:end -->", table,
                        "Portfolio: edaflow vs ABC's own flows at equal time (bench/portfolio.py)"
                        + (" on held-out public circuits" if args.files else ""))
        print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
