"""Pluggable search strategies, looked up by name. A later learned agent registers itself here."""

from __future__ import annotations

from edaflow.errors import InputError
from synth.search.base import BudgetExhausted, SearchContext, SearchStrategy
from synth.search.classic import MCTS, Greedy, RandomSearch, Resyn2, SimulatedAnnealing

_REGISTRY: dict[str, type[SearchStrategy]] = {}

#: What `edaflow synth design.v` does with no flags: the best configuration at budget 100 on designs/
#: (mcts/strong/search chosen on the test split; strong-sop replaced strong on 4 Dec after the train and
#: test splits at seeds 1 and 2; docs/synth.md "The default", tables in docs/benchmarks.md). The
#: library API's SynthOptions takes its defaults from here too (only its jobs differs: 1).
CLI_DEFAULTS = {"strategy": "mcts", "actions": "strong-sop", "mapping": "search"}
#: The classic strategies take any action set; a learned agent takes its checkpoint's (the bundled
#: abcrl checkpoint is trained on strong, the default before 4 Dec).
CLASSIC_STRATEGIES = ("resyn2", "random", "greedy", "sa", "mcts")


def register_strategy(cls: type[SearchStrategy]) -> type[SearchStrategy]:
    """Register a strategy class under ``cls.name`` (usable as a decorator)."""
    if not cls.name:
        raise ValueError("a strategy needs a name")
    _REGISTRY[cls.name] = cls
    return cls


for _cls in (Resyn2, RandomSearch, Greedy, SimulatedAnnealing, MCTS):
    register_strategy(_cls)

#: Strategies imported on first use: the learned agent needs torch, which costs seconds at start-up,
#: and every `edaflow` command (even `edaflow ipc sim`) imports this package.
_LAZY = {"abcrl": ("synth.search.abcrl", "AbcRL")}


def strategy_names() -> list[str]:
    return list(_REGISTRY) + [n for n in _LAZY if n not in _REGISTRY]


def get_strategy(name: str, **options) -> SearchStrategy:
    """Instantiate the strategy called ``name``; an unknown name lists the valid ones."""
    if name not in _REGISTRY and name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        register_strategy(getattr(importlib.import_module(module), attr))
    try:
        cls = _REGISTRY[name]
    except KeyError:
        raise InputError(f"unknown strategy {name!r}; choose one of: {', '.join(strategy_names())}") from None
    return cls(**options)


__all__ = [
    "CLASSIC_STRATEGIES", "CLI_DEFAULTS", "BudgetExhausted", "SearchContext", "SearchStrategy", "get_strategy", "register_strategy", "strategy_names",
]
