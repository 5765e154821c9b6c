"""`IPCRegressor`: full-run IPC from slice statistics, profile and configuration, with an interval.

A scikit-learn estimator (`fit`, `predict`, `get_params`/`set_params`; passes
`sklearn.utils.estimator_checks.parametrize_with_checks`):

- ``model="gbt"`` (default): gradient-boosted trees (`HistGradientBoostingRegressor`) for the point
  prediction, and two quantile-loss models (`quantiles`, default 10 % and 90 %) for the interval;
- ``model="mlp"``: a small torch MLP ensemble (`n_members` networks from different seeds); the point is
  the ensemble mean, the interval mean ± z·spread.

Target. With ``base_feature=None`` the model predicts y itself. With ``base_feature=j`` it predicts
log(y / X[:, j]) — for IPC, the log of the ratio of the full-run IPC to the slice IPC — and
multiplies back; which of the two generalises better is measured by bench/ipc.py.

Calibration. `fit(X, y, groups=g)` with at least 3 groups first fits on all folds but one of a
group k-fold split (`calibration_folds`, default 4; 0 or 1: no calibration), in turn, and sets each interval half-width to `interval_scale_` × (quantile half-width + `interval_floor_`),
the floor being the median held-out residual (quantile models fitted on few rows can collapse onto
the median) and the scale the factor that puts `coverage` (default 0.8) of the held-out truths
inside; a group is one workload, so the factor is measured on programs
the model did not see. Without groups the factor is 1.

Shrinkage (ratio target only). The same held-out predictions choose how much of the learned
correction to keep: the prediction is slice IPC × exp(`shrink_` × correction), `shrink_` from
`SHRINK_GRID` minimising the held-out mean absolute percentage error. `shrink_` = 0 means the
correction did not generalise and the slice IPC itself is the answer (with a calibrated interval).

Out of range. `out_of_range(X, columns)` tells which rows have a value outside the training range
in the given columns; `predict_interval(X, widen=mask)` doubles those rows' half-widths.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

_EPS = 1e-9
SHRINK_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)


def _one_thread():
    """One OpenMP thread for the trees: the data sets are small, and on a busy shared machine
    OpenMP's spinning workers made fitting tens of times slower."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="openmp")


