import pytest

from edaflow.errors import InputError
from synth.abc_session import AbcSession
from synth.equivalence import Verdict, check_equivalence, parse_verdict
from synth.frontend import load_design

from conftest import DATA


@pytest.fixture
def session(abc_path):
    with AbcSession(abc_path) as s:
        yield s


def test_hierarchical_design_with_include_dir_and_params(session, tmp_path):
    d = load_design([DATA / "hier" / "top.v"], tmp_path, session, include_dirs=[DATA / "hier" / "include"],
                    params={"W": "6"})
    assert d.top == "hier_top"
    assert d.stats.inputs == 2 * 4 * 6 and d.stats.outputs == 4 * 6 + 1
    assert (tmp_path / "hier_top.aig").exists() and (tmp_path / "yosys.log").exists()


def test_sequential_design_with_async_reset(session, tmp_path):
    d = load_design([DATA / "seq_async.v"], tmp_path, session)
    assert d.sequential and d.stats.latches == 7  # 6-bit accumulator + flag


def test_explicit_top_and_errors(session, tmp_path):
    assert load_design([DATA / "two_tops.v"], tmp_path, session, top="top_b").top == "top_b"
    with pytest.raises(InputError, match="ambiguous top module: candidates are top_a, top_b"):
        load_design([DATA / "two_tops.v"], tmp_path, session)
    with pytest.raises(InputError, match="unknown top module 'nope'"):
        load_design([DATA / "two_tops.v"], tmp_path, session, top="nope")
    with pytest.raises(InputError, match="no module found"):
        load_design([DATA / "empty.v"], tmp_path, session)
    with pytest.raises(InputError) as exc:
        load_design([DATA / "broken.v"], tmp_path, session)
    assert exc.value.line == 2 and exc.value.path.endswith("broken.v")
    with pytest.raises(InputError, match="does not exist"):
        load_design([tmp_path / "nope.v"], tmp_path, session)


def test_unsupported_construct_is_a_clear_error(session, tmp_path):
    src = tmp_path / "sim_only.v"
    src.write_text("module s(input clk, input a, output reg y);\n"
                   "  always @(posedge clk) begin y <= a; $fdisplay(1, \"x\"); end\nendmodule\n")
    with pytest.raises(InputError) as exc:
        load_design([src], tmp_path / "o", session)
    assert exc.value.line == 2 and "fdisplay" in exc.value.message


def test_corrupt_and_truncated_aiger(session, tmp_path, small_aig):
    junk = tmp_path / "junk.aig"
    junk.write_bytes(b"\x00\x01garbage")
    with pytest.raises(InputError, match="not an AIGER file"):
        load_design([junk], tmp_path / "o", session)
    cut = tmp_path / "cut.aig"
    cut.write_bytes(small_aig.read_bytes()[:60])
    with pytest.raises(InputError, match="truncated AIGER"):
        load_design([cut], tmp_path / "o", session)


def test_blif_and_bench_inputs(session, tmp_path):
    bench = tmp_path / "x.bench"
    bench.write_text("INPUT(a)\nINPUT(b)\nINPUT(c)\nOUTPUT(y)\nt = AND(a, b)\ny = OR(t, c)\n")
    d = load_design([bench], tmp_path / "o", session)
    assert d.stats.ands == 2 and d.top == "x"
    blif = tmp_path / "bad.blif"
    blif.write_text(".model x\n.inputs a\n.outputs y\n.names a y\n1 1\n.names a y\n1 1\n.end\n")
    with pytest.raises(InputError) as exc:
        load_design([blif], tmp_path / "o2", session)
    assert exc.value.path.endswith("bad.blif")


def test_verdict_refuses_to_be_a_boolean():
    with pytest.raises(TypeError):
        bool(Verdict.UNDECIDED)
    assert parse_verdict("Networks are equivalent.  Time = 0.00 sec") is Verdict.EQUIVALENT
    assert parse_verdict("Networks are NOT EQUIVALENT.") is Verdict.NOT_EQUIVALENT
    assert parse_verdict("Miter computation has failed.") is Verdict.UNDECIDED


