"""The design manifest (`designs/manifest.toml`): one ``[[design]]`` table per benchmark design,
used by tests, benchmarks and, later, training and nightly regression."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from edaflow.errors import InputError

DEFAULT_MANIFEST = Path(__file__).resolve().parent.parent / "designs" / "manifest.toml"
SPLITS = ("train", "test")
REQUIRED = {"name": str, "files": list, "top": str, "include_dirs": list, "params": dict, "category": str, "split": str}


@dataclass(frozen=True)
class DesignEntry:
    name: str
    files: tuple[Path, ...]
    top: str
    include_dirs: tuple[Path, ...]
    params: dict = field(default_factory=dict)
    category: str = ""
    split: str = "train"
    ands: int | None = None
    latches: int | None = None

    def synth_kwargs(self) -> dict:
        """Keyword arguments for :func:`synth.frontend.load_design` / :class:`synth.flow.SynthOptions`."""
        return {"top": self.top, "include_dirs": [str(d) for d in self.include_dirs],
                "params": {k: str(v) for k, v in self.params.items()}}


def load_manifest(path: str | Path = DEFAULT_MANIFEST, split: str | None = None) -> list[DesignEntry]:
    """Read the manifest; paths are resolved relative to the manifest's folder."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("manifest does not exist", path=str(p)) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML: {exc}", path=str(p)) from None
    entries = []
    for i, d in enumerate(data.get("design", [])):
        for key, typ in REQUIRED.items():
            if not isinstance(d.get(key), typ):
                raise InputError(f"[[design]] #{i + 1} ({d.get('name', '?')}): {key!r} missing or not a {typ.__name__}",
                                 path=str(p))
        if d["split"] not in SPLITS:
            raise InputError(f"design {d['name']}: split must be one of {SPLITS}", path=str(p))
        entries.append(DesignEntry(
            name=d["name"], files=tuple(p.parent / f for f in d["files"]), top=d["top"],
            include_dirs=tuple(p.parent / x for x in d["include_dirs"]), params=dict(d["params"]),
            category=d["category"], split=d["split"], ands=d.get("ands"), latches=d.get("latches"),
        ))
    if split is not None:
        entries = [e for e in entries if e.split == split]
    return entries
