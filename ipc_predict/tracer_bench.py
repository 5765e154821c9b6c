"""Measure the tracer's speed against valgrind lackey's own: ``python -m ipc_predict.tracer_bench``.

Compiles a small static loop program (about 11.5 M instructions, a quarter of them memory
operations), then times (1) lackey alone with its pipe drained and nothing parsed, the floor set
by valgrind, (2) the tracer writing raw, .xz and .gz traces, (3) skipping. Prints instructions/s and
the machine's load average before and after, since other work on the machine changes the numbers.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LOOP_PROGRAM = r"""
#include <stdio.h>
#include <stdlib.h>
int a[1 << 16];
int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000000, s = 0;
    unsigned x = 1;
    for (long i = 0; i < n; i++) {
        x = x * 1103515245 + 12345;
        a[x & 0xffff] += i;
        if (x & 0x100) s += a[(x >> 8) & 0xffff];
    }
    printf("%ld\n", s);
    return 0;
}
"""


def _load() -> str:
    with open("/proc/loadavg") as fh:
        return " ".join(fh.read().split()[:3])


def lackey_floor(program: list[str]) -> tuple[int, float]:
    """(instructions, seconds) of lackey writing into a pipe that is only drained."""
    from ipc_predict.tracer import _F_SETPIPE_SZ, _PIPE_SIZE, _PipeDrain, require_valgrind

    read_fd, write_fd = os.pipe()
    fcntl.fcntl(write_fd, _F_SETPIPE_SZ, _PIPE_SIZE)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(require_valgrind()), "--tool=lackey", "--basic-counts=no", "--trace-mem=yes", f"--log-fd={write_fd}",
         *program],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write_fd)
    drain = _PipeDrain(read_fd)
    count = 0
    while data := drain.get():
        count += data.count(b"\nI")
    proc.wait()
    seconds = time.perf_counter() - started
    drain.stop()
    os.close(read_fd)
    return count, seconds


def main(iterations: int = 1_000_000) -> None:
    from ipc_predict.tracer import trace_program

    with tempfile.TemporaryDirectory(prefix="edaflow-bench-") as tmp:
        d = Path(tmp)
        (d / "loop.c").write_text(LOOP_PROGRAM)
        subprocess.run(["gcc", "-O2", "-static", "-o", str(d / "loop"), str(d / "loop.c")], check=True)
        program = [str(d / "loop"), str(iterations)]
        print(f"load average {_load()}")
        n, seconds = lackey_floor(program)
        print(f"{'lackey alone (pipe drained, no parsing)':42s} {n:>11,d} instr {seconds:6.1f} s {n / seconds / 1e6:6.2f} M/s")
        for suffix in ("", ".xz", ".gz"):
            out = d / f"loop.champsimtrace{suffix}"
            r = trace_program(program[0], program[1:], out, stdout=subprocess.DEVNULL)
            size = out.stat().st_size / r.instructions
            print(f"{'tracer -> ' + (suffix or 'raw'):42s} {r.instructions:>11,d} instr {r.seconds:6.1f} s "
                  f"{r.instructions_per_second / 1e6:6.2f} M/s  {size:.2f} B/record")
            out.unlink()
        skip = int(n * 0.95)
        r = trace_program(program[0], program[1:], d / "skip.champsimtrace.xz", stdout=subprocess.DEVNULL,
                          skip=skip, max_instructions=100_000)
        print(f"{f'skip {skip:,} then trace 100,000':42s} {r.skipped + r.instructions:>11,d} instr {r.seconds:6.1f} s "
              f"{r.instructions_per_second / 1e6:6.2f} M/s")
        print(f"load average {_load()}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
