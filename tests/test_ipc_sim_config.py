"""CoreConfig loading/validation and the sampled design space."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

from edaflow.errors import InputError
from ipc_predict.config import CoreConfig, default_toml_text, field_docs
from ipc_predict.configspace import DESIGN_SPACE, latin_hypercube, sample_configs, write_configs


def test_default_is_champsims_core():
    c = CoreConfig.default()
    core = c.core
    assert (core.rob_size, core.lq_size, core.sq_size, core.scheduler_size) == (352, 128, 72, 128)
    assert (core.fetch_width, core.decode_width, core.dispatch_width) == (6, 6, 6)
    assert (core.execute_width, core.retire_width, core.loads_per_cycle, core.stores_per_cycle) == (4, 5, 2, 2)
    assert (c.l1i.size_kib, c.l1i.ways, c.l1i.latency, c.l1i.sets) == (32, 8, 4, 64)
    assert (c.l1d.size_kib, c.l1d.ways, c.l1d.latency, c.l1d.sets) == (48, 12, 5, 64)
    assert (c.l2.size_kib, c.l2.latency, c.l2.sets) == (512, 10, 1024)
    assert (c.llc.size_kib, c.llc.ways, c.llc.latency, c.llc.sets) == (2048, 16, 20, 2048)
    assert c.branch_predictor.kind == "bimodal"
    # DDR4-3200 (1600 MHz DRAM clock), tCAS = tRCD = tRP = 24 clocks = 15 ns = 60 cycles at 4 GHz.
    assert c.dram_cycles() == {"tcas": 60, "trcd": 60, "trp": 60, "burst": 10, "row_hit": 60, "row_miss": 180}
    assert c.memory_latency() == 5 + 10 + 20 + 180 + 10


def test_toml_round_trip_and_default_file():
    c = CoreConfig.default()
    assert CoreConfig.from_toml_str(c.to_toml()) == c
    changed = c.replace({"core.rob_size": 96, "l1d.prefetcher": "next_line", "branch_predictor.kind": "perceptron"})
    assert CoreConfig.from_toml_str(changed.to_toml()) == changed
    # The packaged default file lists every key (it is the single source of defaults).
    data = tomllib.loads(default_toml_text())
    assert data == c.to_dict()


def test_partial_file_overrides_default(tmp_path):
    p = tmp_path / "small.toml"
    p.write_text("[core]\nrob_size = 64\n\n[l2]\nsize_kib = 1024\nlatency = 14\n")
    c = CoreConfig.from_toml(p)
    assert c.core.rob_size == 64 and c.l2.size_kib == 1024 and c.l2.latency == 14
    assert c.core.lq_size == 128 and c.llc == CoreConfig.default().llc


@pytest.mark.parametrize(
    "text,pattern",
    [
        ("[core]\nrob_sise = 64\n", r"\[core\] rob_sise: unknown key"),
        ("[cache]\nsize_kib = 1\n", r"\[cache\]: unknown section"),
        ("[core]\nrob_size = \"big\"\n", r"\[core\] rob_size: expected an integer"),
        ("[core]\nrob_size = 1.5\n", r"\[core\] rob_size: expected an integer"),
        ("[core]\nrob_size = true\n", r"\[core\] rob_size: expected an integer"),
        ("[core]\nrob_size = 0\n", r"\[core\] rob_size: must be positive"),
        ("[core]\nfetch_width = -2\n", r"\[core\] fetch_width: must be positive"),
        ("[core]\ntaken_branch_ends_fetch = 1\n", r"taken_branch_ends_fetch: expected true or false"),
        ("[l1d]\nways = 7\n", r"\[l1d\] ways: 7 ways .* do not divide"),
        ("[l2]\nsize_kib = 384\n", r"\[l2\] size_kib: .*768 sets, not a power of two"),
        ("[llc]\nlatency = -1\n", r"\[llc\] latency: must be positive"),
        ("[l1d]\nprefetcher = \"stride\"\n", r"\[l1d\] prefetcher: 'stride' is not one of"),
        ("[branch_predictor]\nkind = \"tage\"\n", r"kind: 'tage' is not one of bimodal, gshare, perceptron"),
        ("[branch_predictor]\nbimodal_entries = 1000\n", r"bimodal_entries: must be a power of two"),
        ("[dram]\nchannels = 0\n", r"\[dram\] channels: must be positive"),
        ("[core]\nrob_size = \n", r"not valid TOML"),
        ("core = 3\n", r"\[core\]: expected a table"),
    ],
)
def test_validation_errors_name_file_and_key(tmp_path, text, pattern):
    p = tmp_path / "bad.toml"
    p.write_text(text)
    with pytest.raises(InputError, match=pattern) as e:
        CoreConfig.from_toml(p)
    assert e.value.path == str(p)
    assert str(p) in str(e.value)


def test_missing_config_file(tmp_path):
    with pytest.raises(InputError, match="no such configuration file"):
        CoreConfig.from_toml(tmp_path / "none.toml")


def test_replace_validates():
    with pytest.raises(InputError, match="rob_size"):
        CoreConfig.default().replace({"core.rob_size": -1})
    with pytest.raises(InputError, match="unknown configuration key"):
        CoreConfig.default().replace({"rob_size": 1})


def test_every_key_is_documented():
    docs = field_docs()
    assert set(docs) == set(CoreConfig.default().to_dict())
    for rows in docs.values():
        assert all(desc for _, _, _, desc in rows)


def test_latin_hypercube_is_stratified():
    u = latin_hypercube(50, 4, seed=7)
    assert u.shape == (50, 4) and (u >= 0).all() and (u < 1).all()
    for j in range(4):
        assert sorted(np.floor(u[:, j] * 50).astype(int)) == list(range(50))


def test_sampled_configs_are_valid_spread_and_deterministic(tmp_path):
    cfgs = sample_configs(40, seed=11)
    assert cfgs == sample_configs(40, seed=11)
    assert cfgs != sample_configs(40, seed=12)
    for c in cfgs:
        assert CoreConfig.from_toml_str(c.to_toml()) == c
        assert c.core.scheduler_size <= c.core.rob_size and c.core.lq_size <= c.core.rob_size
        assert c.core.fetch_width == c.core.decode_width == c.core.dispatch_width
        assert 64 <= c.core.rob_size <= 512
        assert 16 <= c.l1d.size_kib <= 128 and 1024 <= c.llc.size_kib <= 16384
    # Latin hypercube: every admissible value of a small dimension appears.
    assert {c.branch_predictor.kind for c in cfgs} == {"bimodal", "gshare", "perceptron"}
    assert {c.core.execute_width for c in cfgs} == set(range(2, 9))
    names = [d.name for d in DESIGN_SPACE]
    assert len(names) == len(set(names))


def test_write_configs(tmp_path):
    paths = write_configs(tmp_path / "cfgs", 5, seed=3)
    assert [p.name for p in paths] == [f"config_{i:03d}.toml" for i in range(5)]
    assert [CoreConfig.from_toml(p) for p in paths] == sample_configs(5, seed=3)
    space = tomllib.loads((tmp_path / "cfgs" / "design_space.toml").read_text())
    assert space["n"] == 5 and space["seed"] == 3
    assert space["dimensions"]["rob_size"]["low"] == 64


# ----- ChampSim configurations --------------------------------------------------------------------------

CHAMPSIM_SNAPSHOT = Path("/work/shared/reference/champsim/champsim-2ff2501.tar.gz")


def _champsim_default_json(tmp_path: Path) -> Path:
    import tarfile

    if not CHAMPSIM_SNAPSHOT.exists():
        pytest.skip("the ChampSim source snapshot is not on this machine")
    with tarfile.open(CHAMPSIM_SNAPSHOT) as tar:
        member = tar.getmember("champsim_config.json")
        out = tmp_path / "champsim_config.json"
        out.write_bytes(tar.extractfile(member).read())
    return out


def test_champsims_own_default_configuration_reads_as_our_default(tmp_path):
    assert CoreConfig.from_champsim_json(_champsim_default_json(tmp_path)) == CoreConfig.default()


def test_a_changed_champsim_configuration_changes_the_matching_keys(tmp_path):
    import json

    doc = json.loads(_champsim_default_json(tmp_path).read_text())
    doc["ooo_cpu"][0].update(rob_size=128, register_file_size=96, branch_predictor="gshare")
    doc["L1D"].update(sets=128, ways=8, latency=4)
    doc["physical_memory"].update(bankgroups=4, channels=2)
    doc["STLB"].update(sets=256)
    p = tmp_path / "mine.json"
    p.write_text(json.dumps(doc))
    cfg = CoreConfig.from_champsim_json(p)
    assert (cfg.core.rob_size, cfg.core.physical_registers, cfg.branch_predictor.kind) == (128, 96, "gshare")
    assert (cfg.l1d.size_kib, cfg.l1d.ways, cfg.l1d.latency) == (64, 8, 4)
    assert (cfg.dram.banks, cfg.dram.channels) == (16, 2)
    assert cfg.vmem.stlb_entries == 256 * 12


@pytest.mark.parametrize("edit,message", [
    (lambda d: d["ooo_cpu"][0].update(branch_predictor="tage"), "branch_predictor: 'tage' is not modelled"),
    (lambda d: d["L2C"].update(prefetcher="ip_stride"), "L2C prefetcher: 'ip_stride' is not modelled"),
    (lambda d: d.update(page_size=8192), "page_size: 8192 is not supported"),
    (lambda d: d["L1D"].update(sets=100), "sets"),
])
def test_unsupported_champsim_values_are_input_errors(tmp_path, edit, message):
    import json

    doc = json.loads(_champsim_default_json(tmp_path).read_text())
    edit(doc)
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(doc))
    with pytest.raises(InputError, match=message) as err:
        CoreConfig.from_champsim_json(p)
    assert str(p) in str(err.value)


def test_champsim_json_syntax_error_names_the_line(tmp_path):
    p = tmp_path / "broken.json"
    p.write_text('{\n  "ooo_cpu": [\n    {"rob_size": 12,,}\n  ]\n}\n')
    with pytest.raises(InputError, match=r"broken.json:3: not valid JSON"):
        CoreConfig.from_champsim_json(p)
