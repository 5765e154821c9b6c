"""Synthesis recipes: sequences of ABC optimisation commands, and ABC's standard scripts spelled out.

The 7-action set and its order are ABC-RL's (REFERENCE.md section 1); the learned agent's policy head
indexes into :data:`ACTIONS`, so this tuple is the single source of truth for action ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from edaflow.errors import InputError
from synth.actions import ABC_RL, ACTION_SETS, EXTENDED  # noqa: F401  (re-exported)

#: ABC-RL's action set, in ABC-RL's index order.
#: (The sets live in the action registry, synth/actions.py; re-exported here for old imports.)
ACTIONS: tuple[str, ...] = ABC_RL

#: An optional larger set (FlowTune/BOiLS-style additions that also work on a plain AIG).
EXTENDED_ACTIONS: tuple[str, ...] = EXTENDED

#: Short names accepted when a user types a recipe (ABC's own abbreviations).
ALIASES: dict[str, str] = {
    "rf": "refactor",
    "rfz": "refactor -z",
    "rw": "rewrite",
    "rwz": "rewrite -z",
    "rs": "resub -K 8",
    "resub": "resub -K 8",
    "rsz": "resub -z",
    "b": "balance",
}

#: abc.rc's standard scripts, expanded (the pyosys yosys-abc ships no abc.rc). Pinned by a test.
STANDARD_SCRIPTS: dict[str, tuple[str, ...]] = {
    "resyn": ("balance", "rewrite", "rewrite -z", "balance", "rewrite -z", "balance"),
    "resyn2": (
        "balance", "rewrite", "refactor", "balance", "rewrite",
        "rewrite -z", "balance", "refactor -z", "rewrite -z", "balance",
    ),
    "resyn2rs": (
        "balance", "resub -K 6", "rewrite", "resub -K 6 -N 2", "refactor", "resub -K 8", "balance",
        "resub -K 8 -N 2", "rewrite", "resub -K 10", "rewrite -z", "resub -K 10 -N 2", "balance",
        "resub -K 12", "refactor -z", "resub -K 12 -N 2", "rewrite -z", "balance",
    ),
    "compress2rs": (
        "balance -l", "resub -K 6 -l", "rewrite -l", "resub -K 6 -N 2 -l", "refactor -l",
        "resub -K 8 -l", "balance -l", "resub -K 8 -N 2 -l", "rewrite -l", "resub -K 10 -l",
        "rewrite -z -l", "resub -K 10 -N 2 -l", "balance -l", "resub -K 12 -l", "refactor -z -l",
        "resub -K 12 -N 2 -l", "rewrite -z -l", "balance -l",
    ),
}


def _normalise(cmd: str) -> str:
    return " ".join(cmd.strip().split())


@dataclass(frozen=True)
class Recipe:
    """An ordered sequence of ABC optimisation commands (each already normalised)."""

    steps: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", tuple(_normalise(s) for s in self.steps))

    @classmethod
    def parse(cls, text: str, action_set: Sequence[str] | None = None) -> "Recipe":
        """Parse ``"b; rw; rf -z"``-style text (aliases allowed). With ``action_set``, every step must
        belong to it, else :class:`InputError` names the unknown action and lists the valid ones."""
        steps = []
        for part in text.replace("\n", ";").split(";"):
            part = _normalise(part)
            if not part:
                continue
            steps.append(ALIASES.get(part, part))
        recipe = cls(tuple(steps))
        if action_set is not None:
            recipe.check(action_set)
        return recipe

    @classmethod
    def from_indices(cls, indices: Iterable[int], action_set: Sequence[str] = ACTIONS) -> "Recipe":
        return cls(tuple(action_set[i] for i in indices))

    @classmethod
    def standard(cls, name: str) -> "Recipe":
        try:
            return cls(STANDARD_SCRIPTS[name])
        except KeyError:
            raise InputError(
                f"unknown script {name!r}; known scripts: {', '.join(STANDARD_SCRIPTS)}"
            ) from None

    def check(self, action_set: Sequence[str]) -> None:
        allowed = set(action_set)
        for step in self.steps:
            if step not in allowed:
                raise InputError(
                    f"unknown action {step!r}; valid actions: {', '.join(action_set)}"
                )

    def indices(self, action_set: Sequence[str] = ACTIONS) -> tuple[int, ...]:
        return tuple(action_set.index(s) for s in self.steps)

    def __add__(self, other: "Recipe | str") -> "Recipe":
        tail = (other,) if isinstance(other, str) else other.steps
        return Recipe(self.steps + tuple(tail))

    def __len__(self) -> int:
        return len(self.steps)

    def prefix(self, n: int) -> "Recipe":
        return Recipe(self.steps[:n])

    def __str__(self) -> str:
        return "; ".join(self.steps)


def load_recipe_file(path: str, action_set: Sequence[str]) -> list[Recipe]:
    """Recipes from a text file, one per line (steps separated by ``;``, aliases allowed, ``#``
    comments). Every step must be one of ``action_set``; else :class:`InputError` names the file and
    line and lists the valid actions."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the recipe file: {getattr(exc, 'strerror', None) or exc}", path=str(path)) from None
    recipes = []
    for no, line in enumerate(lines, 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        try:
            recipes.append(Recipe.parse(text, action_set))
        except InputError as exc:
            raise InputError(exc.message, path=str(path), line=no) from None
    if not recipes:
        raise InputError("the recipe file holds no recipe", path=str(path))
    return recipes
