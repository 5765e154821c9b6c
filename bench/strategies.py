#!/usr/bin/env python3
"""Benchmark: every search strategy at a fixed budget on the test split of designs/.

For each design and strategy: ADP reduction vs resyn2, wall time, and the ABC work done against a
naive replay of every evaluated recipe from the input. Writes its table into docs/benchmarks.md
between the `strategies` markers. The result cache is off, so every number is measured afresh.

    python bench/strategies.py [--budget 100] [--designs a,b] [--strategies mcts,sa] [--no-write]
    python bench/strategies.py --files DIR/*.v DIR/*.bench --section public   # circuits we did not write
    python bench/strategies.py --strategies mcts,sa --actions abc-rl,strong --mappings map,search --section matrix
    python bench/strategies.py --time 5 ...        # equal wall time per design instead of equal budget

Each configuration is a (strategy, action set, mapping) triple; every combination of the given lists
is run. The summary table has one row per configuration.

With --files, the circuits are taken as they are (top auto-detected) and the table goes into the
`public` section (or --section NAME); such files are never vendored into this repository.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.docsection import replace_section  # noqa: E402,F401  (also imported from here by other benches)
from edaflow.manifest import load_manifest  # noqa: E402
from synth.flow import SynthOptions, synthesize  # noqa: E402
from synth.evaluator import default_jobs  # noqa: E402
from synth.search import strategy_names  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
SECTION_TITLES = {
    "strategies": "Search strategies on our test designs (bench/strategies.py)",
    "public": "Search strategies on public circuits we did not write (bench/strategies.py --files)",
    "matrix": "Strategy x action set x mapping on our test designs, budget 100 (bench/strategies.py)",
    "matrix-mapping": "Mapping as a search choice on our test designs, budget 100 (bench/strategies.py --mappings)",
    "matrix-time": "Strategy x action set x mapping on our test designs, equal time (bench/strategies.py --time)",
    "matrix-public": "Strategy x action set x mapping on held-out public circuits, budget 100 (bench/strategies.py --files)",
    "matrix-public-rg": "random and greedy on held-out public circuits, budget 100, strong actions, mapping search (bench/strategies.py --files)",
    "matrix-time-rg": "random and greedy on our test designs, equal time, strong actions, mapping search (bench/strategies.py --time)",
    "matrix-rg": "random and greedy x action set on our test designs, budget 100, mapping search (bench/strategies.py)",
}
# What a from-scratch evaluation costs besides the recipe: read, print_stats, map, print_stats.
NAIVE_OVERHEAD = 4


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--designs", help="comma-separated design names (default: the test split)")
    ap.add_argument("--strategies", default=",".join(strategy_names()))
    ap.add_argument("--actions", default="abc-rl", help="comma-separated action sets (each one a configuration)")
    ap.add_argument("--mappings", default="map", help="comma-separated --mapping values: map, search")
    ap.add_argument("--time", type=float, help="seconds of search per design (equal time) instead of --budget")
    ap.add_argument("--jobs", type=int, help="ABC sessions per search (default: the number of cores)")
    ap.add_argument("--files", nargs="+", help="circuits to use instead of the manifest (.v/.bench/.blif/.aig)")
    ap.add_argument("--section", help="docs/benchmarks.md section (default: strategies, or public with --files)")
    ap.add_argument("--no-write", action="store_true", help="print the table only")
    args = ap.parse_args()

    if args.files:
        designs = [(Path(f).stem, [f], {}) for f in sorted(args.files)]
    else:
        entries = load_manifest(split=None if args.designs else "test")
        if args.designs:
            wanted = set(args.designs.split(","))
            entries = [d for d in entries if d.name in wanted]
        designs = [(d.name, [str(f) for f in d.files], d.synth_kwargs()) for d in entries]
    section = args.section or ("public" if args.files else "strategies")
    strategies = [f"{s}/{a}/{m}" if (args.actions != "abc-rl" or args.mappings != "map") else s
                  for s in args.strategies.split(",") for a in args.actions.split(",") for m in args.mappings.split(",")]
    rows, per_strategy = [], {s: [] for s in strategies}
    work = {s: [0, 0, 0, 0] for s in strategies}  # steps run, steps naive, cmds run, cmds naive
    secs = {s: 0.0 for s in strategies}
    evals_used = {s: [] for s in strategies}
    t_all = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        for name, files, kwargs in designs:
            for s in strategies:
                t0 = time.time()
                strat, acts, mapping = (s.split("/") + ["abc-rl", "map"])[:3]
                res = synthesize(SynthOptions(files=files, strategy=strat, action_set=acts, mapping=mapping,
                                              budget=None if args.time else args.budget, time_limit=args.time,
                                              jobs=args.jobs, seed=args.seed,
                                              outdir=f"{tmp}/{name}-{s.replace('/', '_')}", use_cache=False,
                                              **kwargs))
                dt = time.time() - t0
                r = res.report
                srch = r["search"]
                evals = srch["evaluations"] + 1  # + the resyn2 baseline
                naive_cmds = srch["steps_naive_replay"] + NAIVE_OVERHEAD * evals
                red = r["improvement_pct"]["adp"]
                per_strategy[s].append(red)
                w = work[s]
                w[0] += srch["steps_executed"]; w[1] += srch["steps_naive_replay"]
                w[2] += srch["abc_commands_evaluating"]; w[3] += naive_cmds
                secs[s] += dt
                recipe = r["best"]["recipe"] + ("" if r["mapping"] == "map" else f" | {r['mapping']}")
                rows.append((name, r["design"]["and"], s, red, recipe, dt, srch["steps_executed"],
                             srch["steps_naive_replay"], srch["abc_commands_evaluating"], naive_cmds, r["equivalence"]))
                evals_used[s].append(srch["evaluations"])
                print(f"{name:16s} {s:7s} ADP {red:+6.2f}%  {dt:6.1f}s  evals {srch['evaluations']}  steps "
                      f"{srch['steps_executed']}/{srch['steps_naive_replay']}  {r['equivalence']}  {recipe}", flush=True)

    limit = f"{args.time:g} s of search per design (equal time)" if args.time else f"Budget {args.budget} evaluations"
    jobs = args.jobs or default_jobs()
    lines = [
        f"Configurations are strategy/action set/mapping (`--mapping search`: the best recipes re-mapped "
        f"with dch; map, dch -f; map, &nf, &dch; &nf). {jobs} ABC session(s) per search (`--jobs`); load "
        f"average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} shared cores.",
        "",
        f"{limit}, recipe length 10, seed {args.seed}, objective ADP, bundled "
        f"edaflow45 library, result cache off. Machine: {platform.machine()}, "
        f"{platform.python_implementation()} {platform.python_version()}; total {time.time() - t_all:.0f} s. "
        f"Every best netlist was proven equivalent (cec/dsec) before it was counted. "
        f"\"steps\" = optimisation commands run / what a naive replay of every evaluated recipe from the input "
        f"would run; \"ABC cmds\" = every command sent while evaluating recipes (reads, steps, writes of cached "
        f"prefixes, mapping, statistics; the resyn2 baseline included, the frontend and the equivalence checks "
        f"not) / a naive replay's (the recipe plus read, print_stats, map, print_stats per evaluation).",
        "",
        "| design | ANDs | strategy | ADP reduction vs resyn2 | time (s) | steps run / naive | ABC cmds / naive | best recipe |",
        "|---|---:|---|---:|---:|---:|---:|---|",
    ]
    for name, ands, s, red, recipe, dt, se, sn, ce, cn, eq in rows:
        lines.append(f"| {name} | {ands} | {s} | {red:+.2f} % | {dt:.1f} | {se} / {sn} | {ce} / {cn} | `{recipe}` |")
    lines += ["", "| strategy | mean ADP reduction | designs | total time (s) | mean evaluations | steps run / naive (ratio) | ABC cmds / naive (ratio) |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for s in strategies:
        w = work[s]
        mean = statistics.mean(per_strategy[s]) if per_strategy[s] else 0.0
        ev_mean = statistics.mean(evals_used[s]) if evals_used[s] else 0
        lines.append(f"| {s} | {mean:+.2f} % | {len(per_strategy[s])} | {secs[s]:.0f} | {ev_mean:.0f} | {w[0]} / {w[1]} "
                     f"({w[1] / max(1, w[0]):.1f}x fewer) | {w[2]} / {w[3]} ({w[3] / max(1, w[2]):.1f}x fewer) |")
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        replace_section(DOC, f"<!-- {section}:begin -->", f"<!-- {section}:end -->", table,
                        SECTION_TITLES.get(section, section))
        print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