class IPCRegressor(RegressorMixin, BaseEstimator):
    def __init__(self, model: str = "gbt", base_feature: int | None = None, quantiles=(0.1, 0.9),
                 coverage: float = 0.8, max_iter: int = 200, learning_rate: float = 0.08,
                 max_leaf_nodes: int = 15, min_samples_leaf: int = 5, l2_regularization: float = 0.0,
                 n_members: int = 5, hidden: int = 64, epochs: int = 400, calibration_folds: int = 4,
                 random_state: int = 0):
        self.model = model
        self.base_feature = base_feature
        self.quantiles = quantiles
        self.coverage = coverage
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.n_members = n_members
        self.hidden = hidden
        self.epochs = epochs
        self.calibration_folds = calibration_folds
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # trees route missing values; the MLP reads them as 0
        return tags

    # ----- target transform -----------------------------------------------------------------------
    def _base(self, X: np.ndarray) -> np.ndarray:
        return np.maximum(np.nan_to_num(X[:, self.base_feature], nan=_EPS), _EPS)

    def _to_target(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        if self.base_feature is None:
            return y
        return np.log(np.maximum(y, _EPS) / self._base(X))

    def _from_target(self, X: np.ndarray, t: np.ndarray) -> np.ndarray:
        if self.base_feature is None:
            return t
        return self._base(X) * np.exp(np.clip(t, -10.0, 10.0))  # a widened interval can be very wide

    # ----- learners ---------------------------------------------------------------------------------
    def _gbt(self, loss: str, quantile: float | None = None):
        from sklearn.ensemble import HistGradientBoostingRegressor

        kw = dict(loss=loss, max_iter=self.max_iter, learning_rate=self.learning_rate,
                  max_leaf_nodes=self.max_leaf_nodes, min_samples_leaf=self.min_samples_leaf,
                  l2_regularization=self.l2_regularization, random_state=self.random_state)
        if quantile is not None:
            kw["quantile"] = quantile
        return HistGradientBoostingRegressor(**kw)

    def _fit_models(self, X: np.ndarray, t: np.ndarray) -> list:
        if self.model == "gbt":
            lo, hi = self.quantiles
            return [self._gbt("squared_error").fit(X, t), self._gbt("quantile", lo).fit(X, t),
                    self._gbt("quantile", hi).fit(X, t)]
        if self.model == "mlp":
            return [_TorchEnsemble(self.n_members, self.hidden, self.epochs, self.random_state).fit(X, t)]
        raise ValueError(f"unknown model {self.model!r} (gbt or mlp)")

    def _raw(self, models: list, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(point, low, high) in target space, low <= point <= high."""
        if self.model == "gbt":
            mid, lo, hi = (m.predict(X) for m in models)
        else:
            mid, sd = models[0].predict_mean_std(X)
            z = 1.2816  # the 10 %/90 % points of a normal
            lo, hi = mid - z * sd, mid + z * sd
        return mid, np.minimum(lo, mid), np.maximum(hi, mid)

    # ----- scikit-learn API -------------------------------------------------------------------------
    def fit(self, X, y, groups=None):
        with _one_thread():
            return self._fit(X, y, groups)

    def _fit(self, X, y, groups):
        X, y = validate_data(self, X, y, ensure_all_finite="allow-nan", y_numeric=True)
        y = y.astype(np.float64)
        if self.base_feature is not None and not 0 <= self.base_feature < X.shape[1]:
            raise ValueError(f"base_feature {self.base_feature} outside 0..{X.shape[1] - 1}")
        self.interval_scale_, self.interval_floor_, self.shrink_ = 1.0, 0.0, 1.0
        self.calibration_coverage_ = float("nan")
        if groups is not None and self.calibration_folds >= 2 and len(np.unique(groups)) >= 3:
            self.interval_scale_, self.interval_floor_, self.calibration_coverage_, self.shrink_ = \
                self._calibrate(X, y, np.asarray(groups))
        self.models_ = self._fit_models(X, self._to_target(X, y))
        self.n_iter_ = int(self.models_[0].n_iter_) if self.model == "gbt" else int(self.epochs)
        finite = np.where(np.isfinite(X), X, np.nan)
        self.range_low_ = np.nanmin(np.where(np.isfinite(finite), finite, np.inf), axis=0)
        self.range_high_ = np.nanmax(np.where(np.isfinite(finite), finite, -np.inf), axis=0)
        return self

    def _calibrate(self, X: np.ndarray, y: np.ndarray, groups: np.ndarray) -> tuple[float, float]:
        """Interval scale from group-k-fold predictions (no group in both parts): the smallest factor whose scaled
        intervals cover `coverage` of the held-out truths (in target space)."""
        from sklearn.model_selection import GroupKFold

        need = []
        folds = min(self.calibration_folds, len(np.unique(groups)))
        for _, te_idx in GroupKFold(n_splits=folds).split(X, y, groups):
            te = np.zeros(X.shape[0], dtype=bool)
            te[te_idx] = True
            models = self._fit_models(X[~te], self._to_target(X[~te], y[~te]))
            mid, lo, hi = self._raw(models, X[te])
            need.append(np.column_stack([self._to_target(X[te], y[te]), mid, lo, hi]))
        t, mid, lo, hi = np.concatenate(need).T
        uncal = float(((t >= lo) & (t <= hi)).mean())
        shrink = 1.0
        if self.base_feature is not None:
            # how much of the learned correction to the slice IPC survives on held-out workloads:
            # the factor (0 = the slice IPC itself) with the smallest held-out mean |error| / truth
            ape = [np.mean(np.abs(np.exp(a * mid - t) - 1)) for a in SHRINK_GRID]
            shrink = float(SHRINK_GRID[int(np.argmin(ape))])
        c = shrink * mid
        half = np.where(t >= c, shrink * (hi - mid), shrink * (mid - lo))
        res = np.abs(t - c)
        # quantile models fitted on few rows can collapse to the median (half-width ~0): add a floor of
        # the median held-out residual, then scale so that `coverage` of the held-out truths are inside
        floor = float(np.median(res))
        scale = float(np.quantile(res / np.maximum(half + floor, 1e-9), self.coverage))
        return max(scale, 1e-3), floor, uncal, shrink

    def predict(self, X):
        return self.predict_interval(X)[0]

    def predict_interval(self, X, widen=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(point, low, high) predictions; rows flagged in `widen` get twice the half-widths."""
        check_is_fitted(self, "models_")
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan")
        with _one_thread():
            mid, lo, hi = self._raw(self.models_, X)
        s = np.full(X.shape[0], self.interval_scale_)
        if widen is not None:
            s = s * np.where(np.asarray(widen, dtype=bool), 2.0, 1.0)
        f, a = self.interval_floor_, getattr(self, "shrink_", 1.0)
        lo, hi = a * mid - s * (a * (mid - lo) + f), a * mid + s * (a * (hi - mid) + f)
        mid = a * mid
        return self._from_target(X, mid), self._from_target(X, lo), self._from_target(X, hi)

    def out_of_range(self, X, columns=None, slack: float = 1e-9) -> np.ndarray:
        """Rows with a value outside the training range in `columns` (indices; default all)."""
        check_is_fitted(self, "models_")
        X = np.asarray(X, dtype=np.float64)
        cols = np.arange(X.shape[1]) if columns is None else np.asarray(columns, dtype=int)
        if cols.size == 0:
            return np.zeros(X.shape[0], dtype=bool)
        lo, hi, v = self.range_low_[cols], self.range_high_[cols], X[:, cols]
        return ((v < lo - slack) | (v > hi + slack)).any(axis=1)


class _TorchEnsemble:
    """`n` small MLPs (2 hidden layers) on standardised inputs; mean and spread of their outputs."""

    def __init__(self, n: int, hidden: int, epochs: int, seed: int):
        self.n, self.hidden, self.epochs, self.seed = n, hidden, epochs, seed

    def fit(self, X: np.ndarray, t: np.ndarray) -> "_TorchEnsemble":
        import torch

        torch.set_num_threads(1)  # small nets; threads only contend on a shared machine
        X = np.nan_to_num(X)
        self.mu_, self.sd_ = X.mean(axis=0), X.std(axis=0) + 1e-9
        self.tmu_, self.tsd_ = float(t.mean()), float(t.std() + 1e-9)
        xt = torch.tensor((X - self.mu_) / self.sd_, dtype=torch.float32)
        yt = torch.tensor((t - self.tmu_) / self.tsd_, dtype=torch.float32).reshape(-1, 1)
        self.nets_ = []
        for k in range(self.n):
            torch.manual_seed(self.seed + k)
            net = torch.nn.Sequential(torch.nn.Linear(X.shape[1], self.hidden), torch.nn.ReLU(),
                                      torch.nn.Linear(self.hidden, self.hidden), torch.nn.ReLU(),
                                      torch.nn.Linear(self.hidden, 1))
            opt = torch.optim.Adam(net.parameters(), lr=3e-3, weight_decay=1e-4)
            for _ in range(self.epochs):
                opt.zero_grad()
                loss = torch.nn.functional.mse_loss(net(xt), yt)
                loss.backward()
                opt.step()
            self.nets_.append(net.eval())
        return self

    def predict_mean_std(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        import torch

        xt = torch.tensor((np.nan_to_num(X) - self.mu_) / self.sd_, dtype=torch.float32)
        with torch.no_grad():
            out = np.stack([net(xt).numpy().ravel() for net in self.nets_]) * self.tsd_ + self.tmu_
        return out.mean(axis=0), out.std(axis=0)


# ----- metrics --------------------------------------------------------------------------------------

def metrics(y, pred, low=None, high=None) -> dict[str, float]:
    """RMSE, MAE (IPC units), MAPE, p95 and maximum of the absolute percentage error, and the share of
    truths inside [low, high]."""
    y, pred = np.asarray(y, dtype=float), np.asarray(pred, dtype=float)
    ape = np.abs(pred - y) / np.maximum(np.abs(y), _EPS)
    out = {"n": int(y.size), "rmse": float(np.sqrt(np.mean((pred - y) ** 2))), "mae": float(np.mean(np.abs(pred - y))),
           "mape": float(ape.mean()), "p95_ape": float(np.quantile(ape, 0.95)), "max_ape": float(ape.max())}
    if low is not None and high is not None:
        out["coverage"] = float(np.mean((y >= np.asarray(low)) & (y <= np.asarray(high))))
    return out


# ----- model files ----------------------------------------------------------------------------------

MODEL_FORMAT = "edaflow-ipc-model"
MODEL_VERSION = 1
DEFAULT_MODEL = "ipc_model.pkl"  # in ipc_predict/data/


def default_model_path():
    from pathlib import Path

    return Path(__file__).resolve().parent / "data" / DEFAULT_MODEL


def save_model(path, bundle: dict) -> None:
    """Write a model bundle: {'regressor', 'feature_names', 'base_feature', 'cfg_columns', 'train': {...}}."""
    import pickle

    import sklearn

    data = {"format": MODEL_FORMAT, "version": MODEL_VERSION, "sklearn": sklearn.__version__, **bundle}
    with open(path, "wb") as f:
        pickle.dump(data, f, protocol=5)


def load_model(path) -> dict:
    """Read a model bundle; an unreadable file, another format or another version is an `InputError`
    (one line naming the file). A bundle pickled by another scikit-learn version loads with a warning
    in `bundle["warnings"]`."""
    import pickle
    import warnings
    from pathlib import Path

    import sklearn

    from edaflow.errors import InputError

    p = Path(path)
    if not p.is_file():
        raise InputError("no such model file", path=str(p))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with open(p, "rb") as f:
                data = pickle.load(f)
    except Exception as exc:  # pickle raises many kinds on a damaged file
        raise InputError(f"corrupt or unreadable model file ({type(exc).__name__})", path=str(p)) from None
    if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
        raise InputError("not an edaflow IPC model file", path=str(p))
    if data.get("version") != MODEL_VERSION:
        raise InputError(f"model file version {data.get('version')}, this edaflow reads version {MODEL_VERSION}; "
                         "retrain it with `edaflow ipc train`", path=str(p))
    data["warnings"] = []
    if data.get("sklearn") != sklearn.__version__:  # pickles usually load across versions; say so, go on
        data["warnings"].append(f"{p}: model written by scikit-learn {data.get('sklearn')}, this is "
                                f"{sklearn.__version__}; if predictions look wrong, retrain with `edaflow ipc train`")
    if not isinstance(data.get("regressor"), IPCRegressor) or not data.get("feature_names"):
        raise InputError("model file lacks its regressor or feature names", path=str(p))
    return data


# ----- training and prediction on data-set rows ------------------------------------------------------

def train_bundle(df, *, features: str = "all", target: str = "ratio", model: str = "gbt",
                 command: str = "", data_path: str = "", **params) -> dict:
    """Fit an `IPCRegressor` on data-set rows (a DataFrame with `full_ipc`, `workload` and feature
    columns); intervals are calibrated on held-out workloads (group k-fold). Returns a bundle for `save_model`."""
    from ipc_predict.features import FEATURE_SETS, feature_names, matrix

    # Rows whose trace was shorter than the slice budget were simulated in full (slice IPC = full
    # IPC): they say nothing about the sampling error and would pull the correction and the
    # interval towards zero, so they are left out of the fit when sliced rows exist.
    full_rows = df["slice_full"].astype(bool).to_numpy() if "slice_full" in df else np.zeros(len(df), bool)
    if full_rows.any() and (~full_rows).any():
        df = df[~full_rows]
    names = feature_names(df.columns, FEATURE_SETS[features])
    if target == "ratio":
        if "slice_ipc" not in names:
            raise ValueError("target 'ratio' needs the slice_ipc feature (feature set 'all')")
        base = names.index("slice_ipc")
    elif target == "direct":
        base = None
    else:
        raise ValueError(f"unknown target {target!r} (ratio or direct)")
    X = matrix(df, names)
    y = df["full_ipc"].to_numpy(dtype=float)
    reg = IPCRegressor(model=model, base_feature=base, **params).fit(X, y, groups=df["workload"].to_numpy())
    cfg_cols = [i for i, n in enumerate(names) if n.startswith("cfg_")]
    from ipc_predict import slices as S

    full = df["slice_full"].astype(bool) if "slice_full" in df else np.zeros(len(df), bool)
    sliced = df[~np.asarray(full)] if (~np.asarray(full)).any() else df

    def first(col, default):
        return type(default)(sliced[col].iloc[0]) if col in sliced and len(sliced) else default

    plan = {"method": first("slice_method", S.DEFAULT_METHOD), "n_slices": first("plan_n_slices", S.DEFAULT_SLICES),
            "length": first("plan_length", S.DEFAULT_LENGTH), "warmup": first("plan_warmup", S.DEFAULT_WARMUP)}
    return {"regressor": reg, "feature_names": names, "cfg_columns": cfg_cols, "features": features,
            "target": target,
            "train": {"command": command, "data": data_path, "rows": int(len(df)),
                      "full_simulation_rows_left_out": int(full_rows.sum()) if (~full_rows).any() else 0,
                      "workloads": sorted(set(map(str, df["workload"]))),
                      "simulator_versions": sorted(set(map(str, df.get("simulator_version", ["?"])))),
                      "interval_scale": reg.interval_scale_, "shrink": reg.shrink_,
                      "uncalibrated_coverage": reg.calibration_coverage_, "slices": plan}}


def predict_rows(bundle: dict, rows) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(ipc, low, high, out_of_range) for data-set rows (DataFrame or list of dicts); rows whose
    configuration lies outside the training range get a doubled interval."""
    from ipc_predict.features import matrix

    X = matrix(rows, bundle["feature_names"])
    reg: IPCRegressor = bundle["regressor"]
    oor = reg.out_of_range(X, bundle["cfg_columns"])
    mid, lo, hi = reg.predict_interval(X, widen=oor)
    return mid, lo, hi, oor


def out_of_range_detail(bundle: dict, row: dict) -> list[str]:
    """'name=value outside [low, high]' for each configuration feature out of the training range."""
    reg: IPCRegressor = bundle["regressor"]
    out = []
    for i in bundle["cfg_columns"]:
        n = bundle["feature_names"][i]
        v = row.get(n)
        if v is None:
            continue
        if v < reg.range_low_[i] - 1e-9 or v > reg.range_high_[i] + 1e-9:
            out.append(f"{n[4:]}={v:g} outside [{reg.range_low_[i]:g}, {reg.range_high_[i]:g}]")
    return out


def predict_trace(trace, configs: list, bundle: dict, *, on_message=None) -> list[dict]:
    """Predict the full-run IPC of `trace` under each (name, CoreConfig) in `configs`.

    The trace is profiled (sidecar) and its slices cut once, with the slice budget the model was
    trained with; then per configuration the slices are simulated and the model applied. `seconds`
    per configuration is that slice simulation plus the prediction. When the trace is shorter than
    the budget it is simulated in full and the simulated IPC is returned (interval of width 0)."""
    import time

    from ipc_predict.dataset import prepare_trace
    from ipc_predict.features import config_features
    from ipc_predict.slices import simulate_slices

    say = on_message or (lambda _m: None)
    plan = bundle["train"]["slices"]
    t0 = time.perf_counter()
    prof, ss = prepare_trace(trace, method=plan["method"], n_slices=plan["n_slices"], length=plan["length"],
                             warmup=plan["warmup"], on_message=say)
    setup = time.perf_counter() - t0
    out = []
    for name, cfg in configs:
        t1 = time.perf_counter()
        sres = simulate_slices(ss, cfg)
        row = {**prof.features(), **sres.features(), **config_features(cfg)}
        if sres.full:
            ipc = lo = hi = sres.ipc
            oor = False
        else:
            m, l, h, o = predict_rows(bundle, [row])
            ipc, lo, hi, oor = float(m[0]), float(l[0]), float(h[0]), bool(o[0])
            if oor:
                say(f"{name}: outside the model's training range ({'; '.join(out_of_range_detail(bundle, row))}); "
                    "interval widened x2")
        out.append({"config": str(name), "ipc": ipc, "ipc_low": lo, "ipc_high": hi, "slice_ipc": sres.ipc,
                    "slice_instructions": sres.detailed_instructions, "warm_instructions": sres.warm_instructions,
                    "full_simulation": bool(sres.full), "out_of_range": oor,
                    "seconds": time.perf_counter() - t1})
    for o in out:
        o["setup_seconds"] = setup  # profile (or its sidecar) + slice files, once per trace
    return out
