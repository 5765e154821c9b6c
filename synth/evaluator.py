"""Evaluating recipes on one design with a reusable ABC session, a prefix cache and a result cache.

The prefix cache keeps the AIG after every recipe prefix it has computed (as AIGER files in a work
folder, least recently used evicted first), so recipes that share a prefix start from the stored
intermediate network instead of replaying it. Counters record how many optimisation steps were
executed against how many a naive from-scratch replay of every evaluated recipe would have needed.

Parallel evaluation: :meth:`RecipeEvaluator.fork` makes a sibling with its own ABC process that shares
the prefix store (a thread-safe index of AIGER files any ABC process can read) and the result cache;
:class:`EvaluatorPool` runs a batch of recipes on N such evaluators in threads (ABC does the work in
its own process, so threads are enough) and returns the results in the order of the batch. A recipe's
QoR does not depend on which process measured it, so a batch's results are deterministic.

Mapping is a choice: ``evaluate(recipe, mapping=...)`` maps with one of :data:`MAPPINGS` (default
``map``); the mapping is part of the result-cache key and is recorded in the :class:`Evaluation`.
"""

from __future__ import annotations

import os
import queue
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Sequence

from abc_bin import CellLibrary, abc_version
from edaflow.errors import InputError
from synth.abc_session import AbcError, AbcSession, AbcTimeoutError
from synth.aiger import aiger_content_sha256
from synth.actions import command_of, get_action, step_timeout
from synth.cache import ResultCache
from synth.qor import AigStats, LutStats, MappedStats, QoR
from synth.qor import measure_liberty
from synth.recipes import Recipe


#: Technology-mapping commands the search may choose from (name -> ABC command line), all checked to
#: keep the mapped netlist equivalent (tests/test_actions.py). ``dch`` computes structural choices
#: that ``map``/``&nf`` then pick from; ``amap`` and ``map -a`` are area-oriented.
MAPPINGS: dict[str, str] = {
    "map": "map",
    "dch; map": "dch; map",
    "dch -f; map": "dch -f; map",
    "map -a": "map -a",
    "amap": "amap",
    "&nf": "&get -n; &nf; &put",
    "&dch; &nf": "&get -n; &dch; &nf; &put",
}
DEFAULT_MAPPING = "map"
#: Area-oriented mappings: in ``search`` only for the area objective (after resyn2 they cost +35 % and
#: +41 % ADP on average on the training designs, bench/actions.py).
AREA_MAPPINGS = ("map -a", "amap")


def parse_mappings(text: str, objective: str = "adp") -> tuple[str, ...]:
    """``map`` (the default only), ``search`` (every entry of :data:`MAPPINGS`; the area-oriented ones
    only for the ``area`` objective) or a comma-separated list of mapping names; an unknown name lists
    the valid ones."""
    text = " ".join(text.split())
    if text == "search":
        return tuple(m for m in MAPPINGS if objective == "area" or m not in AREA_MAPPINGS)
    names = tuple(" ".join(p.split()) for p in text.split(",") if p.strip())
    bad = [n for n in names if n not in MAPPINGS]
    if bad or not names:
        raise InputError(f"unknown mapping {bad[0] if bad else text!r}; valid mappings: search, {', '.join(MAPPINGS)}")
    return names


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover (not Linux)
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Evaluation:
    """One recipe's result. ``qor`` is None when the evaluation failed (``error`` says why)."""

    recipe: Recipe
    qor: QoR | None
    error: str | None = None
    from_cache: bool = False
    seconds: float = 0.0
    mapping: str = DEFAULT_MAPPING

    @property
    def ok(self) -> bool:
        return self.qor is not None


@dataclass
class EvaluatorStats:
    evaluations: int = 0
    failed: int = 0
    result_cache_hits: int = 0
    steps_executed: int = 0  # optimisation commands actually run
    steps_naive: int = 0  # what replaying every evaluated recipe from the input would have run
    prefix_hits: int = 0  # evaluations that started from a stored intermediate AIG
    abc_commands: int = 0  # ABC commands sent while evaluating (reads, steps, prefix writes, mapping, stats)
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    @classmethod
    def total(cls, parts: Sequence["EvaluatorStats"]) -> "EvaluatorStats":
        out = cls()
        for f in fields(cls):
            if f.name == "errors":
                out.errors = [e for p in parts for e in p.errors]
            else:
                setattr(out, f.name, sum(getattr(p, f.name) for p in parts))
        return out


