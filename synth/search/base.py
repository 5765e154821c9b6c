"""The search-strategy interface: a strategy proposes recipes, the context evaluates them with real ABC.

A strategy only sees a :class:`SearchContext`: it asks ``ctx.evaluate(recipe)`` until
``ctx.remaining`` is zero and reads scores from ``ctx.score(evaluation)`` (ABC-RL's reward against the
resyn2 baseline for the chosen objective: positive is better, -1 is the floor and the value of a
failed evaluation). The context keeps the budget, the history and the best result, so every strategy
— classic or learned — is measured the same way.

Batched API (parallel evaluation): ``ctx.evaluate_many(recipes, store_prefixes)`` evaluates a batch
on ``ctx.jobs`` ABC sessions at once and returns the evaluations in the batch's order (trimmed to what
is left of the budget; it raises :class:`BudgetExhausted` only when nothing is left). Strategies
should propose ``ctx.jobs`` recipes per round (a population, or a batch-synchronous MCTS round with
virtual loss) so that results are deterministic for a given ``(seed, jobs)``; ``ctx.evaluate`` still
evaluates one recipe (a batch of one).

Budgets: ``budget`` evaluations, and/or a wall-clock limit ``time_limit`` seconds for the whole search
(``deadline`` on ``time.monotonic()``, set by :meth:`start_clock`). ``ctx.remaining`` is 0 once either
is spent; ``ctx.progress()`` is the fraction spent (0..1), for schedules such as annealing that should
work under both. A step still running at the deadline is cut off and fails only its evaluation.

Mapping: ``ctx.mappings`` lists the mapping commands the search may choose from (``MAPPINGS`` in
synth/evaluator.py); strategies search recipes with the default ``map`` and :meth:`SearchStrategy.search`
spends a reserved share (``mapping_share``) re-mapping the best distinct recipes with the other
mappings. Every evaluation records its ``mapping``; ``ctx.best.mapping`` is the chosen one.
"""

from __future__ import annotations

import random
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Callable, Sequence

from synth.evaluator import DEFAULT_MAPPING, Evaluation, EvaluatorPool, RecipeEvaluator
from synth.qor import reward
from synth.recipes import ACTIONS, Recipe


class BudgetExhausted(Exception):
    """Raised by :meth:`SearchContext.evaluate` when no evaluations are left."""


