"""`edaflow synth`: optimise a design with a recipe search, prove it equivalent, write the netlist."""

from __future__ import annotations

import json
import sys

import click

from edaflow.errors import InputError
from synth.qor import OBJECTIVES
from synth.recipes import ACTION_SETS
from synth.search import CLI_DEFAULTS, strategy_names


def _kv(values: tuple[str, ...], what: str) -> dict[str, str]:
    out = {}
    for v in values:
        if "=" not in v:
            raise InputError(f"{what} must look like NAME=VALUE (got {v!r})")
        k, val = v.split("=", 1)
        out[k.strip()] = val.strip()
    return out


def _liberty_library(paths):
    """One CellLibrary from one or several --liberty files (several: merged into a temporary file)."""
    import atexit
    import shutil
    import tempfile

    from abc_bin import load_library
    from synth.liberty import merge_liberty

    libs = [load_library(p, "liberty") for p in paths]  # checks each file, decompresses .gz
    if len(libs) == 1:
        return libs[0]
    tmp = tempfile.mkdtemp(prefix="edaflow-lib-")
    atexit.register(shutil.rmtree, tmp, True)
    return load_library(merge_liberty([lib.path for lib in libs], tmp), "liberty")


def _terminal_columns() -> int:
    """Columns of the terminal on stderr; 0 when it reports none."""
    import os

    try:
        return os.get_terminal_size(sys.stderr.fileno()).columns
    except (OSError, ValueError):
        return 0


def _fmt(x: float) -> str:
    return f"{x:,.2f}" if isinstance(x, float) else f"{x:,}"


def print_summary(report: dict, echo=click.echo, verbose: int = 0) -> None:
    b, s, imp = report["baseline"], report["best"], report["improvement_pct"]
    rows = [("AND nodes", "and"), ("levels", "levels"), ("area", "area"), ("delay", "delay"), ("ADP", "adp")]
    limit = f"budget {report['budget']}" if report["budget"] is not None else ""
    if report["strategy"] == "resyn2":
        limit = "baseline only, no search"
    if report.get("time_limit"):
        limit += (", " if limit else "") + f"time {report['time_limit']:g} s"
    echo(f"\n{report['design']['top']}: strategy {report['strategy']}, {limit}, jobs {report.get('jobs', 1)}, "
         f"objective {report['objective']}, seed {report['seed']}, library {report['library']['path']}")
    d = report["design"]
    echo(f"  input        {d['and']:,} AND nodes, {d['latches']:,} flops, {d['levels']:,} levels "
         f"({d['inputs']:,} inputs, {d['outputs']:,} outputs)")
    for w in report.get("input_warnings") or []:
        echo(f"  warning      {w}")
    warn = report.get("yosys_warnings") or {}
    if warn.get("count"):
        echo(f"  warnings     {warn['count']} from Yosys (all in {warn.get('log') or 'yosys.log'}):")
        for w in warn["first"][:3]:
            echo(f"                 {w}")
    if "luts" in b:
        rows += [("LUT-6", "luts"), ("LUT levels", "lut_levels")]
    echo(f"  {'':10s} {'resyn2':>14s} {'best':>14s} {'change':>9s}")
    for label, key in rows:
        change = -imp[key] + 0.0  # + 0.0: a zero change prints as +0.00%, not -0.00%
        echo(f"  {label:10s} {_fmt(b[key]):>14s} {_fmt(s[key]):>14s} {(change if change else 0.0):+8.2f}%")
    cp = report.get("critical_path")
    if cp and cp.get("end"):
        line = (f"  critical path {cp['start']} -> {cp['end']}, {cp['gates']} gates; largest fanout on it "
                f"{cp['max_fanout']:,} (net {cp['max_fanout_net']})"
                + (f"; {cp['measured']}" if cp.get("measured") else ""))
        if cp.get("high_fanout") and report["library"]["kind"] == "genlib":
            line += (f"\n               over {cp['high_fanout_threshold']} loads: the delay is dominated by a high-fanout "
                     "net; the genlib delay model ignores load, so a buffered netlist would be slower")
        echo(line)
    echo(f"  recipe       {s['recipe']}")
    echo(f"  mapping      {s.get('mapping', 'map')}")
    srch = report["search"]
    eqd = report["equivalence_detail"]
    echo(f"  equivalence  {report['equivalence']} (optimized AIG: {eqd['optimized_aig']['method']})")
    wf = eqd.get("written_file")
    if wf and wf.get("file"):
        echo(f"  written file {wf['file']}: {wf['verdict']} to the input by {wf['method']}")
    cache_note = f", {srch['result_cache_hits']} answered from the result cache" if srch["result_cache_hits"] else ""
    if srch.get("baseline_from_cache"):
        cache_note += " (and the resyn2 baseline)"
    echo(f"  search       {srch['evaluations']} evaluations{cache_note}, {srch['failed_evaluations']} failed; "
         f"{srch['steps_executed']} optimisation steps run vs {srch['steps_naive_replay']} for naive replay; "
         f"{srch['abc_commands_evaluating']} ABC commands evaluating, {srch['abc_commands']} in all")
    echo(f"  time         {report['seconds']:.1f} s ({srch.get('strategy_seconds', 0):.1f} s searching)")
    if verbose and report.get("phases"):
        echo("  phases       " + ", ".join(f"{k.replace('_', ' ')} {v:.1f} s" for k, v in report["phases"].items()))


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--top", help="Top module (default: the only module nobody instantiates).")
@click.option("-I", "include_dirs", multiple=True, type=click.Path(), help="Verilog include directory (repeatable).")
@click.option("-D", "defines", multiple=True, help="Verilog define NAME or NAME=VALUE (repeatable).")
@click.option("--param", "params", multiple=True, help="Top-level parameter NAME=VALUE (repeatable).")
@click.option("--yosys-abc", is_flag=True,
              help="Let Yosys run its own ABC pass before the search (helps flat random-control netlists, "
                   "destroys fast-adder architectures).")
