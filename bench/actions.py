#!/usr/bin/env python3
"""Benchmark: what each registry action costs and earns, and how --jobs scales.

``cost`` (default): for every action of synth/actions.py, on a few training designs (never the test
split or held-out public circuits): seconds per 1,000 AND nodes (median of ``--repeats`` runs on the
input AIG), and the ADP change when the action is appended to resyn2 (resyn2; ACTION; map vs
resyn2; map) -- a cheap sign of whether it finds anything resyn2 does not. Also every mapping choice
of synth/evaluator.py after resyn2. Writes the `actions` section of docs/benchmarks.md.

``--jobs-scaling``: evaluations per second of the default search strategy with --jobs 1 and --jobs 2
on one 2,000-5,000-AND design, with the load average before and after (the machine is shared).
Writes the `jobs` section.

    python bench/actions.py [--designs alu32,sha256_round] [--repeats 3] [--no-write]
    python bench/actions.py --jobs-scaling [--design alu32] [--budget 60]
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

from abc_bin import bundled_library  # noqa: E402
from bench.strategies import DOC, replace_section  # noqa: E402
from edaflow.manifest import load_manifest  # noqa: E402
from synth.abc_session import AbcSession  # noqa: E402
from synth.actions import REGISTRY, command_of  # noqa: E402
from synth.evaluator import MAPPINGS, RecipeEvaluator  # noqa: E402
from synth.flow import SynthOptions, synthesize  # noqa: E402
from synth.frontend import load_design  # noqa: E402
from synth.qor import AigStats  # noqa: E402
from synth.recipes import Recipe  # noqa: E402

DEFAULT_DESIGNS = "ks_adder64,alu32,sha256_round,mac_pipe16"  # alu32 is in the test split: cost only


def _aigs(names: list[str], tmp: Path) -> list[tuple[str, Path, int]]:
    entries = {d.name: d for d in load_manifest(split=None)}
    out = []
    with AbcSession() as s:
        for n in names:
            d = entries[n]
            (tmp / n).mkdir(parents=True, exist_ok=True)
            design = load_design([str(f) for f in d.files], tmp / n, s, **d.synth_kwargs())
            out.append((n, design.aig_path, design.stats.ands))
    return out


def _time_action(session: AbcSession, aig: Path, name: str) -> float:
    session.run(f"read {aig}")
    t0 = time.perf_counter()
    for cmd in command_of(name).split(";"):
        session.run(cmd.strip(), 300)
    return time.perf_counter() - t0


def cost(args) -> str:
    names = args.designs.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        aigs = _aigs(names, Path(tmp))
        per_kand: dict[str, list[float]] = {a: [] for a in REGISTRY}
        gain: dict[str, list[float]] = {a: [] for a in list(REGISTRY) + [f"map:{m}" for m in MAPPINGS]}
        with AbcSession() as s:
            for n, aig, ands in aigs:
                for a in REGISTRY:
                    times = [_time_action(s, aig, a) for _ in range(args.repeats)]
                    per_kand[a].append(statistics.median(times) / ands * 1000)
                print(f"timed {n} ({ands} ANDs)", flush=True)
        lib = bundled_library()
        for n, aig, ands in aigs:
            if n in args.test_names:
                continue  # no quality figures from the test split
            ev = RecipeEvaluator(aig, lib, workdir=Path(tmp) / f"{n}-p")
            base = ev.evaluate(Recipe.standard("resyn2"))
            for a in REGISTRY:
                r = ev.evaluate(Recipe.standard("resyn2") + a)
                gain[a].append(100 * (r.qor.adp - base.qor.adp) / base.qor.adp if r.ok else float("nan"))
            for m in MAPPINGS:
                r = ev.evaluate(Recipe.standard("resyn2"), mapping=m)
                gain[f"map:{m}"].append(100 * (r.qor.adp - base.qor.adp) / base.qor.adp if r.ok else float("nan"))
            ev.close()
            print(f"measured gains on {n}", flush=True)
    load = os.getloadavg()
    gdesigns = [n for n in names if n not in args.test_names]
    lines = [
        f"Seconds per 1,000 AND nodes: median of {args.repeats} runs of the action on the input AIG of "
        f"{', '.join(f'{n} ({a})' for n, _, a in aigs)}; the figure is the mean over the designs (max in "
        f"brackets). ADP change: `resyn2; ACTION; map` (or resyn2 then the mapping) vs `resyn2; map`, mean "
        f"over {', '.join(gdesigns)} (training designs only), bundled edaflow45 library; negative is better. "
        f"Load average at the end {load[0]:.1f} on {os.cpu_count()} cores (the machine is shared, so times "
        f"are upper bounds).",
        "",
        "| action | family | s per 1k ANDs (measured) | registry cost model | ADP change after resyn2 |",
        "|---|---|---:|---:|---:|",
    ]
    for a, act in REGISTRY.items():
        pk = per_kand[a]
        g = [x for x in gain[a] if x == x]
        gtxt = f"{statistics.mean(g):+.2f} %" if g else "failed"
        lines.append(f"| `{a}` | {act.family} | {statistics.mean(pk):.3f} ({max(pk):.3f}) | {act.sec_per_kand:.3f} | {gtxt} |")
    lines += ["", "| mapping | ADP change vs `map` after resyn2 |", "|---|---:|"]
    for m in MAPPINGS:
        g = [x for x in gain[f"map:{m}"] if x == x]
        lines.append(f"| `{m}` | {statistics.mean(g):+.2f} % |" if g else f"| `{m}` | failed |")
    return "\n".join(lines)


def jobs_scaling(args) -> str:
    entries = {d.name: d for d in load_manifest(split=None)}
    d = entries[args.design]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for rep in range(args.rounds):
            for jobs in (1, 2):
                la = os.getloadavg()[0]
                res = synthesize(SynthOptions(files=[str(f) for f in d.files], budget=args.budget, jobs=jobs,
                                              strategy="mcts", action_set="abc-rl", mapping="map",
                                              seed=1, outdir=f"{tmp}/{rep}-{jobs}", use_cache=False,
                                              **d.synth_kwargs()))
                srch = res.report["search"]
                rate = srch["evaluations"] / srch["strategy_seconds"]
                rows.append((rep, jobs, srch["evaluations"], srch["strategy_seconds"], rate, la, os.getloadavg()[0],
                             res.report["improvement_pct"]["adp"]))
                print(rows[-1], flush=True)
    lines = [
        f"`edaflow synth designs/{args.design}.v --budget {args.budget} --jobs N --seed 1 --strategy mcts --actions abc-rl "
        f"--mapping map` (the table's configuration, result cache off), {res.report['design']['and']} AND nodes; evaluations per second of the "
        f"search phase. The machine has {os.cpu_count()} cores shared with other engineers' jobs: the load "
        f"average (1 min) before and after each run is shown, and speed-ups measured under load are not what "
        f"an idle machine gives.",
        "",
        "| round | jobs | evaluations | search s | evaluations/s | load before | load after | ADP vs resyn2 |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for rep, jobs, n, sec, rate, la, lb, red in rows:
        lines.append(f"| {rep + 1} | {jobs} | {n} | {sec:.2f} | {rate:.1f} | {la:.1f} | {lb:.1f} | {red:+.2f} % |")
    r1 = [r[4] for r in rows if r[1] == 1]
    r2 = [r[4] for r in rows if r[1] == 2]
    ratio = statistics.mean(r2) / statistics.mean(r1)
    lines += ["", f"Speed-up of --jobs 2 over --jobs 1 (mean evaluations/s): **{ratio:.2f}x** "
                  f"(best round {max(b / a for a, b in zip(r1, r2)):.2f}x)."]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--designs", default=DEFAULT_DESIGNS)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--jobs-scaling", action="store_true")
    ap.add_argument("--design", default="alu32")
    ap.add_argument("--budget", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    args.test_names = {d.name for d in load_manifest(split="test")}
    if args.jobs_scaling:
        table, section, title = jobs_scaling(args), "jobs", "Parallel evaluation: --jobs scaling (bench/actions.py --jobs-scaling)"
    else:
        table, section, title = cost(args), "actions", "Action costs and gains (bench/actions.py)"
    print(table)
    if not args.no_write:
        replace_section(DOC, f"<!-- {section}:begin -->", f"<!-- {section}:end -->", table, title)
        print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
