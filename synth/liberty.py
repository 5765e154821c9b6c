"""Several Liberty files as one library: PDKs ship their cells split over files (ASAP7: SIMPLE, INVBUF,
SEQ, AO, OA, ...). ABC's ``read_lib`` reads one file, so the files are merged into one temporary
Liberty file: the first file's header (units, operating conditions, templates) and cells, then from
every further file its templates/groups not already defined and all its cells. The files must agree
on their units; a cell defined twice is an error (it would be ambiguous which one is mapped).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Sequence

from edaflow.errors import InputError

_UNITS = ("time_unit", "capacitive_load_unit", "voltage_unit", "current_unit", "pulling_resistance_unit",
          "leakage_power_unit")


def _strip_comments(text: str) -> str:
    return re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)


def _group_end(text: str, start: int) -> tuple[int, int]:
    """Scan from just after a group's ``{``: (index after its matching ``}``, unclosed depth, 0 if closed).
    Braces inside quoted strings do not count."""
    depth, i, in_str = 1, start, False
    while i < len(text) and depth:
        c = text[i]
        if c == '"' and text[i - 1] != "\\":
            in_str = not in_str
        elif not in_str and c == "{":
            depth += 1
        elif not in_str and c == "}":
            depth -= 1
        i += 1
    return i, depth


def _library_body(text: str, path: Path) -> tuple[str, str, int, int]:
    """(library name, text, index after the library's opening brace, index of its closing brace)."""
    m = re.search(r"\blibrary\s*\(\s*([^)]*?)\s*\)\s*\{", text)
    if not m:
        raise InputError("not a Liberty library (no library(...) group)", path=str(path))
    i, depth = _group_end(text, m.end())
    if depth:
        raise InputError("unbalanced braces in the library group", path=str(path))
    return m.group(1).strip('"'), text, m.end(), i - 1


def _top_groups(body: str) -> list[tuple[str, str, str]]:
    """(kind, name, text) of the groups directly inside a library body; simple attributes as kind ''."""
    out, i, n = [], 0, len(body)
    while i < n:
        m = re.compile(r"\s*([A-Za-z_]\w*)\s*(\(([^)]*)\))?\s*([{;:])").match(body, i)
        if not m:
            i += 1
            continue
        kind, name, sep = m.group(1), (m.group(3) or "").strip().strip('"'), m.group(4)
        if sep == "{":
            j, _depth = _group_end(body, m.end())
            out.append((kind, name, body[m.start():j]))
            i = j
        else:
            j = body.find(";", m.end())
            j = n if j < 0 else j + 1
            out.append(("", kind, body[m.start():j]))
            i = j
    return out


def _units(groups) -> dict[str, str]:
    units = {}
    for kind, name, text in groups:
        if kind == "" and name in _UNITS:
            units[name] = re.sub(r"\s+", "", text.split(name, 1)[1]).strip(":;")
        elif kind in _UNITS:
            units[kind] = re.sub(r"\s+", "", text)
    return units


def merge_liberty(paths: Sequence[Path], out_dir: Path | None = None) -> Path:
    """Merge Liberty files (already decompressed) into one file; returns its path."""
    paths = [Path(p) for p in paths]
    if len(paths) == 1:
        return paths[0]
    first_text = _strip_comments(paths[0].read_text(encoding="utf-8", errors="replace"))
    name, _t, start, end = _library_body(first_text, paths[0])
    first_groups = _top_groups(first_text[start:end])
    units = _units(first_groups)
    seen = {(k, n) for k, n, _ in first_groups if k}
    cells = {n: paths[0] for k, n, _ in first_groups if k == "cell"}
    extra: list[str] = []
    for p in paths[1:]:
        text = _strip_comments(p.read_text(encoding="utf-8", errors="replace"))
        _n, _t, s, e = _library_body(text, p)
        groups = _top_groups(text[s:e])
        for unit, value in _units(groups).items():
            if unit in units and units[unit] != value:
                raise InputError(f"{unit} is {value} here but {units[unit]} in {paths[0].name}; Liberty files "
                                 "with different units cannot be merged", path=str(p))
        for kind, gname, gtext in groups:
            if kind == "cell":
                if gname in cells:
                    raise InputError(f"cell {gname} is also defined in {cells[gname].name}", path=str(p))
                cells[gname] = p
                extra.append(gtext)
            elif kind and (kind, gname) not in seen:  # templates, wire loads, operating conditions ...
                seen.add((kind, gname))
                extra.append(gtext)
    out_dir = Path(out_dir) if out_dir else Path(tempfile.mkdtemp(prefix="edaflow-lib-"))
    out = out_dir / f"{name or 'merged'}_merged.lib"
    header = "/* merged by edaflow from: " + ", ".join(str(p) for p in paths) + " */\n"
    out.write_text(header + first_text[:end] + "\n" + "\n".join(extra) + "\n" + first_text[end:], encoding="utf-8")
    return out
