"""Bad .bench netlists are one-line errors with the line number (ABC alone accepts them silently)."""

import re

import pytest

from test_cli_synth import edaflow

GOOD = "# tiny\nINPUT(a)\nINPUT(b)\nINPUT(c)\nOUTPUT(y)\nq = DFF(y)\nt = AND(a, q)\ny = OR(t, c)\n"


@pytest.mark.parametrize(
    "text, expect",
    [
        ("INPUT(a)\nOUTPUT(z)\nz = AND(a, b)\n", "bad.bench:3: signal b is used but never defined"),
        ("", "bad.bench: no OUTPUT(...) declarations"),
        ("INPUT(a)\nOUTPUT(y)\nOUTPUT(z)\ny = NOT(a)\n", "bad.bench:3: output z is never driven"),
        ("INPUT(a)\nOUTPUT(y)\ny = NOT(a)\ny = BUFF(a)\n", "bad.bench:4: signal y is driven twice"),
        ("INPUT(a)\nOUTPUT(y)\ny = NOT(a\n", "bad.bench:3: not a .bench line"),
    ],
)
def test_bad_bench_exit_2(tmp_path, text, expect):
    src = tmp_path / "bad.bench"
    src.write_text(text)
    out = tmp_path / "out"
    r = edaflow("synth", src, "-o", out, "--budget", "2")
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert expect in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert not out.exists()


def test_good_bench_with_flop_and_comments_still_reads(tmp_path):
    src = tmp_path / "ok.bench"
    src.write_text(GOOD)
    r = edaflow("synth", src, "-o", tmp_path / "out", "--budget", "2")
    assert r.returncode == 0, (r.stdout, r.stderr)


def test_register_that_is_also_an_output_is_proven(tmp_path):
    # ISCAS-89 s1196's `G45 = DFF(...)` with OUTPUT(G45): ABC's AIGER names the latch and the output
    # alike, and Yosys' read_aiger of that gold file asserted ("count_id(wire->name) == 0").
    src = tmp_path / "regout.bench"
    src.write_text("INPUT(a)\nINPUT(b)\nOUTPUT(q)\nOUTPUT(y)\nq = DFF(d)\nd = NAND(a, q)\ny = AND(q, b)\n")
    r = edaflow("synth", src, "-o", tmp_path / "out", "--budget", "3", "--jobs", "1")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert "written file regout.mapped.v: equivalent to the input" in r.stdout, r.stdout


def test_two_outputs_that_strash_merges_keep_their_names(tmp_path):
    # ISCAS-89 s820: outputs G310 and G325 are the same function. ABC writes a sequential network's
    # outputs as AIGER bad-state lines, Yosys' read_aiger gave the two properties on one literal one
    # wire, and the interface check refused the written netlist ("port lists differ: G310").
    src = tmp_path / "twins.bench"
    src.write_text("INPUT(a)\nINPUT(b)\nOUTPUT(x)\nOUTPUT(y)\nOUTPUT(q)\n"
                   "q = DFF(d)\nd = XOR(a, q)\nx = AND(a, b)\ny = AND(b, a)\n")
    r = edaflow("synth", src, "-o", tmp_path / "out", "--budget", "3", "--jobs", "1")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert "written file twins.mapped.v: equivalent to the input" in r.stdout, r.stdout
    text = (tmp_path / "out" / "twins.mapped.v").read_text()
    assert re.search(r"output[^;]*\bx\b", text) and re.search(r"output[^;]*\by\b", text)


def test_nets_named_like_abc_instances_give_valid_verilog(tmp_path):
    # ISCAS-89 s13207 has a register g1207; ABC's write_verilog names its gate instances g0000,
    # g0001, ..., so an instance and a net shared a name and Yosys refused the written file.
    # ABC numbers instances with as many digits as it needs: 10-99 gates here, so g00, g01, ...
    names = [f"g{k:02d}" for k in range(12)]
    lines = [f"INPUT(i{k})" for k in range(12)] + [f"OUTPUT({n})" for n in names] + ["OUTPUT(r)", "r = DFF(g03)"]
    prev = "r"
    for k, n in enumerate(names):
        lines.append(f"{n} = {('AND', 'OR', 'XOR')[k % 3]}({prev}, i{k})")
        prev = n
    src = tmp_path / "gnames.bench"
    src.write_text("\n".join(lines) + "\n")
    r = edaflow("synth", src, "-o", tmp_path / "out", "--budget", "3", "--jobs", "1")
    assert r.returncode == 0, (r.stdout, r.stderr)
    text = (tmp_path / "out" / "gnames.mapped.v").read_text()
    instances = re.findall(r"^\s+[A-Za-z_]\w*\s+([A-Za-z_]\w*)\s*\(\s*\.", text, re.M)
    nets = set(re.findall(r"\b(g\d+)\b", " ".join(re.findall(r"(?:input|output|wire|reg)\b[^;]*;", text))))
    assert instances and not set(instances) & nets, (set(instances) & nets)


def test_repeated_output_declaration_is_one_output_with_a_warning(tmp_path):
    # ITC-99 b05 declares some output nets two to four times. A .bench OUTPUT names a net, so a repeat
    # is the same output; ABC alone would make outputs of one name and refuse its own AIGER file.
    src = tmp_path / "rep.bench"
    src.write_text("INPUT(a)\nINPUT(b)\nOUTPUT(y)\nOUTPUT(z)\nOUTPUT(y)\nq = DFF(d)\nd = XOR(a, q)\n"
                   "y = AND(a, q)\nz = OR(b, q)\n")
    out = tmp_path / "out"
    r = edaflow("synth", src, "-o", out, "--budget", "3", "--jobs", "1")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert "rep.bench:5: OUTPUT(y) repeats line 3; each net is one output: 2 outputs" in r.stdout, r.stdout
    assert "written file rep.mapped.v: equivalent to the input" in r.stdout, r.stdout
    report = __import__("json").loads((out / "report.json").read_text())
    assert report["design"]["outputs"] == 2 and len(report["input_warnings"]) == 1
    assert not list(out.glob("_*outputs_once.bench")) and not list(tmp_path.rglob("_rep_outputs_once.bench"))
    # A repeated INPUT is still an error (two nets of one name).
    src.write_text("INPUT(a)\nINPUT(a)\nOUTPUT(y)\ny = NOT(a)\n")
    r = edaflow("synth", src, "-o", tmp_path / "out2", "--budget", "2")
    assert r.returncode == 2 and "rep.bench:2: INPUT(a) is declared twice (first on line 1)" in r.stderr, r.stderr
