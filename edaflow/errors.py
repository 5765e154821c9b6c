"""One exception family for domain errors, caught at the CLI boundary and printed as one line.

Exit codes are stable so CI can act on them: 0 success, 2 bad input or usage, 1 internal error.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2


class EdaflowError(Exception):
    """Base class of every error edaflow raises on purpose."""

    exit_code = EXIT_INTERNAL

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return where + " ".join(str(self.message).split())


class InputError(EdaflowError):
    """The user's input (file, option, configuration) is wrong. Exit code 2."""

    exit_code = EXIT_BAD_INPUT


class ToolError(EdaflowError):
    """An external tool (Yosys, ABC, valgrind, a compiler) failed or misbehaved. Exit code 1."""

    exit_code = EXIT_INTERNAL


class ToolNotFoundError(EdaflowError):
    """An external tool is not installed; the message says how to install it. Exit code 2."""

    exit_code = EXIT_BAD_INPUT
