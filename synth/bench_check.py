"""A syntax and definition check of ISCAS ``.bench`` netlists before ABC reads them.

ABC's bench reader accepts a signal that is used but never defined (it becomes a constant) and
asserts on an empty file, so a truncated or mistyped netlist would be "synthesised" and even
"proven equivalent" to itself. This check turns those into one-line errors with the line number.

An ``OUTPUT(x)`` repeated later in the file (ITC-99's b05 declares four of its nets two to four times
each) names the same net again: it is not an error, but ABC would give the network several outputs of
one name and refuse its own AIGER file. :func:`without_repeated_outputs` writes a copy without the
repeats (line numbers kept) for ABC to read, and the caller warns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from edaflow.errors import InputError

_DECL = re.compile(r"^(INPUT|OUTPUT)\s*\(\s*([^()\s]+)\s*\)$", re.IGNORECASE)
_GATE = re.compile(r"^([^=\s]+)\s*=\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(([^()]*)\)$")


@dataclass(frozen=True)
class BenchSummary:
    inputs: int
    outputs: int  # distinct output nets
    gates: int
    #: (line, net, line of its first OUTPUT) for every OUTPUT that repeats an earlier one
    repeated_outputs: tuple[tuple[int, str, int], ...] = field(default=())


def check_bench(path: str | Path) -> BenchSummary:
    """Check ``path``; :class:`InputError` names the file and line of the first problem."""
    p = Path(path)
    try:
        text = p.read_text(errors="replace")
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", path=str(p)) from None
    inputs: dict[str, int] = {}
    outputs: dict[str, int] = {}
    driven: dict[str, int] = {}
    uses: list[tuple[str, int]] = []
    repeated: list[tuple[int, str, int]] = []
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = _DECL.match(line)
        if m:
            kind, name = m.group(1).upper(), m.group(2)
            table = inputs if kind == "INPUT" else outputs
            if kind == "OUTPUT" and name in table:
                repeated.append((no, name, table[name]))
                continue
            if name in table:
                raise InputError(f"{kind}({name}) is declared twice (first on line {table[name]})",
                                 path=str(p), line=no)
            table[name] = no
            continue
        m = _GATE.match(line)
        if not m:
            raise InputError(f"not a .bench line: {line[:60]!r}", path=str(p), line=no)
        out, args = m.group(1), [a.strip() for a in m.group(3).split(",")]
        if out in driven or out in inputs:
            first = driven.get(out, inputs.get(out))
            raise InputError(f"signal {out} is driven twice (first on line {first})", path=str(p), line=no)
        if not args or any(not a for a in args):
            raise InputError(f"gate {m.group(2)} driving {out} has an empty input", path=str(p), line=no)
        driven[out] = no
        uses.extend((a, no) for a in args)
    if not outputs:
        raise InputError("no OUTPUT(...) declarations: empty or truncated .bench file", path=str(p))
    defined = inputs.keys() | driven.keys()
    for name, no in uses:
        if name not in defined:
            raise InputError(f"signal {name} is used but never defined (no INPUT or gate drives it)",
                             path=str(p), line=no)
    for name, no in outputs.items():
        if name not in defined:
            raise InputError(f"output {name} is never driven (truncated file?)", path=str(p), line=no)
    return BenchSummary(len(inputs), len(outputs), len(driven), tuple(repeated))


def without_repeated_outputs(src: str | Path, dst: str | Path, summary: BenchSummary) -> Path:
    """Write ``src`` to ``dst`` with every repeated ``OUTPUT`` line blanked (so that ABC's line numbers
    still match the user's file)."""
    drop = {no for no, _, _ in summary.repeated_outputs}
    lines = Path(src).read_text(errors="replace").splitlines()
    Path(dst).write_text("\n".join("" if i in drop else ln for i, ln in enumerate(lines, 1)) + "\n")
    return Path(dst)
