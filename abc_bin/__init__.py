"""Locating the ABC executable, and the cell libraries used for technology mapping.

Look-up order (first hit wins): an explicit path, the ``EDAFLOW_ABC`` environment variable, the
``yosys-abc`` shipped inside the installed pyosys wheel (a pinned dependency, so every installation
of one edaflow version measures with the same ABC build), then ``PATH`` (``yosys-abc``,
``berkeley-abc``, ``abc``). A system ABC is used only where the wheel has none, or when named: the
same recipe gives different QoR with different ABC builds (Debian's 2022 ``berkeley-abc``, which
``qflow`` pulls in as ``/usr/bin/yosys-abc``, differs from the wheel's). :func:`find_abc` never raises; :func:`require_abc` raises :class:`AbcNotFoundError` with
install advice; :func:`is_available` starts no process.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path

from edaflow.errors import ToolNotFoundError

from abc_bin.libraries import CellLibrary, bundled_library, load_library

__all__ = [
    "AbcNotFoundError",
    "CellLibrary",
    "abc_version",
    "bundled_library",
    "find_abc",
    "is_available",
    "load_library",
    "pyosys_dir",
    "require_abc",
]

ENV_VAR = "EDAFLOW_ABC"
PATH_NAMES = ("yosys-abc", "berkeley-abc", "abc")
INSTALL_ADVICE = (
    "install the pyosys wheel (`pip install pyosys`, which ships yosys-abc), "
    "or point EDAFLOW_ABC at an ABC executable"
)


class AbcNotFoundError(ToolNotFoundError):
    """No usable ABC executable was found."""


def pyosys_dir() -> Path | None:
    """Folder of the installed pyosys package, found without importing it (importing loads Yosys)."""
    spec = importlib.util.find_spec("pyosys")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _usable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def find_abc(explicit: str | os.PathLike | None = None) -> Path | None:
    """Return the ABC executable to use, or None. Never raises."""
    candidates: list[Path] = []
    if explicit:
        return Path(explicit) if _usable(Path(explicit)) else None
    env = os.environ.get(ENV_VAR)
    if env:
        # An explicit environment setting that points nowhere is a mistake; don't silently fall through.
        return Path(env) if _usable(Path(env)) else None
    pkg = pyosys_dir()
    if pkg is not None:
        candidates.append(pkg / "yosys-abc")
    for name in PATH_NAMES:
        hit = shutil.which(name)
        if hit:
            candidates.append(Path(hit))
    for c in candidates:
        if _usable(c):
            return c
    return None


def is_available(explicit: str | os.PathLike | None = None) -> bool:
    """True when an ABC executable can be found (starts no process)."""
    return find_abc(explicit) is not None


def require_abc(explicit: str | os.PathLike | None = None) -> Path:
    """Return the ABC executable or raise :class:`AbcNotFoundError` with install advice."""
    found = find_abc(explicit)
    if found is not None:
        return found
    if explicit:
        raise AbcNotFoundError(f"ABC executable {explicit} does not exist or is not executable")
    if os.environ.get(ENV_VAR):
        raise AbcNotFoundError(f"{ENV_VAR}={os.environ[ENV_VAR]} is not an executable file; {INSTALL_ADVICE}")
    raise AbcNotFoundError(f"no ABC executable found (looked in pyosys and in PATH for {', '.join(PATH_NAMES)}); {INSTALL_ADVICE}")


_VERSION_RE = re.compile(r"ABC\s+([0-9][\w.]*)\s*\(compiled ([^)]*)\)")


@functools.lru_cache(maxsize=8)
def abc_version(path: str | os.PathLike) -> str:
    """ABC's self-reported version, e.g. ``"1.01 (compiled Oct 13 2026 09:52:34)"``; "unknown" on failure."""
    try:
        out = subprocess.run(
            [str(path), "-s", "-c", "version"], capture_output=True, text=True, timeout=20
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    m = _VERSION_RE.search(out)
    return f"{m.group(1)} (compiled {m.group(2)})" if m else "unknown"
