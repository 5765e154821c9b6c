#!/usr/bin/env python3
"""Benchmark: every search strategy at a fixed budget on the test split of designs/.

For each design and strategy: ADP reduction vs resyn2, wall time, and the ABC work done against a
naive replay of every evaluated recipe from the input. Writes its table into docs/benchmarks.md
between the `strategies` markers. The result cache is off, so every number is measured afresh.

    python bench/strategies.py [--budget 100] [--designs a,b] [--strategies mcts,sa] [--no-write]
    python bench/strategies.py --files DIR/*.v DIR/*.bench --section public   # circuits we did not write
    python bench/strategies.py --strategies mcts,sa --actions abc-rl,strong --mappings map,search --section matrix
    python bench/strategies.py --time 5 ...        # equal wall time per design instead of equal budget
    python bench/strategies.py --time 5 --jobs 1 --log /tmp/me/rank.jsonl ...   # resumable
    python bench/strategies.py --strategies mcts,sa --actions abc-rl,strong --mappings search --configs abcrl/abc-rl/search
    python bench/strategies.py --configs mcts/strong/search,mcts+stages=2+stage_share=0.6/strong/search  # strategy options

Each configuration is a (strategy, action set, mapping) triple; every combination of the given lists
is run. A strategy may carry keyword options after ``+`` (``mcts+stages=2+stage_share=0.6``: the
options of its class, e.g. synth.search.classic.MCTS; values are ints, floats, true/false or strings). The runs are interleaved per design (every configuration of design 1, then design 2, ...; the
order of the configurations reversed on every other design), so slow drifts of the machine's load
reach every configuration alike; the 1-minute load average at the start of each run is recorded. The
summary table has one row per configuration; with several strategies and action sets a second table
has the mean for each (strategy, action set). ``--log FILE`` appends every finished run as a JSON line
and a re-started bench takes the runs it finds there instead of repeating them.

ABC: the ``yosys-abc`` inside the pyosys wheel (the Python dependency, what a fresh clone and CI use),
not whatever ABC is first on PATH, unless ``--abc`` names one; the table records its version. Two ABC
builds give different QoR for the same recipe (a Debian ``berkeley-abc`` from 2022 on PATH shifted
every number of the seed-0 table), so a table is only reproducible with the ABC it names.

With --files, the circuits are taken as they are (top auto-detected) and the table goes into the
`public` section (or --section NAME); such files are never vendored into this repository.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from abc_bin import abc_version, find_abc, pyosys_dir  # noqa: E402
from bench.docsection import replace_section  # noqa: E402,F401  (also imported from here by other benches)
from edaflow.manifest import load_manifest  # noqa: E402
from synth.flow import SynthOptions, synthesize  # noqa: E402
from synth.evaluator import default_jobs  # noqa: E402
from synth.search import get_strategy, strategy_names  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
SECTION_TITLES = {
    "strategies": "Search strategies on our test designs (bench/strategies.py)",
    "public": "Search strategies on public circuits we did not write (bench/strategies.py --files)",
    "matrix": "Strategy x action set x mapping on our test designs, budget 100 (bench/strategies.py)",
    "matrix-mapping": "Mapping as a search choice on our test designs, budget 100 (bench/strategies.py --mappings)",
    "matrix-time": "Strategy x action set on our test designs, equal time, interleaved runs (bench/strategies.py --time)",
    "matrix-time-public": "Strategy x action set on held-out public circuits, equal time, interleaved runs (bench/strategies.py --time --files)",
    "default-test": "The default (mcts/strong/search) on all 10 test designs, budget 100 (bench/strategies.py)",
    "default-public": "The default (mcts/strong/search) on held-out public circuits, budget 100 (bench/strategies.py --files)",
    "default-public-large": "The default (mcts/strong/search) on the other public circuits, 160-2,340 ANDs, budget 100 (bench/strategies.py --files)",
    "default-public-xl": "The default (mcts/strong/search) on the large held-out circuits c7552 and EPFL bar, budget 100 (bench/strategies.py --files)",
    "matrix-public": "Strategy x action set x mapping on held-out public circuits, budget 100 (bench/strategies.py --files)",
    "matrix-public-rg": "random and greedy on held-out public circuits, budget 100, strong actions, mapping search (bench/strategies.py --files)",
    "matrix-time-rg": "random and greedy on our test designs, equal time, strong actions, mapping search (bench/strategies.py --time)",
    "matrix-rg": "random and greedy x action set on our test designs, budget 100, mapping search (bench/strategies.py)",
    "sop-train-s1": "strong vs strong-sop (+ &if -g) on the 33 train designs up to 3,000 ANDs, budget 100, seed 1 (bench/strategies.py)",
    "sop-train-s2": "strong vs strong-sop (+ &if -g) on the 33 train designs up to 3,000 ANDs, budget 100, seed 2 (bench/strategies.py)",
    "sop-test-s1": "strong vs strong-sop (+ &if -g) on the test split, budget 100, seed 1 (bench/strategies.py)",
    "sop-test-s2": "strong vs strong-sop (+ &if -g) on the test split, budget 100, seed 2 (bench/strategies.py)",
    "matrix-sop": "sa with strong-sop on the test split, budget 100, seed 1, beside mcts (bench/strategies.py)",
    "matrix-time-sop": "mcts and sa x strong, strong-sop on the test split, equal time (5 s), interleaved runs (bench/strategies.py --time)",
    "default-public-itc99": "The default (mcts/strong-sop/search) and the old default (mcts/strong/search) on the eleven reserved ITC-99 circuits, budget 100 (bench/strategies.py --files)",
}
# What a from-scratch evaluation costs besides the recipe: read, print_stats, map, print_stats.
NAIVE_OVERHEAD = 4


def bench_abc(explicit: str | None = None) -> str:
    """The ABC benchmarks measure with: ``explicit``, else the pyosys wheel's ``yosys-abc`` (pinned by
    the Python dependency), else edaflow's usual look-up."""
    if explicit:
        return explicit
    pkg = pyosys_dir()
    if pkg is not None and (pkg / "yosys-abc").is_file():
        return str(pkg / "yosys-abc")
    found = find_abc()
    if found is None:
        sys.exit("no ABC found")
    return str(found)