@click.option("--strategy", default=CLI_DEFAULTS["strategy"], show_default=True, type=click.Choice(strategy_names()),
              help="Search strategy.")
@click.option("--budget", default=None, type=int,
              help="Recipe evaluations (real ABC runs) [default: 100, or no limit with --time].")
@click.option("--time", "time_limit", type=float,
              help="Wall-clock seconds for the whole search (an alternative to --budget; with both, whichever ends first).")
@click.option("--jobs", type=int, help="ABC sessions evaluating at once [default: the number of cores].")
@click.option("--mapping", default=CLI_DEFAULTS["mapping"], show_default=True,
              help="Technology mapping: map, search (the search chooses among map, dch; map, dch -f; map, &nf, "
                   "&dch; &nf, and map -a, amap for --objective area) or a comma-separated list of those.")
@click.option("--recipe", "recipe_file", type=click.Path(dir_okay=False),
              help="Evaluate the recipes in this file (one a line, steps separated by ';') instead of searching.")
@click.option("--recipe-length", default=10, show_default=True, type=int, help="Steps per recipe.")
@click.option("--objective", default="adp", show_default=True, type=click.Choice(OBJECTIVES),
              help="What to minimise: area x delay, area, delay, AND nodes, or LUT-6 count.")
@click.option("--actions", "action_set",
              help=f"Action set ({', '.join(ACTION_SETS)}) or a comma-separated list of actions from synth/actions.py "
                   f"[default: {CLI_DEFAULTS['actions']}; --strategy abcrl: the set its checkpoint was trained on].")
@click.option("--liberty", multiple=True, type=click.Path(dir_okay=False),
              help="Liberty cell library (.lib or .lib.gz; repeatable: the files are merged into one library). "
                   "QoR after ABC's buffering and sizing.")
@click.option("--genlib", type=click.Path(dir_okay=False), help="genlib cell library (default: bundled edaflow45).")
@click.option("--seed", default=0, show_default=True, type=int, help="Random seed (a --budget run is deterministic for a given --seed and --jobs).")
@click.option("-o", "--outdir", type=click.Path(file_okay=False), help="Output folder [default: edaflow_out/<top>].")
@click.option("--json", "as_json", is_flag=True, help="Print report.json to stdout instead of the table.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the SQLite result cache.")
@click.option("--cache", "cache_path", type=click.Path(dir_okay=False), help="Result cache file.")
@click.option("--abc", "abc_path", type=click.Path(dir_okay=False), help="ABC executable (default: see `edaflow doctor`).")
@click.option("--timeout", default=120.0, show_default=True, type=float, help="Seconds allowed per ABC command.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or table.")
@click.option("-v", "--verbose", count=True, help="More detail (the evaluation errors, if any).")
@click.option("--remember", is_flag=True,
              help="Add the result (design embedding, best recipe, QoR) to the team's design index (`edaflow index`).")
