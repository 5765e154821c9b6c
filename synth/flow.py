"""The `edaflow synth` flow as a library call: input files -> searched recipe -> proven-equivalent netlist.

Outputs are written to a staging folder inside OUTDIR and moved into place only after the
equivalence checks pass, so a failed run never leaves files that look like valid results.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

from edaflow import __version__
from edaflow.errors import InputError, ToolError
from abc_bin import CellLibrary, abc_version, bundled_library
from synth.abc_session import AbcError, AbcSession
from synth.cache import ResultCache
from synth.equivalence import EquivalenceResult, Verdict, check_equivalence
from synth.actions import REGISTRY, parse_action_list
from synth.evaluator import (
    DEFAULT_MAPPING, MAPPINGS, Evaluation, EvaluatorPool, RecipeEvaluator, default_jobs, parse_mappings,
)
from synth.frontend import DesignInput, load_design, yosys_warnings
from synth.netlist import prove_abc_netlist, replay_script, write_mapped_netlist
from synth.qor import OBJECTIVES, genlib_critical_path, improvement_pct, liberty_critical_path
from synth.recipes import ACTION_SETS, Recipe, load_recipe_file
from synth.search import CLI_DEFAULTS, SearchContext, get_strategy
from synth.search.classic import GivenRecipes


UNLIMITED = 10**9  # the evaluation budget of a search limited by --time only


class EquivalenceFailure(ToolError):
    """The optimised netlist could not be proven equivalent to the input; nothing was written."""


@dataclass
class SynthOptions:
    files: Sequence[str]
    top: str | None = None
    include_dirs: Sequence[str] = ()
    defines: Sequence[str] = ()
    params: Mapping[str, str] = field(default_factory=dict)
    yosys_abc: bool = False  # let Yosys run its own ABC pass before the search (Verilog inputs)
    # Strategy, action set and mapping: the same defaults as `edaflow synth` (one source of truth,
    # synth.search.CLI_DEFAULTS); only ``jobs`` differs (below).
    strategy: str = CLI_DEFAULTS["strategy"]
    budget: int | None = 100  # None: no evaluation limit (needs time_limit)
    recipe_length: int = 10
    objective: str = "adp"
    #: "" (the default): CLI_DEFAULTS' set, or for ``abcrl`` the set its checkpoint was trained on
    action_set: str = ""
    library: CellLibrary | None = None
    seed: int = 0
    outdir: str | None = None
    use_cache: bool = True
    cache_path: str | None = None
    abc_path: str | None = None
    abc_timeout: float = 120.0
    proof_time_limit: float = 600.0  # seconds for the proof of the written file (ABC cec -T)
    library_files: Sequence[str] = ()  # the Liberty files merged into ``library``, when several
    time_limit: float | None = None  # wall-clock seconds for the whole search (instead of / besides budget)
    # ABC sessions evaluating at once; None: the number of cores (the CLI's default). 1 here because
    # library callers such as `edaflow regress` already run designs in parallel.
    jobs: int | None = 1
    mapping: str = CLI_DEFAULTS["mapping"]  # "map", "search" (every mapping) or a comma-separated list
    recipe_file: str | None = None  # evaluate these recipes (one a line) instead of searching
    strategy_options: Mapping[str, object] = field(default_factory=dict)  # keyword options of the strategy

    def __post_init__(self) -> None:
        if not self.action_set:
            self.action_set = CLI_DEFAULTS["actions"]
            if self.strategy == "abcrl":
                from synth.agent.checkpoint import default_checkpoint_path, load_checkpoint

                path = self.strategy_options.get("checkpoint") or default_checkpoint_path()
                try:
                    self.action_set = ",".join(load_checkpoint(path).actions)
                except Exception:  # missing or unreadable: validate() says so in one line
                    pass

    def validate(self) -> None:
        if self.budget is None and self.time_limit is None:
            raise InputError("give --budget or --time")
        if self.budget is not None and self.budget <= 0:
            raise InputError(f"--budget must be a positive number of evaluations (got {self.budget})")
        if self.recipe_length <= 0:
            raise InputError(f"--recipe-length must be positive (got {self.recipe_length})")
        if self.objective not in OBJECTIVES:
            raise InputError(f"unknown objective {self.objective!r}; choose one of: {', '.join(OBJECTIVES)}")
        parse_action_list(self.action_set)  # a set name or a list of registry names
        if self.recipe_file is not None:
            load_recipe_file(self.recipe_file, tuple(REGISTRY))
        parse_mappings(self.mapping)
        if self.time_limit is not None and not self.time_limit > 0:
            raise InputError(f"--time must be a positive number of seconds (got {self.time_limit:g})")
        if self.jobs is not None and self.jobs <= 0:
            raise InputError(f"--jobs must be a positive number of ABC sessions (got {self.jobs})")
        get_strategy(self.strategy, **self.strategy_options)  # unknown names fail here, before any work
        if self.strategy == "abcrl" and self.recipe_file is None:
            from synth.search.abcrl import require_checkpoint

            require_checkpoint(self.strategy_options.get("checkpoint"))


@dataclass
class SynthResult:
    design: DesignInput
    baseline: Evaluation
    best: Evaluation
    equivalence: EquivalenceResult
    mapped_equivalence: EquivalenceResult
    report: dict
    outdir: Path


def tool_versions(abc_path: str) -> dict:
    def pkg(name: str) -> str | None:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return None

    return {
        "edaflow": __version__,
        "python": platform.python_version(),
        "abc": abc_version(abc_path),
        "abc_path": str(abc_path),
        "yosys (pyosys)": pkg("pyosys"),
    }


def _qor_dict(ev: Evaluation) -> dict:
    q = ev.qor
    d = {
        "recipe": str(ev.recipe),
        "steps": list(ev.recipe.steps),
        "and": q.ands,
        "levels": q.levels,
        "area": q.area,
        "delay": q.delay,
        "adp": q.adp,
        "gates": q.gates,
        "mapping": ev.mapping,
    }
    if q.luts is not None:
        d["luts"] = q.luts
        d["lut_levels"] = q.lut_levels
    return d


def _rename_module(verilog: Path, top: str) -> None:
    """ABC names the module after the file it read (a staging path); name it after the design."""
    text = verilog.read_text(encoding="utf-8")
    text = re.sub(r"^// Benchmark .*$", f"// {top}: mapped by edaflow (ABC write_verilog)", text, count=1, flags=re.M)
    text = re.sub(r"^module \\?\S+", f"module {top}", text, count=1, flags=re.M)
    verilog.write_text(_distinct_instance_names(text), encoding="utf-8")


def _distinct_instance_names(text: str) -> str:
    """ABC's ``write_verilog`` names gate instances ``g0000``, ``g0001``, ... whatever the nets are
    called, so in a circuit with nets of those names (ISCAS-89 ``s13207``: register ``g1207``) an
    instance and a net share a name, which Verilog forbids (Yosys: "Failed to detect width for
    identifier"). Such instances get a name no net or instance has (``g1207_u``, ...)."""
    nets: set[str] = set()
    for decl in re.finditer(r"^\s*(?:input|output|wire|reg)\b([^;]*);", text, re.M):
        nets.update(n.strip() for n in re.sub(r"\[[^\]]*\]", " ", decl.group(1)).split(",") if n.strip())
    inst = re.compile(r"^(\s+[A-Za-z_]\w*\s+)([A-Za-z_]\w*)(\s*\(\s*\.)", re.M)
    instances = {m.group(2) for m in inst.finditer(text)}
    clash = instances & nets
    if not clash:
        return text
    taken = nets | instances

    def fresh(name: str) -> str:
        new, k = f"{name}_u", 1
        while new in taken:
            new, k = f"{name}_u{k}", k + 1
        taken.add(new)
        return new

    renamed = {name: fresh(name) for name in sorted(clash)}
    return inst.sub(lambda m: m.group(1) + renamed.get(m.group(2), m.group(2)) + m.group(3), text)


def _previous_outputs(outdir: Path, keep: set) -> list[str]:
    """Files an earlier edaflow run listed in OUTDIR/report.json that this run will not overwrite
    (e.g. another design's <top>.aig). Files edaflow did not write are never touched."""
    try:
        old = json.loads((outdir / "report.json").read_text(encoding="utf-8"))
        names = [n for n in (old.get("outputs") or {}).values() if isinstance(n, str)]
    except (OSError, ValueError, AttributeError):
        return []
    return sorted(n for n in set(names) - keep - {"report.json"}
                  if "/" not in n and n not in ("", ".", "..") and (outdir / n).is_file())


def _remove_tree(path: Path) -> None:
    """Remove the staging folder even when ABC processes were still writing into it when we were
    interrupted (a single rmtree then leaves files behind) or a second Ctrl-C arrives meanwhile."""
    import signal
    import threading

    old = None
    if threading.current_thread() is threading.main_thread():
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        for _ in range(5):
            shutil.rmtree(path, ignore_errors=True)
            if not path.exists():
                break
            time.sleep(0.2)
    finally:
        if old is not None:
            signal.signal(signal.SIGINT, old)


def _publish_transcript(path: Path, staging: Path, outdir: Path) -> None:
    """Every ABC command sent, with staging paths pointed at OUTDIR (prefix files were temporary)."""
    if not path.exists():
        path.write_text("", encoding="utf-8")
        return
    text = path.read_text(encoding="utf-8", errors="replace").replace(str(staging), str(outdir))
    path.write_text(f"# every ABC command edaflow sent, in order; {outdir}/prefixes/ held temporary prefix AIGs "
                    "(not kept). To re-run the result, use abc_commands.log.\n" + text, encoding="utf-8")


def synthesize(
    opts: SynthOptions,
    progress: Callable[[SearchContext, Evaluation], None] | None = None,
    status: Callable[[str], None] | None = None,
) -> SynthResult:
    """Run the whole flow; raise :class:`InputError` for bad input, :class:`EquivalenceFailure` if the
    result cannot be proven equivalent (then nothing is written). ``progress`` is called after every
    evaluation, ``status`` with a short phase description (reading, baseline, checking, writing)."""
    say = status or (lambda _msg: None)
    t0 = time.perf_counter()
    opts.validate()
    library = opts.library or bundled_library()
    outdir = Path(opts.outdir).resolve() if opts.outdir else None
    staging_root = (outdir if outdir else Path.cwd() / "edaflow_out")
    created_root = not staging_root.exists()
    staging = staging_root / f".staging-{os.getpid()}"
    try:
        staging_root.mkdir(parents=True, exist_ok=True)
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir()
    except OSError as exc:  # unwritable, or under a file: bad input, not an internal error
        raise InputError(f"cannot use this output folder: {exc.strerror or exc}", path=str(staging_root)) from None
    session = AbcSession(opts.abc_path, setup=[library.abc_load_command()], timeout=opts.abc_timeout,
                         transcript=staging / "abc_transcript.log")
    cache = ResultCache(opts.cache_path) if opts.use_cache else None
    evaluator = None
    try:
        try:
            session.start()
        except AbcError as exc:
            raise InputError(f"ABC cannot load the cell library ({exc.output.strip()[-200:]})", path=str(library.path)) from None
        say("reading " + ", ".join(Path(f).name for f in opts.files))
        design = load_design(
            opts.files, staging, session, top=opts.top, include_dirs=opts.include_dirs,
            defines=opts.defines, params=opts.params, yosys_abc=opts.yosys_abc,
        )
        phases = {"front_end": time.perf_counter() - t0}  # seconds per phase, for report.json and -v
        for w in design.input_warnings:
            say(f"warning: {w}")
        warnings = yosys_warnings(design.yosys_log)
        if warnings:
            say(f"Yosys printed {len(warnings)} warning(s), e.g. {warnings[0]} (see yosys.log)")
        if outdir is None:
            outdir = Path.cwd() / "edaflow_out" / design.top
            outdir.mkdir(parents=True, exist_ok=True)
        evaluator = RecipeEvaluator(
            design.aig_path, library, session=session, result_cache=cache, timeout=opts.abc_timeout,
            lut_k=6 if opts.objective == "lut" else None, workdir=staging / "prefixes",
        )
        say(f"{design.top}: {design.stats.ands} AND nodes, {design.stats.latches} latches; evaluating resyn2")
        t_phase = time.perf_counter()
        baseline = evaluator.evaluate(Recipe.standard("resyn2"))
        phases["baseline"] = time.perf_counter() - t_phase
        if not baseline.ok:
            raise ToolError(f"the resyn2 baseline failed on {design.top}: {baseline.error}")
        action_set = parse_action_list(opts.action_set)
        mappings = parse_mappings(opts.mapping, opts.objective)
        if opts.strategy == "resyn2" and opts.recipe_file is None:
            mappings = (DEFAULT_MAPPING,)  # the baseline only: no search, so no mapping choice either
        jobs = opts.jobs or default_jobs()
        pool = EvaluatorPool(evaluator, jobs)
        ctx = SearchContext(
            evaluator=evaluator, baseline=baseline, objective=opts.objective,
            budget=opts.budget if opts.budget is not None else UNLIMITED, recipe_length=opts.recipe_length,
            seed=opts.seed, action_set=action_set, on_evaluation=progress,
            pool=pool, time_limit=opts.time_limit, mappings=mappings,
        )
        if opts.recipe_file is not None:
            strategy = GivenRecipes(load_recipe_file(opts.recipe_file, tuple(REGISTRY)))
        else:
            strategy = get_strategy(opts.strategy, **opts.strategy_options)
        t_search = time.perf_counter()
        try:
            best = strategy.search(ctx)
        finally:
            pool.close()
        strategy_seconds = time.perf_counter() - t_search
        search_seconds = time.perf_counter() - t0
        phases["search"] = strategy_seconds
        t_phase = time.perf_counter()

        # Materialise the winner and prove it equivalent to the input before anything is reported.
        say("checking equivalence of the best netlist")
        opt_aig = staging / f"{design.top}.opt.aig"
        evaluator.materialize(best.recipe, opt_aig)
        t_cec = time.perf_counter()
        eq = check_equivalence(session, str(design.aig_path), str(opt_aig), sequential=design.sequential)
        cec_seconds = time.perf_counter() - t_cec  # the proof; materialising and re-measuring count as write
        if eq.verdict is not Verdict.EQUIVALENT:
            raise EquivalenceFailure(
                f"optimised netlist of {design.top} is {eq.verdict.value} to the input by {eq.method} "
                f"(recipe: {best.recipe}); no output written"
            )
        mapped_v = staging / f"{design.top}.mapped.v"
        remapped = evaluator.map_file(opt_aig, best.mapping)
        if library.kind == "liberty":  # stime -p after buffering and sizing
            critical = liberty_critical_path(session.abc_path, library.abc_load_command(), opt_aig,
                                             MAPPINGS[best.mapping])
        else:
            blif = staging / "_critical_path.blif"
            session.run(f"write_blif {blif}")
            critical, _delay = genlib_critical_path(blif, library.path, reported_delay=remapped.delay)
            blif.unlink()
        phases["equivalence"] = cec_seconds
        pre_write = time.perf_counter() - t_phase - cec_seconds  # opt.aig, the re-map and the critical path
        written = meq = None
        if design.yosys_log:
            # Verilog input: the file is written by Yosys from the RTL (ports, clock, asynchronous resets
            # and register names kept; the recipe runs in Yosys' abc pass) and proven from the file, which
            # replaces a check of ABC's in-memory mapped network.
            say("writing the netlist through Yosys and proving the written file")
            written = write_mapped_netlist(
                design.sources, design.top, best.recipe.steps, library, mapped_v, staging,
                include_dirs=opts.include_dirs, defines=opts.defines, params=opts.params,
                yosys_abc=opts.yosys_abc, log_path=staging / "netlist_yosys.log",
                mapping=MAPPINGS[best.mapping], abc_path=session.abc_path, proof_time_limit=opts.proof_time_limit,
            )
            phases["write"] = pre_write + written.seconds.get("write", 0.0)
            phases["equivalence"] += written.seconds.get("prove", 0.0) + written.seconds.get("cec", 0.0)
            if written.verdict is not Verdict.EQUIVALENT:
                raise EquivalenceFailure(
                    f"written netlist {mapped_v.name} of {design.top} is {written.verdict.value} to the RTL by "
                    f"{written.method} ({written.detail}); no output written"
                )
        else:
            t_phase = time.perf_counter()
            session.run(f"write_verilog {mapped_v}")
            _rename_module(mapped_v, design.top)
            phases["write"] = pre_write + time.perf_counter() - t_phase
            t_phase = time.perf_counter()
            meq = prove_abc_netlist(session, design, mapped_v, library, opts.proof_time_limit)
            phases["equivalence"] += time.perf_counter() - t_phase
            if meq.verdict is not Verdict.EQUIVALENT:
                raise EquivalenceFailure(
                    f"written netlist {mapped_v.name} of {design.top} is {meq.verdict.value} to the input by "
                    f"{meq.method}" + (f" ({meq.raw.strip().splitlines()[-1][:300]})" if meq.raw.strip() else "")
                    + "; no output written"
                )

        stats = pool.stats
        obj_base, obj_best = baseline.qor.objective(opts.objective), best.qor.objective(opts.objective)
        report = {
            "design": {
                "top": design.top,
                "sources": [str(p) for p in design.sources],
                "params": dict(design.params),
                "yosys_abc": opts.yosys_abc,
                "inputs": design.stats.inputs,
                "outputs": design.stats.outputs,
                "latches": design.stats.latches,
                "and": design.stats.ands,
                "levels": design.stats.levels,
                "sequential": design.sequential,
            },
            "input_warnings": list(design.input_warnings),
            "yosys_warnings": {"count": len(warnings), "first": warnings[:5],
                               "log": "yosys.log" if design.yosys_log else None},
            "library": {**library.to_dict(), **({"merged_from": list(opts.library_files)} if opts.library_files else {})},
            "objective": opts.objective,
            "strategy": "given" if opts.recipe_file else opts.strategy,
            "recipe_file": opts.recipe_file,
            "budget": 0 if opts.strategy == "resyn2" and not opts.recipe_file else opts.budget,
            "time_limit": opts.time_limit,
            "jobs": jobs,
            "recipe_length": opts.recipe_length,
            "action_set": list(action_set),
            "mappings": list(mappings),
            "mapping": best.mapping,
            "mapping_command": MAPPINGS[best.mapping],
            "seed": opts.seed,
            "baseline": _qor_dict(baseline),
            "best": _qor_dict(best),
            "improvement_pct": {
                k: improvement_pct(getattr(best.qor, a), getattr(baseline.qor, a))
                for k, a in (("and", "ands"), ("levels", "levels"), ("area", "area"), ("delay", "delay"), ("adp", "adp"),
                             ("luts", "luts"), ("lut_levels", "lut_levels"))
                if getattr(baseline.qor, a) is not None and getattr(best.qor, a) is not None
            },
            "objective_improvement_pct": improvement_pct(obj_best, obj_base),
            "remapped": {"area": remapped.area, "delay": remapped.delay, "adp": remapped.area * remapped.delay},
            "critical_path": critical.to_dict() if critical else None,
            "equivalence": eq.verdict.value,
            "equivalence_detail": {
                "optimized_aig": eq.to_dict(),
                "written_file": written.equivalence_dict() if written else {
                    "verdict": meq.verdict.value, "method": meq.method, "file": mapped_v.name,
                    "detail": meq.raw.strip().splitlines()[-1][:300] if meq.raw.strip() else ""},
            },
            "written_netlist": {
                "file": mapped_v.name,
                "route": ("yosys synth -flatten; abc -script (recipe + " + MAPPINGS[best.mapping]
                          + ("; topo; buffer -p; upsize; dnsize" if library.kind == "liberty" else "")
                          + "); write_verilog -noattr") if written
                else "ABC write_verilog",
                "cells": written.cells if written else None,
                "area": written.area if written else remapped.area,
                "area_note": None if not written else (
                    "Yosys stat -liberty: every cell in the file, flip-flops included" if library.kind == "liberty"
                    else "sum of the genlib areas of the logic cells in the file (flops, kept by Yosys outside "
                         "ABC as always blocks, are not counted)"),
            },
            "search": {
                "evaluations": ctx.used,
                "failed_evaluations": stats.failed,
                # the baseline is not one of the search's evaluations: its cache hit is counted apart
                "result_cache_hits": stats.result_cache_hits - (1 if baseline.from_cache else 0),
                "baseline_from_cache": baseline.from_cache,
                "prefix_cache_hits": stats.prefix_hits,
                "steps_executed": stats.steps_executed,
                "steps_naive_replay": stats.steps_naive,
                "abc_commands": pool.abc_commands,
                "abc_commands_evaluating": stats.abc_commands,
                "abc_restarts": pool.abc_restarts,
                "errors": stats.errors[:10],
                "search_seconds": round(search_seconds, 3),
                "strategy_seconds": round(strategy_seconds, 3),
                "jobs": jobs,
                "evaluation_seconds": round(stats.seconds, 3),
            },
            "cache": str(cache.path) if cache else None,
            "phases": {k: round(v, 3) for k, v in phases.items()},
            "seconds": round(time.perf_counter() - t0, 3),
            "versions": tool_versions(session.abc_path),
            "outputs": {
                "input_aig": f"{design.top}.aig",
                "optimized_aig": f"{design.top}.opt.aig",
                "mapped_verilog": f"{design.top}.mapped.v",
                "yosys_log": "yosys.log" if design.yosys_log else None,
                "abc_log": "abc_commands.log",
                "abc_transcript": "abc_transcript.log",
                "netlist_log": "netlist_yosys.log" if (staging / "netlist_yosys.log").exists() else None,
                "cell_models": "cells.v" if (staging / "cells.v").exists() else None,
            },
        }
        report.update(getattr(strategy, "report_extra", None) or {})  # abcrl: alpha, neighbours, warm starts
        previous = _previous_outputs(outdir, set(report["outputs"].values()))
        report["previous_run_removed"] = previous
        (staging / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        # Publish: move every staged file into OUTDIR (report.json last).
        outdir.mkdir(parents=True, exist_ok=True)
        (staging / "abc_commands.log").write_text(
            replay_script(design.top, best.recipe.steps, library, MAPPINGS[best.mapping]), encoding="utf-8")
        names = [f"{design.top}.aig", opt_aig.name, mapped_v.name, "abc_commands.log", "abc_transcript.log"]
        if design.yosys_log:
            names.append("yosys.log")
        if (staging / "netlist_yosys.log").exists():
            names.append("netlist_yosys.log")
        if (staging / "cells.v").exists():
            names.append("cells.v")
        session.close()
        _publish_transcript(staging / "abc_transcript.log", staging, outdir)
        for name in previous:  # what an earlier edaflow run wrote here and this one does not replace
            (outdir / name).unlink(missing_ok=True)
        for name in names + ["report.json"]:
            os.replace(staging / name, outdir / name)
        final_design = DesignInput(outdir / f"{design.top}.aig", design.top, design.sources, design.stats,
                                   outdir / "yosys.log" if design.yosys_log else None, design.params,
                                   design.input_warnings)
        return SynthResult(final_design, baseline, best, eq, meq, report, outdir)
    finally:
        if evaluator is not None:
            evaluator.close()
        session.close()
        if cache is not None:
            cache.close()
        _remove_tree(staging)
        if created_root and not any(staging_root.iterdir()):
            staging_root.rmdir()  # a failed run leaves no empty output folder behind either
