import numpy as np
import pytest

from ipc_predict import microbench as mb
from ipc_predict.profile import load_or_build_profile
from ipc_predict.simulator import Simulator, simulate
from ipc_predict.slices import extract_slices, select_slices, simulate_slices
from ipc_predict.traces import read_trace, write_trace


@pytest.fixture(scope="module")
def phased(tmp_path_factory):
    """Three phases of different behaviour, 40 k instructions each, repeated twice."""
    d = tmp_path_factory.mktemp("sl")
    parts = [mb.independent_ops(40_000), mb.pointer_chase(10_000, 1 << 22, filler=3), mb.branches(40_000, "random")]
    parts = [p[:40_000].copy() for p in parts]
    for k, p in enumerate(parts):  # distinct code per phase, as in a real program
        p["ip"] += np.uint64(k << 24)
        p["is_branch"][19::20] = 1  # basic blocks need branches to end them
    rec = np.concatenate(parts + parts)
    t = d / "phased.champsimtrace.xz"
    write_trace(t, rec)
    return t, rec


def test_simpoint_finds_the_phases(phased):
    t, rec = phased
    prof = load_or_build_profile(t, interval=10_000)
    plan = select_slices(prof, method="simpoint", n_slices=3, length=5_000, warmup=10_000)
    assert not plan.full and len(plan.starts) == 3 and abs(sum(plan.weights) - 1) < 1e-9
    phases = sorted({(s // 40_000) % 3 for s in plan.starts})
    assert phases == [0, 1, 2]  # one representative per phase
    assert sorted(round(w, 2) for w in plan.weights) == [0.33, 0.33, 0.33]


def test_extracted_slices_are_the_trace_windows_and_simulate(phased):
    t, rec = phased
    prof = load_or_build_profile(t, interval=10_000)
    plan = select_slices(prof, method="even", n_slices=4, length=3_000, warmup=8_000)
    ss = extract_slices(t, plan)
    for i, s in enumerate(plan.starts):
        w, d = ss.records(i)
        assert np.array_equal(d, rec[s:s + 3_000]) and np.array_equal(w, rec[s - 8_000:s])
    assert extract_slices(t, plan).directory == ss.directory  # reused
    r = simulate_slices(ss)
    # the same sequence by hand: one Simulator, warm then run, weighted CPI
    sim, cpis = Simulator(), []
    for s in plan.starts:
        sim.warm(rec[s - 8_000:s])
        x = sim.run(rec[s:s + 3_000])
        cpis.append(x.cycles / x.instructions)
    assert abs(r.ipc - 1 / np.mean(cpis)) < 1e-12
    assert r.detailed_instructions == 12_000 and r.warm_instructions == 32_000 and not r.full


def test_short_trace_is_simulated_in_full(phased, tmp_path):
    t = tmp_path / "short.champsimtrace.xz"
    rec = read_trace(phased[0], max_records=20_000)
    write_trace(t, rec)
    plan = select_slices(load_or_build_profile(t, interval=5_000), n_slices=8, length=5_000, warmup=10_000)
    assert plan.full and plan.detailed_instructions == 20_000
    r = simulate_slices(extract_slices(t, plan))
    assert r.full and abs(r.ipc - simulate(t).ipc) < 1e-12


def test_bad_method(phased):
    with pytest.raises(ValueError, match="unknown slice method"):
        select_slices(load_or_build_profile(phased[0], interval=10_000), method="magic")


def test_stratified_covers_every_phase_and_spreads_inside_each(phased):
    t, rec = phased
    prof = load_or_build_profile(t, interval=10_000)
    plan = select_slices(prof, method="stratified", n_slices=12, length=5_000, warmup=10_000)
    assert not plan.full and abs(sum(plan.weights) - 1) < 1e-9
    by_phase = {}
    for s, w in zip(plan.starts, plan.weights):
        by_phase.setdefault((s // 40_000) % 3, []).append((s // 120_000, w))
    assert sorted(by_phase) == [0, 1, 2]
    for ph, reps in by_phase.items():
        assert abs(sum(w for _, w in reps) - 1 / 3) < 0.01, ph  # each phase weighs its share
    for ph in (0, 1):  # uniform phases: slices in both repetitions, not only the first of identical intervals
        assert {r for r, _ in by_phase[ph]} == {0, 1}
    assert list(plan.starts) == sorted(plan.starts)
    assert all(s % 10_000 == 2_500 for s in plan.starts)  # centred in their interval


def test_stratified_allocation_is_proportional_with_one_slice_per_cluster_at_least():
    from ipc_predict.slices import _allocate

    assert _allocate(np.array([0.986, 0.001, 0.001, 0.005, 0.003, 0.004]), 12).tolist() == [7, 1, 1, 1, 1, 1]
    assert _allocate(np.array([0.25] * 4), 12).tolist() == [3, 3, 3, 3]
    assert _allocate(np.array([0.5, 0.3, 0.2]), 10).sum() == 10


def test_warmup_shrinks_to_fit_a_short_trace(phased):
    t, rec = phased  # 240 k instructions
    prof = load_or_build_profile(t, interval=10_000)
    plan = select_slices(prof, method="even", n_slices=4, length=5_000, warmup=100_000)
    assert not plan.full and plan.warmup == 240_000 // 4 - 5_000 and plan.warmup_requested == 100_000
    roomy = select_slices(prof, method="even", n_slices=4, length=5_000, warmup=20_000)
    assert roomy.warmup == 20_000 and roomy.warmup_requested is None
    r = simulate_slices(extract_slices(t, plan))
    assert r.warm_instructions == sum(min(plan.warmup, s) for s in plan.starts) and r.ipc > 0
