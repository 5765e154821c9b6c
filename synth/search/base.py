"""The search-strategy interface: a strategy proposes recipes, the context evaluates them with real ABC.

A strategy only sees a :class:`SearchContext`: it asks ``ctx.evaluate(recipe)`` until
``ctx.remaining`` is zero and reads scores from ``ctx.score(evaluation)`` (ABC-RL's reward against the
resyn2 baseline for the chosen objective: positive is better, -1 is the floor and the value of a
failed evaluation). The context keeps the budget, the history and the best result, so every strategy
— classic or learned — is measured the same way.
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Callable, Sequence

from synth.evaluator import Evaluation, RecipeEvaluator
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

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self._baseline_value = self.baseline.qor.objective(self.objective)
        if self.best is None:
            self.best = self.baseline

    @property
    def used(self) -> int:
        return len(self.history)

    @property
    def remaining(self) -> int:
        return self.budget - len(self.history)

    def value(self, ev: Evaluation) -> float:
        """Objective value to minimise (inf for a failed evaluation)."""
        return ev.qor.objective(self.objective) if ev.ok else float("inf")

    def score(self, ev: Evaluation) -> float:
        """ABC-RL reward vs resyn2: max(-1, (base - value) / base); -1 when the evaluation failed."""
        return reward(self.value(ev), self._baseline_value) if ev.ok else -1.0

    def evaluate(self, recipe: Recipe, store_prefixes: int | None = None) -> Evaluation:
        """Evaluate with real ABC (one unit of budget). ``store_prefixes``: how many leading steps
        are worth caching for later evaluations (None: all)."""
        if self.remaining <= 0:
            raise BudgetExhausted
        ev = self.evaluator.evaluate(recipe, store_prefixes)
        self.history.append(ev)
        if ev.ok and self.value(ev) < self.value(self.best):
            self.best = ev
        if self.on_evaluation:
            self.on_evaluation(self, ev)
        return ev

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
        try:
            self.run(ctx)
        except BudgetExhausted:
            pass
        return ctx.best
