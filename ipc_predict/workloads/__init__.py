"""The edaflow workload suite: our own C programs, built static and traced reproducibly.

Each program in this directory generates its input with a seeded generator (no input files), runs
a few phases of one kind of behaviour, and prints a checksum. After generating its input it calls
``roi_begin()`` (region of interest); traces start at that call, so they show the kernel rather than
the set-up.

    source (*.c) ──gcc -O2 -static──▶ DIR/bin/NAME ──trace_program(start_at="roi_begin")──▶
        DIR/NAME.champsimtrace.xz        + a cachegrind run for the full dynamic instruction count
                                            and the checksum ──▶ DIR/workloads.json

Reproducible: the binary runs as ``./NAME`` from a scratch directory with a fixed environment and
no input, so the same compiler and valgrind give the same instruction counts and, valgrind's
address-space layout being fixed, the same trace bytes wherever the suite is built.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterable

from edaflow.errors import InputError, ToolError, ToolNotFoundError

SOURCE_DIR = Path(__file__).resolve().parent
CFLAGS = ("-O2", "-static")
ROI_SYMBOL = "roi_begin"
# Instructions traced per workload from roi_begin(). At the tracer's ~1 M instructions/s here
# (valgrind's own run of the set-up code included) the 13 workloads trace in about 2-3 minutes.
DEFAULT_MAX_INSTRUCTIONS = 10_000_000
# The environment of every traced run: fixed, because glibc's start-up code walks the environment.
RUN_ENVIRONMENT = {"PATH": "/usr/bin:/bin", "LC_ALL": "C"}
MANIFEST_NAME = "workloads.json"
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class Workload:
    """One program of the suite."""

    name: str
    behaviour: str  # compute, streaming, memory-bound, pointer-chasing, branchy
    description: str
    repeat: str = ""  # what `--repeat K` multiplies (compiled with -DEDAFLOW_REPEAT=K); "" = no knob

    @property
    def source(self) -> Path:
        return SOURCE_DIR / f"{self.name}.c"


WORKLOADS: tuple[Workload, ...] = (
    Workload("matmul", "compute", "dense 80x80 double matrix multiply: naive ijk, ikj (vectorised), 16x16-blocked"),
    Workload("stencil", "streaming", "2-D five-point Jacobi: 8 sweeps over 256x256 floats, then a residual",
             repeat="the sweeps"),
    Workload("stream", "streaming", "STREAM copy/scale/add/triad over three 4 MB double arrays",
             repeat="the four kernels"),
    Workload("linked_list", "pointer-chasing", "traversals, an update pass and unlinking on a scrambled 256 k-node list (4 MB)"),
    Workload("bst", "pointer-chasing", "unbalanced BST: 20 k inserts, 20 k lookups, recursive in-order walk"),
    Workload("hash_join", "memory-bound", "hash join: build 128 k tuples into a 4 MB open-addressing table, "
             "probe 128 k, scan"),
    Workload("bfs", "memory-bound", "CSR build and two BFS runs on a random graph, 32 k vertices, 192 k edges",
             repeat="BFS runs from further roots (K - 1 more)"),
    Workload("quicksort", "branchy", "median-of-three quicksort of 32 k random keys, then a verify pass"),
    Workload("binary_search", "branchy", "20 k lookups in a 4 MB sorted array: branchy, then branch-free"),
    Workload("lz_compress", "branchy", "LZ77 compression of 256 KB of generated text, then decompression"),
    Workload("interpreter", "branchy", "stack bytecode interpreter (switch dispatch): primes below 2000, Collatz 1..250",
             repeat="the primes program (K - 1 more runs)"),
    Workload("sha256", "compute", "SHA-256 of a 32 KB message, then of 1000 short messages"),
    Workload("edit_distance", "compute", "dynamic programming: 500x500 edit distance, 40-item 0/1 knapsack"),
)


def workload(name: str) -> Workload:
    """The workload called `name`; InputError listing the valid names otherwise."""
    for w in WORKLOADS:
        if w.name == name:
            return w
    raise InputError(f"unknown workload {name!r}; choose from: {', '.join(w.name for w in WORKLOADS)}")


@dataclass(frozen=True)
class WorkloadEntry:
    """One workload's line in workloads.json."""

    name: str
    description: str
    behaviour: str
    binary: str  # relative to the suite directory
    binary_sha256: str
    trace: str  # relative to the suite directory
    trace_sha256: str
    traced_instructions: int  # records in the trace
    roi_start_instruction: int  # instructions executed before roi_begin() (not traced)
    executed_instructions: int | None  # dynamic instructions of the whole run (cachegrind), None if not counted
    output: str | None  # the program's checksum line from the full run
    seconds: float  # compile + trace (+ full count)
    trace_seconds: float
    repeat: int = 1  # -DEDAFLOW_REPEAT (edaflow ipc workloads build --repeat)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def require_gcc() -> str:
    """gcc's path, or ToolNotFoundError saying how to install it."""
    gcc = shutil.which("gcc")
    if gcc is None:
        raise ToolNotFoundError("gcc not found (install it: apt-get install gcc; the workloads are C programs)")
    return gcc


