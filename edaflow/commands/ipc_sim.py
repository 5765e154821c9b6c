"""`edaflow ipc sim` and `edaflow ipc configs` (owned by the simulator work)."""

COMMANDS: list = []
