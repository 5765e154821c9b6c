"""`edaflow ipc trace` and `edaflow ipc workloads` (owned by the tracer work).

Thin click layer over `ipc_predict.tracer.trace_program` and `ipc_predict.workloads`.
"""

from __future__ import annotations

import click

from ipc_predict.workloads import DEFAULT_MAX_INSTRUCTIONS as _WORKLOAD_MAX  # stdlib-only module


@click.command(
    "trace",
    context_settings={"allow_interspersed_args": False},
    short_help="Trace a real x86-64 program run into a ChampSim trace.",
)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Trace file to write; .xz / .gz / anything else = raw (e.g. prog.champsimtrace.xz).")
@click.option("--max-instructions", type=click.IntRange(min=1), default=None,
              help="Stop after writing N instructions (the program is then killed).")
@click.option("--skip", type=click.IntRange(min=0), default=0, show_default=True,
              help="Skip the first N executed instructions (counted from --start-at if given).")
@click.option("--start-at", metavar="SYMBOL", default=None,
              help="Start counting at the first execution of this function (non-PIE programs), e.g. main.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.argument("program")
@click.argument("arguments", nargs=-1, type=click.UNPROCESSED)
def trace(output, max_instructions, skip, start_at, quiet, program, arguments):
    """Run PROGRAM ARGUMENTS under valgrind (lackey) and write a ChampSim trace of it.

    \b
    Example:
      edaflow ipc trace --max-instructions 10000000 -o ls.champsimtrace.xz -- ls -l /

    The program's own output passes through. Needs valgrind (apt-get install valgrind) and the
    capstone Python package. Exit 2 if the program is missing, not x86-64 ELF, crashes or exits
    non-zero; no trace file is left behind then.
    """
    import sys
    import time

    from ipc_predict.tracer import trace_program

    progress = None
    if not quiet and sys.stderr.isatty():  # a live count on a terminal, nothing in CI logs
        last = [0.0]

        def progress(written: int) -> None:
            now = time.monotonic()
            if now - last[0] >= 0.5:
                last[0] = now
                click.echo(f"\r{written:,} instructions written", err=True, nl=False)

    result = trace_program(program, arguments, output, max_instructions=max_instructions, skip=skip,
                           start_at=start_at, progress=progress)
    if progress is not None:
        click.echo("\r\033[K", err=True, nl=False)
    if not quiet:
        how = "program ran to completion" if result.complete else "stopped at --max-instructions"
        click.echo(
            f"wrote {result.output}: {result.instructions} instructions"
            f"{f' (after skipping {result.skipped})' if result.skipped else ''}, {how}; "
            f"{result.seconds:.1f} s, {result.instructions_per_second / 1e6:.2f} M instructions/s",
            err=True,
        )
        if result.undecoded_addresses:
            click.echo(f"note: {result.undecoded_addresses} of {result.distinct_addresses} instruction "
                       "addresses could not be decoded (traced without registers)", err=True)


@click.group("workloads")
def workloads() -> None:
    """The edaflow workload suite: our own C programs, built static and traced reproducibly."""


@workloads.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def workloads_list(as_json):
    """List the workloads: name, behaviour class, description."""
    from ipc_predict.workloads import WORKLOADS

    if as_json:
        import dataclasses
        import json

        click.echo(json.dumps([dataclasses.asdict(w) for w in WORKLOADS], indent=2))
        return
    for w in WORKLOADS:
        click.echo(f"{w.name:16s} {w.behaviour:16s} {w.description}")


@workloads.command("build")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False), default="workloads",
              show_default=True, help="Directory for bin/, the traces and workloads.json.")
@click.option("--max-instructions", type=click.IntRange(min=1), default=None,
              help="Instructions traced per workload, from its region of interest "
                   f"[default: {_WORKLOAD_MAX:,}].")
@click.option("--only", "only", multiple=True, metavar="NAME",
              help="Build only these workloads (repeat, or separate with commas).")
@click.option("--no-full-count", is_flag=True,
              help="Skip counting each program's full dynamic instruction count (a cachegrind run).")
@click.option("--repeat", type=click.IntRange(min=1), default=1, show_default=True,
              help="Repeat the main work K times (-DEDAFLOW_REPEAT=K) for long traces; only workloads "
                   "with a repeat knob (`workloads list`), all of them when --only is not given.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def workloads_build(out_dir, max_instructions, only, no_full_count, repeat, quiet):
    """Compile the workloads with gcc -O2 -static and trace each into OUT/<name>.champsimtrace.xz.

    Writes OUT/workloads.json with, per workload, the instruction counts, the binary's and the
    trace's SHA-256 and the seconds taken.
    """
    from ipc_predict.workloads import DEFAULT_MAX_INSTRUCTIONS, build_suite

    names = [n for item in only for n in item.split(",") if n]

    def report(entry) -> None:
        if not quiet:
            full = f", full run {entry.executed_instructions}" if entry.executed_instructions else ""
            click.echo(f"{entry.name:16s} {entry.traced_instructions:>10d} instructions traced"
                       f"{full}, {entry.seconds:.1f} s", err=True)

    manifest = build_suite(out_dir, max_instructions=max_instructions or DEFAULT_MAX_INSTRUCTIONS,
                           only=names or None, full_count=not no_full_count, repeat=repeat,
                           on_built=report)
    if not quiet:
        click.echo(f"wrote {manifest}", err=True)


COMMANDS: list = [trace, workloads]
