"""The written .mapped.v keeps the RTL's interface, is re-read by Yosys without error and was proven from the file."""
import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA, REPO

OSU018 = Path("/usr/share/qflow/tech/osu018/osu018_stdcells.lib")



def _either(method: str) -> tuple[str, str]:
    """A proof-method label as the report gives it: with the prover that decided (&cec or cec)."""
    return method.format(prover="&cec"), method.format(prover="cec")

def edaflow(*args):
    return subprocess.run([sys.executable, "-m", "edaflow.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=REPO, timeout=600)


def yosys_ports(files, top, extra=()):
    """Port list (name, direction, width) of `top` as Yosys reads it (child process: pyosys exits on error)."""
    code = f"""
import json
from pyosys import libyosys as ys
d = ys.Design()
for cmd in {list(extra)!r}: ys.run_pass(cmd, d)
for f in {[str(f) for f in files]!r}: ys.run_pass('read_verilog -sv ' + f, d)
ys.run_pass('hierarchy -top {top}', d)
m = d.top_module()
ports = sorted((w.name.str().lstrip('\\\\'), bool(w.port_input), bool(w.port_output), w.width)
               for w in m.wires_.values() if w.port_input or w.port_output)
print('PORTS ' + json.dumps(ports))
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    return json.loads([ln for ln in r.stdout.splitlines() if ln.startswith("PORTS ")][-1][6:])


def run_synth(tmp_path, files, top, *opts):
    out = tmp_path / "o"
    r = edaflow("synth", *files, "--strategy", "random", "--budget", "3", "--recipe-length", "3", "--no-cache",
                "-o", out, "--json", *opts)
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    wf = rep["equivalence_detail"]["written_file"]
    assert wf["verdict"] == "equivalent" and wf["file"] == f"{top}.mapped.v" and "file re-read" in wf["method"]
    text = (out / f"{top}.mapped.v").read_text()
    assert re.search(rf"^module {top}\(", text, re.M) and "initial" not in text
    return out, rep, text


@pytest.mark.parametrize("name,top,extra", [
    ("alias_reg.v", "alias_reg", ()),
    ("seq_async.v", "seq_async", ()),
])
def test_sequential_netlist_keeps_interface(tmp_path, abc_path, name, top, extra):
    out, rep, text = run_synth(tmp_path, [DATA / name], top)
    assert yosys_ports([out / f"{top}.mapped.v", out / "cells.v"], top) == yosys_ports([DATA / name], top)
    assert "posedge clk" in text and "clock" not in text
    if top == "seq_async":
        assert "negedge rst_n" in text  # the asynchronous reset stays asynchronous
    if top == "alias_reg":
        assert re.search(r"\br <=", text) or re.search(r"\br\b", text)


def test_multifile_parameterised(tmp_path, abc_path):
    out, rep, text = run_synth(tmp_path, [DATA / "hier" / "top.v"], "hier_top", "-I", DATA / "hier" / "include",
                               "--param", "W=3")
    ports = dict((p[0], p[3]) for p in yosys_ports([out / "hier_top.mapped.v", out / "cells.v"], "hier_top"))
    assert ports["any_carry"] == 1 and ports["a"] == ports["s"] and ports["a"] % 3 == 0


@pytest.mark.skipif(not OSU018.exists(), reason="qflow-tech-osu018 not installed (apt-get install qflow-tech-osu018)")
def test_osu018_flops_in_netlist(tmp_path, abc_path):
    out, rep, text = run_synth(tmp_path, [DATA / "seq_async.v"], "seq_async", "--liberty", OSU018)
    assert re.search(r"^\s*DFF\w*\s", text, re.M), "osu018 flip-flop cells expected in the netlist"
    assert "always" not in text
    cp = rep["critical_path"]  # Liberty: stime -p, after buffering and sizing where ABC answers
    assert cp and cp["start"] and cp["end"] and cp["measured"] and cp["gates"] > 0
    assert rep["best"]["delay"] > 0


def test_output_folder_under_a_file_is_bad_input(tmp_path):
    f = tmp_path / "afile"
    f.write_text("x")
    r = edaflow("synth", DATA / "small_alu.v", "--budget", "2", "-o", f / "sub")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "output folder" in r.stderr


def test_gzipped_liberty(tmp_path, abc_path):
    gz = tmp_path / "tiny.lib.gz"
    gz.write_bytes(gzip.compress((DATA / "tiny.lib").read_bytes()))
    out, rep, text = run_synth(tmp_path, [DATA / "small_alu.v"], "small_alu", "--liberty", gz)
    assert rep["library"]["kind"] == "liberty" and "NAND2" in text


# -- the proof of the written file: registers as cut points + ABC cec, and what it catches --------------

def _written(tmp_path, name, top):
    from abc_bin import bundled_library
    from synth.netlist import write_mapped_netlist

    wd = tmp_path / "w"
    wd.mkdir()
    w = write_mapped_netlist([DATA / name], top, ["balance", "rewrite"], bundled_library(), wd / f"{top}.mapped.v", wd)
    return w, wd


def _prove(tmp_path, name, top, text, **kw):
    from abc_bin import bundled_library
    from synth.netlist import prove_netlist_file

    wd = tmp_path / f"p{len(list(tmp_path.iterdir()))}"
    wd.mkdir()
    f = wd / f"{top}.mapped.v"
    f.write_text(text)
    return prove_netlist_file([DATA / name], top, f, bundled_library(), wd, **kw)


def test_cut_point_proof_of_sequential_file(tmp_path, abc_path):
    from synth.equivalence import Verdict
    from synth.netlist import CUT_METHOD, SEQ_METHOD

    w, wd = _written(tmp_path, "seq_async.v", "seq_async")
    assert w.verdict is Verdict.EQUIVALENT and w.method in _either(CUT_METHOD) and "7 registers" in w.detail
    assert set(w.seconds) == {"write", "prove", "cec"}
    text = w.path.read_text()
    verdict, method, detail, _ = _prove(tmp_path, "seq_async.v", "seq_async", text)
    assert verdict is Verdict.EQUIVALENT and method in _either(CUT_METHOD)
    # The sequential check, used when registers do not correspond, agrees on the unchanged file.
    verdict, method, detail, _ = _prove(tmp_path, "seq_async.v", "seq_async", text, force_sequential=True)
    assert verdict is Verdict.EQUIVALENT and method == SEQ_METHOD


@pytest.mark.parametrize("old,new", [
    ("if (!rst_n) acc[2] <= 1'h0;", "if (!rst_n) acc[2] <= 1'h1;"),  # reset value
    ("else if (en) acc[2] <=", "else if (!en) acc[2] <="),  # next-state logic
    ("if (!rst_n) sat <= 1'h0;", "if (rst_n) sat <= 1'h0;"),  # reset polarity
])
def test_cut_point_proof_catches_a_changed_file(tmp_path, abc_path, old, new):
    from synth.equivalence import Verdict

    w, wd = _written(tmp_path, "seq_async.v", "seq_async")
    text = w.path.read_text()
    assert old in text
    verdict, method, detail, _ = _prove(tmp_path, "seq_async.v", "seq_async", text.replace(old, new, 1))
    assert verdict is not Verdict.EQUIVALENT, (method, detail)


def test_combinational_proof_catches_a_changed_gate(tmp_path, abc_path):
    from synth.equivalence import Verdict
    from synth.netlist import COMB_METHOD

    w, wd = _written(tmp_path, "small_alu.v", "small_alu")
    assert w.verdict is Verdict.EQUIVALENT and w.method in _either(COMB_METHOD)
    text = w.path.read_text()
    m = re.search(r"^  NAND2 ", text, re.M)
    bad = text[:m.start()] + "  AND2  " + text[m.end():]
    verdict, method, detail, _ = _prove(tmp_path, "small_alu.v", "small_alu", bad)
    assert verdict is Verdict.NOT_EQUIVALENT and method in _either(COMB_METHOD)


def test_memory_registers_named_and_proven_by_cut_points(tmp_path, abc_path):
    """A register file (memory mapped to flops, one read port through a registered address): every flop
    of the file carries the memory's name, so the fast cut-point proof runs, not the sequential one."""
    from synth.equivalence import Verdict
    from synth.netlist import CUT_METHOD

    w, wd = _written(tmp_path, "mem_regfile.v", "mem_regfile")
    assert w.verdict is Verdict.EQUIVALENT and w.method in _either(CUT_METHOD), (w.method, w.detail)
    assert "18 registers matched" in w.detail  # 4x4 words + the 2-bit read-address register
    text = w.path.read_text()
    regs = re.findall(r"^\s*reg (?:\[\d+:0\] )?(\S+)", text, re.M)
    assert sorted(regs) == ["\\mem[0]", "\\mem[1]", "\\mem[2]", "\\mem[3]", "\\mem_rdreg[1]"], regs
    assert not re.search(r"\b_\d+_\s*(?:\[\d+\]\s*)?<=", text)  # no flop with an auto name
    # The names are only labels for the pairing; a wrong file with the right names is refused:
    # word 0 written on word 1's enable (and the other way round), or the read-address register fed wrongly.
    en0 = re.search(r"if \((\w+)\) \\mem\[0\] \[0\] <=", text).group(1)
    en1 = re.search(r"if \((\w+)\) \\mem\[1\] \[0\] <=", text).group(1)
    swapped = re.sub(rf"if \({en0}\) (\\mem\[0\])", r"if (@@) \1", text)
    swapped = re.sub(rf"if \({en1}\) (\\mem\[1\])", rf"if ({en0}) \1", swapped).replace("@@", en1)
    assert swapped.count(f"if ({en1}) \\mem[0]") == 4
    for bad in (swapped, text.replace("\\mem_rdreg[1] [0] <= rb[0]", "\\mem_rdreg[1] [0] <= rb[1]", 1)):
        assert bad != text
        verdict, method, detail, _ = _prove(tmp_path, "mem_regfile.v", "mem_regfile", bad)
        assert method in _either(CUT_METHOD) and verdict is not Verdict.EQUIVALENT, (method, detail)


def _split_osu018(tmp_path):
    """osu018 as two Liberty files, the way PDKs ship them: logic cells, and sequential cells (SEQ)."""
    text = OSU018.read_text()
    marker = "/* --------------- *"
    head, *blocks = text.split(marker)
    blocks[-1] = blocks[-1].rstrip().rstrip("}")  # the library's closing brace
    seq = [b for b in blocks if re.search(r"Design : (DFF|LATCH)", b)]
    logic = [b for b in blocks if b not in seq]
    a, b = tmp_path / "osu018_logic.lib", tmp_path / "osu018_seq.lib.gz"
    a.write_text(head + marker + marker.join(logic) + "\n}\n")
    b.write_bytes(gzip.compress((head + marker + marker.join(seq) + "\n}\n").encode()))
    return a, b


@pytest.mark.skipif(not OSU018.exists(), reason="qflow-tech-osu018 not installed (apt-get install qflow-tech-osu018)")
def test_two_liberty_files_at_once(tmp_path, abc_path):
    logic, seq = _split_osu018(tmp_path)
    out, rep, text = run_synth(tmp_path, [DATA / "seq_async.v"], "seq_async", "--liberty", logic, "--liberty", seq)
    assert re.search(r"^\s*DFF\w*\s", text, re.M), "flip-flops come from the second (gzipped) file"
    assert re.search(r"^\s*(NAND|NOR|INV|AOI|OAI)\w*\s", text, re.M), "logic cells from the first"
    assert rep["library"]["merged_from"] == [str(logic), str(seq)]


def test_liberty_files_that_define_a_cell_twice_are_bad_input(tmp_path):
    r = edaflow("synth", DATA / "small_alu.v", "--liberty", DATA / "tiny.lib", "--liberty", DATA / "tiny.lib")
    assert r.returncode == 2 and "also defined in tiny.lib" in r.stderr and len(r.stderr.strip().splitlines()) == 1


FEMTO = Path("/tmp/public/rtl/femtorv32_quark/femtorv32_quark.v")  # third-party RV32I core (not in the repo)


@pytest.mark.slow
@pytest.mark.parametrize("files,top", [
    ([REPO / "designs" / "mac_pipe16.v"], "mac_pipe16"),
    ([REPO / "designs" / "regfile16x32.v"], "regfile16x32"),
    ([FEMTO], "FemtoRV32"),
])
def test_big_sequential_designs_proven_by_cut_points(tmp_path, abc_path, files, top):
    if not files[0].exists():
        pytest.skip(f"{files[0]} not present")
    out, rep, text = run_synth(tmp_path, files, top)
    wf = rep["equivalence_detail"]["written_file"]
    assert wf["method"].startswith("registers as cut points") and "registers matched" in wf["detail"]
    assert yosys_ports([out / f"{top}.mapped.v", out / "cells.v"], top) == yosys_ports(files, top)


def _blif_aig(tmp_path, abc_path, name, inputs, cube):
    """A one-output AIGER file (y = the cube over ``inputs``, in that order) written by ABC from BLIF."""
    blif = tmp_path / f"{name}.blif"
    blif.write_text(f".model m\n.inputs {' '.join(inputs)}\n.outputs y\n.names a b y\n{cube} 1\n.end\n")
    aig = tmp_path / f"{name}.aig"
    subprocess.run([abc_path, "-c", f"read {blif}; strash; write_aiger -s {aig}"], capture_output=True, check=True)
    return str(aig)


def test_fast_cec_only_when_ports_stand_in_the_same_order(tmp_path, abc_path):
    # &cec pairs ports by position: a file listing the same inputs in another order must still be
    # matched by name (cec), never called different because of the order.
    from synth.equivalence import Verdict
    from synth.netlist import _cec_files

    gold = _blif_aig(tmp_path, abc_path, "gold", ["a", "b"], "10")           # y = a & !b
    same = _blif_aig(tmp_path, abc_path, "same", ["a", "b"], "10")
    swapped = _blif_aig(tmp_path, abc_path, "swapped", ["b", "a"], "10")     # same function, inputs b, a
    wrong = _blif_aig(tmp_path, abc_path, "wrong", ["a", "b"], "01")         # y = !a & b
    wrong_swapped = _blif_aig(tmp_path, abc_path, "wrong_swapped", ["b", "a"], "01")
    verdict, detail, prover = _cec_files(gold, same, 30, abc_path)
    assert verdict is Verdict.EQUIVALENT and "&cec" in detail and prover == "&cec"
    verdict, detail, prover = _cec_files(gold, swapped, 30, abc_path)
    assert verdict is Verdict.EQUIVALENT and "&cec" not in detail and prover == "cec"
    verdict, detail, prover = _cec_files(gold, wrong, 30, abc_path)
    assert verdict is Verdict.NOT_EQUIVALENT and "&cec" in detail and prover == "&cec"
    verdict, detail, prover = _cec_files(gold, wrong_swapped, 30, abc_path)
    assert verdict is Verdict.NOT_EQUIVALENT and "&cec" not in detail and prover == "cec"


def test_written_file_proof_takes_the_fast_path(tmp_path, abc_path):
    from synth.equivalence import Verdict

    w, wd = _written(tmp_path, "small_alu.v", "small_alu")
    assert w.verdict is Verdict.EQUIVALENT and "&cec, ports in the same order" in w.detail, w.detail
    assert w.method == "ABC &cec (file re-read)", w.method
