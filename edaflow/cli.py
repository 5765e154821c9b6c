"""`edaflow` command-line entry point: a thin click group over the library API.

Each command lives in its own module under `edaflow.commands`; domain errors (`EdaflowError`)
are printed as one line with a stable exit code, never as a traceback.
"""

from __future__ import annotations

import sys

import click

from edaflow import __version__
from edaflow.errors import EXIT_INTERNAL, EdaflowError


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except EdaflowError as exc:
            click.echo(f"edaflow: error: {exc.one_line()}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("edaflow: interrupted", err=True)
            ctx.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="edaflow")
def cli() -> None:
    """edaflow: ML-guided logic synthesis with real Yosys/ABC, and IPC prediction."""


def _register() -> None:
    from edaflow.commands.doctor import doctor
    from edaflow.commands.ipc import ipc
    from edaflow.commands.regress import history, regress, runs
    from edaflow.commands.synth import synth
    from edaflow.commands.train import train
    from edaflow.commands.index import index

    cli.add_command(synth)
    cli.add_command(doctor)
    cli.add_command(ipc)
    cli.add_command(regress)
    cli.add_command(runs)
    cli.add_command(history)
    cli.add_command(train)
    cli.add_command(index)


_register()


def main() -> None:
    try:
        cli(prog_name="edaflow")
    except EdaflowError as exc:  # raised outside a command's invoke (e.g. while parsing)
        click.echo(f"edaflow: error: {exc.one_line()}", err=True)
        sys.exit(exc.exit_code)
    except Exception as exc:  # internal error: one line, exit 1; EDAFLOW_DEBUG=1 shows the traceback
        import os

        if os.environ.get("EDAFLOW_DEBUG"):
            raise
        click.echo(f"edaflow: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":
    main()
