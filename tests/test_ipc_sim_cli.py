"""`edaflow ipc sim` and `edaflow ipc configs` through the real click group (exit codes included)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from edaflow.cli import cli
from ipc_predict import microbench as mb
from ipc_predict.config import CoreConfig
from ipc_predict.traces import write_trace


@pytest.fixture(scope="module")
def trace(tmp_path_factory):
    p = tmp_path_factory.mktemp("traces") / "mixed.champsimtrace.xz"
    write_trace(p, mb.mixed(20_000, seed=9))
    return p


def _run(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


def test_sim_json(trace):
    res = _run("ipc", "sim", trace, "--warmup", 2000, "--instructions", 10_000, "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    for key in ("ipc", "instructions", "cycles", "mpki", "branch_mpki", "seconds", "stalls", "config", "mips"):
        assert key in out
    assert set(out["mpki"]) == {"L1I", "L1D", "L2", "LLC"}
    assert out["instructions"] == 10_000 and out["warmup_instructions"] == 2000
    assert out["config"]["core"]["rob_size"] == 352
    assert out["ipc"] == pytest.approx(out["instructions"] / out["cycles"])


def test_sim_table_and_config(trace, tmp_path):
    cfg = tmp_path / "small.toml"
    cfg.write_text("[core]\nrob_size = 32\n")
    default = _run("ipc", "sim", trace)
    small = _run("ipc", "sim", trace, "--config", cfg, "--json")
    assert default.exit_code == 0 and small.exit_code == 0
    for word in ("IPC", "cycles", "MPKI", "branch MPKI", "stalls", "MIPS"):
        assert word in default.stdout
    assert json.loads(small.stdout)["config"]["core"]["rob_size"] == 32


@pytest.mark.parametrize("case", ["missing", "garbage", "bad_config", "negative", "truncated"])
def test_sim_bad_input_exits_2_with_one_line(trace, tmp_path, case):
    args = ["ipc", "sim", str(trace)]
    if case == "missing":
        args[2] = str(tmp_path / "nope.champsimtrace.xz")
        expect = "no such trace file"
    elif case == "garbage":
        (tmp_path / "g.xz").write_bytes(np.random.default_rng(0).bytes(1000))
        args[2] = str(tmp_path / "g.xz")
        expect = "not an xz stream"
    elif case == "bad_config":
        (tmp_path / "c.toml").write_text("[l1d]\nways = 5\n")
        args += ["--config", str(tmp_path / "c.toml")]
        expect = "[l1d] ways"
    elif case == "negative":
        args += ["--warmup", "-5"]
        expect = "--warmup"
    else:
        (tmp_path / "t.trace").write_bytes(b"\0" * (64 * 3 + 1))
        args[2] = str(tmp_path / "t.trace")
        expect = "record 3"
    res = _run(*args)
    assert res.exit_code == 2
    err = res.stderr.strip()
    assert len(err.splitlines()) == 1 and expect in err and "Traceback" not in err


def test_configs_command(tmp_path):
    out = tmp_path / "cfgs"
    res = _run("ipc", "configs", "--sample", 6, "--seed", 4, "-o", out)
    assert res.exit_code == 0, res.output
    files = sorted(p.name for p in out.iterdir())
    assert files == [f"config_{i:03d}.toml" for i in range(6)] + ["design_space.toml"]
    cfgs = [CoreConfig.from_toml(out / f"config_{i:03d}.toml") for i in range(6)]
    assert len(set(c.to_toml() for c in cfgs)) == 6
    assert _run("ipc", "configs", "--sample", 0, "-o", out).exit_code == 2


def test_module_entry_point_exit_code(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "edaflow.cli", "ipc", "sim", str(tmp_path / "none.xz")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "no such trace file" in proc.stderr


def test_sim_nothing_to_simulate_is_bad_input(trace, tmp_path):
    """--instructions 0, a warm-up longer than the trace and an empty trace: one line, exit 2."""
    res = _run("ipc", "sim", trace, "--instructions", 0)
    assert res.exit_code == 2 and "--instructions 0" in res.output
    res = _run("ipc", "sim", trace, "--warmup", 50_000)
    assert res.exit_code == 2 and "after the 50,000-instruction warm-up" in res.output
    empty = tmp_path / "empty.champsimtrace"
    empty.write_bytes(b"")
    res = _run("ipc", "sim", empty)
    assert res.exit_code == 2 and "trace is empty" in res.output and str(empty) in res.output
    assert len(res.output.strip().splitlines()) == 1
