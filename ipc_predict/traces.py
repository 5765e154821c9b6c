"""ChampSim binary trace records (64 bytes each, little-endian, no header; raw, .xz or .gz).

Layout (REFERENCE.md section 3): ip u64 @0; is_branch u8 @8; branch_taken u8 @9;
destination_registers u8[2] @10; source_registers u8[4] @12; destination_memory u64[2] @16;
source_memory u64[4] @32. Zero means an unused slot.

Reading streams fixed-size chunks (constant memory for multi-GB traces). The compression is
recognised from the stream's magic bytes, not the file name; a `.xz`/`.gz` name whose content is not
that kind of stream is an error. Writing picks the compression from the suffix.
"""

from __future__ import annotations

import gzip
import io
import lzma
import os
import queue
import threading
import zlib
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

import numpy as np

from edaflow.errors import InputError

RECORD_SIZE = 64

# ChampSim's special register numbers.
REG_STACK_POINTER = 6
REG_FLAGS = 25
REG_INSTRUCTION_POINTER = 26

TRACE_DTYPE = np.dtype(
    [
        ("ip", "<u8"),
        ("is_branch", "u1"),
        ("branch_taken", "u1"),
        ("destination_registers", "u1", (2,)),
        ("source_registers", "u1", (4,)),
        ("destination_memory", "<u8", (2,)),
        ("source_memory", "<u8", (4,)),
    ]
)
assert TRACE_DTYPE.itemsize == RECORD_SIZE

DEFAULT_CHUNK_RECORDS = 1 << 16  # 4 MiB per chunk

_XZ_MAGIC = b"\xfd7zXZ\x00"
_GZ_MAGIC = b"\x1f\x8b"
# Default compression levels for writing. xz -6 (the xz tool's default) compresses ChampSim records
# at ~2 MB/s here, too slow for a tracer; -1 is ~25x faster and only ~35 % larger.
XZ_PRESET = 1
GZ_LEVEL = 6


def compression_of(path: str | os.PathLike) -> str:
    """'xz', 'gz' or 'raw', from the file name's suffix (used for writing)."""
    name = str(path).lower()
    if name.endswith(".xz"):
        return "xz"
    if name.endswith(".gz"):
        return "gz"
    return "raw"


class _XzReader(io.RawIOBase):
    """xz decoding that, unlike `lzma.LZMAFile`, rejects bytes after the last stream (other than the
    null padding the xz format allows) instead of silently ignoring them; concatenated streams are
    read in turn."""

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self._dec = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
        self._pending = b""
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        mv = memoryview(b).cast("B")
        while len(mv) and not self._done:
            if self._dec.eof:
                self._next_stream()
                continue
            if self._pending:
                data, self._pending = self._pending, b""
            elif self._dec.needs_input:
                data = self._raw.read(1 << 18)
                if not data:
                    raise EOFError("compressed file ended before the end-of-stream marker was reached")
            else:
                data = b""
            out = self._dec.decompress(data, max_length=len(mv))
            if out:
                mv[: len(out)] = out
                return len(out)
        return 0

    def _next_stream(self) -> None:
        rest = self._dec.unused_data
        while True:
            rest = rest.lstrip(b"\0")
            if len(rest) < len(_XZ_MAGIC):
                more = self._raw.read(1 << 16)
                if not more:
                    if rest:
                        raise lzma.LZMAError("data after the end of the xz stream")
                    self._done = True
                    return
                rest += more
                continue
            if not rest.startswith(_XZ_MAGIC):
                raise lzma.LZMAError("data after the end of the xz stream is not another xz stream")
            self._dec = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
            self._pending = rest
            return

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


def _open_for_reading(path: Path) -> tuple[BinaryIO, str]:
    try:
        raw = open(path, "rb")
    except FileNotFoundError:
        raise InputError("no such trace file", path=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a trace file", path=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read trace: {exc.strerror or exc}", path=str(path)) from None
    try:
        magic = raw.read(6)
        raw.seek(0)
    except OSError as exc:
        raw.close()
        raise InputError(f"cannot read trace: {exc.strerror or exc}", path=str(path)) from None
    if magic.startswith(_XZ_MAGIC):
        return _XzReader(raw), "xz"
    if magic.startswith(_GZ_MAGIC):
        return gzip.GzipFile(fileobj=raw, mode="rb"), "gz"
    expected = compression_of(path)
    if expected != "raw":
        raw.close()
        raise InputError(f"not an {expected} stream (the file name says {expected}, its first bytes do not)",
                         path=str(path))
    return raw, "raw"


