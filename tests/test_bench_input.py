"""Bad .bench netlists are one-line errors with the line number (ABC alone accepts them silently)."""

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