@dataclass
class SearchContext:
    evaluator: RecipeEvaluator
    baseline: Evaluation
    objective: str
    budget: int
    recipe_length: int
    seed: int
    action_set: Sequence[str] = ACTIONS
    on_evaluation: Callable[["SearchContext", Evaluation], None] | None = None
    history: list[Evaluation] = field(default_factory=list)
    best: Evaluation | None = None
    pool: EvaluatorPool | None = None  # None: one session (``evaluator``)
    time_limit: float | None = None  # seconds of wall clock for the whole search (None: budget only)
    mappings: Sequence[str] = (DEFAULT_MAPPING,)
    mapping_share: float = 0.1  # of the budget/time, for re-mapping the best recipes

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self._baseline_value = self.baseline.qor.objective(self.objective)
        if self.best is None:
            self.best = self.baseline
        self.deadline: float | None = None
        self.started: float | None = None
        self.stop_at: float | None = None  # the strategy's own deadline (before the mapping share)

    def start_clock(self) -> None:
        """Start the wall clock of ``time_limit`` (called by :meth:`SearchStrategy.search`)."""
        self.started = time.monotonic()
        if self.time_limit is not None:
            self.deadline = self.started + self.time_limit
        self.stop_at = self.deadline

    @property
    def jobs(self) -> int:
        """How many evaluations run at once: propose this many recipes per round."""
        return self.pool.jobs if self.pool is not None else 1

    @property
    def used(self) -> int:
        return len(self.history)

    @property
    def remaining(self) -> int:
        if self.stop_at is not None and time.monotonic() >= self.stop_at:
            return 0
        return self.budget - len(self.history)

    def progress(self) -> float:
        """Fraction of the search spent, by evaluations or by time, whichever is further (0..1)."""
        frac = len(self.history) / self.budget if self.budget > 0 else 1.0
        if self.stop_at is not None and self.started is not None:
            span = self.stop_at - self.started
            frac = max(frac, (time.monotonic() - self.started) / span if span > 0 else 1.0)
        return min(1.0, frac)

    def value(self, ev: Evaluation) -> float:
        """Objective value to minimise (inf for a failed evaluation)."""
        return ev.qor.objective(self.objective) if ev.ok else float("inf")

    def score(self, ev: Evaluation) -> float:
        """ABC-RL reward vs resyn2: max(-1, (base - value) / base); -1 when the evaluation failed."""
        return reward(self.value(ev), self._baseline_value) if ev.ok else -1.0

    def evaluate(self, recipe: Recipe, store_prefixes: int | None = None, *, mapping: str = DEFAULT_MAPPING) -> Evaluation:
        """Evaluate with real ABC (one unit of budget). ``store_prefixes``: how many leading steps
        are worth caching for later evaluations (None: all)."""
        return self.evaluate_many([recipe], [store_prefixes], mappings=[mapping])[0]

    def evaluate_many(
        self, recipes: Sequence[Recipe], store_prefixes: int | Sequence[int | None] | None = None, *,
        mappings: str | Sequence[str] = DEFAULT_MAPPING,
    ) -> list[Evaluation]:
        """Evaluate a batch at once on ``jobs`` ABC sessions (one unit of budget each); results in the
        batch's order. The batch is cut to what is left; :class:`BudgetExhausted` when nothing is."""
        left = self.remaining
        if left <= 0:
            raise BudgetExhausted
        recipes = list(recipes)[:left]
        n = len(recipes)
        stores = list(store_prefixes)[:n] if isinstance(store_prefixes, (list, tuple)) else [store_prefixes] * n
        maps = [mappings] * n if isinstance(mappings, str) else list(mappings)[:n]
        if self.pool is not None:
            evs = self.pool.evaluate_many(recipes, stores, mappings=maps, deadline=self.deadline)
        else:
            evs = [self.evaluator.evaluate(r, s, mapping=m, deadline=self.deadline)
                   for r, s, m in zip(recipes, stores, maps)]
        for ev in evs:
            self.history.append(ev)
            if ev.ok and self.value(ev) < self.value(self.best):
                self.best = ev
            if self.on_evaluation:
                self.on_evaluation(self, ev)
        return evs

    def random_recipe(self, length: int | None = None) -> Recipe:
        n = self.recipe_length if length is None else length
        return Recipe(tuple(self.rng.choice(self.action_set) for _ in range(n)))


class SearchStrategy(ABC):
    """A way of spending a budget of recipe evaluations. Subclasses set ``name`` and implement ``run``."""

    name: str = ""
    description: str = ""

    @abstractmethod
    def run(self, ctx: SearchContext) -> None:
        """Spend (at most) ``ctx.remaining`` evaluations; the context records the best."""

    def search(self, ctx: SearchContext) -> Evaluation:
        """Run the strategy, then (with several ``ctx.mappings``) re-map the best recipes found."""
        ctx.start_clock()
        extra = [m for m in ctx.mappings if m != DEFAULT_MAPPING]
        reserve = 0
        if extra:
            reserve = min(ctx.budget - 1, max(len(extra), round(ctx.mapping_share * ctx.budget)))
            ctx.budget -= reserve
            if ctx.deadline is not None:
                ctx.stop_at = ctx.started + (1 - ctx.mapping_share) * ctx.time_limit
        try:
            self.run(ctx)
        except BudgetExhausted:
            pass
        if extra:
            ctx.budget += reserve
            ctx.stop_at = ctx.deadline
            try:
                remap_best(ctx, extra)
            except BudgetExhausted:
                pass
        return ctx.best


def remap_best(ctx: SearchContext, mappings: Sequence[str]) -> None:
    """Spend what is left re-mapping the best distinct recipes (best first; the resyn2 baseline too)
    with each of ``mappings``, a batch of ``ctx.jobs`` at a time."""
    seen: dict[str, Evaluation] = {}
    for ev in [ctx.baseline] + ctx.history:
        if ev.ok and ev.mapping == DEFAULT_MAPPING:
            key = str(ev.recipe)
            if key not in seen or ctx.value(ev) < ctx.value(seen[key]):
                seen[key] = ev
    ranked = sorted(seen.values(), key=ctx.value)  # sorted() is stable: ties keep history order
    todo = [(ev.recipe, m) for ev in ranked for m in mappings]
    while todo and ctx.remaining > 0:
        batch, todo = todo[: ctx.jobs], todo[ctx.jobs:]
        ctx.evaluate_many([r for r, _ in batch], mappings=[m for _, m in batch])
