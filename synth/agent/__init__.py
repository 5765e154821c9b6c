"""The learned recipe agent (ABC-RL rebuilt for a CPU): graph features, network, checkpoints, training.

:class:`Agent` bundles a loaded checkpoint with what a search needs from it: the design embedding of
an AIG, the retrieval vector (embedding minus the training designs' mean, L2-normalised) and the
retrieval constants T and δ_th calibrated at training time.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import torch

from synth.agent.checkpoint import Checkpoint, check_compatible, load_checkpoint
from synth.agent.model import set_threads

DEFAULT_TEMPERATURE = 100.0  # ABC-RL's T
DEFAULT_THRESHOLD = 0.007  # ABC-RL's δ_th (replaced by the checkpoint's leave-one-out calibration)


class Agent:
    def __init__(self, ckpt: Checkpoint, threads: int | None = None):
        set_threads(threads)
        self.ckpt = ckpt
        self.net = ckpt.net
        self.path = ckpt.path
        self.meta = ckpt.meta
        ret = ckpt.meta.get("retrieval", {})
        self.temperature = float(ret.get("temperature", DEFAULT_TEMPERATURE))
        self.threshold = float(ret.get("threshold", DEFAULT_THRESHOLD))
        self._emb_cache: dict[str, torch.Tensor] = {}

    @classmethod
    def load(cls, path: str | os.PathLike | None = None, threads: int | None = None) -> "Agent":
        return cls(load_checkpoint(path), threads)

    @property
    def actions(self) -> tuple[str, ...]:
        return self.ckpt.actions

    def check(self, actions: Sequence[str]) -> None:
        check_compatible(self.ckpt, actions=actions)

    def embed_data(self, data) -> torch.Tensor:
        with torch.no_grad():
            return self.net.embed(data.x, data.edge_index)

    def embed_file(self, aig_path: str | os.PathLike) -> torch.Tensor:
        """The (1, 64) design embedding of an AIGER file (cached by content hash)."""
        from synth.aiger import aiger_content_sha256
        from synth.graph import aig_to_data

        key = aiger_content_sha256(aig_path)
        if key not in self._emb_cache:
            self._emb_cache[key] = self.embed_data(aig_to_data(aig_path))
        return self._emb_cache[key]

    def index_vector(self, emb: torch.Tensor):
        """The retrieval vector: embedding minus the training mean, L2-normalised (float32 numpy)."""
        return retrieval_vector(emb, self.ckpt.center)


def retrieval_vector(emb: torch.Tensor, center: torch.Tensor | None):
    v = emb.reshape(-1).float()
    if center is not None:
        v = v - center
    n = float(v.norm())
    return (v / n if n > 0 else v).numpy().astype("float32")


__all__ = ["Agent", "DEFAULT_TEMPERATURE", "DEFAULT_THRESHOLD", "retrieval_vector"]
