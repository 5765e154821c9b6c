"""Strategy ``abcrl``: PUCT tree search over recipe steps with the learned policy as prior (ABC-RL).

* Prior: the agent's policy at each tree node, raised to the power α and renormalised (π^α). α comes
  from retrieval (:mod:`retrieval`): δ = cosine distance from this design's embedding to its nearest
  indexed design, α = 1 − sigmoid(T·(δ − δ_th)); α → 0 is a uniform prior, i.e. plain PUCT-MCTS.
  ``alpha=`` fixes it instead.
* Selection: PUCT, ``Q + c·P(a)·sqrt(N)/(1 + n(a))`` with c = 1.38; Q is the node's value (by default the
  best reward seen below it, as in our ``mcts``), min-max normalised over the rewards seen so far.
  Dirichlet noise (α_D = 0.03) is mixed into the root prior with weight 0.15.
* Leaf: expanded, then a rollout completes the recipe — its first action is the policy's most likely
  one, the rest random — and the full recipe is evaluated once with ABC (one unit of budget). The value
  head is trained but, as in the original, not used in search.
* Warm starts: the best recipes of the k nearest indexed designs are evaluated first (they count
  towards the budget) and backed up into the tree.
* Budget and ``--jobs`` as in ``mcts``: a round selects ``ctx.jobs`` paths with virtual visits, evaluates
  them at once, backs them up; deterministic for a given ``(seed, jobs)``.

After a run, :attr:`AbcRL.report_extra` holds ``alpha``, ``neighbours`` (name, distance) and
``warm_start_evaluations`` for the synthesis report, and :meth:`AbcRL.targets` the tree's visit
distributions and values (the training targets).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from edaflow.errors import InputError
from synth.recipes import Recipe
from synth.search.base import SearchContext, SearchStrategy


@dataclass
class _PNode:
    prior: np.ndarray | None = None  # over the action set; computed when the node is first selected from
    children: dict = field(default_factory=dict)  # action index -> _PNode
    visits: int = 0
    total: float = 0.0
    best: float = -math.inf

    def value(self, max_weight: float) -> float:
        mean = self.total / self.visits
        return mean if max_weight == 0 else (1 - max_weight) * mean + max_weight * self.best


def alpha_from_distance(delta: float, temperature: float, threshold: float) -> float:
    """ABC-RL's retrieval weight: 1 − sigmoid(T·(δ − δ_th)); decreasing in δ, 0.5 at the threshold."""
    z = temperature * (delta - threshold)
    if z > 50:
        return 0.0
    return 1.0 - 1.0 / (1.0 + math.exp(-z))


