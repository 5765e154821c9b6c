import numpy as np

from ipc_predict.profile import REUSE_BINS, TraceProfile, load_or_build_profile, profile_records, sidecar_path
from ipc_predict.traces import empty_records, write_trace


def _records(n=5000):
    r = empty_records(n)
    r["ip"] = 0x400000 + 4 * (np.arange(n) % 50)
    r["is_branch"][49::50] = 1
    r["branch_taken"][49::50] = 1
    r["destination_registers"][:, 0] = 1 + np.arange(n) % 3
    r["source_registers"][:, 0] = 1 + (np.arange(n) + 2) % 3
    r["source_memory"][::5, 0] = 0x10000 + 64 * (np.arange(n)[::5] % 100)
    return r


def test_profile_rates_and_shapes():
    p = profile_records(_records(), interval=1000)
    assert p.instructions == 5000 and p.bbv.shape[0] == 5
    assert p.bbv.sum() == 5000
    assert abs(p.scalars["branch_pki"] - 20.0) < 1e-9
    assert p.scalars["taken_rate"] == 1.0
    assert abs(p.scalars["load_pki"] - 200.0) < 1e-9
    assert p.scalars["data_lines"] == 20  # i % 100 for i in 0, 5, 10, ...: 20 lines
    assert p.reuse_hist.shape == (REUSE_BINS,) and abs(p.reuse_hist.sum() - 1) < 1e-9
    # each line is reused every 20 accesses -> bin [16, 32)
    assert p.reuse_hist[5] == 1.0
    assert p.scalars["dep1_frac"] == 1.0 or p.scalars["dep_mean"] > 0


def test_sidecar_reused_stale_and_corrupt(tmp_path):
    t = tmp_path / "t.champsimtrace.xz"
    write_trace(t, _records())
    msgs = []
    p1 = load_or_build_profile(t, interval=1000, on_message=msgs.append)
    assert sidecar_path(t).exists() and msgs == []
    p2 = load_or_build_profile(t, interval=1000, on_message=msgs.append)
    assert msgs == [] and p2.trace_sha256 == p1.trace_sha256
    write_trace(t, _records(4000))
    p3 = load_or_build_profile(t, interval=1000, on_message=msgs.append)
    assert "stale" in msgs[-1] and p3.instructions == 4000
    sidecar_path(t).write_bytes(b"garbage")
    p4 = load_or_build_profile(t, interval=1000, on_message=msgs.append)
    assert "corrupt" in msgs[-1] and p4.instructions == 4000
    assert isinstance(TraceProfile.load(sidecar_path(t)), TraceProfile)



def test_profile_is_the_same_in_any_chunking():
    from ipc_predict import microbench as mb

    r = mb.mixed(60_000)
    a = profile_records(r, interval=7000)
    b = profile_records(r, interval=7000, chunk_records=4099)
    assert a.scalars == b.scalars
    assert (a.bbv == b.bbv).all() and a.bbv.sum() == 60_000
    assert np.array_equal(a.reuse_hist, b.reuse_hist) and np.array_equal(a.dep_hist, b.dep_hist)


def test_branch_predictability():
    r = _records(4000)
    # branch at 49::50 always taken -> fully biased, never flips
    p = profile_records(r, interval=1000)
    assert p.scalars["branch_bias"] == 1.0 and p.scalars["branch_flip_rate"] == 0.0
    r["branch_taken"][49::100] = 0  # alternate taken / not taken on the same ip
    p = profile_records(r, interval=1000, chunk_records=333)
    assert p.scalars["branch_bias"] == 0.5 and p.scalars["branch_flip_rate"] == 1.0


def test_profile_cli(tmp_path):
    import json

    from click.testing import CliRunner

    from edaflow.cli import cli

    t = tmp_path / "t.champsimtrace.xz"
    write_trace(t, _records())
    run = CliRunner().invoke(cli, ["ipc", "profile", str(t), "--interval", "1000", "--json"])
    assert run.exit_code == 0, run.output
    d = json.loads(run.stdout)
    assert d["instructions"] == 5000 and d["intervals"] == 5
    assert abs(d["features"]["prof_branch_pki"] - 20.0) < 1e-9
    sidecar_path(t).write_bytes(b"junk")
    run = CliRunner().invoke(cli, ["ipc", "profile", str(t), "--interval", "1000"])
    assert run.exit_code == 0 and "corrupt profile" in run.output
    run = CliRunner().invoke(cli, ["ipc", "profile", str(tmp_path / "missing.champsimtrace.xz")])
    assert run.exit_code == 2 and "no such trace" in run.output


def test_compiled_dependency_loop_matches_the_sorting_reference():
    from ipc_predict import microbench as mb
    from ipc_predict.profile import DEFAULT_INTERVAL, _Accumulator

    r = mb.mixed(30_000)
    r["source_registers"][::7, 1] = r["source_registers"][::7, 0]  # a register listed twice counts once
    a, b = _Accumulator(DEFAULT_INTERVAL), _Accumulator(DEFAULT_INTERVAL)
    for i in range(0, 30_000, 7_001):
        ch = r[i:i + 7_001]
        a._dependencies(ch)
        b._dependencies_numpy(ch)
        a.n += ch.shape[0]
        b.n += ch.shape[0]
    assert a.counts["dep_n"] > 0 and a.counts == b.counts and a.dep_sum == b.dep_sum
    assert np.array_equal(a.dep_counts, b.dep_counts) and np.array_equal(a.last_writer, b.last_writer)


def test_compiled_memory_loop_matches_the_sorting_reference():
    from ipc_predict import microbench as mb
    from ipc_predict.profile import DEFAULT_INTERVAL, _Accumulator

    r = np.concatenate([mb.mixed(20_000), mb.pointer_chase(5_000, 1 << 22, filler=2)[:20_000]])
    r["destination_memory"][::11, 0] = r["source_memory"][::11, 0]  # read-modify-write slots too
    a, b = _Accumulator(DEFAULT_INTERVAL), _Accumulator(DEFAULT_INTERVAL)
    a.line_table = np.zeros(4, dtype=np.uint64)  # start tiny: the hash tables must grow
    a.line_table_last = np.zeros(4, dtype=np.int64)
    for i in range(0, r.shape[0], 6_007):
        ch = r[i:i + 6_007]
        a._memory(ch)
        b._memory_numpy(ch)
    assert a.counts["mem"] > 0 and a.counts["cold"] > 0 and a.counts == b.counts
    assert np.array_equal(a.reuse_counts, b.reuse_counts) and a.reuse_counts.sum() > 0
    assert a.lines_seen == b.line_keys.size and a.pages_seen == b.pages.size
