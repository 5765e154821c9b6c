"""Write one benchmark table into docs/benchmarks.md between its markers, leaving the rest alone.

Every bench script owns the text between ``<!-- NAME:begin -->`` and ``<!-- NAME:end -->``; a
section that is not there yet is appended under ``## TITLE``.
"""

from __future__ import annotations

from pathlib import Path


def replace_section(doc: Path, begin: str, end: str, body: str, title: str) -> None:
    """Replace the text between ``begin`` and ``end`` in ``doc`` by ``body`` (append it if absent)."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n\nTables written by the scripts in `bench/`.\n"
    block = f"{begin}\n{body.rstrip()}\n{end}"
    if begin in text and end in text:
        text = text[: text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip() + f"\n\n## {title}\n\n{block}\n"
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(text, encoding="utf-8")
