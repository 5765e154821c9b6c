"""`edaflow ipc profile | dataset | train | evaluate | predict | explore`: thin layers over
`ipc_predict.profile`, `.slices`, `.dataset`, `.regressor` (issue 11)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from edaflow.errors import InputError


@click.command("profile")
@click.argument("trace", type=click.Path(dir_okay=False, path_type=str))
@click.option("--interval", type=click.IntRange(min=1), default=None,
              help="Instructions per basic-block-vector interval [default: profile.DEFAULT_INTERVAL].")
@click.option("--json", "as_json", is_flag=True, help="Print the profile's features as one JSON object.")
def profile(trace: str, interval: int | None, as_json: bool) -> None:
    """Profile a ChampSim TRACE once (instruction mix, branches, footprint, reuse, dependencies,
    basic-block vectors) into TRACE.profile.npz; reuse that sidecar while the trace is unchanged."""
    from ipc_predict.profile import DEFAULT_INTERVAL, load_or_build_profile, sidecar_path

    if not Path(trace).is_file():
        raise InputError("no such trace file", path=trace)
    try:
        prof = load_or_build_profile(trace, interval=interval or DEFAULT_INTERVAL,
                                     on_message=lambda m: click.echo(m, err=True))
    except ValueError as exc:
        raise InputError(str(exc), path=trace) from None
    feats = prof.features()
    if as_json:
        click.echo(json.dumps({"trace": trace, "trace_sha256": prof.trace_sha256,
                               "instructions": prof.instructions, "intervals": int(prof.bbv.shape[0]),
                               "features": feats}, indent=2))
        return
    click.echo(f"trace          {trace}\ninstructions   {prof.instructions:,} "
               f"({prof.bbv.shape[0]} intervals of {prof.interval:,})\nsidecar        {sidecar_path(trace)}")
    for k, v in prof.scalars.items():
        click.echo(f"  {k:<20s}{v:14.4f}")


def _slice_options(f):
    from ipc_predict.slices import DEFAULT_LENGTH, DEFAULT_SLICES, DEFAULT_WARMUP, METHODS

    for opt in reversed([
        click.option("--slice-method", "method", type=click.Choice(METHODS), default="simpoint", show_default=True,
                     help="How slices are chosen from the profile."),
        click.option("--slices", "n_slices", type=click.IntRange(min=1), default=DEFAULT_SLICES, show_default=True,
                     help="Number of detailed slices."),
        click.option("--slice-length", "length", type=click.IntRange(min=1), default=DEFAULT_LENGTH,
                     show_default=True, help="Detailed instructions per slice."),
        click.option("--slice-warmup", "warmup", type=click.IntRange(min=0), default=DEFAULT_WARMUP,
                     show_default=True, help="Functionally warmed instructions before each slice."),
    ]):
        f = opt(f)
    return f


def _trace_files(items) -> list:
    from ipc_predict.dataset import find_traces

    traces = find_traces(items)
    if not traces:
        raise InputError("no traces found (give trace files or directories holding *.champsimtrace[.xz|.gz])")
    for t in traces:
        if not t.is_file():
            raise InputError("no such trace file", path=str(t))
    return traces


@click.command("dataset")
@click.option("--workloads", "workloads", multiple=True, required=True,
              help="Trace file or directory of traces (repeatable).")
@click.option("--configs", "n_configs", type=click.IntRange(min=1), required=True,
              help="Configurations drawn by the Latin-hypercube sampler (as `edaflow ipc configs`).")
@click.option("--seed", type=int, default=0, show_default=True, help="Sampler seed.")
@click.option("--include-default/--no-include-default", default=True, show_default=True,
              help="Also run the default (ChampSim-like) core.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=2, show_default=True,
              help="Worker processes.")
@click.option("--scheduler", default=None, help="Dask scheduler address (tcp://host:port) instead of local processes.")
@_slice_options
@click.option("-o", "--out", "out", type=click.Path(dir_okay=False, path_type=str), required=True,
              help="Output parquet file; OUT.journal.jsonl makes the run resumable.")
def dataset(workloads, n_configs, seed, include_default, jobs, scheduler, method, n_slices, length, warmup,
            out) -> None:
    """Build the IPC data set: full simulations (ground truth) and slice simulations of every trace
    under sampled configurations, one row per pair with provenance (trace hash, config hash,
    simulator version). Rerun the same command to resume."""
    from ipc_predict.config import CoreConfig
    from ipc_predict.configspace import sample_configs
    from ipc_predict.dataset import build_dataset, simulator_version

    traces = _trace_files(workloads)
    cfgs = ([CoreConfig.default()] if include_default else []) + sample_configs(n_configs, seed)
    outp = Path(out)
    if outp.parent and not outp.parent.is_dir():
        raise InputError("output directory does not exist", path=str(outp.parent))
    click.echo(f"{len(traces)} traces x {len(cfgs)} configurations, simulator {simulator_version()}", err=True)
    res = build_dataset(traces, cfgs, outp, jobs=jobs, scheduler=scheduler, method=method, n_slices=n_slices,
                        length=length, warmup=warmup, seed=seed, on_message=lambda m: click.echo(m, err=True))
    click.echo(f"wrote {res['rows']} rows to {outp} ({res['new']} simulated now, {res['skipped']} resumed, "
               f"{res['stale']} stale left out)")


COMMANDS: list = [profile, dataset]
