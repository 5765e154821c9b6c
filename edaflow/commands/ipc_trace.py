"""`edaflow ipc trace` and `edaflow ipc workloads` (owned by the tracer work)."""

COMMANDS: list = []