_PIECE = 1 << 18  # bytes per decoder read (bounds how far a corrupt-stream error can be located)
_DECODE_ERRORS = (lzma.LZMAError, EOFError, gzip.BadGzipFile, zlib.error)


class _PartialRead(Exception):
    def __init__(self, got: int, cause: BaseException):
        super().__init__(str(cause))
        self.got = got
        self.cause = cause


def _read_full(f: BinaryIO, view: memoryview) -> int:
    """Fill `view` as far as the stream allows; return the number of bytes read.

    Reads in pieces of at most 256 KiB so that, when a compressed stream turns out corrupt or
    truncated, `_PartialRead.got` says how far the good data went.
    """
    got = 0
    total = len(view)
    while got < total:
        try:
            n = f.readinto(view[got:min(total, got + _PIECE)])
        except _DECODE_ERRORS as exc:
            raise _PartialRead(got, exc) from None
        if not n:
            break
        got += n
    return got


def validate_records(records: np.ndarray, *, first_index: int = 0, path: str | None = None) -> None:
    """Raise InputError at the first obviously invalid record (flags not 0/1, taken non-branch)."""
    isb = records["is_branch"]
    tkn = records["branch_taken"]
    bad = (isb > 1) | (tkn > 1) | ((tkn == 1) & (isb == 0))
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        rec = records[k]
        raise InputError(
            f"record {first_index + k} (byte offset {(first_index + k) * RECORD_SIZE}) is not a valid "
            f"ChampSim record: is_branch={int(rec['is_branch'])} branch_taken={int(rec['branch_taken'])} "
            "(both must be 0 or 1, and only branches can be taken); is this a ChampSim trace?",
            path=path,
        )


def read_trace_chunks(
    path: str | os.PathLike,
    chunk_records: int = DEFAULT_CHUNK_RECORDS,
    *,
    max_records: int | None = None,
    validate: bool = True,
) -> Iterator[np.ndarray]:
    """Stream a raw / .xz / .gz ChampSim trace as arrays of `TRACE_DTYPE`, `chunk_records` at a time.

    Memory stays at one chunk (4 MiB by default) however large the file. Each yielded array is
    freshly allocated, so callers may keep it. Raises `InputError` (with the file name) for a missing
    or unreadable file, a stream that is not xz/gz although named so, a corrupt stream, a file that
    ends mid-record (the message gives the record index), and obviously invalid records.
    """
    if chunk_records <= 0:
        raise ValueError("chunk_records must be positive")
    p = Path(path)
    f, kind = _open_for_reading(p)  # opened now, so a missing file fails at the call, not at next()
    if kind == "raw":
        size = os.fstat(f.fileno()).st_size
        if size % RECORD_SIZE and (max_records is None or max_records * RECORD_SIZE > size):
            f.close()
            raise InputError(
                f"file size {size} is not a multiple of {RECORD_SIZE}: the trace ends in the middle of "
                f"record {size // RECORD_SIZE}",
                path=str(p),
            )
    return _iter_chunks(f, kind, p, chunk_records, max_records, validate)


def _iter_chunks(f: BinaryIO, kind: str, p: Path, chunk_records: int, max_records: int | None,
                 validate: bool) -> Iterator[np.ndarray]:
    done = 0
    try:
        while max_records is None or done < max_records:
            want = chunk_records if max_records is None else min(chunk_records, max_records - done)
            buf = np.empty(want, dtype=TRACE_DTYPE)
            view = memoryview(buf.view(np.uint8))
            try:
                got = _read_full(f, view)
            except _PartialRead as exc:
                where = done + exc.got // RECORD_SIZE
                cause = exc.cause
                msg = str(cause) or type(cause).__name__
                if isinstance(cause, EOFError):
                    raise InputError(f"{kind} stream ends early (truncated file?) in record {where}: {msg}",
                                     path=str(p)) from None
                raise InputError(f"corrupt {kind} stream at or after record {where}: {msg}",
                                 path=str(p)) from None
            except OSError as exc:
                raise InputError(f"cannot read trace: {exc.strerror or exc}", path=str(p)) from None
            nrec, rest = divmod(got, RECORD_SIZE)
            if rest:
                raise InputError(
                    f"trace ends in the middle of record {done + nrec} ({rest} of {RECORD_SIZE} bytes; "
                    f"the data size is not a multiple of {RECORD_SIZE})",
                    path=str(p),
                )
            if nrec == 0:
                break
            chunk = buf[:nrec]
            if validate:
                validate_records(chunk, first_index=done, path=str(p))
            done += nrec
            yield chunk
            if nrec < want:
                break
    finally:
        f.close()


