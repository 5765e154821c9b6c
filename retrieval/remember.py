"""Adding designs to a team's index: from a finished `edaflow synth` run (report.json + input AIG) or
an AIGER file with a known recipe. The embedding comes from the agent checkpoint the index belongs to."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from edaflow.errors import InputError
from retrieval.index import BUNDLED, DesignIndex, IndexEntry, default_index_path


def open_team_index(path: str | os.PathLike | None = None) -> DesignIndex:
    """The index to write to: ``path`` (a new file starts empty) or the default team index (created as a
    copy of the bundled one)."""
    p = Path(path) if path else default_index_path()
    if path is None and not p.is_file() and BUNDLED.is_file():
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
        shutil.copyfile(BUNDLED, tmp)
        os.replace(tmp, p)
    if not p.is_file():
        return DesignIndex(dim=0, model_id="", path=p)
    return DesignIndex.load(p)


def _read_report(path: Path) -> tuple[dict, Path]:
    rp = path / "report.json" if path.is_dir() else path
    try:
        report = json.loads(rp.read_text(encoding="utf-8"))
        aig = rp.parent / report["outputs"]["input_aig"]
    except FileNotFoundError:
        raise InputError("no report.json here (give an `edaflow synth` output folder, its report.json or an .aig)",
                         path=str(rp)) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"not an edaflow synth report ({exc})", path=str(rp)) from None
    return report, aig


def entry_for(agent, aig: Path, name: str, recipe: str, qor: dict, library_sha: str, source: str) -> IndexEntry:
    from synth.aiger import aiger_content_sha256

    emb = agent.embed_file(aig)
    return IndexEntry(name=name, aig_sha256=aiger_content_sha256(aig), vector=agent.index_vector(emb).tolist(),
                      best_recipe=recipe, best_qor=qor, library_sha256=library_sha, source=source)


def add_to_index(target: str | os.PathLike, *, name: str | None = None, recipe: str | None = None,
                 index_path: str | os.PathLike | None = None, checkpoint: str | None = None,
                 source: str = "index add") -> tuple[IndexEntry, bool, Path]:
    """Add a synth output folder / report.json, or an .aig (with ``recipe``), to the index."""
    from synth.agent import Agent

    t = Path(target)
    if not t.exists():
        raise InputError("does not exist", path=str(t))
    if t.suffix.lower() in (".aig", ".aag"):
        aig, qor, lib = t, {}, ""
        rec = recipe or ""
        nm = name or t.stem
    else:
        report, aig = _read_report(t)
        best = report["best"]
        rec = recipe or best["recipe"]
        qor = {k: best[k] for k in ("adp", "area", "delay", "and", "levels") if k in best}
        qor["objective"] = report.get("objective")
        lib = report.get("library", {}).get("sha256", "")
        nm = name or report["design"]["top"]
        if not aig.is_file():
            raise InputError("the run's input AIG is missing", path=str(aig))
    agent = Agent.load(checkpoint)
    idx = open_team_index(index_path)
    if idx.dim == 0:
        idx.dim = int(agent.index_vector(agent.embed_file(aig)).shape[0])
        idx.model_id = agent.meta.get("model_id", "")
    idx.check_model(agent.meta.get("model_id", ""))
    entry = entry_for(agent, aig, nm, rec, qor, lib, source)
    changed = idx.add(entry)
    if changed:
        idx.save()
    return entry, changed, idx.path
