"""A persistent ABC process: one process start, then each command costs only itself.

ABC exits 0 on errors and prints colour codes, so every command's output is scanned for ABC's error
strings and turned into :class:`AbcCommandError`. A command that outlives its timeout kills the
process (:class:`AbcTimeoutError`); a process that dies raises :class:`AbcCrashError`. Either way the
session restarts lazily on the next command and replays its set-up commands (e.g. loading the cell
library); :attr:`AbcSession.generation` tells callers that the current network was lost.

Commands are framed by a sentinel: after each command we send an unknown command with a unique name
and read until ABC complains about it. ABC runs in its own temporary working directory because it
writes history files into the current directory.
"""

from __future__ import annotations

import os
import re
import selectors
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Sequence

from edaflow.errors import ToolError

from abc_bin import require_abc
from synth.qor import strip_ansi

# Strings with which ABC reports a failed command (it still exits 0).
_ERROR_PATTERNS = [
    re.compile(p, re.MULTILINE)
    for p in (
        r"^\*\* cmd error",
        r"^Error:",
        r"\bError\b.*:",
        r"Cannot open (input )?file",
        r"from file has failed",
        r"Wrong input file format",
        r"^usage:",
        r"The current network is not an AIG",
        r"Empty network",
        r"There is no (current )?(network|library|Liberty library)",
    )
]


class AbcError(ToolError):
    """Base of ABC session failures; carries the binary, the command and (truncated) output."""

    def __init__(self, message: str, *, binary: str = "", command: str = "", output: str = ""):
        self.binary = binary
        self.command = command
        self.output = output
        tail = " ".join(output.strip().split())[-240:]
        super().__init__(f"{message}: `{command}`" + (f" -> {tail}" if tail else ""))


class AbcCommandError(AbcError):
    """ABC printed an error for a command."""


class AbcTimeoutError(AbcError):
    """A command ran past its timeout; the process was killed and will be restarted."""


class AbcCrashError(AbcError):
    """The ABC process died (crash, abort, killed)."""


class AbcSession:
    """A long-lived ABC process.

    >>> with AbcSession(setup=["read_library lib.genlib"]) as abc:   # doctest: +SKIP
    ...     abc.run("read design.aig"); print(abc.run("print_stats"))
    """

    def __init__(
        self,
        abc_path: str | os.PathLike | None = None,
        *,
        setup: Sequence[str] = (),
        timeout: float = 120.0,
        transcript: str | os.PathLike | None = None,
    ):
        self.abc_path = str(require_abc(abc_path))
        self.setup = list(setup)
        self.timeout = timeout
        self.generation = 0  # bumped at every (re)start: the in-memory network is gone after a restart
        self.commands_run = 0  # every command sent, set-up included
        self.restarts = 0
        self._proc: subprocess.Popen | None = None
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._counter = 0
        self._transcript = open(transcript, "a", encoding="utf-8") if transcript else None

    # -- life cycle -----------------------------------------------------------------------------
    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        if self.alive:
            return
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="edaflow-abc-")
        self._proc = subprocess.Popen(
            [self.abc_path, "-s"],
            cwd=self._tmp.name,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            bufsize=0,
            start_new_session=True,  # so a kill reaches ABC and anything it spawned
        )
        os.set_blocking(self._proc.stdout.fileno(), False)
        self._buffer = b""
        self.generation += 1
        for cmd in self.setup:
            self.run(cmd)

    def _kill(self) -> None:
        if self._proc is None:
            return
        try:
            os.killpg(self._proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for stream in (self._proc.stdin, self._proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self._proc = None

    def close(self) -> None:
        if self.alive:
            try:
                self._proc.stdin.write(b"quit\n")
                self._proc.stdin.flush()
                self._proc.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self._kill()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
        if self._transcript:
            self._transcript.close()
            self._transcript = None

    def __enter__(self) -> "AbcSession":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:  # best effort; close() is the real API
        try:
            self._kill()
        except Exception:
            pass

    # -- commands -------------------------------------------------------------------------------
    def run(self, command: str, timeout: float | None = None, *, check: bool = True) -> str:
        """Run one ABC command; return its output without colour codes.

        Raises :class:`AbcCommandError` when ABC reports an error (with ``check``), :class:`AbcTimeoutError`
        or :class:`AbcCrashError`; after the latter two the next call starts a fresh process.
        """
        if "\n" in command:
            raise ValueError("one ABC command per call")
        if not self.alive:
            self.start()
        self._counter += 1
        self.commands_run += 1
        sentinel = f"__edaflow_done_{self._counter}"
        if self._transcript:
            self._transcript.write(command + "\n")
            self._transcript.flush()
        try:
            self._proc.stdin.write(f"{command}\n{sentinel}\n".encode())
            self._proc.stdin.flush()
        except (BrokenPipeError, OSError):
            out = self._drain()
            self._kill()
            self.restarts += 1
            raise AbcCrashError("ABC process died", binary=self.abc_path, command=command, output=out) from None
        raw = self._read_until(f"'{sentinel}'".encode(), timeout or self.timeout, command)
        text = strip_ansi(raw.decode("utf-8", errors="replace"))
        # Output proper: after the echo of our command, before the echo of the sentinel.
        end = text.find(sentinel)
        body = text[:end] if end >= 0 else text
        start = body.find(f"> {command}\n")
        if start >= 0:
            body = body[start + len(command) + 3 :]
        body = body.rsplit("\n", 1)[0] if "\n" in body else ""  # drop the trailing prompt
        if check:
            for pat in _ERROR_PATTERNS:
                if pat.search(body):
                    raise AbcCommandError("ABC reported an error", binary=self.abc_path, command=command, output=body)
        return body

    def _drain(self) -> str:
        try:
            data = self._proc.stdout.read() or b""
        except (OSError, ValueError):
            data = b""
        return strip_ansi((self._buffer + data).decode("utf-8", errors="replace"))

    def _read_until(self, marker: bytes, timeout: float, command: str) -> bytes:
        deadline = time.monotonic() + timeout
        fd = self._proc.stdout.fileno()
        sel = selectors.DefaultSelector()
        sel.register(fd, selectors.EVENT_READ)
        try:
            while True:
                idx = self._buffer.find(marker)
                if idx >= 0:
                    out, self._buffer = self._buffer[:idx], self._buffer[idx + len(marker) :]
                    return out
                left = deadline - time.monotonic()
                if left <= 0:
                    out = self._buffer.decode("utf-8", errors="replace")
                    self._kill()
                    self.restarts += 1
                    raise AbcTimeoutError(
                        f"ABC command timed out after {timeout:g} s", binary=self.abc_path, command=command, output=out
                    )
                if not sel.select(min(left, 1.0)):
                    if self._proc.poll() is not None:
                        break
                    continue
                try:
                    chunk = os.read(fd, 1 << 16)
                except BlockingIOError:
                    continue
                if not chunk:
                    break
                self._buffer += chunk
        finally:
            sel.close()
        out = strip_ansi(self._buffer.decode("utf-8", errors="replace"))
        code = self._proc.poll() if self._proc else None
        self._kill()
        self.restarts += 1
        raise AbcCrashError(f"ABC process died (exit status {code})", binary=self.abc_path, command=command, output=out)

    def run_script(self, commands: Sequence[str], timeout: float | None = None) -> list[str]:
        return [self.run(c, timeout) for c in commands]

    @property
    def workdir(self) -> Path:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="edaflow-abc-")
        return Path(self._tmp.name)
