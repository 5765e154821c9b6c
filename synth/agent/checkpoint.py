"""Checkpoints of the recipe agent: weights plus the metadata that says what they fit.

Metadata: ``action_set`` (its name and the ordered action names the policy head indexes),
``library_sha256`` (the cell library the rewards were measured with), ``feature_spec``
(:data:`synth.graph.FEATURE_SPEC`), ``training_designs`` (name and AIG hash), ``code_version``
(edaflow version and git commit), ``command`` (the command line that made it), the model config,
the embedding centre used for retrieval and the training progress (for resuming).

A missing or unreadable file is an :class:`InputError` (exit 2) with the hint to run
``edaflow train``; :func:`check_compatible` says exactly what differs from the current search.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any, Sequence

import torch

from edaflow import __version__
from edaflow.errors import InputError
from synth.agent.model import ModelConfig, RecipeNet
from synth.graph import FEATURE_SPEC

FORMAT = "edaflow-recipe-agent/1"
HINT = "run `edaflow train` to make one (or pass another checkpoint)"
BUNDLED = Path(__file__).resolve().parent / "data" / "agent.pt"


def code_version() -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=Path(__file__).parent,
                                capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"edaflow {__version__}" + (f" ({commit})" if commit else "")


def save_checkpoint(path: str | os.PathLike, net: RecipeNet, meta: dict, extra: dict | None = None) -> Path:
    """Write atomically (temporary file, then ``os.replace``): an interrupted save never leaves a
    half-written checkpoint behind."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    blob = {"format": FORMAT, "meta": dict(meta, model=net.cfg.to_dict()), "state": net.state_dict(),
            "extra": extra or {}}
    tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
    torch.save(blob, tmp)
    os.replace(tmp, p)
    return p


class Checkpoint:
    def __init__(self, path: Path, net: RecipeNet, meta: dict, extra: dict):
        self.path, self.net, self.meta, self.extra = path, net, meta, extra

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(self.meta["action_set"]["actions"])

    @property
    def center(self) -> torch.Tensor | None:
        c = self.meta.get("embedding_center")
        return torch.tensor(c, dtype=torch.float32) if c is not None else None


def default_checkpoint_path() -> Path:
    """``$EDAFLOW_CHECKPOINT`` if set, else the checkpoint bundled with the package."""
    env = os.environ.get("EDAFLOW_CHECKPOINT")
    return Path(env) if env else BUNDLED


def load_checkpoint(path: str | os.PathLike | None = None) -> Checkpoint:
    p = Path(path) if path else default_checkpoint_path()
    if not p.is_file():
        raise InputError(f"no agent checkpoint here; {HINT}", path=str(p))
    try:
        blob = torch.load(p, map_location="cpu", weights_only=False)
    except Exception as exc:  # noqa: BLE001  (any unpickling failure means a corrupt file)
        raise InputError(f"corrupt agent checkpoint ({type(exc).__name__}); {HINT}", path=str(p)) from None
    if not isinstance(blob, dict) or blob.get("format") != FORMAT:
        raise InputError(f"not an edaflow agent checkpoint (format {blob.get('format') if isinstance(blob, dict) else '?'!r}); {HINT}",
                         path=str(p))
    meta = blob["meta"]
    try:
        net = RecipeNet(ModelConfig(**meta["model"]))
        net.load_state_dict(blob["state"])
    except (KeyError, TypeError, RuntimeError) as exc:
        raise InputError(f"corrupt agent checkpoint (weights do not fit its model: {str(exc)[:120]}); {HINT}",
                         path=str(p)) from None
    net.eval()
    return Checkpoint(p, net, meta, blob.get("extra", {}))


def differences(meta: dict, *, actions: Sequence[str] | None = None, library_sha256: str | None = None,
                feature_spec: dict | None = None) -> list[str]:
    """What differs between a checkpoint's metadata and the current run (empty: compatible)."""
    out = []
    if actions is not None and tuple(meta["action_set"]["actions"]) != tuple(actions):
        have = list(meta["action_set"]["actions"])
        want = list(actions)
        extra = [a for a in want if a not in have]
        gone = [a for a in have if a not in want]
        detail = (f"; not in the checkpoint: {', '.join(extra)}" if extra else "") + \
                 (f"; only in the checkpoint: {', '.join(gone)}" if gone else "") or "; same actions, other order"
        out.append(f"action set: checkpoint {meta['action_set']['name']!r} ({', '.join(have)}) vs search "
                   f"({', '.join(want)}){detail}")
    fs = feature_spec if feature_spec is not None else FEATURE_SPEC
    if meta.get("feature_spec") != fs:
        keys = sorted(k for k in set(fs) | set(meta.get("feature_spec", {}))
                      if fs.get(k) != meta.get("feature_spec", {}).get(k))
        out.append("graph features: " + "; ".join(
            f"{k}: checkpoint {meta.get('feature_spec', {}).get(k)!r} vs code {fs.get(k)!r}" for k in keys))
    if library_sha256 is not None and meta.get("library_sha256") != library_sha256:
        out.append(f"cell library: checkpoint trained with sha256 {str(meta.get('library_sha256'))[:12]} "
                   f"({meta.get('library_name', '?')}), this run uses {library_sha256[:12]}")
    return out


def check_compatible(ckpt: Checkpoint, *, actions: Sequence[str], feature_spec: dict | None = None) -> None:
    """Raise :class:`InputError` naming every difference in action set or graph features."""
    diffs = differences(ckpt.meta, actions=actions, feature_spec=feature_spec)
    if diffs:
        raise InputError("agent checkpoint does not match this search: " + " | ".join(diffs)
                         + "; retrain with `edaflow train --actions ...` or search with the checkpoint's action set",
                         path=str(ckpt.path))


def base_meta(action_set_name: str, actions: Sequence[str], library: Any, designs: list[dict], command: str,
              version: str | None = None) -> dict:
    """The metadata every checkpoint carries; ``version`` defaults to :func:`code_version` now."""
    from synth.actions import command_of

    return {
        "action_set": {"name": action_set_name, "actions": list(actions),
                       "commands": [command_of(a) for a in actions]},
        "library_sha256": library.sha256,
        "library_name": library.name,
        "feature_spec": dict(FEATURE_SPEC),
        "training_designs": designs,
        "code_version": version or code_version(),
        "command": command,
    }
