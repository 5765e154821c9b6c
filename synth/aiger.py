"""A small AIGER reader used to validate files before ABC sees them (ABC asserts or crashes on a
truncated binary AIGER, and exits 0 after printing an error for a malformed one), and to hash a
network's content for the result cache."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from edaflow.errors import InputError


@dataclass(frozen=True)
class AigerHeader:
    max_var: int
    inputs: int
    latches: int
    outputs: int
    ands: int


def validate_aiger(path: str | Path) -> AigerHeader:
    """Check the header and that every AND gate is present; :class:`InputError` with the byte offset if not."""
    p = Path(path)
    return _scan(p.read_bytes(), p)[0]


def aiger_content_sha256(path: str | Path) -> str:
    """SHA-256 of an AIGER file without its comment section (ABC writes a date and a path there), so
    the same network always hashes the same: the design key of the result cache."""
    p = Path(path)
    data = p.read_bytes()
    pos = _scan(data, p)[1]
    # Symbol lines follow the body; the comment section starts with a line that is exactly "c".
    while pos < len(data):
        nxt = data.find(b"\n", pos)
        nxt = len(data) if nxt < 0 else nxt
        if data[pos:nxt] == b"c":
            return hashlib.sha256(data[:pos]).hexdigest()
        pos = nxt + 1
    return hashlib.sha256(data).hexdigest()


def _scan(data: bytes, p: Path) -> tuple[AigerHeader, int]:
    """Parse the header and skip the body; return the header and the offset where the body ends."""
    nl = data.find(b"\n")
    if nl < 0:
        raise InputError("not an AIGER file (no header line)", path=str(p))
    fields = data[:nl].split()
    if not fields or fields[0] not in (b"aig", b"aag"):
        raise InputError("not an AIGER file (header must start with 'aig' or 'aag')", path=str(p), line=1)
    try:
        nums = [int(x) for x in fields[1:]]
    except ValueError:
        raise InputError("malformed AIGER header", path=str(p), line=1) from None
    if len(nums) < 5 or any(n < 0 for n in nums):
        raise InputError("malformed AIGER header (expected M I L O A)", path=str(p), line=1)
    m, i, l, o, a = nums[:5]
    extra = sum(nums[5:9])  # bad-state, constraint, justice, fairness lines
    if m < i + l + a:
        raise InputError(f"malformed AIGER header: M={m} < I+L+A={i + l + a}", path=str(p), line=1)
    header = AigerHeader(m, i, l, o, a)
    pos = nl + 1
    ascii_format = fields[0] == b"aag"
    lines = (i if ascii_format else 0) + l + o + extra + (a if ascii_format else 0)
    for n in range(lines):
        nxt = data.find(b"\n", pos)
        if nxt < 0:
            raise InputError(f"truncated AIGER file: definition line {n + 2} missing at byte {pos}", path=str(p))
        pos = nxt + 1
    if ascii_format:
        return header, pos
    # Binary: two LEB128-style deltas per AND gate.
    size = len(data)
    for gate in range(a):
        for _ in range(2):
            while True:
                if pos >= size:
                    raise InputError(
                        f"truncated AIGER file: AND gate {gate + 1} of {a} cut off at byte {pos}", path=str(p)
                    )
                byte = data[pos]
                pos += 1
                if byte < 0x80:
                    break
    return header, pos