def test_cec_proves_and_refutes(session, tmp_path, small_aig):
    good = tmp_path / "good.aig"
    session.run(f"read {small_aig}")
    session.run("resyn2" if False else "rewrite")
    session.run(f"write_aiger -s {good}")
    res = check_equivalence(session, str(small_aig), str(good), sequential=False)
    # Both files written by ABC name their ports in the same order: the fast &cec decides.
    assert res.verdict is Verdict.EQUIVALENT and res.method == "&cec", res.raw
    # Same interface, different function: swap an AND for an OR in a tiny design.
    a = tmp_path / "a.bench"
    b = tmp_path / "b.bench"
    a.write_text("INPUT(x)\nINPUT(y)\nOUTPUT(z)\nz = AND(x, y)\n")
    b.write_text("INPUT(x)\nINPUT(y)\nOUTPUT(z)\nz = OR(x, y)\n")
    assert check_equivalence(session, str(a), str(b), sequential=False).verdict is Verdict.NOT_EQUIVALENT
    # The same function with its inputs declared in the other order: equivalent by name. &cec pairs
    # ports by position, so it must not be the one asked.
    c = tmp_path / "c.bench"
    c.write_text("INPUT(y)\nINPUT(x)\nOUTPUT(z)\nn = NOT(y)\nz = AND(x, n)\n")
    d = tmp_path / "d.bench"
    d.write_text("INPUT(x)\nINPUT(y)\nOUTPUT(z)\nn = NOT(y)\nz = AND(x, n)\n")
    ca, da = tmp_path / "c.aig", tmp_path / "d.aig"
    for src, dst in ((c, ca), (d, da)):
        session.run(f"read {src}")
        session.run("strash")
        session.run(f"write_aiger -s {dst}")
    res = check_equivalence(session, str(da), str(ca), sequential=False)
    assert res.verdict is Verdict.EQUIVALENT and res.method == "cec", res.raw


def test_sequential_check(session, tmp_path):
    d = load_design([DATA / "seq_async.v"], tmp_path, session)
    opt = tmp_path / "opt.aig"
    session.run(f"read {d.aig_path}")
    for step in ("balance", "rewrite -z", "refactor", "resub -K 8"):
        session.run(step)
    session.run(f"write_aiger -s {opt}")
    res = check_equivalence(session, str(d.aig_path), str(opt), sequential=True)
    # Registers matched by name and cut: the combinational check decides (fast).
    assert res.verdict is Verdict.EQUIVALENT and res.method == "cec"
    # Registers moved (retiming): they no longer correspond, and the sequential check decides.
    session.run(f"read {opt}")
    session.run("retime -M 4")
    session.run("strash")
    session.run(f"write_aiger -s {tmp_path / 'retimed.aig'}")
    res = check_equivalence(session, str(d.aig_path), str(tmp_path / "retimed.aig"), sequential=True)
    assert res.verdict is Verdict.EQUIVALENT and res.method == "dsec", res.raw


def test_architecture_kept_unless_yosys_abc(session, tmp_path):
    cla = DATA.parent.parent / "designs" / "cla32.v"
    kept = load_design([cla], tmp_path / "a", session)
    pre = load_design([cla], tmp_path / "b", session, yosys_abc=True)
    assert kept.stats.levels < pre.stats.levels  # Yosys' ABC pass flattens the lookahead structure


def test_level_sensitive_latch_is_refused(session, tmp_path):
    src = tmp_path / "latch.v"
    src.write_text("module lt(input en, input [3:0] d, output reg [3:0] q);\n"
                   "always @* if (en) q = d;\nendmodule\n")
    with pytest.raises(InputError, match="level-sensitive latch") as exc:
        load_design([src], tmp_path / "o", session)
    assert exc.value.line == 2 and exc.value.path.endswith("latch.v")
