"""`edaflow ipc profile`: a thin layer over `ipc_predict.profile` (issue 11)."""

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


COMMANDS: list = [profile]