class PrefixStore:
    """Recipe prefix -> AIGER file of the network after it; least recently used evicted first.
    Thread-safe, so sibling evaluators (one ABC process each) share what any of them computed."""

    def __init__(self, workdir: Path, capacity: int):
        self.workdir = workdir
        self.capacity = capacity
        self._paths: OrderedDict[tuple[str, ...], Path] = OrderedDict()
        self._lock = threading.Lock()
        self._counter = 0

    def longest(self, steps: tuple[str, ...]) -> tuple[int, Path | None]:
        with self._lock:
            for k in range(len(steps), 0, -1):
                path = self._paths.get(steps[:k])
                if path is not None:
                    self._paths.move_to_end(steps[:k])
                    return k, path
        return 0, None

    def new_path(self) -> Path:
        with self._lock:
            self._counter += 1
            return self.workdir / f"p{self._counter:07d}.aig"

    def add(self, steps: tuple[str, ...], path: Path) -> None:
        with self._lock:
            self._paths[steps] = path
            while len(self._paths) > self.capacity:
                _, old = self._paths.popitem(last=False)
                old.unlink(missing_ok=True)

    def get(self, steps: tuple[str, ...]) -> Path | None:
        with self._lock:
            return self._paths.get(steps)

    def keys(self) -> set[tuple[str, ...]]:
        with self._lock:
            return set(self._paths)


