import stat

import pytest

import abc_bin
from abc_bin import AbcNotFoundError, bundled_library, find_abc, load_library, require_abc
from edaflow.errors import InputError


def _exe(path):
    path.write_text("#!/bin/sh\necho fake\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def test_lookup_order(tmp_path, monkeypatch, abc_path):
    explicit = _exe(tmp_path / "explicit-abc")
    env = _exe(tmp_path / "env-abc")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    on_path = _exe(bindir / "berkeley-abc")
    monkeypatch.setenv("PATH", str(bindir))
    monkeypatch.setenv("EDAFLOW_ABC", str(env))
    assert find_abc(explicit) == explicit
    assert find_abc() == env
    monkeypatch.delenv("EDAFLOW_ABC")
    found = find_abc()  # the yosys-abc inside the pyosys wheel comes before any ABC on PATH
    assert found is not None and found.name == "yosys-abc" and "pyosys" in str(found)
    monkeypatch.setattr(abc_bin, "pyosys_dir", lambda: None)  # no wheel: PATH
    assert find_abc() == on_path


def test_require_raises_with_advice(tmp_path, monkeypatch):
    monkeypatch.setenv("EDAFLOW_ABC", str(tmp_path / "nope"))
    assert find_abc() is None  # never raises
    assert not abc_bin.is_available()
    with pytest.raises(AbcNotFoundError, match="pip install pyosys"):
        require_abc()
    with pytest.raises(AbcNotFoundError):
        require_abc(tmp_path / "missing")


def test_version(abc_path):
    assert abc_bin.abc_version(abc_path).startswith("1.")


def test_bundled_library_cells_and_hash():
    lib = bundled_library()
    text = lib.path.read_text()
    gates = {line.split()[1] for line in text.splitlines() if line.startswith("GATE")}
    for cell in ["INV", "BUF", "NAND2", "NAND3", "NAND4", "NOR2", "NOR3", "NOR4", "AND2", "OR2", "XOR2",
                 "XNOR2", "AOI21", "OAI21", "AOI22", "OAI22", "MUX2"]:
        assert cell in gates
    assert "NanGate" in text  # the source of the figures is named
    assert len(lib.sha256) == 64 and lib.kind == "genlib"


def test_library_errors(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        load_library(tmp_path / "x.genlib", "genlib")
    junk = tmp_path / "junk.genlib"
    junk.write_text("hello\n")
    with pytest.raises(InputError, match="not a genlib"):
        load_library(junk, "genlib")
    with pytest.raises(InputError, match="not a Liberty"):
        load_library(junk, "liberty")