def read_trace(path: str | os.PathLike, max_records: int | None = None, *, validate: bool = True) -> np.ndarray:
    """Read a whole trace (or its first `max_records` records) into one `TRACE_DTYPE` array."""
    chunks = list(read_trace_chunks(path, max_records=max_records, validate=validate))
    if not chunks:
        return np.empty(0, dtype=TRACE_DTYPE)
    return chunks[0] if len(chunks) == 1 else np.concatenate(chunks)


def prefetch_chunks(chunks: Iterable[np.ndarray], depth: int = 3) -> Iterator[np.ndarray]:
    """Run a chunk iterator on a background thread, `depth` chunks ahead.

    xz decompression (which releases the GIL) then overlaps the consumer's work, e.g. the simulator's
    nogil kernel: on two cores the slower of the two sets the pace instead of their sum. Exceptions
    raised by the producer are re-raised in the consumer.
    """
    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    _END = object()

    def produce() -> None:
        try:
            for chunk in chunks:
                while not stop.is_set():
                    try:
                        q.put(chunk, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put(_END)
        except BaseException as exc:  # handed to the consumer
            q.put(exc)

    t = threading.Thread(target=produce, name="trace-reader", daemon=True)
    t.start()
    try:
        while True:
            item = q.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        # Drain so a producer blocked on put() can see the stop flag and finish.
        while t.is_alive():
            try:
                q.get(timeout=0.05)
            except queue.Empty:
                pass
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


class TraceWriter:
    """Write ChampSim records to a file; compression from the suffix (.xz, .gz, otherwise raw).

        with TraceWriter("out.champsimtrace.xz") as w:
            w.write(records)          # any number of times, arrays of TRACE_DTYPE
        w.records                     # records written

    `level` overrides the compression level (xz preset 0-9, gzip 1-9).
    """

    def __init__(self, path: str | os.PathLike, *, level: int | None = None):
        self.path = Path(path)
        self.compression = compression_of(self.path)
        self.records = 0
        try:
            if self.compression == "xz":
                self._f = lzma.open(self.path, "wb", preset=XZ_PRESET if level is None else level)
            elif self.compression == "gz":
                self._f = gzip.open(self.path, "wb", compresslevel=GZ_LEVEL if level is None else level)
            else:
                self._f = open(self.path, "wb")
        except OSError as exc:
            raise InputError(f"cannot write trace: {exc.strerror or exc}", path=str(self.path)) from None

    def write(self, records: np.ndarray) -> None:
        """Append records (an array of `TRACE_DTYPE`, or anything with the same 64-byte layout)."""
        arr = np.asarray(records)
        if arr.dtype != TRACE_DTYPE:
            if arr.dtype.itemsize != RECORD_SIZE or arr.dtype.names is None:
                raise TypeError(f"expected records of TRACE_DTYPE, got {arr.dtype}")
            arr = arr.astype(TRACE_DTYPE)
        arr = np.ascontiguousarray(arr.reshape(-1))
        self._f.write(memoryview(arr.view(np.uint8)))
        self.records += int(arr.shape[0])

    def close(self) -> None:
        if not self._f.closed:
            self._f.close()

    def __enter__(self) -> "TraceWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def write_trace(path: str | os.PathLike, records: np.ndarray, *, level: int | None = None) -> int:
    """Write `records` to `path` (compression from the suffix); return the number of records."""
    with TraceWriter(path, level=level) as w:
        w.write(records)
    return w.records


def empty_records(n: int) -> np.ndarray:
    """`n` zeroed records (all slots unused), to be filled field by field."""
    return np.zeros(n, dtype=TRACE_DTYPE)
