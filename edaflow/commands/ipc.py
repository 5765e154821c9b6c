"""`edaflow ipc ...`: traces, the reference simulator, and (later) the IPC predictor."""

from __future__ import annotations

import click


@click.group()
def ipc() -> None:
    """Instruction traces, the reference out-of-order simulator, and IPC prediction."""


def _register() -> None:
    # Subcommands live in their own modules (one module per command family).
    from edaflow.commands import ipc_predict_cmds, ipc_sim, ipc_trace

    for cmd in ipc_sim.COMMANDS + ipc_trace.COMMANDS + ipc_predict_cmds.COMMANDS:
        ipc.add_command(cmd)


_register()