def synth(files, top, include_dirs, defines, params, yosys_abc, strategy, budget, time_limit, jobs, mapping,
          recipe_file, recipe_length, objective, action_set,
          liberty, genlib, seed, outdir, as_json, no_cache, cache_path, abc_path, timeout, quiet, verbose,
          remember=False):
    """Search ABC recipes that beat resyn2 on a design; write a proven-equivalent netlist.

    FILE... is Verilog (one or more files) or a single .aig, .blif or .bench netlist.

    OUTDIR gets <top>.aig (input AIG), <top>.opt.aig, <top>.mapped.v (proven from the file), report.json,
    yosys.log, abc_commands.log (re-runs the result: yosys-abc -f abc_commands.log) and abc_transcript.log. Exit codes: 0 success, 2 bad input or usage, 1 internal error (including a
    failed equivalence check, in which case nothing is written).
    """
    from abc_bin import load_library
    from synth.flow import SynthOptions, synthesize

    if liberty and genlib:
        raise InputError("give either --liberty or --genlib, not both")
    library = _liberty_library(liberty) if liberty else load_library(genlib, "genlib") if genlib else None
    opts = SynthOptions(
        files=files, top=top, include_dirs=include_dirs, defines=defines, params=_kv(params, "--param"),
        yosys_abc=yosys_abc,
        strategy=strategy, budget=budget if budget is not None else (None if time_limit else 100),
        time_limit=time_limit, jobs=jobs, mapping=mapping, recipe_file=recipe_file,
        recipe_length=recipe_length, objective=objective,
        action_set=action_set or "",  # SynthOptions' default: CLI_DEFAULTS, or abcrl's checkpoint's set
        library=library, seed=seed, outdir=outdir, use_cache=not no_cache, cache_path=cache_path,
        abc_path=abc_path, abc_timeout=timeout,
        library_files=[str(p) for p in liberty] if len(liberty) > 1 else [],
    )
    opts.validate()
    bar = None
    show_bar = not quiet and not as_json and sys.stderr.isatty()
    if show_bar:
        from tqdm import tqdm

        # A terminal that reports no size (0x0, e.g. a fresh pty) would make tqdm hide the bar (it
        # thinks the screen has no rows): give it 80x24 instead.
        sized = _terminal_columns() > 0
        bar = tqdm(total=opts.budget, desc=f"{strategy}", unit="eval", file=sys.stderr, leave=False,
                   ncols=None if sized else 80, nrows=None if sized else 24)

    def progress(ctx, ev):
        if bar is not None:
            bar.update(1)
            bar.set_postfix_str(f"best {ctx.objective} {ctx.value(ctx.best):,.1f} ({100 * ctx.score(ctx.best):+.1f}%)")

    def status(msg):
        if bar is not None:
            bar.write(f"edaflow: {msg}", file=sys.stderr)  # above the bar, which is redrawn below it

    try:
        result = synthesize(opts, progress=progress, status=status)
    finally:
        if bar is not None:
            bar.close()
    report = result.report
    if as_json:
        click.echo(json.dumps(report, indent=2))
    elif not quiet:
        print_summary(report, verbose=verbose)
        click.echo(f"  written to   {result.outdir}/")
        if report.get("previous_run_removed"):
            click.echo(f"  removed      {', '.join(report['previous_run_removed'])} (an earlier run's outputs)")
        if verbose and report["search"]["errors"]:
            for e in report["search"]["errors"]:
                click.echo(f"  failed: {e}")
    if report.get("alpha") is not None and not quiet and not as_json:
        nbs = ", ".join(f"{n['name']} ({n['distance']:.4f})" for n in report.get("neighbours", []))
        click.echo(f"  agent        alpha {report['alpha']:.3f}; nearest {nbs or 'none'}; "
                   f"{report.get('warm_start_evaluations', 0)} warm-start evaluations")
    if remember:
        from retrieval.remember import add_to_index

        entry, changed, path = add_to_index(result.outdir, source="remember")
        click.echo(f"edaflow: {'remembered' if changed else 'index already has a better recipe for'} "
                   f"{entry.name} in {path}", err=True)
