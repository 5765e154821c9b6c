"""Cell libraries for technology mapping: the bundled genlib, or a user's genlib / Liberty file.

Every QoR result records the library's path and SHA-256, because area and delay are only comparable
on the same library.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from edaflow.errors import InputError

BUNDLED_GENLIB = Path(__file__).with_name("data") / "edaflow45.genlib"


@dataclass(frozen=True)
class CellLibrary:
    """A cell library file. ``kind`` is ``"genlib"`` (ABC ``read_library``) or ``"liberty"`` (``read_lib``)."""

    path: Path
    kind: str
    sha256: str

    @property
    def name(self) -> str:
        return self.path.name

    def abc_load_command(self) -> str:
        """The ABC command that loads this library for ``map``."""
        quoted = _abc_quote(self.path)
        return f"read_library {quoted}" if self.kind == "genlib" else f"read_lib -w {quoted}"

    def to_dict(self) -> dict:
        return {"path": str(self.path), "kind": self.kind, "sha256": self.sha256}


def _abc_quote(path: Path) -> str:
    text = str(path)
    if any(c in text for c in ' ;"'):
        if '"' in text:
            raise InputError("paths with double quotes cannot be passed to ABC", path=text)
        return f'"{text}"'
    return text


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load_library(path: str | os.PathLike, kind: str) -> CellLibrary:
    """Check that ``path`` is a readable library of ``kind`` and return it; :class:`InputError` otherwise."""
    p = Path(path).expanduser().resolve()
    if kind not in ("genlib", "liberty"):
        raise InputError(f"unknown library kind {kind!r} (expected genlib or liberty)")
    if not p.exists():
        raise InputError("library file does not exist", path=str(path))
    if p.suffix == ".gz":
        p = _gunzip(p)
    try:
        head = p.read_bytes()[: 1 << 16].decode("utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"cannot read library: {exc.strerror}", path=str(path)) from None
    if kind == "genlib":
        if "GATE" not in head:
            raise InputError("not a genlib library (no GATE lines)", path=str(path))
    else:
        if "library" not in head or "cell" not in head:
            raise InputError("not a Liberty library (no library(...) group with cells)", path=str(path))
    return CellLibrary(path=p, kind=kind, sha256=_sha256(p))


def _gunzip(src: Path) -> Path:
    """Decompress a ``.lib.gz`` into a private temporary folder (ABC and Yosys read plain files only)."""
    import atexit
    import gzip
    import shutil
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="edaflow-lib-"))
    atexit.register(shutil.rmtree, tmp, True)
    out = tmp / src.name[: -len(".gz")]
    try:
        with gzip.open(src, "rb") as fin, open(out, "wb") as fout:
            shutil.copyfileobj(fin, fout)
    except (OSError, EOFError) as exc:
        raise InputError(f"cannot decompress library: {exc}", path=str(src)) from None
    return out


def bundled_library() -> CellLibrary:
    """edaflow's own 45 nm-class genlib (areas from NanGate FreePDK45; see the file's header)."""
    return load_library(BUNDLED_GENLIB, "genlib")
