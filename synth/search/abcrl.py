"""Strategy ``abcrl``: our ``mcts`` (best-reward UCT, synth/search/classic.py) guided by the learned policy (ABC-RL).

* Prior: the agent's policy at each tree node, raised to the power α and renormalised (π^α). α comes
  from retrieval (:mod:`retrieval`): δ = cosine distance from this design's embedding to its nearest
  indexed design, α = 1 − sigmoid(T·(δ − δ_th)). ``alpha=`` fixes it instead.
* The prior enters :class:`~synth.search.classic.MCTS` through its hooks, in three places: the untried
  action to expand is drawn with probability ∝ π^α (instead of uniformly); the UCB1 score of a child
  gets a progressive-bias term ``prior_weight·P(a)/(1 + n(a))``; and the rollout completes the recipe by
  sampling every further step from π^α (instead of uniformly; a recipe already evaluated is redrawn
  up to 8 times). With α = 0 (or no prior) none of the hooks is used and the search is *exactly*
  ``mcts`` with the same seed: the same recipes in the same order (tests/test_agent.py checks it).
* Warm starts: the best recipes of the k nearest indexed designs are evaluated first (they count
  towards the budget) and backed up into the tree.
* Budget and ``--jobs`` as in ``mcts`` (batch-synchronous rounds with virtual visits); deterministic for
  a given ``(seed, jobs)``. The value head is trained but not used in search (as in ABC-RL).

After a run, :attr:`AbcRL.report_extra` holds ``alpha``, ``neighbours`` (name, distance) and
``warm_start_evaluations`` for the synthesis report, and :meth:`AbcRL.targets` the tree's visit
distributions and values (the training targets).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from edaflow.errors import InputError
from synth.recipes import Recipe
from synth.search.base import SearchContext
from synth.search.classic import MCTS


def alpha_from_distance(delta: float, temperature: float, threshold: float) -> float:
    """ABC-RL's retrieval weight: 1 − sigmoid(T·(δ − δ_th)); decreasing in δ, 0.5 at the threshold."""
    z = temperature * (delta - threshold)
    if z > 50:
        return 0.0
    return 1.0 - 1.0 / (1.0 + math.exp(-z))


