"""The learned recipe recommender as a library: ``from edaflow import RecipeRecommender``.

    rec = RecipeRecommender.load()                  # bundled checkpoint + index, or paths
    rec.suggest("design.aig", k=5)                  # ranked recipes from the policy alone, no search
    r = rec.recommend("design.v", budget=100, seed=0)
    r.recipe, r.qor, r.baseline, r.alpha, r.neighbours, r.equivalence

``suggest`` runs no ABC optimisation: it reads the design's graph, embeds it and beam-searches the
policy (width ``k``) for the ``k`` most likely full recipes. ``recommend`` runs the whole
``edaflow synth`` flow with the ``abcrl`` strategy (real ABC evaluations, a netlist proven equivalent
to the input) and returns the result.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import torch

from edaflow.errors import InputError


@dataclass(frozen=True)
class Suggestion:
    """A recipe proposed by the policy alone; ``probability`` is the product of its step probabilities."""

    recipe: str
    steps: tuple[str, ...]
    probability: float


@dataclass
class Recommendation:
    """The outcome of :meth:`RecipeRecommender.recommend`.

    ``qor`` and ``baseline`` are dicts (``and``, ``levels``, ``area``, ``delay``, ``adp``, ...) for the
    best recipe and for resyn2; ``neighbours`` lists ``{"name", "distance"}`` of the nearest indexed
    designs; ``equivalence`` is the verdict of the proof of the optimised netlist ("equivalent")."""

    recipe: str
    qor: dict
    baseline: dict
    alpha: float
    neighbours: list[dict]
    equivalence: str
    improvement_pct: float
    warm_start_evaluations: int
    outdir: Path
    report: dict = field(repr=False, default_factory=dict)


class RecipeRecommender:
    """A loaded agent checkpoint and design index. Use :meth:`load` to make one."""

    def __init__(self, agent, checkpoint: str | None, index: str | None):
        self.agent = agent
        self.checkpoint = checkpoint
        self.index = index

    @classmethod
    def load(cls, checkpoint: str | os.PathLike | None = None, index: str | os.PathLike | None = None,
             threads: int | None = None) -> "RecipeRecommender":
        """Load a checkpoint (default: ``$EDAFLOW_CHECKPOINT`` or the bundled one) and remember which
        design index to use (default: the team index if it exists, else the bundled one).
        Raises :class:`InputError` (one line, hint to run ``edaflow train``) if either is missing or corrupt."""
        from retrieval import DesignIndex
        from synth.agent import Agent

        agent = Agent.load(checkpoint, threads=threads)
        if index is not None or DesignIndex.bundled_exists():
            DesignIndex.load(index).check_model(agent.meta.get("model_id", ""))
        return cls(agent, str(checkpoint) if checkpoint else None, str(index) if index else None)

    @property
    def actions(self) -> tuple[str, ...]:
        return self.agent.actions

    def _aig(self, path: str | os.PathLike, workdir: Path, **frontend: Any) -> Path:
        p = Path(path)
        if p.suffix.lower() in (".aig", ".aag"):
            if not p.is_file():
                raise InputError("does not exist", path=str(p))
            return p
        from synth.abc_session import AbcSession
        from synth.frontend import load_design

        session = AbcSession()
        try:
            session.start()
            return load_design([str(p)], workdir, session, **frontend).aig_path
        finally:
            session.close()

    def suggest(self, path: str | os.PathLike, k: int = 5, recipe_length: int | None = None,
                **frontend: Any) -> list[Suggestion]:
        """The ``k`` most probable recipes under the policy (beam search of width ``k``), best first.
        ``path`` is an AIGER file (fast) or a design the front end reads (Verilog, BLIF, bench)."""
        if k <= 0:
            raise InputError(f"k must be positive (got {k})")
        length = recipe_length or self.agent.net.cfg.recipe_length
        with tempfile.TemporaryDirectory(prefix="edaflow-suggest-") as tmp:
            emb = self.agent.embed_file(self._aig(path, Path(tmp), **frontend))
        beams: list[tuple[tuple[int, ...], float]] = [((), 0.0)]
        with torch.no_grad():
            for _ in range(length):
                logits, _ = self.agent.net.heads(emb, [b[0] for b in beams])
                logp = torch.log_softmax(logits, dim=1)
                cand = [(b[0] + (a,), b[1] + float(logp[i, a])) for i, b in enumerate(beams)
                        for a in range(logp.shape[1])]
                cand.sort(key=lambda c: -c[1])
                beams = cand[:k]
        acts = self.actions
        return [Suggestion("; ".join(acts[a] for a in idx), tuple(acts[a] for a in idx), float(torch.tensor(lp).exp()))
                for idx, lp in beams]

    def recommend(self, path: str | os.PathLike | Sequence[str], budget: int = 100, seed: int = 0, *,
                  outdir: str | os.PathLike | None = None, jobs: int = 1, remember: bool = False,
                  **synth_options: Any) -> Recommendation:
        """Search with ``abcrl`` (``budget`` real ABC evaluations), prove the result equivalent and
        write it to ``outdir`` (default: ``edaflow_out/<top>``). ``path``: Verilog file(s) or one
        .aig/.blif/.bench netlist. Other keyword arguments go to :class:`synth.flow.SynthOptions`
        (``top``, ``params``, ``library``, ``objective``, ...). ``remember=True`` adds the result to the
        team's design index."""
        from synth.flow import SynthOptions, synthesize

        files = [str(path)] if isinstance(path, (str, os.PathLike)) else [str(p) for p in path]
        opts = SynthOptions(files=files, strategy="abcrl", budget=budget, seed=seed, jobs=jobs,
                            outdir=str(outdir) if outdir else None,
                            action_set=synth_options.pop("action_set", ",".join(self.actions)),
                            mapping=synth_options.pop("mapping", "search"),
                            strategy_options={"checkpoint": self.checkpoint, "index": self.index,
                                              "agent": self.agent},
                            **synth_options)
        res = synthesize(opts)
        rep = res.report
        if remember:
            from retrieval.remember import add_to_index

            add_to_index(res.outdir, source="remember", checkpoint=self.checkpoint)
        return Recommendation(
            recipe=rep["best"]["recipe"], qor=dict(rep["best"]), baseline=dict(rep["baseline"]),
            alpha=float(rep.get("alpha", 0.0)), neighbours=list(rep.get("neighbours", [])),
            equivalence=rep["equivalence"], improvement_pct=float(rep["objective_improvement_pct"]),
            warm_start_evaluations=int(rep.get("warm_start_evaluations", 0)), outdir=res.outdir, report=rep,
        )


__all__ = ["Recommendation", "RecipeRecommender", "Suggestion"]
