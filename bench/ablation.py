#!/usr/bin/env python3
"""Benchmark: the learned agent (abcrl) against classic search at equal budget, on held-out designs.

Configurations (same action set and mapping choice for every row — by default the CLI's `--actions
strong --mapping search` —, recipe length 10, one ABC session, result cache off): resyn2 (the
baseline), mcts, sa, abcrl (retrieval α and warm starts), abcrl with α fixed at 1, abcrl with α fixed
at 0 (no prior: exactly mcts, plus the warm starts), abcrl without warm starts. For each design: ADP
reduction vs resyn2 per configuration, wall time, and the iso-QoR budget: how many evaluations abcrl
needed to reach the best classic strategy's ADP. With mapping search the iso-QoR count compares the
search phase (recipes mapped with the default `map`), since the re-mapping of the best recipes
happens only in the last 10 % of any budget. `--time SECONDS` runs every configuration for that wall
time instead of a budget (equal time; sections `ablation-time`, `ablation-time-public`).

Designs: the test split of designs/ (never trained on) up to --max-ands AND nodes, and with --public
the circuits of /tmp/public/manifest.toml (third-party, never trained or tuned on; not vendored).
Results are kept in a JSON file (--results) keyed by design, configuration, budget, seed and
checkpoint, so an interrupted run continues; the tables go into docs/benchmarks.md between the
`ablation` / `ablation-public` markers.

    python bench/ablation.py [--budget 100 | --time S] [--designs a,b] [--public] [--configs mcts,sa,abcrl]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.strategies import replace_section  # noqa: E402
from edaflow.manifest import load_manifest  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
CONFIGS = {
    "mcts": {},
    "sa": {},
    "abcrl": {},
    "abcrl α=1": {"alpha": 1.0},
    "abcrl α=0": {"alpha": 0.0},
    "abcrl no warm": {"warm_starts": 0},
}
CLASSIC = ("mcts", "sa")


def _strategy(config: str):
    from synth.search import get_strategy
    from synth.search.abcrl import AbcRL

    if config.startswith("abcrl"):
        return AbcRL(**CONFIGS[config])
    return get_strategy(config)


def _aigs(args) -> list[tuple[str, Path, str]]:
    """(name, AIG, group) for the designs to run."""
    from synth.abc_session import AbcSession
    from synth.agent.designs import design_aig

    out = []
    folder = Path(args.aig_dir)
    entries = load_manifest(split="test")
    if args.designs:
        want = args.designs.split(",")
        entries = [e for e in entries if e.name in want]
    entries = [e for e in entries if e.ands is None or e.ands <= args.max_ands]
    session = AbcSession()
    session.start()
    try:
        for e in entries:
            out.append((e.name, design_aig(e, folder, session), "test"))
        if args.public:
            for e in _public_entries(Path(args.public_manifest)):
                if (e.ands is None or e.ands <= args.max_ands) and (not args.public_designs
                                                                      or e.name in args.public_designs.split(",")):
                    try:
                        out.append((e.name, design_aig(e, folder, session), "public"))
                    except Exception as exc:  # noqa: BLE001  (a third-party file that does not parse)
                        print(f"skipping {e.name}: {exc}", file=sys.stderr)
    finally:
        session.close()
    return out


def _public_entries(path: Path):
    """The public manifest's designs (it has no split/category fields, so it is read here)."""
    import tomllib

    from edaflow.manifest import DesignEntry

    data = tomllib.loads(path.read_text())
    return [DesignEntry(name=d["name"], files=tuple(path.parent / f for f in d["files"]), top=d.get("top"),
                        include_dirs=tuple(path.parent / x for x in d.get("include_dirs", [])),
                        params=dict(d.get("params", {})), split="public", ands=d.get("ands"))
            for d in data.get("design", [])]


def run_one(aig: Path, config: str, budget: int, seed: int, actions: str = "strong", mapping: str = "search",
            time_limit: float | None = None) -> dict:
    from synth.actions import action_set
    from synth.agent.runs import run_strategy
    from synth.evaluator import DEFAULT_MAPPING

    strat = _strategy(config)
    t0 = time.perf_counter()
    ctx = run_strategy(aig, strat, budget=budget, seed=seed, action_set=action_set(actions), mapping=mapping,
                       time_limit=time_limit)
    secs = time.perf_counter() - t0
    base = ctx.baseline.qor.adp
    traj, traj_map, best, best_map = [], [], float("inf"), float("inf")
    for ev in ctx.history:
        if ev.ok:
            best = min(best, ev.qor.adp)
            if ev.mapping == DEFAULT_MAPPING:
                best_map = min(best_map, ev.qor.adp)
        traj.append(best)
        traj_map.append(best_map)
    return {"baseline_adp": base, "best_adp": ctx.best.qor.adp, "best_recipe": str(ctx.best.recipe),
            "best_mapping": ctx.best.mapping, "best_map_adp": best_map,
            "reduction_pct": 100.0 * (base - ctx.best.qor.adp) / base, "seconds": round(secs, 2),
            "evaluations": ctx.used, "trajectory": traj, "trajectory_map": traj_map,
            **getattr(strat, "report_extra", {})}


