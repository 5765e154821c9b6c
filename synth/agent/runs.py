"""Running one search strategy on one AIG without the rest of the synthesis flow (no equivalence check,
no netlist): what training, the tests and bench/ablation.py need. `edaflow synth` is the full flow."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from synth.evaluator import EvaluatorPool, RecipeEvaluator, parse_mappings
from synth.recipes import Recipe
from synth.search.base import SearchContext, SearchStrategy


def run_strategy(aig: str | Path, strategy: SearchStrategy, *, budget: int, seed: int = 0,
                 action_set: Sequence[str], recipe_length: int = 10, objective: str = "adp", library=None,
                 cache=None, jobs: int = 1, time_limit: float | None = None,
                 mapping: str = "map") -> SearchContext:
    """Evaluate resyn2, then run ``strategy`` with ``budget`` evaluations; returns the finished context
    (``ctx.best``, ``ctx.history``, ``ctx.score``). ``mapping`` as ``--mapping`` (``search``: the
    strategy's best recipes are re-mapped on the last 10 % of the budget)."""
    from abc_bin import bundled_library

    ev = RecipeEvaluator(aig, library or bundled_library(), result_cache=cache)
    pool = EvaluatorPool(ev, jobs) if jobs > 1 else None
    try:
        base = ev.evaluate(Recipe.standard("resyn2"))
        if not base.ok:
            raise RuntimeError(f"resyn2 failed on {aig}: {base.error}")
        ctx = SearchContext(evaluator=ev, baseline=base, objective=objective, budget=budget,
                            recipe_length=recipe_length, seed=seed, action_set=tuple(action_set), pool=pool,
                            time_limit=time_limit, mappings=parse_mappings(mapping, objective))
        strategy.search(ctx)
        return ctx
    finally:
        if pool is not None:
            pool.close()
        ev.close()
