"""The benchmark designs under designs/: manifest schema (fast, no tools) and measured sizes.

The size checks run edaflow's own Verilog frontend (``synth.frontend.load_design``: Yosys in a child
process with the passes of ``synth/_yosys_child.py``, then ABC strash), so there is no second copy of
the pass list here. The manifest's ``ands``/``latches``/``levels`` must match its statistics exactly.
"""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

import pytest

from edaflow.manifest import load_manifest
from synth.abc_session import AbcSession
from synth.frontend import load_design

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib

REPO = Path(__file__).resolve().parent.parent
DESIGNS = REPO / "designs"
MANIFEST = DESIGNS / "manifest.toml"

SCHEMA = {
    "name": str,
    "files": list,
    "top": str,
    "include_dirs": list,
    "params": dict,
    "category": str,
    "split": str,
    "ands": int,
    "latches": int,
    "levels": int,
}
CATEGORIES = {"arithmetic", "control", "crypto", "dsp", "sequential"}
SPLITS = {"train", "test"}
# small designs synthesized by the default (fast) run; one of them is sequential
QUICK = ("cla32", "seg7_dec", "uart")


def _load() -> list[dict]:
    with open(MANIFEST, "rb") as fh:
        return tomllib.load(fh)["design"]


DESIGN_LIST = _load() if MANIFEST.exists() else []
BY_NAME = {d["name"]: d for d in DESIGN_LIST}


# ----------------------------------------------------------------------------------------------
# manifest schema: no synthesis


def test_manifest_parses_and_has_designs():
    assert MANIFEST.is_file()
    assert len(DESIGN_LIST) >= 25


@pytest.mark.parametrize("entry", DESIGN_LIST, ids=[d["name"] for d in DESIGN_LIST])
def test_manifest_entry_schema(entry):
    assert set(entry) == set(SCHEMA), f"keys differ: {sorted(set(entry) ^ set(SCHEMA))}"
    for key, typ in SCHEMA.items():
        value = entry[key]
        assert isinstance(value, typ) and not isinstance(value, bool), f"{key} is {type(value).__name__}"
    assert re.fullmatch(r"[a-z][a-z0-9_]*", entry["name"])
    assert entry["category"] in CATEGORIES
    assert entry["split"] in SPLITS
    assert entry["ands"] > 0
    assert entry["latches"] >= 0
    assert entry["levels"] > 0
    if entry["category"] == "sequential":
        assert entry["latches"] > 0
    elif entry["category"] in ("arithmetic", "control", "crypto"):
        assert entry["latches"] == 0, "combinational category with registers"

    assert entry["files"], "no files"
    for f in entry["files"]:
        assert isinstance(f, str) and not os.path.isabs(f)
        assert f.endswith((".v", ".sv"))
        assert (DESIGNS / f).is_file(), f"missing {f}"
    for inc in entry["include_dirs"]:
        assert isinstance(inc, str) and not os.path.isabs(inc)
        assert (DESIGNS / inc).is_dir(), f"missing include dir {inc}"
    for pname, pval in entry["params"].items():
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", pname)
        assert isinstance(pval, (int, str)) and not isinstance(pval, bool)

    # the top module lives in the design's files, the main file is named after the design and
    # starts with a one-line description
    text = "\n".join((DESIGNS / f).read_text() for f in entry["files"])
    assert re.search(r"^\s*module\s+%s\b" % re.escape(entry["top"]), text, re.M), "top module not found"
    assert Path(entry["files"][0]).stem == entry["name"]
    first = (DESIGNS / entry["files"][0]).read_text().splitlines()[0]
    assert first.startswith("// %s: " % entry["name"])
    for pname in entry["params"]:
        assert re.search(r"\bparameter\s+(\[[^\]]*\]\s*)?(integer\s+)?%s\b" % pname, text), f"no parameter {pname}"


def test_manifest_names_unique():
    names = [d["name"] for d in DESIGN_LIST]
    assert len(names) == len(set(names))
    tops = [d["top"] for d in DESIGN_LIST]
    assert len(tops) == len(set(tops))


def test_manifest_coverage():
    assert any(d["latches"] > 0 for d in DESIGN_LIST), "no sequential design"
    assert sum(d["latches"] > 0 for d in DESIGN_LIST) >= 3
    assert any(d["ands"] >= 30_000 for d in DESIGN_LIST), "no design with >= 30 000 ANDs"
    assert max(d["ands"] for d in DESIGN_LIST) <= 60_000
    assert sum(300 <= d["ands"] <= 5_000 for d in DESIGN_LIST) > len(DESIGN_LIST) / 2, "most designs 300..5000 ANDs"
    assert sum(5_000 < d["ands"] <= 15_000 for d in DESIGN_LIST) >= 2, "a couple of designs 5000..15000 ANDs"
    assert any(d["params"] and d["include_dirs"] for d in DESIGN_LIST), "no parameterized design with includes"
    assert {d["category"] for d in DESIGN_LIST} == CATEGORIES


def test_split_is_small_and_mixed():
    test = [d for d in DESIGN_LIST if d["split"] == "test"]
    assert 8 <= len(test) <= 12
    assert all(d["ands"] <= 10_000 for d in test)
    cats = {d["category"] for d in test}
    assert "arithmetic" in cats and ({"control", "sequential"} & cats)
    assert len(test) < len(DESIGN_LIST) - len(test)


def test_quick_designs_are_in_the_manifest():
    for name in QUICK:
        assert name in BY_NAME
    assert any(BY_NAME[n]["latches"] > 0 for n in QUICK)


# ----------------------------------------------------------------------------------------------
# measured sizes: edaflow's frontend (real Yosys + ABC)

ENTRIES = {e.name: e for e in load_manifest(MANIFEST)} if MANIFEST.exists() else {}


@pytest.fixture(scope="session")
def pyosys_ok():
    if importlib.util.find_spec("pyosys") is None:
        if os.environ.get("EDAFLOW_REQUIRE_TOOLS"):
            pytest.fail("pyosys not installed but EDAFLOW_REQUIRE_TOOLS is set")
        pytest.skip("pyosys not installed")
    return True


def _check(name: str, abc: str, workdir: Path) -> None:
    entry, recorded = ENTRIES[name], BY_NAME[name]
    with AbcSession(abc, timeout=600) as s:
        d = load_design(entry.files, workdir, s, **entry.synth_kwargs())
    got = (d.stats.ands, d.stats.latches, d.stats.levels)
    want = (recorded["ands"], recorded["latches"], recorded["levels"])
    assert got == want, (
        f"{name}: measured ands/latches/levels={got}, manifest {want} "
        "(re-measure with python designs/tools/measure_designs.py --update --readme)")


@pytest.mark.parametrize("name", QUICK)
def test_small_designs_match_manifest(name, pyosys_ok, abc_path, tmp_path):
    _check(name, abc_path, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("name", [d["name"] for d in DESIGN_LIST if d["name"] not in QUICK])
def test_every_design_matches_manifest(name, pyosys_ok, abc_path, tmp_path):
    _check(name, abc_path, tmp_path)