def compile_workload(w: Workload, bin_dir: str | os.PathLike, repeat: int = 1) -> Path:
    """Compile `w` with gcc -O2 -static into bin_dir/NAME; ToolError with gcc's message on failure.
    `repeat` > 1 (only for workloads with a `repeat` knob) adds -DEDAFLOW_REPEAT=repeat."""
    if repeat != 1 and not w.repeat:
        raise InputError(f"workload {w.name} has no repeat knob; --repeat works for: "
                         f"{', '.join(x.name for x in WORKLOADS if x.repeat)}")
    gcc = require_gcc()
    bin_dir = Path(bin_dir)
    bin_dir.mkdir(parents=True, exist_ok=True)
    binary = (bin_dir / w.name).resolve()
    # Compile from the source directory with a bare file name: nothing path-dependent enters the binary.
    defines = [f"-DEDAFLOW_REPEAT={repeat}"] if repeat != 1 else []
    command = [gcc, *CFLAGS, *defines, "-o", str(binary), w.source.name]
    proc = subprocess.run(command, cwd=SOURCE_DIR, capture_output=True, text=True)
    if proc.returncode != 0:
        first = next((line for line in proc.stderr.splitlines() if "error" in line), proc.stderr.strip()[:300])
        raise ToolError(f"gcc failed on {w.source.name}: {first}", path=str(w.source))
    if "cannot find -lc" in proc.stderr:  # pragma: no cover - gcc exits non-zero first
        raise ToolError("static glibc missing (apt-get install libc6-dev)")
    return binary