class RecipeEvaluator:
    """Measures the QoR of recipes on the AIG at ``aig_path``.

    QoR = AIG statistics after the recipe, then technology mapping with ``library`` (``map``; area and
    delay from ``print_stats`` for genlib; for Liberty after buffering and sizing, see
    :func:`synth.qor.measure_liberty`), and with ``lut_k`` LUT mapping (``if -K k``) too.
    """

    def __init__(
        self,
        aig_path: str | Path,
        library: CellLibrary,
        *,
        session: AbcSession | None = None,
        abc_path: str | None = None,
        lut_k: int | None = None,
        result_cache: ResultCache | None = None,
        prefix_cache_size: int = 4096,
        timeout: float = 120.0,
        workdir: str | Path | None = None,
        prefix_store: PrefixStore | None = None,
        owns_session: bool | None = None,
    ):
        self.aig_path = Path(aig_path).resolve()
        self.library = library
        self.lut_k = lut_k
        self.result_cache = result_cache
        self.timeout = timeout
        self._own_session = session is None if owns_session is None else owns_session
        self.session = session or AbcSession(abc_path, timeout=timeout)
        if library.abc_load_command() not in self.session.setup:
            self.session.setup.append(library.abc_load_command())
            if self.session.alive:
                self.session.run(library.abc_load_command())
        self.abc_version = abc_version(self.session.abc_path)
        self.design_sha = aiger_content_sha256(self.aig_path)
        self.measure = "map" + ("+sized" if library.kind == "liberty" else "") + (f"+if{lut_k}" if lut_k else "")
        self._tmp = None
        if prefix_store is None:
            self._tmp = None if workdir else tempfile.TemporaryDirectory(prefix="edaflow-prefix-")
            wd = Path(workdir) if workdir else Path(self._tmp.name)
            wd.mkdir(parents=True, exist_ok=True)
            prefix_store = PrefixStore(wd, prefix_cache_size)
        self.prefixes = prefix_store
        self.workdir = prefix_store.workdir
        self.stats = EvaluatorStats()

    def fork(self) -> "RecipeEvaluator":
        """A sibling evaluator with its own ABC process (same set-up, library and limits) that shares
        this one's prefix store and result cache. Close it with :meth:`close`."""
        sess = AbcSession(self.session.abc_path, setup=list(self.session.setup), timeout=self.timeout)
        return RecipeEvaluator(
            self.aig_path, self.library, session=sess, lut_k=self.lut_k, result_cache=self.result_cache,
            timeout=self.timeout, prefix_store=self.prefixes, owns_session=True,
        )

    # -- prefix cache ---------------------------------------------------------------------------
    def _store_prefix(self, steps: tuple[str, ...]) -> None:
        path = self.prefixes.new_path()
        self.session.run(f"write_aiger -s {path}")
        self.prefixes.add(steps, path)

    def _load(self, steps: tuple[str, ...], store_upto: int | None = None, deadline: float | None = None) -> Path | None:
        """Leave ABC's current network = the AIG after ``steps``, starting from the longest stored
        prefix. Intermediate networks of length <= ``store_upto`` (all when None) are written to the
        prefix cache. Steps are cut off at ``deadline`` (``time.monotonic()``), if given. Returns the
        file holding the final network, or None if it was not stored."""
        k, path = self.prefixes.longest(steps)
        if k:
            self.stats.prefix_hits += 1
        self.session.run(f"read {path or self.aig_path}")
        ands = None
        for i in range(k, len(steps)):
            if ands is None and get_action(steps[i]) is not None:
                ands = AigStats.parse(self.session.run("print_stats")).ands
            limit = step_timeout(steps[i], ands or 0, self.timeout) if ands is not None else None
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AbcTimeoutError("search time limit reached", command=steps[i])
                limit = min(limit or self.timeout, left)
            self.session.run(command_of(steps[i]), limit)
            self.stats.steps_executed += 1
            if store_upto is None or i + 1 <= store_upto:
                self._store_prefix(steps[: i + 1])
        return self.prefixes.get(steps) if steps else self.aig_path

    # -- evaluation -----------------------------------------------------------------------------
    def evaluate(
        self, recipe: Recipe, store_prefixes: int | None = None, *, mapping: str = DEFAULT_MAPPING,
        deadline: float | None = None,
    ) -> Evaluation:
        """QoR of ``recipe`` mapped with ``mapping`` (a :data:`MAPPINGS` name); an ABC failure or
        timeout makes this one evaluation fail, not the run.

        ``store_prefixes`` says how many leading steps are worth keeping in the prefix cache (a hint
        from the strategy, e.g. MCTS keeps its tree path but not its random rollout); None keeps all.
        ``deadline`` (``time.monotonic()``): steps still running then are cut off (the evaluation fails).
        """
        t0 = time.perf_counter()
        self.stats.evaluations += 1
        self.stats.steps_naive += len(recipe)
        measure = self.measure if mapping == DEFAULT_MAPPING else f"{self.measure}[{mapping}]"
        key = (self.design_sha, str(recipe), self.library.sha256, self.abc_version, measure)
        if self.result_cache is not None:
            cached = self.result_cache.get(*key)
            if cached is not None:
                self.stats.result_cache_hits += 1
                return Evaluation(recipe, cached, from_cache=True, seconds=time.perf_counter() - t0, mapping=mapping)
        sent = self.session.commands_run
        try:
            qor = self._measure(recipe.steps, store_prefixes, mapping, deadline)
        except AbcError as exc:
            self.stats.abc_commands += self.session.commands_run - sent
            self.stats.failed += 1
            self.stats.errors.append(f"{recipe} [{mapping}]: {exc}")
            dt = time.perf_counter() - t0
            self.stats.seconds += dt
            return Evaluation(recipe, None, error=str(exc), seconds=dt, mapping=mapping)
        self.stats.abc_commands += self.session.commands_run - sent
        if self.result_cache is not None:
            self.result_cache.put(*key, qor)
        dt = time.perf_counter() - t0
        self.stats.seconds += dt
        return Evaluation(recipe, qor, seconds=dt, mapping=mapping)

    def _measure(self, steps: tuple[str, ...], store_upto: int | None, mapping: str = DEFAULT_MAPPING,
                 deadline: float | None = None) -> QoR:
        # ABC's AIGER write/read keeps node order, so mapping the in-memory network gives the same QoR
        # as an independent re-mapping of the written file (checked on 160 random recipes over 4
        # designs; tests/test_cli_synth.py::test_independent_remap_matches_report guards it).
        if self.lut_k:
            store_upto = None  # LUT mapping re-reads the final network from its file
        path = self._load(steps, store_upto, deadline)
        aig = AigStats.parse(self.session.run("print_stats"))
        mapped = self._map(mapping)
        luts = None
        if self.lut_k:
            self.session.run(f"read {path}")
            self.session.run(f"if -K {self.lut_k}")
            luts = LutStats.parse(self.session.run("print_stats"))
        return QoR(
            ands=aig.ands, levels=aig.levels, area=mapped.area, delay=mapped.delay, gates=mapped.gates,
            luts=luts.luts if luts else None, lut_levels=luts.levels if luts else None,
        )

    def _map(self, mapping: str = DEFAULT_MAPPING) -> MappedStats:
        """Technology-map ABC's current network with the library (``mapping``, a :data:`MAPPINGS`
        name); area and delay of the result."""
        for cmd in MAPPINGS[mapping].split(";"):
            self.session.run(cmd.strip())
        if self.library.kind == "genlib":
            return MappedStats.parse_print_stats(self.session.run("print_stats"))
        return measure_liberty(self.session)  # synth.qor: topo; buffer -p; upsize; dnsize; stime

    def map_file(self, aig_path: str | Path, mapping: str = DEFAULT_MAPPING) -> MappedStats:
        """Read an AIG and map it; the mapped network stays current in the session (for writing)."""
        self.session.run(f"read {aig_path}")
        return self._map(mapping)

    def materialize(self, recipe: Recipe, out_path: str | Path) -> Path:
        """Write the AIG after ``recipe`` to ``out_path`` (reusing stored prefixes)."""
        src = self._load(recipe.steps)
        shutil.copyfile(src, out_path)
        return Path(out_path)

    def close(self) -> None:
        if self._own_session:
            self.session.close()
        if self._tmp is not None:
            self._tmp.cleanup()