def load_log(path: str | None) -> dict[tuple[str, str], dict]:
    """Runs already finished, from a ``--log`` JSON-lines file: (design, configuration) -> row."""
    done: dict[tuple[str, str], dict] = {}
    if path and Path(path).exists():
        for line in Path(path).read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                done[(row["design"], row["config"])] = row
    return done


def parse_strategy_spec(spec: str) -> tuple[str, dict]:
    """``mcts+stages=2+stage_share=0.6`` -> ("mcts", {"stages": 2, "stage_share": 0.6})."""
    name, *opts = spec.split("+")
    options: dict = {}
    for opt in opts:
        key, sep, text = opt.partition("=")
        if not sep or not key:
            raise ValueError(f"strategy option {opt!r} of {spec!r} is not KEY=VALUE")
        value: object = text
        if text.lower() in ("true", "false"):
            value = text.lower() == "true"
        else:
            for conv in (int, float):
                try:
                    value = conv(text)
                    break
                except ValueError:
                    pass
        options[key] = value
    return name, options


def run_one(name: str, files: list[str], kwargs: dict, s: str, args, abc: str, tmp: str) -> dict:
    """One synthesis run of configuration ``s`` (strategy/actions/mapping) on one design -> a row."""
    spec, acts, mapping = (s.split("/") + ["abc-rl", "map"])[:3]
    strat, options = parse_strategy_spec(spec)
    load = os.getloadavg()[0]
    t0 = time.time()
    res = synthesize(SynthOptions(files=files, strategy=strat, action_set=acts, mapping=mapping,
                                  budget=None if args.time else args.budget, time_limit=args.time,
                                  jobs=args.jobs, seed=args.seed, abc_path=abc,
                                  outdir=f"{tmp}/{name}-{s.replace('/', '_')}", use_cache=False,
                                  strategy_options=options, **kwargs))
    dt = time.time() - t0
    r = res.report
    srch = r["search"]
    evals = srch["evaluations"] + 1  # + the resyn2 baseline
    recipe = r["best"]["recipe"] + ("" if r["mapping"] == "map" else f" | {r['mapping']}")
    return {
        "design": name, "config": s, "ands": r["design"]["and"], "red": r["improvement_pct"]["adp"],
        "recipe": recipe, "seconds": dt, "search_seconds": srch.get("strategy_seconds"),
        "steps_run": srch["steps_executed"], "steps_naive": srch["steps_naive_replay"],
        "cmds_run": srch["abc_commands_evaluating"],
        "cmds_naive": srch["steps_naive_replay"] + NAIVE_OVERHEAD * evals,
        "equivalence": r["equivalence"], "evaluations": srch["evaluations"], "load_start": load,
        "failed": srch.get("failed_evaluations"),
        "load_end": os.getloadavg()[0], "abc": abc_version(abc),
    }


def error_row(name: str, config: str, exc: BaseException) -> dict:
    """The row of a run that raised: reported in the table, left out of every mean."""
    msg = " ".join(f"{type(exc).__name__}: {exc}".split())
    return {"design": name, "config": config, "error": msg[:300], "load_start": os.getloadavg()[0]}


