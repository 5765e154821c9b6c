"""SQLite result cache: QoR keyed by (input AIG hash, recipe, library hash, ABC version, measurement).

A repeated run answers from here instead of running ABC, and says so. The default location is
``$EDAFLOW_CACHE_DIR/results.sqlite`` or ``~/.cache/edaflow/results.sqlite``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from pathlib import Path

from synth.qor import QoR

_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    design_sha  TEXT NOT NULL,
    recipe      TEXT NOT NULL,
    library_sha TEXT NOT NULL,
    abc_version TEXT NOT NULL,
    measure     TEXT NOT NULL,
    qor         TEXT NOT NULL,
    created     REAL NOT NULL,
    PRIMARY KEY (design_sha, recipe, library_sha, abc_version, measure)
)
"""


def default_cache_path() -> Path:
    base = os.environ.get("EDAFLOW_CACHE_DIR")
    root = Path(base) if base else Path.home() / ".cache" / "edaflow"
    return root / "results.sqlite"


class ResultCache:
    """QoR results on disk. ``measure`` names how QoR was measured (e.g. ``"map"`` or ``"map+if6"``)."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path else default_cache_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One connection shared by the evaluator pool's threads, serialised by a lock.
        self._db = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False)
        self._lock = threading.Lock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(_SCHEMA)
        self._db.commit()
        self.hits = 0
        self.misses = 0

    def get(self, design_sha: str, recipe: str, library_sha: str, abc_version: str, measure: str) -> QoR | None:
        with self._lock:
            row = self._db.execute(
                "SELECT qor FROM results WHERE design_sha=? AND recipe=? AND library_sha=? AND abc_version=? AND measure=?",
                (design_sha, recipe, library_sha, abc_version, measure),
            ).fetchone()
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        return QoR.from_dict(json.loads(row[0]))

    def put(self, design_sha: str, recipe: str, library_sha: str, abc_version: str, measure: str, qor: QoR) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO results VALUES (?,?,?,?,?,?,?)",
                (design_sha, recipe, library_sha, abc_version, measure, json.dumps(qor.to_dict()), time.time()),
            )
            self._db.commit()

    def close(self) -> None:
        self._db.close()
