"""Parser for valgrind lackey's ``--trace-mem=yes`` output, compiled with Numba.

Lackey writes one text line per event, in program order::

    I  0040158d,1        an executed instruction (address, length)
     L 1fff000770,8      a load by the instruction above (address, size)
     S 1fff000768,8      a store
     M 1fff000760,8      a modify: load and store of the same address

Valgrind's own messages (``==PID== ...``, ``--PID-- ...``, ``vex amd64->IR: ...``) share the stream.

Parsing tens of millions of lines one at a time in Python is the tracer's bottleneck (a NumPy-vectorised
version managed about 2 M lines/s), so a whole chunk of the stream is scanned by one compiled loop
(about 100 M lines/s). A chunk must end at a line boundary right before an ``I`` line
(`split_at_instruction`), so that every memory line in it belongs to an instruction in the same chunk.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

# Event kinds in `LackeyChunk.memory_kind`.
LOAD, STORE, MODIFY = 1, 2, 3


@dataclass(frozen=True)
class LackeyChunk:
    """Events of one chunk. Memory events name their instruction by its index into `ips`."""

    ips: np.ndarray  # u8[n_instructions], in execution order
    memory_owner: np.ndarray  # i8[n_memory], non-decreasing index into `ips`
    memory_kind: np.ndarray  # u1[n_memory]: LOAD, STORE or MODIFY
    memory_address: np.ndarray  # u8[n_memory]
    messages: tuple[str, ...]  # lines that are not trace events (valgrind's own output)


def split_at_instruction(buffer: bytes | bytearray) -> int:
    """Length of the longest prefix of `buffer` that ends right before an ``I`` line (0 if none)."""
    cut = buffer.rfind(b"\nI")
    return cut + 1 if cut >= 0 else 0


def count_instruction_lines(buffer: bytes | bytearray) -> int:
    """Number of ``I`` lines in `buffer`, which starts at a line start (cheap: no parsing)."""
    return buffer.count(b"\nI") + (1 if buffer[:1] == b"I" else 0)


@numba.njit(cache=True, nogil=True)
def _scan(data, ips, mem_owner, mem_kind, mem_address, msg_start, msg_end):  # pragma: no cover - compiled
    n = data.shape[0]
    n_ips = 0
    n_mem = 0
    n_msg = 0
    pos = 0
    while pos < n:
        start = pos
        end = pos
        while end < n and data[end] != 10:
            end += 1
        pos = end + 1
        kind = 0
        if end - start >= 5 and data[start + 2] == 32:
            c0 = data[start]
            c1 = data[start + 1]
            if c0 == 73 and c1 == 32:  # "I  "
                kind = 4
            elif c0 == 32:
                if c1 == 76:  # " L "
                    kind = LOAD
                elif c1 == 83:  # " S "
                    kind = STORE
                elif c1 == 77:  # " M "
                    kind = MODIFY
        value = np.uint64(0)
        if kind != 0:
            digits = 0
            i = start + 3
            while i < end:
                c = data[i]
                if 48 <= c <= 57:
                    d = c - 48
                elif 97 <= c <= 102:
                    d = c - 87
                elif 65 <= c <= 70:
                    d = c - 55
                else:
                    break
                value = (value << np.uint64(4)) | np.uint64(d)
                digits += 1
                i += 1
            if digits == 0 or digits > 16 or i >= end or data[i] != 44:
                kind = 0
            elif kind != 4 and n_ips == 0:
                kind = 0  # memory event of an instruction before this chunk: cannot happen when split right
        if kind == 4:
            ips[n_ips] = value
            n_ips += 1
        elif kind != 0:
            mem_owner[n_mem] = n_ips - 1
            mem_kind[n_mem] = kind
            mem_address[n_mem] = value
            n_mem += 1
        elif end > start:
            msg_start[n_msg] = start
            msg_end[n_msg] = end
            n_msg += 1
    return n_ips, n_mem, n_msg


def parse_chunk(buffer: bytes | bytearray) -> LackeyChunk:
    """Parse complete lines of lackey output (a final line without a newline is parsed too)."""
    data = np.frombuffer(buffer, dtype=np.uint8)
    n_lines = int(np.count_nonzero(data == 10)) + 1
    ips = np.empty(n_lines, dtype=np.uint64)
    mem_owner = np.empty(n_lines, dtype=np.int64)
    mem_kind = np.empty(n_lines, dtype=np.uint8)
    mem_address = np.empty(n_lines, dtype=np.uint64)
    msg_start = np.empty(n_lines, dtype=np.int64)
    msg_end = np.empty(n_lines, dtype=np.int64)
    n_ips, n_mem, n_msg = _scan(data, ips, mem_owner, mem_kind, mem_address, msg_start, msg_end)
    messages = tuple(
        bytes(buffer[msg_start[i] : msg_end[i]]).decode("utf-8", "replace").strip() for i in range(n_msg)
    )
    return LackeyChunk(
        ips=ips[:n_ips].copy(),
        memory_owner=mem_owner[:n_mem].copy(),
        memory_kind=mem_kind[:n_mem].copy(),
        memory_address=mem_address[:n_mem].copy(),
        messages=tuple(m for m in messages if m),
    )