def _suggest_timing(aigs: list[Path]) -> str:
    """Seconds for RecipeRecommender.suggest(aig, k=5) on every design (after one load), and for the load."""
    from edaflow import RecipeRecommender

    t0 = time.perf_counter()
    rec = RecipeRecommender.load()
    load_s = time.perf_counter() - t0
    times = []
    for aig in aigs:
        t = time.perf_counter()
        rec.suggest(aig, k=5)
        times.append(time.perf_counter() - t)
    return (f"\n`RecipeRecommender.suggest(aig, k=5)` on these {len(times)} designs: median {statistics.median(times):.3f} s, "
            f"max {max(times):.3f} s; `RecipeRecommender.load()` took {load_s:.2f} s in this process, which had already "
            f"imported torch and PyG (a cold import of them costs seconds more).\n")


def iso_budget(traj: list[float], target: float) -> int | None:
    for i, v in enumerate(traj):
        if v <= target * (1 + 1e-9):
            return i + 1
    return None


def table(results: dict, names: list[str], configs: list[str], budget: int, group_note: str, setting: str) -> str:
    head = "| design | " + " | ".join(configs) + " | best of mcts/sa | α | abcrl evals to best classic's QoR |"
    lines = [head, "|---|" + "---:|" * (len(configs) + 3)]
    best_classic = []
    means = {c: [] for c in configs}
    iso = []
    times = {c: [] for c in configs}
    for n in names:
        r = results.get(n, {})
        if not all(c in r for c in configs):
            continue
        cells = []
        for c in configs:
            means[c].append(r[c]["reduction_pct"])
            times[c].append(r[c]["seconds"])
            cells.append(f"{r[c]['reduction_pct']:+.2f} %")
        alpha = r.get("abcrl", {}).get("alpha")
        classic = [r[c].get("best_map_adp", r[c]["best_adp"]) for c in CLASSIC if c in r]
        bc = max(r[c]["reduction_pct"] for c in CLASSIC if c in r) if classic else float("nan")
        best_classic.append(bc)
        cells.append(f"{bc:+.2f} %")
        it = (iso_budget(r["abcrl"].get("trajectory_map", r["abcrl"]["trajectory"]), min(classic))
              if "abcrl" in r and classic else None)
        iso.append(it)
        lines.append(f"| {n} | " + " | ".join(cells) + f" | {alpha:.3f} | {it if it else 'not reached'} |"
                     if alpha is not None else f"| {n} | " + " | ".join(cells) + " | - | - |")
    k = len(means[configs[0]])
    if k:
        lines.append("| **mean** | " + " | ".join(f"**{statistics.mean(means[c]):+.2f} %**" for c in configs)
                     + f" | **{statistics.mean(best_classic):+.2f} %** | | " + f"reached on {sum(1 for i in iso if i)}/{len(iso)}"
                     + (f", median {statistics.median([i for i in iso if i])}" if any(iso) else "") + " |")
        lines.append("| wall time (s, mean) | " + " | ".join(f"{statistics.mean(times[c]):.1f}" for c in configs)
                     + " | | | |")
    wins = sum(1 for n in names if n in results and all(c in results[n] for c in configs)
               and "abcrl" in results[n] and all(c in results[n] for c in CLASSIC)
               and results[n]["abcrl"]["best_adp"] < min(results[n][c]["best_adp"] for c in CLASSIC))
    note = (f"{setting}, recipe length 10, objective ADP, bundled "
            f"edaflow45 library, one ABC session, result cache off; {group_note}. Columns: ADP reduction vs resyn2 "
            f"(higher is better). abcrl is strictly better than both mcts and sa on {wins}/{k} designs. Last column: "
            f"the evaluations abcrl needed until its best recipe under the default `map` was as good as the best "
            f"mcts/sa recipe under `map` in their whole search phase.")
    pairs = [(results[n]["abcrl"]["value_estimate"], results[n]["abcrl"]["reduction_pct"] / 100) for n in names
             if n in results and "value_estimate" in results[n].get("abcrl", {})]
    if len(pairs) >= 2:
        mae = statistics.mean(abs(a - b) for a, b in pairs)
        try:
            r = statistics.correlation([a for a, _ in pairs], [b for _, b in pairs])
        except statistics.StatisticsError:
            r = float("nan")
        note += (f" Value head at the root (not used in search): mean absolute error {mae:.3f} against the best "
                 f"reward abcrl found at budget {budget}, Pearson r = {r:+.2f} over {len(pairs)} designs.")
    return note + "\n\n" + "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=int, default=100)
    ap.add_argument("--time", type=float, help="seconds of wall clock per search instead of a budget (equal time)")
    ap.add_argument("--actions", default="strong", help="action set of every row (the checkpoint must match)")
    ap.add_argument("--mapping", default="search", help="--mapping of every row")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--designs", help="comma-separated test-split design names (default: all up to --max-ands)")
    ap.add_argument("--max-ands", type=int, default=2100)
    ap.add_argument("--public", action="store_true", help="also the circuits of --public-manifest")
    ap.add_argument("--public-manifest", default="/tmp/public/manifest.toml")
    ap.add_argument("--public-designs", help="comma-separated names from the public manifest")
    ap.add_argument("--configs", default=",".join(CONFIGS))
    ap.add_argument("--results", default=str(Path(tempfile.gettempdir()) / "edaflow_ablation_v2.json"))
    ap.add_argument("--aig-dir", default=str(Path(tempfile.gettempdir()) / "edaflow_ablation_aigs"))
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    os.environ.setdefault("EDAFLOW_TORCH_THREADS", "1")
    configs = args.configs.split(",")
    from synth.agent.checkpoint import default_checkpoint_path

    ck = default_checkpoint_path()
    # the checkpoint's content names it (results are cached per checkpoint; a copy or checkout keeps its tag)
    ck_tag = hashlib.sha256(ck.read_bytes()).hexdigest()[:16] if ck.exists() else "none"
    rp = Path(args.results)
    store = json.loads(rp.read_text()) if rp.exists() else {}
    designs = _aigs(args)
    results: dict[str, dict] = {}
    budget = 100000 if args.time else args.budget
    for name, aig, group in designs:
        for c in configs:
            key = (f"{name}|{c}|{args.time and f't{args.time:g}' or args.budget}|{args.seed}|{args.actions}|"
                   f"{args.mapping}|{ck_tag if c.startswith('abcrl') else '-'}")
            if key not in store:
                store[key] = run_one(aig, c, budget, args.seed, args.actions, args.mapping, args.time)
                tmp = rp.with_name(rp.name + ".tmp")
                tmp.write_text(json.dumps(store))
                os.replace(tmp, rp)
                r = store[key]
                print(f"{name:16s} {c:14s} {r['reduction_pct']:+7.2f} %  {r['seconds']:6.1f} s"
                      + (f"  alpha {r['alpha']:.3f}" if "alpha" in r else ""), flush=True)
            results.setdefault(name, {})[c] = store[key]
    suggest_note = _suggest_timing([aig for _, aig, _ in designs]) if any(c.startswith("abcrl") for c in configs) else ""
    groups = {"test": [n for n, _, g in designs if g == "test"], "public": [n for n, _, g in designs if g == "public"]}
    load = os.getloadavg()[0]
    setting = ((f"{args.time:g} s of wall clock per search" if args.time else f"Budget {args.budget} evaluations")
               + f", seed {args.seed}, `--actions {args.actions} --mapping {args.mapping}` for every row, checkpoint "
               f"{ck.name} (sha256 {ck_tag}…); 1-minute load average {load:.1f} when the tables were written")
    out = table(results, groups["test"], configs, args.budget, "designs/ test split (never trained on): "
                + ", ".join(groups["test"]), setting) + suggest_note
    print(out)
    sec = "ablation-time" if args.time else "ablation"
    kind = "equal time" if args.time else ""
    if not args.no_write:
        replace_section(DOC, f"<!-- {sec}:begin -->", f"<!-- {sec}:end -->", out,
                        f"Learned agent ablation (bench/ablation.py), test split{', ' + kind if kind else ''}")
    if groups["public"]:
        outp = table(results, groups["public"], configs, args.budget,
                     "public third-party circuits (never trained or tuned on): " + ", ".join(groups["public"]), setting)
        print(outp)
        if not args.no_write:
            replace_section(DOC, f"<!-- {sec}-public:begin -->", f"<!-- {sec}-public:end -->", outp,
                            f"Learned agent ablation (bench/ablation.py), public circuits{', ' + kind if kind else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
