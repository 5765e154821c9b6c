"""Side by side with the real ChampSim on small traces (slow; skipped where ChampSim is not built).

The full comparison on the workload suite is `bench/champsim_compare.py` (docs/benchmarks.md); this
checks that the harness works end to end and that both simulators agree on small synthetic traces of
different kinds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ipc_predict import microbench as mb
from ipc_predict.simulator import simulate
from ipc_predict.traces import write_trace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import champsim_compare as C  # noqa: E402

BINARY = next((p for p in C.KNOWN_BUILDS if os.access(p, os.X_OK)), None)
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(BINARY is None, reason="ChampSim is not built (bench/champsim_compare.py builds it)")]

TRACES = {
    "mixed, 64 KiB working set": lambda: mb.mixed(80_000, working_set=64 << 10, seed=3),
    "pointer chase over 16 MiB": lambda: mb.pointer_chase(20_000, 16 << 20, filler=3),
    "random branches": lambda: mb.branches(10_000, "random"),
}
# Known gap: a random chase over 4,096 pages misses the STLB on every load; ChampSim's walks then cost
# about 160 cycles more per load than ours (IPC 0.0091 vs 0.0143, SIMULATOR_VERSION 15), see docs/simulator.md.
KNOWN_GAPS = {"pointer chase over 16 MiB"}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason="known gap: STLB-missing page walks"))
                                  if n in KNOWN_GAPS else n for n in sorted(TRACES)])
def test_ipc_agrees_with_champsim_on_small_traces(tmp_path, name):
    records = TRACES[name]()
    path = tmp_path / "t.champsimtrace.xz"
    write_trace(path, records)
    warmup, n = 10_000, len(records) - 20_000
    out = tmp_path / "cs.json"
    subprocess.run([str(BINARY), "--warmup-instructions", str(warmup), "--simulation-instructions", str(n),
                    "--json", str(out), str(path)], check=True, capture_output=True)
    cs = C.champsim_stats(json.loads(out.read_text()))
    ours = simulate(path, warmup=warmup, instructions=n)
    assert ours.ipc == pytest.approx(cs["ipc"], rel=0.15), (ours.ipc, cs["ipc"])