class EvaluatorPool:
    """``jobs`` evaluators (one ABC process each) serving batches of recipes.

    The first evaluator is the caller's (its session also does the final checks and writes); the
    others are :meth:`RecipeEvaluator.fork` siblings, started lazily. :meth:`evaluate_many` returns
    the results in the order of the batch, whichever process measured each one.
    """

    def __init__(self, primary: RecipeEvaluator, jobs: int = 1):
        if jobs <= 0:
            raise InputError(f"--jobs must be a positive number of ABC sessions (got {jobs})")
        self.primary = primary
        self.jobs = jobs
        self.evaluators = [primary] + [primary.fork() for _ in range(jobs - 1)]
        self._free: queue.Queue[RecipeEvaluator] = queue.Queue()
        for ev in self.evaluators:
            self._free.put(ev)
        self._threads = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="edaflow-abc") if jobs > 1 else None

    @property
    def stats(self) -> EvaluatorStats:
        return EvaluatorStats.total([e.stats for e in self.evaluators])

    @property
    def abc_commands(self) -> int:
        return sum(e.session.commands_run for e in self.evaluators)

    @property
    def abc_restarts(self) -> int:
        return sum(e.session.restarts for e in self.evaluators)

    def _one(self, recipe: Recipe, store: int | None, mapping: str, deadline: float | None) -> Evaluation:
        ev = self._free.get()
        try:
            return ev.evaluate(recipe, store, mapping=mapping, deadline=deadline)
        finally:
            self._free.put(ev)

    def evaluate_many(
        self, recipes: Sequence[Recipe], store_prefixes: int | Sequence[int | None] | None = None, *,
        mappings: str | Sequence[str] = DEFAULT_MAPPING, deadline: float | None = None,
    ) -> list[Evaluation]:
        n = len(recipes)
        stores = list(store_prefixes) if isinstance(store_prefixes, (list, tuple)) else [store_prefixes] * n
        maps = [mappings] * n if isinstance(mappings, str) else list(mappings)
        if self._threads is None or n <= 1:
            return [self._one(r, s, m, deadline) for r, s, m in zip(recipes, stores, maps)]
        futures = [self._threads.submit(self._one, r, s, m, deadline) for r, s, m in zip(recipes, stores, maps)]
        return [f.result() for f in futures]

    def close(self) -> None:
        if self._threads is not None:
            self._threads.shutdown(wait=True)
        for ev in self.evaluators[1:]:
            ev.close()
