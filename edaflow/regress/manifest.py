"""The regression manifest: ``[[design]]`` tables (``name``, ``files``, ``top``, ``include_dirs``,
``params``; optional per-design ``strategy``, ``budget``, ``objective``, ``liberty``, ``seed``, and the
limits ``timeout`` / ``memory_mb`` that override ``--timeout`` / ``--memory-mb``) plus optional
top-level globals of the same names. Paths are relative to the manifest's folder."""

from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from edaflow.errors import InputError

OVERRIDABLE = ("strategy", "budget", "objective", "liberty", "seed")
LIMITS = ("timeout", "memory_mb")  # per design only; they override --timeout / --memory-mb


@dataclass(frozen=True)
class RegressDesign:
    name: str
    files: tuple[str, ...]
    top: str | None = None
    include_dirs: tuple[str, ...] = ()
    params: dict = field(default_factory=dict)
    overrides: dict = field(default_factory=dict)

    def settings(self, globals_: dict) -> dict:
        """Effective strategy/budget/objective/liberty/seed: design value, else the run's global."""
        return {k: self.overrides.get(k, globals_.get(k)) for k in OVERRIDABLE}

    def limits(self, timeout: float | None, memory_mb: int | None) -> dict:
        """Effective per-design timeout (s) and memory cap (MiB): the design's value, else the run's."""
        return {"timeout": self.overrides.get("timeout", timeout),
                "memory_mb": self.overrides.get("memory_mb", memory_mb)}


@dataclass(frozen=True)
class RegressManifest:
    path: Path
    sha256: str
    globals: dict
    designs: tuple[RegressDesign, ...]

    def names(self) -> list[str]:
        return [d.name for d in self.designs]


def _line_of(text: str, name: str, nth: int = 1) -> int | None:
    """Line of the ``nth`` ``name = "..."`` entry for ``name`` (the second one for a duplicate)."""
    for i, line in enumerate(text.splitlines(), 1):
        if line.split("#")[0].strip().replace(" ", "") in (f'name="{name}"', f"name='{name}'"):
            nth -= 1
            if nth == 0:
                return i
    return None


def load(path: str | Path) -> RegressManifest:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise InputError("manifest does not exist", path=str(p)) from None
    text = raw.decode("utf-8", errors="replace")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)  # Python >= 3.14; before, only in the message
        msg = str(exc)
        m = re.search(r"\s*\(at line (\d+), column \d+\)$", msg)
        if m:
            line = line or int(m.group(1))
        raise InputError(f"invalid TOML: {msg}", path=str(p), line=line) from None
    entries = data.get("design")
    if not isinstance(entries, list) or not entries:
        raise InputError("no [[design]] tables", path=str(p))
    base = p.resolve().parent
    globals_ = {k: data[k] for k in OVERRIDABLE if k in data}
    if "liberty" in globals_:
        globals_["liberty"] = str(base / globals_["liberty"])
    seen: set[str] = set()
    designs = []
    for i, d in enumerate(entries):
        name = d.get("name")
        where = f"[[design]] #{i + 1}" + (f" ({name})" if name else "")
        if not isinstance(name, str) or not name:
            raise InputError(f"{where}: 'name' missing or not a string", path=str(p))
        line = _line_of(text, name, 2 if name in seen else 1)
        if name in seen:
            raise InputError(f"duplicate design name {name!r}", path=str(p), line=line)
        seen.add(name)
        files = d.get("files")
        if not isinstance(files, list) or not files or not all(isinstance(f, str) for f in files):
            raise InputError(f"{where}: 'files' missing or not a list of paths", path=str(p), line=line)
        resolved = []
        for f in files:
            fp = base / f
            if not fp.is_file():
                raise InputError(f"{where}: file does not exist: {f}", path=str(p), line=line)
            resolved.append(str(fp))
        incs = d.get("include_dirs", [])
        if not isinstance(incs, list):
            raise InputError(f"{where}: 'include_dirs' must be a list", path=str(p), line=line)
        for inc in incs:
            if not (base / inc).is_dir():
                raise InputError(f"{where}: include dir does not exist: {inc}", path=str(p), line=line)
        params = d.get("params", {})
        if not isinstance(params, dict):
            raise InputError(f"{where}: 'params' must be a table", path=str(p), line=line)
        top = d.get("top")
        if top is not None and not isinstance(top, str):
            raise InputError(f"{where}: 'top' must be a string", path=str(p), line=line)
        over = {k: d[k] for k in OVERRIDABLE + LIMITS if k in d}
        for k in LIMITS:
            if k in over and (isinstance(over[k], bool) or not isinstance(over[k], (int, float)) or over[k] <= 0):
                raise InputError(f"{where}: '{k}' must be a positive number", path=str(p), line=line)
        if "budget" in over and (not isinstance(over["budget"], int) or over["budget"] <= 0):
            raise InputError(f"{where}: 'budget' must be a positive integer", path=str(p), line=line)
        if "liberty" in over:
            lib = base / over["liberty"]
            if not lib.is_file():
                raise InputError(f"{where}: liberty file does not exist: {over['liberty']}", path=str(p), line=line)
            over["liberty"] = str(lib)
        designs.append(RegressDesign(name, tuple(resolved), top, tuple(str(base / x) for x in incs),
                                     {k: str(v) for k, v in params.items()}, over))
    return RegressManifest(p.resolve(), hashlib.sha256(raw).hexdigest(), globals_, tuple(designs))