def count_instructions(binary: str | os.PathLike) -> tuple[int, str]:
    """(dynamic instructions of a whole run, the program's stdout) by valgrind's cachegrind without
    cache simulation, which counts instructions as the tracer does and runs much faster.

    Runs exactly like `trace_workload` (./NAME, fixed environment, stdout to a regular file: glibc's
    stdio takes a different path for a pipe or /dev/null), so the counts agree."""
    from ipc_predict.tracer import require_valgrind

    valgrind = require_valgrind()
    binary = Path(binary)
    with _RunDirectory(binary) as program, tempfile.TemporaryFile() as stdout:
        proc = subprocess.run(
            [str(valgrind), "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
             f"./{program.name}"],
            cwd=program.parent, env=RUN_ENVIRONMENT, stdin=subprocess.DEVNULL, stdout=stdout,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        stdout.seek(0)
        output = stdout.read().decode("utf-8", "replace").strip()
    if proc.returncode != 0:
        raise ToolError(f"{binary.name} exited with status {proc.returncode} under cachegrind", path=str(binary))
    match = re.search(r"I\s+refs:\s+([\d,]+)", proc.stderr)
    if match is None:
        raise ToolError("cachegrind printed no instruction count (I refs)", path=str(binary))
    return int(match.group(1).replace(",", "")), output


class _RunDirectory:
    """A scratch directory, of a fixed name length, holding a copy of the binary to run.

    valgrind puts the program's full path on the client stack, so the length of the directory
    shifts every stack address in the trace; running from here keeps the trace bytes the same
    whatever directory the suite is built in (for the same temporary directory root)."""

    def __init__(self, binary: Path):
        self._binary = binary

    def __enter__(self) -> Path:
        self._dir = tempfile.TemporaryDirectory(prefix="edaflow-run-")
        path = Path(self._dir.name) / self._binary.name
        shutil.copy2(self._binary, path)
        return path

    def __exit__(self, *exc) -> None:
        self._dir.cleanup()


def trace_workload(binary: str | os.PathLike, output: str | os.PathLike, max_instructions: int, stdout=None):
    """Trace a built workload from roi_begin() for `max_instructions`: run as ./NAME from a scratch
    directory with the fixed environment and no input. `stdout` receives the program's output
    (a regular file keeps the instruction count identical to `count_instructions`; default: a
    temporary file). Returns the TraceResult."""
    from ipc_predict.tracer import trace_program

    with _RunDirectory(Path(binary)) as program, tempfile.TemporaryFile() as scratch:
        return trace_program(
            f"./{program.name}", (), Path(output).resolve(), max_instructions=max_instructions,
            start_at=ROI_SYMBOL, env=RUN_ENVIRONMENT, cwd=program.parent, stdin=subprocess.DEVNULL,
            stdout=scratch if stdout is None else stdout,
        )  # fmt: skip


def build_suite(
    out_dir: str | os.PathLike,
    *,
    max_instructions: int = DEFAULT_MAX_INSTRUCTIONS,
    only: Iterable[str] | None = None,
    full_count: bool = True,
    repeat: int = 1,
    on_built: Callable[[WorkloadEntry], None] | None = None,
) -> Path:
    """Build, trace and describe the suite (or the workloads named in `only`) in `out_dir`.

    Returns the path of out_dir/workloads.json. Entries of workloads not rebuilt this time are kept
    from an existing manifest, so `--only` refreshes part of a suite. `repeat` > 1 builds the
    workloads with a repeat knob (`Workload.repeat`) K times longer; naming another is an InputError.
    """
    from ipc_predict.tracer import _gcc_version, valgrind_version

    chosen = [workload(n) for n in only] if only else list(WORKLOADS)
    if repeat != 1:
        if repeat < 1:
            raise InputError(f"--repeat must be >= 1, not {repeat}")
        if not only:
            chosen = [w for w in chosen if w.repeat]
        for w in chosen:
            if not w.repeat:
                raise InputError(f"workload {w.name} has no repeat knob; --repeat works for: "
                                 f"{', '.join(x.name for x in WORKLOADS if x.repeat)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / MANIFEST_NAME
    entries: dict[str, dict] = {}
    if manifest_path.exists():
        try:
            previous = json.loads(manifest_path.read_text())
            if previous.get("max_instructions") == max_instructions:
                entries = {e["name"]: e for e in previous.get("workloads", [])}
        except (OSError, ValueError):
            entries = {}
    for w in chosen:
        started = time.perf_counter()
        binary = compile_workload(w, out / "bin", repeat=repeat)
        trace_path = out / f"{w.name}.champsimtrace.xz"
        with tempfile.TemporaryFile() as program_output:
            result = trace_workload(binary, trace_path, max_instructions, stdout=program_output)
            program_output.seek(0)
            output: str | None = program_output.read().decode("utf-8", "replace").strip()
        executed = result.executed  # known when the program ran to its end under the tracer
        if executed is None and full_count:
            executed, output = count_instructions(binary)
        elif executed is None:
            output = None  # the run was cut short: no checksum line
        entry = WorkloadEntry(
            name=w.name,
            description=w.description,
            behaviour=w.behaviour,
            binary=str(binary.relative_to(out.resolve())),
            binary_sha256=_sha256(binary),
            trace=trace_path.name,
            trace_sha256=_sha256(trace_path),
            traced_instructions=result.instructions,
            roi_start_instruction=result.skipped,
            executed_instructions=executed,
            output=output,
            seconds=round(time.perf_counter() - started, 2),
            trace_seconds=round(result.seconds, 2),
            repeat=repeat,
        )
        entries[w.name] = asdict(entry)
        if on_built is not None:
            on_built(entry)
    order = [w.name for w in WORKLOADS]
    manifest = {
        "version": MANIFEST_VERSION,
        "compiler": f"gcc {_gcc_version()}",
        "cflags": list(CFLAGS),
        "valgrind": valgrind_version(),
        "start_at": ROI_SYMBOL,
        "max_instructions": max_instructions,
        "environment": RUN_ENVIRONMENT,
        "workloads": sorted(entries.values(), key=lambda e: order.index(e["name"]) if e["name"] in order else 99),
    }
    tmp = manifest_path.with_name(f".{MANIFEST_NAME}.{os.getpid()}")
    tmp.write_text(json.dumps(manifest, indent=2) + "\n")
    os.replace(tmp, manifest_path)
    return manifest_path
