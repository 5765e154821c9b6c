"""Manifest designs as AIGER files, converted once by edaflow's own front end and kept in a folder
(keyed by design name and a hash of its sources and parameters, so an edited design is converted again)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from edaflow.manifest import DesignEntry
from synth.abc_session import AbcSession
from synth.frontend import load_design


def default_aig_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "edaflow" / "aigs"


def _key(entry: DesignEntry) -> str:
    h = hashlib.sha256()
    for f in entry.files:
        h.update(Path(f).read_bytes())
    h.update(json.dumps([entry.top, entry.params], sort_keys=True).encode())
    return h.hexdigest()[:16]


def design_aig(entry: DesignEntry, folder: str | Path | None = None, session: AbcSession | None = None) -> Path:
    """The AIGER file of a manifest design (converted on first use)."""
    folder = Path(folder) if folder else default_aig_dir()
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{entry.name}-{_key(entry)}.aig"
    if out.exists():
        return out
    own = session is None
    session = session or AbcSession()
    work = folder / f".work-{entry.name}-{os.getpid()}"
    try:
        if own:
            session.start()
        kw = entry.synth_kwargs()
        d = load_design([str(f) for f in entry.files], work, session, top=kw["top"],
                        include_dirs=kw["include_dirs"], params=kw["params"])
        tmp = folder / f".{out.name}.{os.getpid()}.tmp"
        shutil.copyfile(d.aig_path, tmp)
        os.replace(tmp, out)
    finally:
        if own:
            session.close()
        shutil.rmtree(work, ignore_errors=True)
    return out
