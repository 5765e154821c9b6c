"""The action registry: one source of truth for every optimisation step a recipe may contain.

Each :class:`Action` has the name used in recipes (and by the learned agent's policy head, through the
named sets' order), the ABC command line that runs it, its family, and a cost model: seconds per
1,000 AND nodes (measured by bench/actions.py). The cost
model sets a per-step time limit that scales with the design (:func:`step_timeout`); a step that
exceeds it fails only that evaluation.

Named sets: ``abc-rl`` (ABC-RL's 7 actions in its index order; the paper baseline), ``extended``
(FlowTune/BOiLS-style additions) and ``strong`` (extended plus ABC's GIA-based ``&dc2``/``&syn2`` and
``fraig``) and ``strong-sop`` (strong plus ``&if -g``, SOP balancing: ``&if -g`` maps the network
into 6-input cuts chosen for depth, balances each cut's sum of products, and ``&st`` turns the result
back into an AIG; the default since 4 Dec, docs/synth.md). ``&deepsyn`` and ``&dch``/``&synch2`` were tried and left out as recipe steps: ``&deepsyn``
runs with abc.rc's ``compress2rs`` alias defined in the session (bench/portfolio.py does so) but takes
a fixed time whatever the design and trades depth for AND count (ADP worse than resyn2 on most of our
designs); ``&dch``/``&synch2`` abort on ``&put``. Choices (``dch``, ``&dch``) are used at mapping time
instead (``MAPPINGS`` in synth/evaluator.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from edaflow.errors import InputError


@dataclass(frozen=True)
class Action:
    name: str  # as written in a recipe
    command: str  # the ABC command line (may chain commands with ';')
    family: str  # rewrite / refactor / resub / balance / dc2 / gia / fraig / sop
    sec_per_kand: float  # measured seconds per 1,000 AND nodes (bench/actions.py)


#: Measured by bench/actions.py (docs/benchmarks.md, `actions` section): the largest of the per-design
#: medians over ks_adder64, alu32, sha256_round and mac_pipe16 on the shared 2-core machine, rounded up
#: (balance measured 0.000; 0.002 keeps its limit above zero). Limits use 50x this (step_timeout).
_ALL: tuple[Action, ...] = (
    Action("refactor", "refactor", "refactor", 0.032),
    Action("refactor -z", "refactor -z", "refactor", 0.035),
    Action("rewrite", "rewrite", "rewrite", 0.021),
    Action("rewrite -z", "rewrite -z", "rewrite", 0.025),
    Action("resub -K 8", "resub -K 8", "resub", 0.008),
    Action("resub -z", "resub -z", "resub", 0.008),
    Action("balance", "balance", "balance", 0.002),
    Action("dc2", "dc2", "dc2", 0.048),
    Action("resub -K 6 -N 2", "resub -K 6 -N 2", "resub", 0.009),
    Action("refactor -N 12", "refactor -N 12", "refactor", 0.091),
    Action("drw", "drw", "rewrite", 0.010),
    Action("&dc2", "&get -n; &dc2; &put", "gia", 0.041),
    Action("&syn2", "&get -n; &syn2; &put", "gia", 0.009),
    Action("fraig", "fraig", "fraig", 0.007),
    Action("&if -g", "&get -n; &if -g -K 6; &st; &put", "sop", 0.06),  # measured 4 Dec, wheel ABC, idle machine
)

REGISTRY: dict[str, Action] = {a.name: a for a in _ALL}

ABC_RL: tuple[str, ...] = (
    "refactor", "refactor -z", "rewrite", "rewrite -z", "resub -K 8", "resub -z", "balance",
)
EXTENDED: tuple[str, ...] = ABC_RL + ("dc2", "resub -K 6 -N 2", "refactor -N 12", "drw")
STRONG: tuple[str, ...] = EXTENDED + ("&dc2", "&syn2", "fraig")
STRONG_SOP: tuple[str, ...] = STRONG + ("&if -g",)

ACTION_SETS: dict[str, tuple[str, ...]] = {
    "abc-rl": ABC_RL, "extended": EXTENDED, "strong": STRONG, "strong-sop": STRONG_SOP,
}


def get_action(name: str) -> Action | None:
    return REGISTRY.get(" ".join(name.split()))


def command_of(step: str) -> str:
    """The ABC command line for a recipe step: the registry's command, else the step itself (standard
    scripts use plain ABC commands such as ``balance -l`` that are not search actions)."""
    a = get_action(step)
    return a.command if a else step


def action_set(name: str) -> tuple[str, ...]:
    try:
        return ACTION_SETS[name]
    except KeyError:
        raise InputError(f"unknown action set {name!r}; choose one of: {', '.join(ACTION_SETS)}") from None


def parse_action_list(text: str) -> tuple[str, ...]:
    """A set name, or a comma-separated list of action names; unknown names list the valid ones."""
    text = text.strip()
    if text in ACTION_SETS:
        return ACTION_SETS[text]
    names = tuple(" ".join(p.split()) for p in text.split(",") if p.strip())
    bad = [n for n in names if n not in REGISTRY]
    if bad or not names:
        raise InputError(
            f"unknown action {bad[0] if bad else text!r}; valid actions: {', '.join(REGISTRY)}; "
            f"sets: {', '.join(ACTION_SETS)}"
        )
    return names


def step_timeout(step: str, ands: int, cap: float, floor: float = 5.0, slack: float = 50.0) -> float:
    """Time limit for one step on a network of ``ands`` AND nodes: ``slack`` times the cost model,
    at least ``floor`` seconds, at most ``cap`` (the session's per-command timeout)."""
    a = get_action(step)
    if a is None:
        return cap
    return max(floor, min(cap, slack * a.sec_per_kand * ands / 1000.0))
