"""Trace a real x86-64 program run into a ChampSim trace (valgrind lackey + capstone).

    valgrind --tool=lackey --trace-mem=yes ──pipe──▶ `tracer_lackey.parse_chunk` (compiled scan)
        ──▶ instruction addresses + memory events ──`tracer_decode.InstructionTable`──▶ records
        ──▶ `traces.TraceWriter` (.xz / .gz / raw)

Lackey reports every executed instruction address and every load/store address, in order, as text
on a pipe (never a file). It reports no registers and no branch outcomes: each distinct instruction
address is decoded once with capstone (bytes from the ELF file, the process's mapped files, or its
memory) for its registers and branch kind; a branch is taken when the next executed address is not
its fall-through address.

Library API: `trace_program`, `TraceResult`, `tracer_requirements`, `find_valgrind`, `require_valgrind`.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from edaflow.errors import InputError, ToolError, ToolNotFoundError
from ipc_predict.traces import TRACE_DTYPE, TraceWriter

VALGRIND_ADVICE = "install valgrind: apt-get install valgrind (Debian/Ubuntu) or dnf install valgrind"
CAPSTONE_ADVICE = "install capstone: pip install capstone"
GCC_ADVICE = "install gcc: apt-get install gcc (needed to build the workload suite)"

_READ_SIZE = 1 << 20  # bytes per os.read of the lackey pipe
_CHUNK_BYTES = 4 << 20  # lackey text parsed per step (about 300 k instructions)
_PIPE_SIZE = 1 << 20
_F_SETPIPE_SZ = 1031
_KEEP_MESSAGES = 40
_DECODE_GAP = 48  # new addresses this close (bytes) are decoded in one straight capstone run


@dataclass(frozen=True)
class TraceResult:
    """What one traced run produced."""

    output: Path
    program: str
    arguments: tuple[str, ...]
    instructions: int  # records written
    skipped: int  # instructions executed before the first record (start_at search + skip)
    complete: bool  # the program ran to its end (False: stopped at max_instructions)
    executed: int | None  # dynamic instructions of the whole run when complete, else None
    seconds: float  # wall time of the traced run
    distinct_addresses: int  # instruction addresses decoded
    undecoded_addresses: int  # of those, addresses whose code bytes could not be read or decoded

    @property
    def instructions_per_second(self) -> float:
        """Traced instructions (skipped ones included: valgrind ran them too) per wall-clock second."""
        return (self.instructions + self.skipped) / self.seconds if self.seconds > 0 else 0.0


# --------------------------------------------------------------------------- tools


def find_valgrind() -> Path | None:
    """valgrind from $EDAFLOW_VALGRIND, then PATH; None if absent (starts no process)."""
    override = os.environ.get("EDAFLOW_VALGRIND")
    if override:
        return Path(override) if os.access(override, os.X_OK) else None
    found = shutil.which("valgrind")
    return Path(found) if found else None


def require_valgrind() -> Path:
    """valgrind's path, or ToolNotFoundError saying how to install it."""
    path = find_valgrind()
    if path is None:
        raise ToolNotFoundError(f"valgrind not found ({VALGRIND_ADVICE})")
    return path


def valgrind_version(path: str | os.PathLike | None = None) -> str | None:
    """`valgrind --version` without the "valgrind-" prefix, or None."""
    exe = path or find_valgrind()
    if exe is None:
        return None
    try:
        out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return out.strip().removeprefix("valgrind-") or None


def _capstone_version() -> str | None:
    import importlib.metadata
    import importlib.util

    if importlib.util.find_spec("capstone") is None:
        return None
    try:
        return importlib.metadata.version("capstone")  # the wheel's version, as `edaflow doctor` shows
    except importlib.metadata.PackageNotFoundError:
        import capstone

        return getattr(capstone, "__version__", "unknown")


def _require_capstone() -> None:
    if _capstone_version() is None:
        raise ToolNotFoundError(f"capstone (Python package) not found ({CAPSTONE_ADVICE})")