class AbcRL(MCTS):
    name = "abcrl"
    description = "ABC-RL: our mcts with the learned policy as prior, weighted by retrieval of similar designs"

    def __init__(self, checkpoint: str | Path | None = None, index: str | Path | None = None, *,
                 alpha: float | None = None, warm_starts: int = 3, exploration: float = 0.5,
                 prior_weight: float = 1.0, max_weight: float = 1.0, policy_rollouts: bool = True,
                 temperature: float | None = None, threshold: float | None = None, agent=None,
                 use_index: bool = True):
        super().__init__(exploration=exploration, max_weight=max_weight, stages=1)  # one tree: the prior sees the steps from the input
        self.checkpoint, self.index_path = checkpoint, index
        self.fixed_alpha = alpha
        self.k = warm_starts
        self.prior_weight = prior_weight
        self.policy_rollouts = policy_rollouts
        self.temperature, self.threshold = temperature, threshold
        self.agent = agent  # a synth.agent.Agent (loaded on first use otherwise)
        self.use_index = use_index
        self.report_extra: dict = {}
        self._emb = None
        self._alpha = 0.0
        self._warm: list[Recipe] = []

    # -- set-up: agent, embedding, α and neighbours ------------------------------------------------
    def _prepare(self, ctx: SearchContext):
        from synth.agent import Agent

        if self.agent is None:
            self.agent = Agent.load(self.checkpoint)
        self.agent.check(ctx.action_set)
        emb = self.agent.embed_file(ctx.evaluator.aig_path)
        neighbours: list = []
        index = None
        if self.use_index and (self.fixed_alpha is None or self.k > 0):
            from retrieval import DesignIndex

            index = DesignIndex.load(self.index_path) if self.index_path or DesignIndex.bundled_exists() else None
            if index is not None:
                index.check_model(self.agent.meta.get("model_id", ""))
            if index is not None and len(index):
                neighbours = index.query(self.agent.index_vector(emb), k=max(1, self.k))
        temperature = self.temperature if self.temperature is not None else self.agent.temperature
        threshold = self.threshold if self.threshold is not None else self.agent.threshold
        if self.fixed_alpha is not None:
            alpha = float(self.fixed_alpha)
        elif neighbours:
            alpha = alpha_from_distance(neighbours[0].distance, temperature, threshold)
        else:
            alpha = 0.0  # nothing to compare with: plain MCTS
        return emb, alpha, neighbours

    def _warm_from(self, ctx: SearchContext, neighbours) -> list[Recipe]:
        """The neighbours' best recipes that use this action set (not resyn2 itself, no repeats)."""
        warm: list[Recipe] = []
        for nb in neighbours[: self.k]:
            steps = tuple(" ".join(s.split()) for s in (nb.best_recipe or "").split(";") if s.strip())
            if not steps or steps == tuple(ctx.baseline.recipe.steps):
                continue  # resyn2 itself: already evaluated as the baseline
            if all(s in ctx.action_set for s in steps) and len(steps) <= ctx.recipe_length:
                r = Recipe(steps)
                if r not in warm:
                    warm.append(r)
        return warm

    def _policy(self, prefixes: list[tuple[int, ...]]) -> np.ndarray:
        """π^α (renormalised) for each prefix, shape (len(prefixes), actions)."""
        import torch  # lazily: registering the strategy must not make every CLI start import torch

        with torch.no_grad():
            logits, _ = self.agent.net.heads(self._emb, prefixes)
        probs = torch.softmax(logits, dim=1).double().numpy()
        if self._alpha != 1.0:
            probs = np.power(np.maximum(probs, 1e-12), self._alpha)
            probs /= probs.sum(axis=1, keepdims=True)
        return probs

    def _index(self, ctx: SearchContext, steps) -> tuple[int, ...]:
        return tuple(ctx.action_set.index(s) for s in steps)

    # -- the MCTS hooks ----------------------------------------------------------------------------
    def _prior(self, ctx: SearchContext, steps: list[str]) -> dict[str, float] | None:
        if self._alpha <= 0:
            return None
        p = self._policy([self._index(ctx, steps)])[0]
        return dict(zip(ctx.action_set, p.tolist()))

    def _expand(self, ctx: SearchContext, node, steps: list[str]) -> str:
        if node.prior is None:
            return super()._expand(ctx, node, steps)
        weights = [node.prior[a] for a in node.untried]
        x, acc = ctx.rng.random() * sum(weights), 0.0
        for i, w in enumerate(weights):
            acc += w
            if x < acc:
                return node.untried.pop(i)
        return node.untried.pop(len(weights) - 1)

    def _rollouts(self, ctx: SearchContext, picks) -> list[Recipe]:
        if self._alpha <= 0 or not self.policy_rollouts:
            return super()._rollouts(ctx, picks)
        seen = {ev.recipe.steps for ev in ctx.history}
        out: list[Recipe] = []
        for _, steps in picks:
            for _ in range(9):
                full = self._sample_completion(ctx, list(steps))
                if full not in seen:
                    break
            seen.add(full)
            out.append(Recipe(full))
        return out

    def _sample_completion(self, ctx: SearchContext, steps: list[str]) -> tuple[str, ...]:
        acts = ctx.action_set
        while len(steps) < ctx.recipe_length:
            p = self._policy([self._index(ctx, steps)])[0]
            x, acc, pick = ctx.rng.random(), 0.0, len(acts) - 1
            for i, w in enumerate(p):
                acc += w
                if x < acc:
                    pick = i
                    break
            steps.append(acts[pick])
        return tuple(steps)

    def _warm_recipes(self, ctx: SearchContext) -> list[Recipe]:
        return list(self._warm)

    # -- the search ---------------------------------------------------------------------------------
    def run(self, ctx: SearchContext) -> None:
        self._emb, self._alpha, neighbours = self._prepare(ctx)
        self._warm = self._warm_from(ctx, neighbours)
        import torch

        with torch.no_grad():
            root_value = float(self.agent.net.heads(self._emb, [()])[1][0])
        used0 = ctx.used
        self.report_extra = {
            "alpha": round(self._alpha, 6),
            "value_estimate": round(root_value, 5),  # the value head's guess of the best reward (unused in search)
            "neighbours": [{"name": nb.name, "distance": round(nb.distance, 6)} for nb in neighbours],
            "warm_start_evaluations": min(len(self._warm), max(0, ctx.remaining)),
            "checkpoint": str(self.agent.path),
        }
        super().run(ctx)
        self.report_extra["warm_start_evaluations"] = min(len(self._warm), ctx.used - used0)

    # -- training targets --------------------------------------------------------------------------
    def targets(self, n_actions: int, min_visits: int = 4, actions=None) -> list[tuple[tuple[int, ...], np.ndarray, float]]:
        """(prefix, visit distribution over the next action, best reward below) for every tree node
        with at least ``min_visits`` visits: AlphaZero-style policy and value targets."""
        out = []
        if self.root is None:
            return out
        actions = list(actions if actions is not None else self.agent.actions)
        stack = [((), self.root)]
        while stack:
            prefix, node = stack.pop()
            if node.visits >= min_visits and node.children and node.best > -math.inf:
                dist = np.zeros(n_actions)
                for a, ch in node.children.items():
                    dist[actions.index(a)] = ch.visits
                if dist.sum() > 0:
                    out.append((prefix, dist / dist.sum(), float(node.best)))
            for a, ch in node.children.items():
                stack.append((prefix + (actions.index(a),), ch))
        out.sort(key=lambda t: t[0])
        return out


def best_recipe_targets(ctx: SearchContext, actions, top: int = 3) -> list[tuple[tuple[int, ...], np.ndarray, float]]:
    """Self-imitation targets: for each of the ``top`` best distinct recipes a search found (better than
    resyn2), every prefix with a one-hot target on the recipe's next step and the recipe's reward."""
    actions = list(actions)
    best: dict[tuple[str, ...], float] = {}
    for ev in ctx.history:
        if ev.ok and all(s in actions for s in ev.recipe.steps):
            s = ctx.score(ev)
            if s > 0 and s > best.get(ev.recipe.steps, -math.inf):
                best[ev.recipe.steps] = s
    out = []
    for steps, score in sorted(best.items(), key=lambda kv: -kv[1])[:top]:
        idx = [actions.index(s) for s in steps]
        for i, a in enumerate(idx):
            t = np.zeros(len(actions))
            t[a] = 1.0
            out.append((tuple(idx[:i]), t, float(score)))
    return out


def require_checkpoint(path: str | Path | None) -> None:
    """`--strategy abcrl` without a checkpoint: one line, exit 2."""
    from synth.agent.checkpoint import HINT, default_checkpoint_path

    p = Path(path) if path else default_checkpoint_path()
    if not p.is_file():
        raise InputError(f"--strategy abcrl needs an agent checkpoint and there is none; {HINT}", path=str(p))