class AbcRL(SearchStrategy):
    name = "abcrl"
    description = "ABC-RL: PUCT tree search with the learned policy as prior, weighted by retrieval of similar designs"

    def __init__(self, checkpoint: str | Path | None = None, index: str | Path | None = None, *,
                 alpha: float | None = None, warm_starts: int = 3, exploration: float = 1.38,
                 dirichlet: float = 0.03, noise: float = 0.15, max_weight: float = 1.0,
                 temperature: float | None = None, threshold: float | None = None, agent=None,
                 use_index: bool = True):
        self.checkpoint, self.index_path = checkpoint, index
        self.fixed_alpha = alpha
        self.k = warm_starts
        self.c, self.dirichlet, self.noise, self.max_weight = exploration, dirichlet, noise, max_weight
        self.temperature, self.threshold = temperature, threshold
        self.agent = agent  # a synth.agent.Agent (loaded on first use otherwise)
        self.use_index = use_index
        self.report_extra: dict = {}
        self.root: _PNode | None = None

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

    def _priors(self, emb, prefixes: list[tuple[int, ...]], alpha: float) -> list[np.ndarray]:
        import torch  # lazily: registering the strategy must not make every CLI start import torch

        with torch.no_grad():
            logits, _ = self.agent.net.heads(emb, prefixes)
        probs = torch.softmax(logits, dim=1).double().numpy()
        if alpha != 1.0:
            probs = np.power(np.maximum(probs, 1e-12), alpha)
            probs /= probs.sum(axis=1, keepdims=True)
        return list(probs)

    # -- the search ---------------------------------------------------------------------------------
    def run(self, ctx: SearchContext) -> None:
        emb, alpha, neighbours = self._prepare(ctx)
        actions = list(ctx.action_set)
        n_act = len(actions)
        np_rng = np.random.default_rng(ctx.seed)
        root = self.root = _PNode()
        root.prior = self._priors(emb, [()], alpha)[0]
        if self.noise > 0:
            root.prior = (1 - self.noise) * root.prior + self.noise * np_rng.dirichlet([self.dirichlet] * n_act)
        lo, hi = math.inf, -math.inf
        seen: set[tuple[int, ...]] = set()

        def backup(path, score):
            nonlocal lo, hi
            lo, hi = min(lo, score), max(hi, score)
            for n in path:
                n.total += score
                n.best = max(n.best, score)

        def path_of(idx: tuple[int, ...]) -> list[_PNode]:
            node, path = root, [root]
            for a in idx:
                node = node.children.setdefault(a, _PNode())
                path.append(node)
            return path

        # Warm starts: the neighbours' best recipes, when they use this action set.
        warm = []
        for nb in neighbours[: self.k]:
            steps = tuple(nb.best_recipe.split(";")) if nb.best_recipe else ()
            steps = tuple(" ".join(s.split()) for s in steps if s.strip())
            if steps == tuple(ctx.baseline.recipe.steps):
                continue  # resyn2 itself: already evaluated as the baseline
            if steps and all(s in actions for s in steps) and len(steps) <= ctx.recipe_length:
                idx = tuple(actions.index(s) for s in steps)
                if idx not in seen:
                    seen.add(idx)
                    warm.append(idx)
        warm_used = 0
        while warm and ctx.remaining > 0:
            batch, warm = warm[: ctx.jobs], warm[ctx.jobs:]
            evs = ctx.evaluate_many([Recipe(tuple(actions[i] for i in idx)) for idx in batch])
            for idx, ev in zip(batch, evs):
                path = path_of(idx)
                for n in path:
                    n.visits += 1
                backup(path, ctx.score(ev))
                warm_used += 1
        import torch

        with torch.no_grad():
            root_value = float(self.agent.net.heads(emb, [()])[1][0])
        self.report_extra = {
            "alpha": round(alpha, 6),
            "value_estimate": round(root_value, 5),  # the value head's guess of the best reward (unused in search)
            "neighbours": [{"name": nb.name, "distance": round(nb.distance, 6)} for nb in neighbours],
            "warm_start_evaluations": warm_used,
            "checkpoint": str(self.agent.path),
        }

        def norm(q: float) -> float:
            if q == -math.inf:
                return 0.0
            return 0.5 if hi <= lo else (q - lo) / (hi - lo)

        def select():
            node, path, idx = root, [root], []
            while len(idx) < ctx.recipe_length:
                if node.prior is None:
                    node.prior = self._priors(emb, [tuple(idx)], alpha)[0]
                sq = math.sqrt(max(1, node.visits))
                best_a, best_u = 0, -math.inf
                for a in range(n_act):
                    ch = node.children.get(a)
                    q = norm(ch.value(self.max_weight)) if ch is not None and ch.visits else 0.0
                    u = q + self.c * node.prior[a] * sq / (1 + (ch.visits if ch else 0))
                    if u > best_u:
                        best_a, best_u = a, u
                child = node.children.get(best_a)
                fresh = child is None
                if fresh:
                    child = node.children[best_a] = _PNode()
                idx.append(best_a)
                path.append(child)
                node = child
                if fresh:
                    break
            for n in path:
                n.visits += 1  # virtual visit; the real one at back-up
            return path, idx

        def rollout(idx: list[int]) -> tuple[int, ...]:
            full = list(idx)
            if len(full) < ctx.recipe_length:
                leaf_prior = self._priors(emb, [tuple(full)], alpha)[0] if alpha > 0 else None
                full.append(int(np.argmax(leaf_prior)) if leaf_prior is not None else ctx.rng.randrange(n_act))
            tries = 0
            while True:
                cand = full + [ctx.rng.randrange(n_act) for _ in range(ctx.recipe_length - len(full))]
                if tuple(cand) not in seen or tries >= 8 or len(full) == ctx.recipe_length:
                    return tuple(cand)
                tries += 1

        idle = 0
        while ctx.remaining > 0:
            picks, recipes = [], []
            for _ in range(min(ctx.jobs, ctx.remaining)):
                path, idx = select()
                full = rollout(idx)
                if full in seen:  # a finished recipe already evaluated: back up nothing new
                    for n in path:
                        n.visits -= 1
                    idle += 1
                    if idle > 200:
                        full = tuple(ctx.rng.randrange(n_act) for _ in range(ctx.recipe_length))
                        path = [root]
                        root.visits += 1
                    else:
                        continue
                seen.add(full)
                picks.append((path, idx))
                recipes.append(Recipe(tuple(actions[i] for i in full)))
            if not recipes:
                continue
            idle = 0
            evs = ctx.evaluate_many(recipes, [len(idx) for _, idx in picks])
            for (path, _), ev in zip(picks, evs):
                backup(path, ctx.score(ev))

    # -- training targets --------------------------------------------------------------------------
    def targets(self, n_actions: int, min_visits: int = 4) -> list[tuple[tuple[int, ...], np.ndarray, float]]:
        """(prefix, visit distribution over the next action, best reward below) for every tree node
        with at least ``min_visits`` visits: AlphaZero-style policy and value targets."""
        out = []
        if self.root is None:
            return out
        stack = [((), self.root)]
        while stack:
            prefix, node = stack.pop()
            if node.visits >= min_visits and node.children and node.best > -math.inf:
                dist = np.zeros(n_actions)
                for a, ch in node.children.items():
                    dist[a] = ch.visits
                if dist.sum() > 0:
                    out.append((prefix, dist / dist.sum(), float(node.best)))
            for a, ch in node.children.items():
                stack.append((prefix + (a,), ch))
        out.sort(key=lambda t: t[0])
        return out


def require_checkpoint(path: str | Path | None) -> None:
    """`--strategy abcrl` without a checkpoint: one line, exit 2."""
    from synth.agent.checkpoint import HINT, default_checkpoint_path

    p = Path(path) if path else default_checkpoint_path()
    if not p.is_file():
        raise InputError(f"--strategy abcrl needs an agent checkpoint and there is none; {HINT}", path=str(p))