def _gcc_version() -> str | None:
    gcc = shutil.which("gcc")
    if gcc is None:
        return None
    try:
        out = subprocess.run([gcc, "-dumpfullversion"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return out.strip() or None


def tracer_requirements() -> list[tuple[str, str | None, str]]:
    """(name, version or None when missing, install advice) for each tool the tracer and workloads use."""
    return [
        ("valgrind", valgrind_version(), VALGRIND_ADVICE),
        ("capstone", _capstone_version(), CAPSTONE_ADVICE),
        ("gcc", _gcc_version(), GCC_ADVICE),
    ]


# --------------------------------------------------------------------------- program checks


def resolve_program(program: str | os.PathLike, cwd: str | os.PathLike | None = None) -> Path:
    """Absolute path of an executable x86-64 ELF program: a path (relative to `cwd`) if it has a
    slash, else searched on PATH. InputError if missing, not executable or not x86-64 ELF."""
    text = str(program)
    if "/" in text:
        path = Path(cwd or ".") / text
    else:
        found = shutil.which(text)
        if found is None:
            raise InputError("program not found (not a file, and not on PATH)", path=text)
        path = Path(found)
    if not path.exists():
        raise InputError("program not found", path=text)
    if path.is_dir():
        raise InputError("is a directory, not a program", path=text)
    if not os.access(path, os.X_OK):
        raise InputError("program is not executable (chmod +x?)", path=text)
    from ipc_predict.tracer_elf import read_elf

    read_elf(path)  # InputError unless x86-64 ELF
    return path.resolve()


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


# --------------------------------------------------------------------------- record building


def _fill_memory(words: np.ndarray, owner: np.ndarray, kind: np.ndarray, address: np.ndarray) -> None:
    """Put each memory event into its instruction's slots: loads to source_memory (4), stores to
    destination_memory (2); a modify goes to both. An address repeating the previous event's address
    for the same instruction, and events beyond the slots, are dropped.

    `words` is the records viewed as (n, 8) u8 words: destination_memory is words 2-3, source_memory 4-7.
    """
    from ipc_predict.tracer_lackey import LOAD, MODIFY, STORE

    for first_word, kinds, slots in ((4, (LOAD, MODIFY), 4), (2, (STORE, MODIFY), 2)):
        sel = (kind == kinds[0]) | (kind == kinds[1])
        o, a = owner[sel], address[sel]
        if len(o) == 0:
            continue
        keep = np.ones(len(o), dtype=bool)
        keep[1:] = (o[1:] != o[:-1]) | (a[1:] != a[:-1])
        o, a = o[keep], a[keep]
        position = np.arange(len(o))
        group_start = np.ones(len(o), dtype=bool)
        group_start[1:] = o[1:] != o[:-1]
        rank = position - np.maximum.accumulate(np.where(group_start, position, 0))
        fits = rank < slots
        words[o[fits], first_word + rank[fits]] = a[fits]


class _RecordBuilder:
    """Turns parsed lackey chunks into ChampSim records, decoding new addresses on the way.

    Records are assembled as (n, 8) u8 words: word 0 is the ip; word 1 packs is_branch (byte 0),
    branch_taken (byte 1), the two destination registers (bytes 2-3) and the four source registers
    (bytes 4-7), which is one precomputed word per static instruction plus the taken bit.
    """

    def __init__(self, reader) -> None:
        from ipc_predict.tracer_decode import InstructionTable, X86Decoder

        self.decoder = X86Decoder()
        self.table = InstructionTable()
        self.reader = reader
        self._packed = np.zeros(0, dtype=np.uint64)

    def _packed_words(self) -> np.ndarray:
        table = self.table
        if len(self._packed) != table.size:
            n = table.size
            regs = np.zeros((n, 8), dtype=np.uint8)
            regs[:, 0] = table.branch_class[:n] != 0
            regs[:, 2:4] = table.destination_registers[:n]
            regs[:, 4:8] = table.source_registers[:n]
            self._packed = regs.view("<u8").reshape(n)
        return self._packed

    def _decode(self, addresses: list[int]) -> None:
        """Decode new addresses (sorted), neighbours in one capstone run where they are close."""
        infos = {}
        start = 0
        while start < len(addresses):
            end = start + 1
            while end < len(addresses) and addresses[end] - addresses[end - 1] <= _DECODE_GAP:
                end += 1
            first, last = addresses[start], addresses[end - 1]
            if end - start > 1:
                code = self.reader.read(first, last - first + 16)
                if code:
                    infos.update(self.decoder.decode_run(first, code, set(addresses[start:end])))
            for ip in addresses[start:end]:
                if ip not in infos:
                    infos[ip] = self.decoder.decode(ip, self.reader.read(ip))
            start = end
        self.table.add(addresses, [infos[ip] for ip in addresses])

    def build(self, ips: np.ndarray, owner: np.ndarray, kind: np.ndarray, address: np.ndarray) -> tuple:
        """Records for `ips` (branch_taken of the last one still open) plus per-record branch class
        and fall-through address, needed to close the last one when the next address is known."""
        from ipc_predict.tracer_decode import ALWAYS_TAKEN, CONDITIONAL

        table = self.table
        index, missing = table.lookup(ips)
        if missing:
            self._decode(np.unique(ips[index < 0]).tolist())
            index, _ = table.lookup(ips)
        n = len(ips)
        words = np.zeros((n, 8), dtype=np.uint64)
        words[:, 0] = ips
        branch_class = table.branch_class[index]
        fallthrough = ips + table.length[index].astype(np.uint64)
        taken = branch_class == ALWAYS_TAKEN
        if n > 1:
            taken[:-1] |= (branch_class[:-1] == CONDITIONAL) & (ips[1:] != fallthrough[:-1])
        words[:, 1] = self._packed_words()[index] | (taken.astype(np.uint64) << np.uint64(8))
        _fill_memory(words, owner, kind, address)
        return words.view(TRACE_DTYPE).reshape(n), branch_class, fallthrough


class _PipeDrain:
    """Reads the lackey pipe in a thread so that valgrind never waits on a full pipe while the main
    thread parses. A short read means the pipe is nearly empty: the thread then sleeps 2 ms rather
    than wake for every line valgrind writes (each line is its own write system call).
    At most `depth` reads (of 1 MiB) wait in the queue; `get()` returns b"" at end of stream.
    `on_read()` is called after each read (the code reader snapshots the process's mappings)."""

    def __init__(self, fd: int, on_read: Callable[[], object] | None = None, depth: int = 64) -> None:
        import queue
        import threading

        self._fd = fd
        self._on_read = on_read
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lackey-pipe", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import queue

        while not self._stopped.is_set():
            try:
                data = os.read(self._fd, _READ_SIZE)
            except OSError:
                data = b""
            while not self._stopped.is_set():
                try:
                    self._queue.put(data, timeout=0.1)
                    break
                except queue.Full:
                    continue
            if not data:
                return
            if self._on_read is not None:
                self._on_read()
            if len(data) < _READ_SIZE // 4:
                time.sleep(0.002)

    def get(self) -> bytes:
        return self._queue.get()

    def stop(self) -> None:
        """Stop reading. The process is dead by now, so a pending read returns (unless a child that
        left our session still holds the pipe: then the daemon thread is abandoned)."""
        self._stopped.set()
        self._thread.join(timeout=5)


class _BackgroundWriter:
    """Compresses and writes in a thread (lzma and zlib release the GIL), so compression overlaps
    with parsing and with waiting for valgrind. At most `depth` chunks wait in the queue."""

    def __init__(self, writer, depth: int = 3) -> None:
        import queue
        import threading

        self._writer = writer
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="trace-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if self._error is None:
                try:
                    self._writer.write(item)
                except BaseException as exc:  # re-raised in the caller's thread
                    self._error = exc

    def write(self, records: np.ndarray) -> None:
        if self._error is not None:
            raise self._error
        if len(records):
            self._queue.put(records)

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        self._writer.close()
        if self._error is not None:
            raise self._error


# --------------------------------------------------------------------------- the traced run


def trace_program(
    program: str | os.PathLike,
    arguments: Sequence[str] = (),
    output: str | os.PathLike = "trace.champsimtrace.xz",
    *,
    max_instructions: int | None = None,
    skip: int = 0,
    start_at: str | int | None = None,
    env: dict[str, str] | None = None,
    cwd: str | os.PathLike | None = None,
    stdin=None,
    stdout=None,
    stderr=None,
    progress: Callable[[int], None] | None = None,
) -> TraceResult:
    """Run `program arguments` under valgrind and write its instruction trace to `output`.

    `start_at` (a symbol of a non-PIE executable, or an address) starts counting at the first
    execution of that address; then `skip` instructions are skipped and at most `max_instructions`
    written, after which the program is killed. `env`, `cwd`, `stdin`, `stdout`, `stderr` are passed
    to the program (None: inherited). `progress(records_written)` is called after each chunk.

    The trace is written to a temporary name and renamed at the end, so a failed run leaves nothing.
    Raises InputError (bad program, program crashed or exited non-zero, start_at never reached, the
    run shorter than `skip`), ToolNotFoundError (valgrind or capstone missing), ToolError (valgrind
    failed).
    """
    from ipc_predict.tracer_decode import ALWAYS_TAKEN, CONDITIONAL, CodeReader
    from ipc_predict.tracer_elf import read_elf, symbol_address
    from ipc_predict.tracer_lackey import count_instruction_lines, parse_chunk, split_at_instruction

    if skip < 0:
        raise InputError(f"--skip must be >= 0, got {skip}")
    if max_instructions is not None and max_instructions <= 0:
        raise InputError(f"--max-instructions must be > 0, got {max_instructions}")
    path = resolve_program(program, cwd)
    # A path is passed on as given (it becomes the program's argv[0]): running "./name" from a fixed
    # directory keeps the stack layout, and so the traced addresses, the same wherever the file lives.
    program_argument = str(program) if "/" in str(program) else str(path)
    elf = read_elf(path)
    valgrind = require_valgrind()
    _require_capstone()
    output = Path(output)
    if output.is_dir():
        raise InputError("output is a directory; give a trace file name", path=str(output))
    if not output.parent.exists():
        raise InputError("output directory does not exist", path=str(output.parent))

    marker: bytes | None = None
    if start_at is not None:
        if isinstance(start_at, int):
            address = start_at
        else:
            if elf.position_independent:
                raise InputError(
                    "--start-at SYMBOL needs a non-PIE executable (its address is known only at run time)",
                    path=str(path),
                )
            address = symbol_address(path, start_at)
            if address is None:
                raise InputError(f"no symbol {start_at!r} in the program's symbol table", path=str(path))
        marker = f"I  {address:08x},".encode()

    read_fd, write_fd = os.pipe()
    try:
        fcntl.fcntl(write_fd, _F_SETPIPE_SZ, _PIPE_SIZE)
    except OSError:
        pass  # a smaller pipe only costs speed
    command = [
        str(valgrind), "--tool=lackey", "--basic-counts=no", "--trace-mem=yes",
        f"--log-fd={write_fd}", "--child-silent-after-fork=yes", program_argument, *map(str, arguments),
    ]  # fmt: skip
    temporary = output.with_name(f".{output.name}.{os.getpid()}.part{''.join(output.suffixes[-1:])}")
    reader = CodeReader(elf if elf.static or not elf.position_independent else None)
    builder = _RecordBuilder(reader)
    messages: list[str] = []
    started = time.perf_counter()
    process = None
    pipe = None
    writer = None
    killed = False
    written = 0
    seen = 0  # instructions seen in the stream so far
    skipped = 0
    to_skip = skip
    searching = marker is not None
    pending = None  # (record, branch_class, fallthrough) of the last built record
    ok = False
    try:
        try:
            process = subprocess.Popen(
                command, pass_fds=(write_fd,), env=env, cwd=cwd, stdin=stdin, stdout=stdout, stderr=stderr,
                start_new_session=True,
            )  # fmt: skip
        except OSError as exc:
            raise ToolError(f"cannot start valgrind: {exc.strerror or exc}", path=str(valgrind)) from None
        os.close(write_fd)
        write_fd = -1
        reader.attach(process.pid)
        pipe = _PipeDrain(read_fd, on_read=reader.poll)
        writer = _BackgroundWriter(TraceWriter(temporary))
        buffer = bytearray()
        eof = False
        done = False
        while not done:
            while not eof and len(buffer) < _CHUNK_BYTES:
                data = pipe.get()
                if not data:
                    eof = True
                    break
                buffer += data
            if eof:
                cut = len(buffer)
            else:
                cut = split_at_instruction(buffer)
                if cut == 0:
                    continue
            chunk = bytes(buffer[:cut])
            del buffer[:cut]
            if eof:
                done = True

            if searching:
                at = chunk.find(marker)
                while at > 0 and chunk[at - 1] != ord("\n"):
                    at = chunk.find(marker, at + 1)
                if at < 0:
                    n = count_instruction_lines(chunk)
                    seen += n
                    skipped += n
                    _keep_messages(messages, chunk)
                    continue
                n = count_instruction_lines(chunk[:at])
                seen += n
                skipped += n
                _keep_messages(messages, chunk[:at])
                chunk = chunk[at:]
                searching = False
            if to_skip:
                n = count_instruction_lines(chunk)
                if n <= to_skip:
                    seen += n
                    skipped += n
                    to_skip -= n
                    _keep_messages(messages, chunk)
                    continue

            parsed = parse_chunk(chunk)
            messages.extend(parsed.messages[: max(0, _KEEP_MESSAGES - len(messages))])
            ips = parsed.ips
            seen += len(ips)
            first = 0
            if to_skip:
                first = min(to_skip, len(ips))
                to_skip -= first
                skipped += first
            # One more instruction than still wanted, to learn the last one's branch outcome.
            last = len(ips)
            if max_instructions is not None:
                last = min(last, first + max_instructions - written - (1 if pending else 0) + 1)
            if last <= first:
                continue
            lo, hi = np.searchsorted(parsed.memory_owner, [first, last])
            records, branch_class, fallthrough = builder.build(
                ips[first:last],
                parsed.memory_owner[lo:hi] - first,
                parsed.memory_kind[lo:hi],
                parsed.memory_address[lo:hi],
            )
            if pending is not None:
                _close_pending(pending, int(ips[first]), ALWAYS_TAKEN, CONDITIONAL)
                writer.write(pending[0])
                written += 1
            pending = (records[-1:].copy(), int(branch_class[-1]), int(fallthrough[-1]))
            out = records[:-1]
            if max_instructions is not None:
                out = out[: max(0, max_instructions - written)]
            writer.write(out)
            written += len(out)
            if progress is not None:
                progress(written)
            if max_instructions is not None and written >= max_instructions:
                killed = not done  # at end of stream the program has finished by itself
                done = True
        if pending is not None and (max_instructions is None or written < max_instructions):
            record = pending[0]
            record["branch_taken"] = pending[1] == ALWAYS_TAKEN
            writer.write(record)
            written += 1
        writer.close()

        if killed:
            _kill(process)
        status = process.wait()
        seconds = time.perf_counter() - started
        if not killed and status != 0:
            raise _run_failure(path, status, seen, messages)
        if searching:
            raise InputError(f"--start-at {start_at}: that address was never executed", path=str(path))
        if written == 0:
            raise InputError(
                f"the program ran only {seen} instructions, not more than --skip {skip}", path=str(path)
            )
        os.replace(temporary, output)
        ok = True
        return TraceResult(
            output=output,
            program=str(path),
            arguments=tuple(map(str, arguments)),
            instructions=written,
            skipped=skipped,
            complete=not killed,
            executed=None if killed else seen,
            seconds=seconds,
            distinct_addresses=builder.table.size,
            undecoded_addresses=builder.table.undecoded,
        )
    finally:
        if write_fd >= 0:
            os.close(write_fd)
        if process is not None and process.poll() is None:
            _kill(process)
            process.wait()
        if pipe is not None:
            pipe.stop()
        os.close(read_fd)
        if writer is not None and not ok:
            try:
                writer.close()
            except Exception:
                pass
        if not ok:
            temporary.unlink(missing_ok=True)
        reader.close()


def _close_pending(pending, next_ip: int, always: int, conditional: int) -> None:
    record, branch_class, fallthrough = pending
    record["branch_taken"] = branch_class == always or (branch_class == conditional and next_ip != fallthrough)


def _keep_messages(messages: list[str], chunk: bytes) -> None:
    """Keep valgrind's own lines from a chunk that is not parsed (cheap when there are none)."""
    if len(messages) >= _KEEP_MESSAGES or (b"==" not in chunk and b"vex" not in chunk and b"--" not in chunk):
        return
    for line in chunk.split(b"\n"):
        if line and not line.startswith(b"I  ") and not line.startswith(b" "):
            messages.append(line.decode("utf-8", "replace").strip())
            if len(messages) >= _KEEP_MESSAGES:
                return


def _kill(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)  # its own session: valgrind and nothing else
    except ProcessLookupError:
        pass


_BANNER = ("Lackey, an example", "Copyright (C)", "Using Valgrind", "Command:", "Parent PID:")


def _run_failure(path: Path, status: int, seen: int, messages: list[str]) -> Exception:
    """One-line error for a traced run that did not exit 0."""
    notes = [m.split("==", 2)[-1].strip() if m.startswith("==") else m for m in messages]
    notes = [m for m in notes if m and not any(m.startswith(b) for b in _BANNER)]
    hint = next((m for m in notes if "unhandled instruction" in m or "Unrecognised instruction" in m), None)
    hint = hint or next((m for m in notes if "Process terminating" in m), None) or (notes[0] if notes else "")
    if seen == 0:
        return ToolError(f"valgrind could not run the program (status {status}): {hint}", path=str(path))
    what = f"was killed by {_signal_name(-status)}" if status < 0 else f"exited with status {status}"
    return InputError(
        f"program {what} under the tracer after {seen} instructions" + (f" ({hint})" if hint else ""),
        path=str(path),
    )
