"""Classic search strategies: the resyn2 baseline, random search, greedy, simulated annealing, MCTS.

Every strategy proposes ``ctx.jobs`` recipes per round (``ctx.evaluate_many``), so ``--jobs N`` keeps N
ABC sessions busy and a run is deterministic for a given ``(seed, jobs)``; with one job each strategy
is the sequential algorithm.
"""

from __future__ import annotations

import math

from synth.actions import REGISTRY
from synth.recipes import Recipe
from synth.search.base import SearchContext, SearchStrategy


class Resyn2(SearchStrategy):
    name = "resyn2"
    description = "ABC's resyn2 script only (the baseline; spends no budget)"

    def run(self, ctx: SearchContext) -> None:
        return None


class RandomSearch(SearchStrategy):
    name = "random"
    description = "uniformly random recipes of the given length"

    def run(self, ctx: SearchContext) -> None:
        while ctx.remaining > 0:
            # Only short prefixes recur among random recipes (7 and 49 of them at depths 1 and 2).
            ctx.evaluate_many([ctx.random_recipe() for _ in range(ctx.jobs)], store_prefixes=2)


class Greedy(SearchStrategy):
    name = "greedy"
    description = "grow the recipe one step at a time, keeping the best next action (7 evaluations a step)"

    def run(self, ctx: SearchContext) -> None:
        prefix = Recipe(())
        while len(prefix) < ctx.recipe_length and ctx.remaining > 0:
            best_step, best_score = None, -math.inf
            # All candidate next steps are independent: one batch (split over the ABC sessions).
            evs = ctx.evaluate_many([prefix + action for action in ctx.action_set])
            for action, ev in zip(ctx.action_set, evs):
                s = ctx.score(ev)
                if s > best_score:
                    best_step, best_score = action, s
            prefix = prefix + best_step


class SimulatedAnnealing(SearchStrategy):
    name = "sa"
    description = "simulated annealing over full-length recipes, starting from resyn2's steps"
    # With N jobs a round draws N neighbours of the current recipe, evaluates them at once, and
    # offers the best of them to the Metropolis test. The temperature follows ctx.progress(), so the
    # schedule works under an evaluation budget and under a time limit alike.

    def __init__(self, t_start: float = 0.05, t_end: float = 0.001):
        self.t_start = t_start
        self.t_end = t_end

    def _start(self, ctx: SearchContext) -> Recipe:
        # resyn2 uses only actions of the ABC-RL set; pad/cut it to the recipe length.
        steps = [s for s in ctx.baseline.recipe.steps if s in ctx.action_set]
        while len(steps) < ctx.recipe_length:
            steps.append(ctx.rng.choice(ctx.action_set))
        return Recipe(tuple(steps[: ctx.recipe_length]))

    def _neighbour(self, ctx: SearchContext, recipe: Recipe) -> Recipe:
        steps = list(recipe.steps)
        if len(steps) > 1 and ctx.rng.random() < 0.3:
            i, j = ctx.rng.sample(range(len(steps)), 2)
            steps[i], steps[j] = steps[j], steps[i]
        else:
            i = ctx.rng.randrange(len(steps))
            steps[i] = ctx.rng.choice([a for a in ctx.action_set if a != steps[i]] or ctx.action_set)
        return Recipe(tuple(steps))

    def run(self, ctx: SearchContext) -> None:
        current = self._start(ctx)
        current_score = ctx.score(ctx.evaluate(current))
        while ctx.remaining > 0:
            temp = self.t_start * (self.t_end / self.t_start) ** ctx.progress()
            cands = [self._neighbour(ctx, current) for _ in range(ctx.jobs)]
            scores = [ctx.score(ev) for ev in ctx.evaluate_many(cands)]
            i = max(range(len(scores)), key=lambda j: scores[j])  # first best on ties
            cand, s = cands[i], scores[i]
            if s >= current_score or ctx.rng.random() < math.exp((s - current_score) / temp):
                current, current_score = cand, s


class _Node:
    __slots__ = ("children", "visits", "total", "best", "untried", "prior")

    def __init__(self, actions):
        self.children: dict[str, _Node] = {}
        self.visits = 0
        self.total = 0.0
        self.best = -math.inf
        self.untried = list(actions)
        self.prior: dict[str, float] | None = None  # only with a prior (the abcrl subclass)

    def value(self, max_weight: float) -> float:
        mean = self.total / self.visits
        return mean if max_weight == 0 else (1 - max_weight) * mean + max_weight * self.best


