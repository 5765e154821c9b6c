import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from edaflow.cli import cli
from edaflow.errors import InputError
from ipc_predict.importers import import_champsim_json, import_gem5_stats

DATA = Path(__file__).parent / "data" / "ipc_predict"


def test_champsim_json_written_by_our_champsim_build():
    # champsim --hide-heartbeat -w 10000 -i 40000 --json ... on the first 60 k records of sha256
    (row,) = import_champsim_json(DATA / "champsim_sha256_40k.json")
    assert row["source"] == "champsim" and row["workload"] == "sha256_60k"
    assert row["full_instructions"] == 40004 and row["full_cycles"] == 12592
    assert abs(row["full_ipc"] - 40004 / 12592) < 1e-12
    assert abs(row["full_mpki_L1D"] - 10 * 1000 / 40004) < 1e-12  # 10 LOAD misses, 0 RFO
    assert abs(row["full_branch_mpki"] - 20 * 1000 / 40004) < 1e-12


def test_gem5_stats_last_block_both_name_styles(tmp_path):
    row = import_gem5_stats(DATA / "gem5_stats.txt", role="slice")
    assert row["slice_instructions"] == 100_000 and row["slice_cycles"] == 114_934
    assert abs(row["slice_ipc"] - 100_000 / 114_934) < 1e-12
    assert row["slice_mpki_L1D"] == 25.0 and row["slice_mpki_L2"] == 9.0 and row["slice_branch_mpki"] == 12.0
    old = tmp_path / "old.txt"
    old.write_text("---------- Begin Simulation Statistics ----------\n"
                   "sim_insts 5000 # Number of instructions simulated\n"
                   "system.cpu.ipc 2.5 # IPC\n"
                   "system.cpu.dcache.overall_misses::total 50 # misses\n"
                   "---------- End Simulation Statistics   ----------\n")
    r = import_gem5_stats(old)
    assert r["full_cycles"] == 2000 and r["full_mpki_L1D"] == 10.0


def test_bad_files(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(InputError, match="not ChampSim JSON"):
        import_champsim_json(bad)
    cut = tmp_path / "cut.txt"
    cut.write_text("---------- Begin Simulation Statistics ----------\nsimInsts 10 # x\n")
    with pytest.raises(InputError, match="not closed"):
        import_gem5_stats(cut)
    with pytest.raises(InputError, match="not a gem5 stats"):
        import_gem5_stats(bad)


def test_import_cli(tmp_path):
    out = tmp_path / "rows.jsonl"
    r = CliRunner().invoke(cli, ["ipc", "import", str(DATA / "champsim_sha256_40k.json"), "--format", "champsim",
                                 "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert json.loads(out.read_text().splitlines()[0])["full_instructions"] == 40004
    r = CliRunner().invoke(cli, ["ipc", "import", str(DATA / "champsim_sha256_40k.json"), "--format", "gem5",
                                 "-o", str(out)])
    assert r.exit_code == 2 and "not a gem5 stats.txt" in r.output
