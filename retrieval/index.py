"""A persisted FAISS index of design embeddings with one metadata record per design.

Vectors are the agent's retrieval vectors (design embedding minus the training mean, L2-normalised),
so FAISS ``IndexFlatIP`` inner products are cosine similarities and ``distance = 1 − similarity`` is
ABC-RL's δ. Each entry carries ``name``, ``aig_sha256``, ``best_recipe`` and its ``best_qor``
(a dict: adp, area, delay, and ...), ``library_sha256`` and the ``model_id`` of the checkpoint whose
embeddings it holds (an index made with another checkpoint is refused: its vectors mean nothing to
this model).

On disk: one JSON file (entries with their vectors; a flat index is exactly those vectors, so FAISS
rebuilds it on load). Writes go to a temporary file in the same folder and are moved into place
with ``os.replace``, so a reader never sees a half-written index even if the writer is killed.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Sequence

import faiss
import numpy as np

from edaflow.errors import InputError

FORMAT = "edaflow-design-index/1"
BUNDLED = Path(__file__).resolve().parent.parent / "synth" / "agent" / "data" / "index.json"
HINT = "rebuild it with `edaflow index add` (or `edaflow train`, which writes the bundled one)"


def default_index_path() -> Path:
    """``$EDAFLOW_INDEX``, else ``~/.local/share/edaflow/index.json`` (a team's own index; it starts
    as a copy of the bundled one)."""
    env = os.environ.get("EDAFLOW_INDEX")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "edaflow" / "index.json"


@dataclass
class IndexEntry:
    name: str
    aig_sha256: str
    vector: list[float]
    best_recipe: str = ""
    best_qor: dict = field(default_factory=dict)
    library_sha256: str = ""
    source: str = ""  # where it came from: "train", "remember", "index add"

    def public(self) -> dict:
        d = asdict(self)
        d.pop("vector")
        return d


@dataclass(frozen=True)
class Neighbour:
    name: str
    distance: float  # cosine distance, 1 − similarity
    best_recipe: str
    best_qor: dict
    aig_sha256: str
    library_sha256: str


class DesignIndex:
    def __init__(self, dim: int, model_id: str, entries: Sequence[IndexEntry] = (), path: Path | None = None):
        self.dim, self.model_id, self.path = dim, model_id, path
        self.entries: list[IndexEntry] = list(entries)
        self._faiss = None

    def __len__(self) -> int:
        return len(self.entries)

    # -- persistence -------------------------------------------------------------------------------
    @staticmethod
    def bundled_exists() -> bool:
        return BUNDLED.is_file() or default_index_path().is_file()

    @classmethod
    def load(cls, path: str | os.PathLike | None = None) -> "DesignIndex":
        """Load ``path``; without one, the team's index if it exists, else the bundled one."""
        if path is None:
            path = default_index_path() if default_index_path().is_file() else BUNDLED
        p = Path(path)
        if not p.is_file():
            raise InputError(f"no design index here; {HINT}", path=str(p))
        try:
            blob = json.loads(p.read_text(encoding="utf-8"))
            if blob.get("format") != FORMAT:
                raise ValueError(f"format {blob.get('format')!r}")
            dim = int(blob["dim"])
            entries = [IndexEntry(**e) for e in blob["entries"]]
            if any(len(e.vector) != dim for e in entries):
                raise ValueError("a vector of the wrong length")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InputError(f"corrupt design index ({exc}); {HINT}", path=str(p)) from None
        return cls(dim, str(blob.get("model_id", "")), entries, p)

    def save(self, path: str | os.PathLike | None = None) -> Path:
        p = Path(path) if path else (self.path or default_index_path())
        p.parent.mkdir(parents=True, exist_ok=True)
        blob = {"format": FORMAT, "dim": self.dim, "model_id": self.model_id,
                "entries": [asdict(e) for e in self.entries]}
        tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(blob, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
        self.path = p
        return p

    # -- contents ----------------------------------------------------------------------------------
    def check_model(self, model_id: str) -> None:
        if self.model_id and model_id and self.model_id != model_id:
            raise InputError(f"design index was built with another agent checkpoint (model {self.model_id[:12]}, "
                             f"this one is {model_id[:12]}); {HINT}", path=str(self.path) if self.path else None)

    def add(self, entry: IndexEntry) -> bool:
        """Add or replace (same name and AIG hash: keep the better recipe). True if it changed."""
        if len(entry.vector) != self.dim:
            raise InputError(f"vector of length {len(entry.vector)} for an index of dimension {self.dim}")
        for i, e in enumerate(self.entries):
            if e.name == entry.name and e.aig_sha256 == entry.aig_sha256:
                old, new = e.best_qor.get("adp"), entry.best_qor.get("adp")
                if old is not None and new is not None and old <= new and e.best_recipe:
                    return False
                self.entries[i] = entry
                self._faiss = None
                return True
        self.entries.append(entry)
        self._faiss = None
        return True

    def remove(self, name: str) -> int:
        before = len(self.entries)
        self.entries = [e for e in self.entries if e.name != name]
        self._faiss = None
        return before - len(self.entries)

    def _index(self):
        if self._faiss is None:
            idx = faiss.IndexFlatIP(self.dim)
            if self.entries:
                idx.add(np.asarray([e.vector for e in self.entries], dtype="float32"))
            self._faiss = idx
        return self._faiss

    def query(self, vector, k: int = 3, exclude_sha: str | None = None) -> list[Neighbour]:
        """The ``k`` nearest entries (cosine distance ascending); ``exclude_sha`` leaves one design out."""
        if not self.entries:
            return []
        q = np.asarray(vector, dtype="float32").reshape(1, -1)
        if q.shape[1] != self.dim:
            raise InputError(f"query vector of length {q.shape[1]} for an index of dimension {self.dim}; {HINT}")
        want = min(len(self.entries), k + (1 if exclude_sha else 0))
        sims, ids = self._index().search(q, want)
        out = []
        for s, i in zip(sims[0], ids[0]):
            if i < 0:
                continue
            e = self.entries[int(i)]
            if exclude_sha and e.aig_sha256 == exclude_sha:
                continue
            out.append(Neighbour(e.name, max(0.0, 1.0 - float(s)), e.best_recipe, dict(e.best_qor),
                                 e.aig_sha256, e.library_sha256))
        return out[:k]
