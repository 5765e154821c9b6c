"""Evaluating recipes on one design with a reusable ABC session, a prefix cache and a result cache.

The prefix cache keeps the AIG after every recipe prefix it has computed (as AIGER files in a work
folder, least recently used evicted first), so recipes that share a prefix start from the stored
intermediate network instead of replaying it. Counters record how many optimisation steps were
executed against how many a naive from-scratch replay of every evaluated recipe would have needed.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from abc_bin import CellLibrary, abc_version
from synth.abc_session import AbcError, AbcSession
from synth.aiger import aiger_content_sha256
from synth.actions import command_of, get_action, step_timeout
from synth.cache import ResultCache
from synth.qor import AigStats, LutStats, MappedStats, QoR
from synth.recipes import Recipe


@dataclass(frozen=True)
class Evaluation:
    """One recipe's result. ``qor`` is None when the evaluation failed (``error`` says why)."""

    recipe: Recipe
    qor: QoR | None
    error: str | None = None
    from_cache: bool = False
    seconds: float = 0.0

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


class RecipeEvaluator:
    """Measures the QoR of recipes on the AIG at ``aig_path``.

    QoR = AIG statistics after the recipe, then technology mapping with ``library`` (``map``; area and
    delay from ``print_stats`` for genlib, ``topo; stime`` for Liberty), and with ``lut_k`` LUT mapping
    (``if -K k``) too.
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
    ):
        self.aig_path = Path(aig_path).resolve()
        self.library = library
        self.lut_k = lut_k
        self.result_cache = result_cache
        self.timeout = timeout
        self._own_session = session is None
        self.session = session or AbcSession(abc_path, timeout=timeout)
        if library.abc_load_command() not in self.session.setup:
            self.session.setup.append(library.abc_load_command())
            if self.session.alive:
                self.session.run(library.abc_load_command())
        self.abc_version = abc_version(self.session.abc_path)
        self.design_sha = aiger_content_sha256(self.aig_path)
        self.measure = "map" + (f"+if{lut_k}" if lut_k else "")
        self._tmp = None if workdir else tempfile.TemporaryDirectory(prefix="edaflow-prefix-")
        self.workdir = Path(workdir) if workdir else Path(self._tmp.name)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._prefixes: OrderedDict[tuple[str, ...], Path] = OrderedDict()
        self._prefix_capacity = prefix_cache_size
        self._file_counter = 0
        self.stats = EvaluatorStats()

    # -- prefix cache ---------------------------------------------------------------------------
    def _longest_prefix(self, steps: tuple[str, ...]) -> tuple[int, Path]:
        for k in range(len(steps), 0, -1):
            path = self._prefixes.get(steps[:k])
            if path is not None:
                self._prefixes.move_to_end(steps[:k])
                return k, path
        return 0, self.aig_path

    def _store_prefix(self, steps: tuple[str, ...]) -> None:
        self._file_counter += 1
        path = self.workdir / f"p{self._file_counter:07d}.aig"
        self.session.run(f"write_aiger -s {path}")
        self._prefixes[steps] = path
        while len(self._prefixes) > self._prefix_capacity:
            _, old = self._prefixes.popitem(last=False)
            old.unlink(missing_ok=True)

    def _load(self, steps: tuple[str, ...], store_upto: int | None = None) -> Path | None:
        """Leave ABC's current network = the AIG after ``steps``, starting from the longest stored
        prefix. Intermediate networks of length <= ``store_upto`` (all when None) are written to the
        prefix cache. Returns the file holding the final network, or None if it was not stored."""
        k, path = self._longest_prefix(steps)
        if k:
            self.stats.prefix_hits += 1
        self.session.run(f"read {path}")
        ands = None
        for i in range(k, len(steps)):
            if ands is None and get_action(steps[i]) is not None:
                ands = AigStats.parse(self.session.run("print_stats")).ands
            limit = step_timeout(steps[i], ands or 0, self.timeout) if ands is not None else None
            self.session.run(command_of(steps[i]), limit)
            self.stats.steps_executed += 1
            if store_upto is None or i + 1 <= store_upto:
                self._store_prefix(steps[: i + 1])
        return self._prefixes.get(steps) if steps else self.aig_path

    # -- evaluation -----------------------------------------------------------------------------
    def evaluate(self, recipe: Recipe, store_prefixes: int | None = None) -> Evaluation:
        """QoR of ``recipe``; an ABC failure or timeout makes this one evaluation fail, not the run.

        ``store_prefixes`` says how many leading steps are worth keeping in the prefix cache (a hint
        from the strategy, e.g. MCTS keeps its tree path but not its random rollout); None keeps all.
        """
        t0 = time.perf_counter()
        self.stats.evaluations += 1
        self.stats.steps_naive += len(recipe)
        key = (self.design_sha, str(recipe), self.library.sha256, self.abc_version, self.measure)
        if self.result_cache is not None:
            cached = self.result_cache.get(*key)
            if cached is not None:
                self.stats.result_cache_hits += 1
                return Evaluation(recipe, cached, from_cache=True, seconds=time.perf_counter() - t0)
        sent = self.session.commands_run
        try:
            qor = self._measure(recipe.steps, store_prefixes)
        except AbcError as exc:
            self.stats.abc_commands += self.session.commands_run - sent
            self.stats.failed += 1
            self.stats.errors.append(f"{recipe}: {exc}")
            dt = time.perf_counter() - t0
            self.stats.seconds += dt
            return Evaluation(recipe, None, error=str(exc), seconds=dt)
        self.stats.abc_commands += self.session.commands_run - sent
        if self.result_cache is not None:
            self.result_cache.put(*key, qor)
        dt = time.perf_counter() - t0
        self.stats.seconds += dt
        return Evaluation(recipe, qor, seconds=dt)

    def _measure(self, steps: tuple[str, ...], store_upto: int | None) -> QoR:
        # ABC's AIGER write/read keeps node order, so mapping the in-memory network gives the same QoR
        # as an independent re-mapping of the written file (checked on 160 random recipes over 4
        # designs; tests/test_cli_synth.py::test_independent_remap_matches_report guards it).
        if self.lut_k:
            store_upto = None  # LUT mapping re-reads the final network from its file
        path = self._load(steps, store_upto)
        aig = AigStats.parse(self.session.run("print_stats"))
        mapped = self._map()
        luts = None
        if self.lut_k:
            self.session.run(f"read {path}")
            self.session.run(f"if -K {self.lut_k}")
            luts = LutStats.parse(self.session.run("print_stats"))
        return QoR(
            ands=aig.ands, levels=aig.levels, area=mapped.area, delay=mapped.delay, gates=mapped.gates,
            luts=luts.luts if luts else None, lut_levels=luts.levels if luts else None,
        )

    def _map(self) -> MappedStats:
        """Technology-map ABC's current network with the library; area and delay of the result."""
        self.session.run("map")
        if self.library.kind == "genlib":
            return MappedStats.parse_print_stats(self.session.run("print_stats"))
        self.session.run("topo")
        return MappedStats.parse_stime(self.session.run("stime"))

    def map_file(self, aig_path: str | Path) -> MappedStats:
        """Read an AIG and map it; the mapped network stays current in the session (for writing)."""
        self.session.run(f"read {aig_path}")
        return self._map()

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