def _cost_weights(actions, bias: float) -> list[float]:
    """Sampling weights ``(cost + 0.01) ** -bias`` from the action registry's cost model (an action
    the registry does not know counts as the dearest one)."""
    dearest = max(a.sec_per_kand for a in REGISTRY.values())
    return [((REGISTRY[a].sec_per_kand if a in REGISTRY else dearest) + 0.01) ** -bias for a in actions]


class MCTS(SearchStrategy):
    """Plain UCT over recipe steps: select by UCB1 on min-max normalised rewards, expand one child,
    finish the recipe with random actions (rollout), evaluate it once with ABC, back up the reward.
    This is the plain-MCTS baseline of the ABC-RL paper (no policy prior).

    We want the single best recipe, not the best average, so a node's value is by default the best
    reward seen below it (``max_weight=1``; 0 gives the classic mean). On 8 public circuits x 2 seeds
    at budget 100 this scored 11.7 % mean ADP reduction vs 10.6 % for the mean with c=0.7 — a small
    edge, within noise on single designs.

    With N jobs the search is batch-synchronous: a round selects N paths one after another, each
    selection adding a virtual visit (worth reward 0 until the real one arrives) along its path so the
    next selection is pushed elsewhere; the N rollouts are evaluated at once and backed up together.

    Hooks for a learned prior (``synth/search/abcrl.py`` overrides them; here they change nothing):
    :meth:`_prior` (a node's prior over the actions, adding ``prior_weight·P(a)/(1 + n(a))`` to the
    UCB1 score), :meth:`_expand` (which untried action to expand), :meth:`_rollouts` (how recipes are
    completed) and :meth:`_warm_recipes` (recipes evaluated first and backed up into the tree)."""

    name = "mcts"
    description = "UCT tree search over actions with random rollouts (one ABC evaluation per rollout)"

    def __init__(self, exploration: float = 0.5, max_weight: float = 1.0, stages: int = 1,
                 stage_share: float = 0.5, repeat_best: bool = False, cost_bias: float = 0.0):
        self.c = exploration
        # Cost-aware rollouts: the random tail picks an action with weight (cost + 0.01)^-cost_bias,
        # the cost being the registry's seconds per 1,000 AND nodes, so that under a time budget cheap
        # steps fill more of the recipes. 0 (the default) is uniform. Measured, not the default
        # (docs/synth.md, "Cost-aware rollouts").
        if cost_bias < 0:
            raise ValueError("cost_bias must be >= 0")
        self.cost_bias = cost_bias
        # Single-player MCTS for optimisation: blend the mean with the best reward seen below a node.
        self.max_weight = max_weight
        self.prior_weight = 1.0
        # Stages: stage 1 searches recipes from the input on ``stage_share`` of the strategy's budget
        # (or time); each later stage searches a fresh tree of recipes appended to the best recipe so
        # far (a longer recipe, whose best prefix is served from the prefix store). Measured, not the
        # default: stages=2 gained on the train split (+0.9 points mean) but not on the test split
        # (-0.1, worse on its 4 designs of 1,500+ ANDs); docs/synth.md "Staged MCTS".
        if stages < 1 or not 0.0 < stage_share <= 1.0:
            raise ValueError("stages must be >= 1 and stage_share in (0, 1]")
        self.stages = stages
        self.stage_share = stage_share
        self.repeat_best = repeat_best  # a later stage first evaluates the best recipe's steps repeated
        self.root: _Node | None = None  # the last run's (stage 1's) tree
        self.stage_roots: list[_Node] = []

    # -- hooks (a learned prior overrides these; the defaults are plain UCT) --------------------------
    def _prior(self, ctx: SearchContext, steps: list[str]) -> dict[str, float] | None:
        return None

    def _expand(self, ctx: SearchContext, node: _Node, steps: list[str]) -> str:
        return node.untried.pop(ctx.rng.randrange(len(node.untried)))

    def _rollouts(self, ctx: SearchContext, picks) -> list[Recipe]:
        # Rollout: the tree path recurs in later simulations; the random rollout tail does not.
        if self.cost_bias:
            weights = _cost_weights(ctx.action_set, self.cost_bias)
            return [Recipe(tuple(steps + ctx.rng.choices(ctx.action_set, weights, k=ctx.recipe_length - len(steps))))
                    for _, steps in picks]
        return [Recipe(tuple(steps + [ctx.rng.choice(ctx.action_set) for _ in range(ctx.recipe_length - len(steps))]))
                for _, steps in picks]

    def _warm_recipes(self, ctx: SearchContext) -> list[Recipe]:
        return []

    def _select(self, ctx: SearchContext, root: _Node, norm) -> tuple[list[_Node], list[str]]:
        node, path, steps = root, [root], []
        while not node.untried and node.children and len(steps) < ctx.recipe_length:
            log_n = math.log(node.visits)
            prior, w = node.prior, self.prior_weight
            action, node = max(
                node.children.items(),
                key=lambda kv: norm(kv[1].value(self.max_weight)) + self.c * math.sqrt(log_n / kv[1].visits)
                + (w * prior[kv[0]] / (1 + kv[1].visits) if prior else 0.0),
            )
            steps.append(action)
            path.append(node)
        if node.untried and len(steps) < ctx.recipe_length:  # expansion
            if node.prior is None:
                node.prior = self._prior(ctx, steps)
            action = self._expand(ctx, node, steps)
            child = _Node(ctx.action_set)
            node.children[action] = child
            steps.append(action)
            path.append(child)
        for n in path:  # virtual visit; becomes the real one at back-up
            n.visits += 1
        return path, steps

    def _warm_path(self, ctx: SearchContext, root: _Node, recipe: Recipe) -> list[_Node]:
        """The tree path of a warm-start recipe (nodes created as needed), with a visit added."""
        node, path = root, [root]
        for step in recipe.steps[: ctx.recipe_length]:
            child = node.children.get(step)
            if child is None:
                if step not in node.untried:
                    break  # not an action of this set
                node.untried.remove(step)
                child = node.children[step] = _Node(ctx.action_set)
            node = child
            path.append(node)
        for n in path:
            n.visits += 1
        return path

    def run(self, ctx: SearchContext) -> None:
        self.stage_roots = []
        base: tuple[str, ...] = ()
        for stage in range(self.stages):
            last = stage == self.stages - 1
            # Stage k (0-based) of n ends at this fraction of the search: stage 1 at stage_share, the
            # others share the rest evenly.
            until = None if last else self.stage_share + (1 - self.stage_share) * stage / (self.stages - 1)
            warm = self._warm_recipes(ctx) if stage == 0 else (
                [Recipe(base + base[-ctx.recipe_length:])] if self.repeat_best and base else [])
            self._run_tree(ctx, base, until, warm)
            if ctx.remaining <= 0:
                return
            if ctx.best is not None and ctx.best.ok:
                base = tuple(ctx.best.recipe.steps)

    def _run_tree(self, ctx: SearchContext, base: tuple[str, ...], until: float | None, warm: list[Recipe]) -> None:
        """One tree search of recipes ``base + steps`` until ``ctx.progress()`` reaches ``until``
        (None: the whole budget)."""
        root = _Node(ctx.action_set)
        if not self.stage_roots:
            self.root = root
        self.stage_roots.append(root)
        lo, hi = math.inf, -math.inf
        nb = len(base)

        def norm(q: float) -> float:
            if q == -math.inf:  # only virtual visits so far
                return 0.0
            return 0.5 if hi <= lo else (q - lo) / (hi - lo)

        while ctx.remaining > 0 and (until is None or ctx.progress() < until):
            if warm:
                batch, warm = warm[: ctx.jobs], warm[ctx.jobs:]
                picks = [(self._warm_path(ctx, root, Recipe(r.steps[nb:])), list(r.steps[nb:])) for r in batch]
                rollouts = list(batch)
            else:
                picks = [self._select(ctx, root, norm) for _ in range(min(ctx.jobs, ctx.remaining))]
                rollouts = [Recipe(base + r.steps) for r in self._rollouts(ctx, picks)]
            evs = ctx.evaluate_many(rollouts, [nb + len(steps) for _, steps in picks])
            for (path, _), ev in zip(picks, evs):
                score = ctx.score(ev)
                lo, hi = min(lo, score), max(hi, score)
                for n in path:
                    n.total += score
                    n.best = max(n.best, score)


class GivenRecipes(SearchStrategy):
    """Evaluate exactly the given recipes (``--recipe FILE``), a batch of ``ctx.jobs`` at a time."""

    name = "given"
    description = "the recipes of a recipe file (not a search)"

    def __init__(self, recipes=()):
        self.recipes = list(recipes)

    def run(self, ctx: SearchContext) -> None:
        todo = list(self.recipes)
        while todo and ctx.remaining > 0:
            batch, todo = todo[: ctx.jobs], todo[ctx.jobs:]
            ctx.evaluate_many(batch)
