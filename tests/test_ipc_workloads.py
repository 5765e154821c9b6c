"""The workload suite: every program compiles and prints its checksum; one workload builds and traces
reproducibly (same counts and bytes from two directories); the CLI lists and builds."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from edaflow.cli import cli
from ipc_predict.workloads import RUN_ENVIRONMENT, WORKLOADS, build_suite, compile_workload, workload

needs_gcc = pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")
needs_tracer = pytest.mark.skipif(
    shutil.which("gcc") is None or shutil.which("valgrind") is None, reason="needs gcc and valgrind"
)


def test_suite_spans_the_behaviour_classes():
    assert len(WORKLOADS) >= 12
    assert len({w.name for w in WORKLOADS}) == len(WORKLOADS)
    assert {w.behaviour for w in WORKLOADS} == {"compute", "streaming", "memory-bound", "pointer-chasing", "branchy"}
    for w in WORKLOADS:
        text = w.source.read_text()
        assert "roi_begin();" in text and "checksum" in text, w.name
        assert "rand()" not in text and "time(" not in text and "fopen" not in text, w.name  # fixed inputs


def test_list_command():
    res = CliRunner().invoke(cli, ["ipc", "workloads", "list"])
    assert res.exit_code == 0
    for w in WORKLOADS:
        assert w.name in res.output
    res = CliRunner().invoke(cli, ["ipc", "workloads", "list", "--json"])
    assert [e["name"] for e in json.loads(res.output)] == [w.name for w in WORKLOADS]


def test_unknown_workload_names_the_valid_ones(tmp_path):
    res = CliRunner().invoke(cli, ["ipc", "workloads", "build", "-o", str(tmp_path), "--only", "nosuch"])
    assert res.exit_code == 2
    assert "nosuch" in res.output and "matmul" in res.output


@needs_gcc
def test_every_workload_compiles_and_prints_its_checksum(tmp_path):
    for w in WORKLOADS:
        binary = compile_workload(w, tmp_path)
        proc = subprocess.run([str(binary)], env=RUN_ENVIRONMENT, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, (w.name, proc.stdout, proc.stderr)
        assert proc.stdout.startswith(f"{w.name} checksum "), proc.stdout
        # Same source, same compiler: the same binary.
        again = compile_workload(w, tmp_path / "again")
        assert again.read_bytes() == binary.read_bytes(), w.name


@needs_tracer
def test_one_workload_builds_and_traces_reproducibly(tmp_path):
    from ipc_predict.traces import read_trace

    manifests = []
    for where in (tmp_path / "a", tmp_path / "b" / "deeper"):
        path = build_suite(where, max_instructions=40_000, only=["interpreter"])
        manifests.append(json.loads(path.read_text()))
        entry = manifests[-1]["workloads"][0]
        assert entry["traced_instructions"] == 40_000
        assert len(read_trace(where / entry["trace"])) == 40_000
        assert (where / entry["binary"]).exists()
    first, second = (m["workloads"][0] for m in manifests)
    for key in ("traced_instructions", "roi_start_instruction", "executed_instructions", "binary_sha256",
                "trace_sha256", "output"):
        assert first[key] == second[key], key
    assert first["executed_instructions"] > first["roi_start_instruction"] + 40_000
    assert first["output"].startswith("interpreter checksum ")
    assert manifests[0]["max_instructions"] == 40_000 and manifests[0]["start_at"] == "roi_begin"


@needs_tracer
def test_build_command_and_partial_rebuild(tmp_path):
    runner = CliRunner()
    res = runner.invoke(cli, ["ipc", "workloads", "build", "-o", str(tmp_path), "--max-instructions", "20000",
                              "--only", "sha256,edit_distance"])
    assert res.exit_code == 0, res.output
    manifest = json.loads((tmp_path / "workloads.json").read_text())
    assert [e["name"] for e in manifest["workloads"]] == ["sha256", "edit_distance"]
    res = runner.invoke(cli, ["ipc", "workloads", "build", "-o", str(tmp_path), "--max-instructions", "20000",
                              "--only", "sha256", "--no-full-count", "-q"])
    assert res.exit_code == 0 and res.output == ""
    manifest = json.loads((tmp_path / "workloads.json").read_text())
    entries = {e["name"]: e for e in manifest["workloads"]}
    assert set(entries) == {"sha256", "edit_distance"}  # the other entry is kept
    assert entries["sha256"]["executed_instructions"] is None
    assert (tmp_path / "sha256.champsimtrace.xz").exists() and (tmp_path / "bin" / "sha256").exists()


@needs_tracer
@pytest.mark.slow
def test_whole_roi_trace_counts_agree_with_cachegrind(tmp_path):
    """A trace that reaches the program's end counts the run itself; cachegrind must agree."""
    from ipc_predict.workloads import count_instructions, trace_workload

    binary = compile_workload(workload("quicksort"), tmp_path)
    result = trace_workload(binary, tmp_path / "q.champsimtrace.xz", 10**9)
    executed, output = count_instructions(binary)
    assert result.complete and result.executed == executed
    assert output.startswith("quicksort checksum 1 ")


@needs_tracer
@pytest.mark.slow
def test_full_suite_builds(tmp_path):
    path = build_suite(tmp_path, max_instructions=200_000)
    manifest = json.loads(path.read_text())
    assert [e["name"] for e in manifest["workloads"]] == [w.name for w in WORKLOADS]
    for e in manifest["workloads"]:
        assert e["traced_instructions"] == 200_000
        assert e["executed_instructions"] > e["roi_start_instruction"] + 200_000
        assert e["output"].startswith(e["name"] + " checksum")


@needs_gcc
def test_repeat_knob_lengthens_the_run_and_leaves_the_default_binary_alone(tmp_path):
    repeatable = [w for w in WORKLOADS if w.repeat]
    assert {w.name for w in repeatable} >= {"stream", "stencil", "bfs", "interpreter"}
    for w in repeatable:
        plain = compile_workload(w, tmp_path / "plain")
        one = compile_workload(w, tmp_path / "one", repeat=1)
        assert plain.read_bytes() == one.read_bytes(), w.name
    # stream's whole run grows by about one ROI per repetition (cachegrind counts, no tracing)
    from ipc_predict.workloads import count_instructions

    stream = workload("stream")
    n1, out1 = count_instructions(compile_workload(stream, tmp_path / "r1"))
    n3, out3 = count_instructions(compile_workload(stream, tmp_path / "r3", repeat=3))
    assert out1 != out3 and out3.startswith("stream checksum")
    assert 2.5 * (n1 - 1_328_884) < n3 - 1_328_884 < 3.5 * (n1 - 1_328_884)


def test_repeat_is_refused_for_workloads_without_the_knob(tmp_path):
    res = CliRunner().invoke(cli, ["ipc", "workloads", "build", "-o", str(tmp_path), "--only", "matmul",
                                   "--repeat", "4"])
    assert res.exit_code == 2
    assert "matmul has no repeat knob" in res.output and "stream" in res.output
