"""`edaflow ipc sim` and `edaflow ipc configs`: thin wrappers over `ipc_predict.simulator` and
`ipc_predict.configspace`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from edaflow.errors import InputError


def _load_config(path: str | None):
    from ipc_predict.config import CoreConfig

    if not path:
        return CoreConfig.default()
    if path.endswith(".json"):
        return CoreConfig.from_champsim_json(path)
    return CoreConfig.from_toml(path)


def _count(value: int | None, name: str) -> None:
    if value is not None and value < 0:
        raise InputError(f"--{name} must be >= 0, got {value}")


def format_result(trace: str, res, config_name: str) -> str:
    """The human-readable table `edaflow ipc sim` prints."""
    lines = [
        f"trace          {trace}",
        f"config         {config_name}",
        f"instructions   {res.instructions:,} (after {res.warmup_instructions:,} warm-up)",
        f"cycles         {res.cycles:,}",
        f"IPC            {res.ipc:.4f}",
        "MPKI           " + "  ".join(f"{k} {v:.2f}" for k, v in res.mpki.items()),
        f"branch MPKI    {res.branch_mpki:.2f}",
        "stalls         dispatch cycles by cause",
    ]
    total = sum(res.stalls.values()) or 1
    for name, cyc in res.stalls.items():
        if cyc:
            lines.append(f"  {name:<18s}{cyc:>14,}  {100.0 * cyc / total:5.1f} %")
    lines.append(f"simulation     {res.seconds:.2f} s, {res.mips:.2f} MIPS")
    return "\n".join(lines)


@click.command("sim")
@click.argument("trace", type=click.Path(dir_okay=False, path_type=str))
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Core configuration: TOML (keys that differ from the ChampSim-like default) or a "
                   "ChampSim champsim_config.json (*.json).")
@click.option("--warmup", type=int, default=0, show_default=True,
              help="Records used for functional warming of caches and predictors.")
@click.option("--instructions", type=int, default=None,
              help="Records simulated in detail after the warm-up (default: the rest of the trace).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def sim(trace: str, config_path: str | None, warmup: int, instructions: int | None, as_json: bool) -> None:
    """Simulate a ChampSim TRACE (raw, .xz or .gz) on an out-of-order core model; report IPC,
    cycles, MPKI per cache level, branch MPKI and a stall breakdown."""
    from ipc_predict.simulator import simulate

    _count(warmup, "warmup")
    _count(instructions, "instructions")
    cfg = _load_config(config_path)
    if instructions == 0:
        raise InputError("--instructions 0 simulates nothing; give a positive count or leave it out for the whole trace")
    res = simulate(trace, cfg, warmup=warmup, instructions=instructions)
    if res.instructions == 0:
        why = (f"the trace has no instructions after the {warmup:,}-instruction warm-up" if warmup
               else "the trace is empty")
        raise InputError(f"nothing simulated: {why}", path=trace)
    if as_json:
        out = {"trace": trace, **res.to_dict(), "config": cfg.to_dict()}
        click.echo(json.dumps(out, indent=2))
    else:
        click.echo(format_result(trace, res, config_path or "default (ChampSim-like)"))


@click.command("configs")
@click.option("--sample", "n", type=int, required=True, help="Number of configurations to draw.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed of the Latin hypercube.")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=str), required=True,
              help="Directory for config_000.toml ... and design_space.toml.")
def configs(n: int, seed: int, out_dir: str) -> None:
    """Sample core configurations from the design space (Latin hypercube) into TOML files."""
    from ipc_predict.configspace import write_configs

    if n <= 0:
        raise InputError(f"--sample must be positive, got {n}")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError("exists and is not a directory", path=str(out))
    try:
        paths = write_configs(out, n, seed)
    except OSError as exc:
        raise InputError(f"cannot write configurations: {exc.strerror or exc}", path=str(out)) from None
    click.echo(f"wrote {len(paths)} configurations and design_space.toml to {out}")


COMMANDS: list = [sim, configs]
