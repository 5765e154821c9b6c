"""End to end through the click group: dataset → train → evaluate → predict → explore (small traces)."""

import json
import pickle

import numpy as np
import pytest
from click.testing import CliRunner

from edaflow.cli import cli
from ipc_predict import microbench as mb
from ipc_predict.traces import write_trace

SLICES = ["--slice-method", "even", "--slices", "2", "--slice-length", "2000", "--slice-warmup", "4000"]


def _trace(path, seed):
    rng = np.random.default_rng(seed)
    parts = [mb.mixed(15_000), mb.branches(15_000, "random"), mb.independent_ops(15_000)]
    parts = [p[:15_000].copy() for p in parts]
    for k, p in enumerate(parts):
        p["ip"] += np.uint64((k + 3 * seed) << 20)
        p["is_branch"][19::20] = 1
    rec = np.concatenate([parts[i] for i in rng.permutation(3)] * 2)
    write_trace(path, rec)
    return path


def invoke(*args):
    return CliRunner().invoke(cli, ["ipc", *map(str, args)])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    d = tmp_path_factory.mktemp("ipccli")
    tdir = d / "traces"
    tdir.mkdir()
    for s in range(3):
        _trace(tdir / f"w{s}.champsimtrace.xz", s)
    data = d / "data.parquet"
    r = invoke("dataset", "--workloads", tdir, "--configs", "3", "-j", "1", *SLICES, "-o", data)
    assert r.exit_code == 0, r.output
    model = d / "model.pkl"
    r = invoke("train", data, "-o", model)
    assert r.exit_code == 0, r.output
    return d, tdir, data, model


def test_dataset_rows_and_resume(built):
    import pandas as pd

    d, tdir, data, _ = built
    df = pd.read_parquet(data)
    assert len(df) == 3 * 4  # 3 traces x (default + 3 sampled)
    for col in ("trace_sha256", "config_sha256", "simulator_version", "full_ipc", "slice_ipc", "cfg_core.rob_size",
                "prof_branch_pki", "plan_length"):
        assert col in df and df[col].notna().all(), col
    assert (df["slice_detailed_instructions"] == 4000).all()
    r = invoke("dataset", "--workloads", tdir, "--configs", "3", "-j", "1", *SLICES, "-o", data)
    assert r.exit_code == 0 and "0 simulated now, 12 resumed" in r.output


def test_train_evaluate_predict(built, tmp_path):
    d, tdir, data, model = built
    r = invoke("evaluate", data, "--model", model, "--json")
    assert r.exit_code == 0, r.output
    ev = json.loads(r.stdout)
    assert ev["overall"]["n"] == 12 and 0 <= ev["overall"]["coverage"] <= 1
    cfg_small = tmp_path / "small.toml"
    cfg_small.write_text("[core]\nrob_size = 96\n")
    r = invoke("predict", tdir / "w1.champsimtrace.xz", "--config", cfg_small, "--model", model, "--json")
    assert r.exit_code == 0, r.output
    (p,) = json.loads(r.stdout)
    assert set(p) >= {"ipc", "ipc_low", "ipc_high", "slice_instructions", "seconds"}
    assert p["ipc_low"] <= p["ipc"] <= p["ipc_high"] and p["slice_instructions"] == 4000
    # far outside the sampled range: still predicted, with a warning and a wider interval
    cfg_big = tmp_path / "big.toml"
    cfg_big.write_text("[core]\nmispredict_penalty = 200\n")
    r = invoke("predict", tdir / "w1.champsimtrace.xz", "--config", cfg_big, "--model", model, "--json")
    assert r.exit_code == 0 and "outside the model's training range" in r.output
    assert "mispredict_penalty=200" in r.output


def test_short_trace_is_simulated_in_full(built, tmp_path):
    _, _, _, model = built
    t = tmp_path / "tiny.champsimtrace.xz"
    write_trace(t, mb.mixed(5_000))
    r = invoke("predict", t, "--model", model, "--json")
    assert r.exit_code == 0 and "simulating it in full" in r.output
    (p,) = json.loads(r.stdout[r.stdout.index("["):])
    assert p["full_simulation"] and p["ipc"] == p["ipc_low"] == p["ipc_high"]


def test_bad_models(built, tmp_path):
    _, tdir, _, model = built
    junk = tmp_path / "junk.pkl"
    junk.write_bytes(b"\x80\x05garbage")
    r = invoke("predict", tdir / "w0.champsimtrace.xz", "--model", junk)
    assert r.exit_code == 2 and "corrupt or unreadable model file" in r.output
    old = tmp_path / "old.pkl"
    b = pickle.loads(model.read_bytes())
    b["version"] = 0
    old.write_bytes(pickle.dumps(b))
    r = invoke("evaluate", tdir / "w0.champsimtrace.xz", "--model", old)
    assert r.exit_code == 2 and "model file version 0" in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_explore(built, tmp_path):
    d, tdir, _, model = built
    space = d / "configs"
    assert invoke("configs", "--sample", "1", "-o", space).exit_code == 0
    r = invoke("explore", tdir / "w2.champsimtrace.xz", "--space", space / "design_space.toml", "--budget", "3",
               "--verify", "1", "--model", model, "--json")
    assert r.exit_code == 0, r.output
    res = json.loads(r.stdout[r.stdout.index("{"):])
    assert res["candidates"] == 3 and "simulated_ipc" in res["best"][0] and res["pareto"]
    costs = [p["cost"] for p in res["pareto"]]
    ipcs = [p["ipc"] for p in res["pareto"]]
    assert costs == sorted(costs) and ipcs == sorted(ipcs)


def test_dataset_on_a_dask_scheduler(built, tmp_path):
    import pandas as pd
    from dask.distributed import LocalCluster

    _, tdir, data, _ = built
    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        out = tmp_path / "dask.parquet"
        r = invoke("dataset", "--workloads", tdir / "w0.champsimtrace.xz", "--configs", "3", "--scheduler",
                   cluster.scheduler_address, *SLICES, "-o", out)
        assert r.exit_code == 0, r.output
    got = pd.read_parquet(out).sort_values("config_sha256").reset_index(drop=True)
    ref = pd.read_parquet(data)
    ref = ref[ref["workload"] == "w0"].sort_values("config_sha256").reset_index(drop=True)
    assert list(got["config_sha256"]) == list(ref["config_sha256"])
    assert np.allclose(got["full_ipc"], ref["full_ipc"]) and np.allclose(got["slice_ipc"], ref["slice_ipc"])
