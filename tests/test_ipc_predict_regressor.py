import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from ipc_predict.regressor import IPCRegressor


@parametrize_with_checks([IPCRegressor(max_iter=20, learning_rate=0.3)])
def test_sklearn_conventions(estimator, check):
    check(estimator)


def _synthetic(n=600, seed=0):
    rng = np.random.default_rng(seed)
    groups = rng.integers(0, 4, n)
    a = rng.uniform(0.5, 3.0, n)  # a "slice IPC"
    b = rng.uniform(0, 1, n)  # a configuration knob
    y = a * (1 + 0.2 * (b - 0.5)) * (1 + 0.02 * rng.standard_normal(n))
    return np.column_stack([a, b]), y, groups


def test_ratio_target_and_calibrated_interval():
    X, y, g = _synthetic()
    Xt, yt, _ = _synthetic(300, seed=1)
    m = IPCRegressor(base_feature=0, max_iter=60, learning_rate=0.1).fit(X, y, groups=g)
    mid, lo, hi = m.predict_interval(Xt)
    mape = np.mean(np.abs(mid / yt - 1))
    assert mape < 0.03
    cover = np.mean((yt >= lo) & (yt <= hi))
    assert 0.7 <= cover <= 0.97  # calibrated to 80 % on held-out groups
    assert m.interval_scale_ > 0
    assert m.shrink_ >= 0.75  # the correction is real here: most of it is kept
    # widening doubles the half-widths of the flagged rows only
    _, lo2, hi2 = m.predict_interval(Xt, widen=np.arange(len(Xt)) == 0)
    assert hi2[0] - lo2[0] > hi[0] - lo[0] and np.allclose(hi2[1:], hi[1:])


def test_correction_that_does_not_generalise_is_shrunk():
    # per-group offsets the features cannot explain: any learned correction is noise for a new group
    rng = np.random.default_rng(3)
    g = rng.integers(0, 8, 400)
    a = rng.uniform(0.5, 3.0, 400)
    code = rng.uniform(0, 1, 8)  # a per-group feature: the trees learn code -> offset as a lookup table
    X = np.column_stack([a, code[g]])
    y = a * np.exp(rng.normal(0, 0.15, 8)[g])  # ... which says nothing about a new group's offset
    m = IPCRegressor(base_feature=0, max_iter=60, learning_rate=0.1).fit(X, y, groups=g)
    assert m.shrink_ <= 0.5


def test_out_of_range():
    X, y, g = _synthetic()
    m = IPCRegressor(max_iter=20).fit(X, y)
    q = np.array([[1.0, 0.5], [1.0, 5.0]])
    assert m.out_of_range(q, columns=[1]).tolist() == [False, True]
    assert m.out_of_range(q, columns=[]).tolist() == [False, False]


@pytest.mark.slow
def test_mlp_option():
    X, y, g = _synthetic(300)
    m = IPCRegressor(model="mlp", base_feature=0, n_members=2, epochs=150).fit(X, y)
    mid, lo, hi = m.predict_interval(X)
    assert np.mean(np.abs(mid / y - 1)) < 0.08 and (lo <= mid).all() and (mid <= hi).all()


def test_train_bundle_leaves_out_fully_simulated_rows_and_keeps_the_requested_budget():
    import pandas as pd

    from ipc_predict.regressor import train_bundle

    X, y, g = _synthetic(200)
    df = pd.DataFrame({"slice_ipc": X[:, 0], "cfg_knob": X[:, 1], "full_ipc": y, "workload": [f"w{k}" for k in g],
                       "slice_full": False, "slice_method": "stratified", "plan_n_slices": 12, "plan_length": 25_000,
                       "plan_warmup": 1_000_000, "plan_warmup_used": 400_000})
    short = df.iloc[:30].copy()
    short["full_ipc"] = short["slice_ipc"] * 3  # would teach a bogus correction if it were used
    short["slice_full"] = True
    b = train_bundle(pd.concat([df, short], ignore_index=True), max_iter=20)
    assert b["train"]["rows"] == 200 and b["train"]["full_simulation_rows_left_out"] == 30
    assert b["train"]["slices"] == {"method": "stratified", "n_slices": 12, "length": 25_000, "warmup": 1_000_000}