def _error_line(r: dict) -> str:
    """An error row in the per-design table's columns (the AND count and the figures left empty)."""
    return f"| {r['design']} | | {r['config']} | error: {r['error'].replace('|', '/')} | | | | | | |"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--designs", help="comma-separated design names (default: the test split)")
    ap.add_argument("--split", choices=("train", "test"), default="test", help="manifest split without --designs")
    ap.add_argument("--largest-first", action="store_true", help="run the designs by AND count, largest first")
    ap.add_argument("--strategies", default=",".join(strategy_names()))
    ap.add_argument("--actions", default="abc-rl", help="comma-separated action sets (each one a configuration)")
    ap.add_argument("--mappings", default="map", help="comma-separated --mapping values: map, search")
    ap.add_argument("--time", type=float, help="seconds of search per design (equal time) instead of --budget")
    ap.add_argument("--jobs", type=int, help="ABC sessions per search (default: the number of cores)")
    ap.add_argument("--files", nargs="+", help="circuits to use instead of the manifest (.v/.bench/.blif/.aig)")
    ap.add_argument("--section", help="docs/benchmarks.md section (default: strategies, or public with --files)")
    ap.add_argument("--no-write", action="store_true", help="print the table only")
    ap.add_argument("--configs", help="further strategy/actions/mapping configurations, comma-separated "
                    "(e.g. abcrl/abc-rl/search: the learned agent knows its own action set only)")
    ap.add_argument("--abc", help="ABC executable (default: the pyosys wheel's yosys-abc)")
    ap.add_argument("--log", help="JSON-lines file of finished runs: appended to, and re-used on a restart")
    args = ap.parse_args()

    if args.files:
        designs = [(Path(f).stem, [f], {}) for f in sorted(args.files)]
    else:
        entries = load_manifest(split=None if args.designs else args.split)
        if args.designs:
            wanted = set(args.designs.split(","))
            entries = [d for d in entries if d.name in wanted]
        if args.largest_first:
            entries = sorted(entries, key=lambda d: -(d.ands or 0))  # stable: ties keep manifest order
        designs = [(d.name, [str(f) for f in d.files], d.synth_kwargs()) for d in entries]
    section = args.section or ("public" if args.files else "strategies")
    strategies = [f"{s}/{a}/{m}" if (args.actions != "abc-rl" or args.mappings != "map") else s
                  for s in args.strategies.split(",") for a in args.actions.split(",") for m in args.mappings.split(",")]
    strategies += [c for c in (args.configs or "").split(",") if c and c not in strategies]
    abc = bench_abc(args.abc)
    specs = [parse_strategy_spec(c.split("/")[0]) for c in strategies]
    for strat, options in specs:  # a bad strategy option fails here, before any run
        get_strategy(strat, **options)
    if any(strat == "abcrl" for strat, _ in specs):
        import synth.agent  # noqa: F401  (torch: imported once here, not inside the first run's clock)
    done = load_log(args.log)
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        for k, (name, files, kwargs) in enumerate(designs):
            for s in (strategies if k % 2 == 0 else strategies[::-1]):
                row = done.get((name, s))
                if row is None:
                    try:
                        row = run_one(name, files, kwargs, s, args, abc, tmp)
                    except Exception as exc:  # one failing design is an error row; the rest still run
                        row = error_row(name, s, exc)
                    if args.log and "error" not in row:
                        with open(args.log, "a") as fh:
                            fh.write(json.dumps(row) + "\n")
                rows.append(row)
                if "error" in row:
                    print(f"{name:16s} {s:7s} ERROR {row['error']}", flush=True)
                    continue
                print(f"{name:16s} {s:7s} ADP {row['red']:+6.2f}%  {row['seconds']:6.1f}s  evals {row['evaluations']}  "
                      f"load {row['load_start']:.1f}  steps {row['steps_run']}/{row['steps_naive']}  "
                      f"{row['equivalence']}  {row['recipe']}", flush=True)
    order = {s: i for i, s in enumerate(strategies)}
    rows.sort(key=lambda r: ([d[0] for d in designs].index(r["design"]), order[r["config"]]))
    table = format_tables(rows, strategies, args, abc)
    print(table)
    if not args.no_write:
        replace_section(DOC, f"<!-- {section}:begin -->", f"<!-- {section}:end -->", table,
                        SECTION_TITLES.get(section, section))
        print(f"wrote {DOC}")
    return 1 if any("error" in r for r in rows) else 0


def format_tables(rows: list[dict], strategies: list[str], args, abc: str) -> str:
    """The per-design table, the per-configuration summary and (several strategies and action sets)
    the strategy x action set means."""
    limit = f"{args.time:g} s of search per design (equal time)" if args.time else f"Budget {args.budget} evaluations"
    jobs = args.jobs or default_jobs()
    errors = [r for r in rows if "error" in r]
    rows = [r for r in rows if "error" not in r]
    if not rows:
        return "\n".join(_error_line(r) for r in errors)
    loads = [r["load_start"] for r in rows]
    lines = [
        f"Configurations are strategy/action set/mapping (`--mapping search`: the best recipes re-mapped "
        f"with dch; map, dch -f; map, &nf, &dch; &nf). {jobs} ABC session(s) per search (`--jobs`). "
        f"Runs interleaved per design (all configurations of a design, then the next; the order reversed "
        f"on every other design); 1-minute load average at the start of the runs {min(loads):.1f}-{max(loads):.1f} "
        f"(mean {statistics.mean(loads):.1f}) on {os.cpu_count()} shared cores. ABC: `{Path(abc).name}` "
        f"{rows[0]['abc']} ({'the pyosys wheel' if 'site-packages' in abc else abc}).",
        "",
        f"{limit}, recipe length 10, seed {args.seed}, objective ADP, bundled "
        f"edaflow45 library, result cache off. Machine: {platform.machine()}, "
        f"{platform.python_implementation()} {platform.python_version()}; the runs took "
        f"{sum(r['seconds'] for r in rows):.0f} s in all, one at a time. "
        f"Every best netlist was proven equivalent (cec/dsec) before it was counted. "
        f"\"steps\" = optimisation commands run / what a naive replay of every evaluated recipe from the input "
        f"would run; \"ABC cmds\" = every command sent while evaluating recipes (reads, steps, writes of cached "
        f"prefixes, mapping, statistics; the resyn2 baseline included, the frontend and the equivalence checks "
        f"not) / a naive replay's (the recipe plus read, print_stats, map, print_stats per evaluation).",
        "",
        "| design | ANDs | strategy | ADP reduction vs resyn2 | time (s) | evaluations | load | steps run / naive | ABC cmds / naive | best recipe |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(f"| {r['design']} | {r['ands']} | {r['config']} | {r['red']:+.2f} % | {r['seconds']:.1f} | "
                     f"{r['evaluations']} | {r['load_start']:.1f} | {r['steps_run']} / {r['steps_naive']} | "
                     f"{r['cmds_run']} / {r['cmds_naive']} | `{r['recipe']}` |")
    for r in errors:
        lines.append(_error_line(r))
    if errors:
        lines += ["", f"{len(errors)} run(s) raised (error rows above); the means below leave them out."]
    lines += ["", "| strategy | mean ADP reduction | median | designs | total time (s) | mean evaluations | mean load | steps run / naive (ratio) | ABC cmds / naive (ratio) |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for s in strategies:
        mine = [r for r in rows if r["config"] == s]
        if not mine:
            continue
        reds = [r["red"] for r in mine]
        w = [sum(r[k] for r in mine) for k in ("steps_run", "steps_naive", "cmds_run", "cmds_naive")]
        lines.append(f"| {s} | {statistics.mean(reds):+.2f} % | {statistics.median(reds):+.2f} % | {len(mine)} | "
                     f"{sum(r['seconds'] for r in mine):.0f} | {statistics.mean(r['evaluations'] for r in mine):.0f} | "
                     f"{statistics.mean(r['load_start'] for r in mine):.1f} | {w[0]} / {w[1]} "
                     f"({w[1] / max(1, w[0]):.1f}x fewer) | {w[2]} / {w[3]} ({w[3] / max(1, w[2]):.1f}x fewer) |")
    lines += pivot_table(rows, strategies)
    return "\n".join(lines)


def pivot_table(rows: list[dict], strategies: list[str]) -> list[str]:
    """Mean ADP reduction per strategy (rows) x action set (columns), and the rank of each cell."""
    strats = list(dict.fromkeys(c.split("/")[0] for c in strategies))
    sets = list(dict.fromkeys((c.split("/") + ["abc-rl"])[1] for c in strategies))
    if len(strats) < 2 or len(sets) < 2:
        return []
    means = {}
    for c in strategies:
        reds = [r["red"] for r in rows if r["config"] == c]
        if reds:
            parts = c.split("/") + ["abc-rl"]
            means[(parts[0], parts[1])] = statistics.mean(reds)
    ranked = sorted(means, key=lambda k: -means[k])
    out = ["", "Mean ADP reduction vs resyn2 by strategy x action set (rank among all cells in brackets; "
           "blank: not run):", "",
           "| strategy | " + " | ".join(sets) + " |", "|---|" + "---:|" * len(sets)]
    for st in strats:
        cells = [f"{means[(st, a)]:+.2f} % ({ranked.index((st, a)) + 1})" if (st, a) in means else ""
                 for a in sets]
        out.append(f"| {st} | " + " | ".join(cells) + " |")
    return out


if __name__ == "__main__":
    sys.exit(main())
