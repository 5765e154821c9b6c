"""Features of one (trace, configuration) pair for the IPC regressor.

Three groups, told apart by their prefix (a data-set row holds all of them as columns):

- ``cfg_*``: the configuration's parameters — every numeric key of `CoreConfig.to_dict()` flattened
  (`cfg_core.rob_size`, `cfg_l2.size_kib`, ...; booleans as 0/1; the predictor kind and prefetchers
  one-hot), log2 of the cache capacities, and three derived latencies (`memory_latency`,
  `mispredict_cycles`, `dram_cycles`);
- ``prof_*``: the trace profile (`TraceProfile.features()`: mix, branch predictability, footprint,
  reuse and dependency histograms, all per kilo-instruction or as fractions);
- ``slice_*``: the detailed slice runs under this configuration (`SliceResult.features()`: weighted
  IPC and CPI, MPKI per level, branch MPKI, stall fractions, the spread of the slice IPCs).

Only `cfg_*` features can be computed without simulating; a "config-only" baseline uses just those.
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from ipc_predict.config import CoreConfig, PREDICTOR_KINDS, PREFETCHER_KINDS

PREFIXES = ("cfg_", "prof_", "slice_")
# data-set columns that share a prefix but describe the run, not the program or machine
NOT_FEATURES = frozenset({"slice_seconds", "slice_detailed_instructions", "slice_warm_instructions",
                          "slice_full", "slice_method", "slice_instructions", "slice_cycles"})
FEATURE_SETS = {"all": PREFIXES, "config+profile": ("cfg_", "prof_"), "config": ("cfg_",)}


def config_features(cfg: CoreConfig) -> dict[str, float]:
    """Numeric description of a configuration (see the module docstring)."""
    out: dict[str, float] = {}
    for section, values in cfg.to_dict().items():
        if not isinstance(values, Mapping):
            continue
        for key, v in values.items():
            name = f"cfg_{section}.{key}"
            if isinstance(v, bool):
                out[name] = float(v)
            elif isinstance(v, (int, float)):
                out[name] = float(v)
                if key == "size_kib" and v > 0:
                    out[f"cfg_{section}.log2_size_kib"] = math.log2(v)
            elif isinstance(v, str):
                kinds = PREDICTOR_KINDS if key == "kind" else PREFETCHER_KINDS if key == "prefetcher" else (v,)
                for k in kinds:
                    out[f"{name}={k}"] = float(v == k)
    for fn in ("memory_latency", "mispredict_cycles", "dram_cycles"):
        f = getattr(cfg, fn, None)
        if callable(f):
            try:
                out[f"cfg_{fn}"] = float(f())
            except TypeError:  # a signature we do not know: leave the feature out
                pass
    return out


def feature_names(columns: Iterable[str], groups: Sequence[str] = PREFIXES) -> list[str]:
    """The feature columns of a data set, in a stable order, restricted to the given prefixes."""
    return sorted(c for c in columns if c not in NOT_FEATURES and any(c.startswith(g) for g in groups))


def matrix(rows: Sequence[Mapping[str, Any]] | Any, names: Sequence[str]) -> np.ndarray:
    """Rows (dicts or a DataFrame) as a float matrix in `names` order; a missing value is NaN
    (gradient-boosted trees route NaN on their own)."""
    if hasattr(rows, "reindex"):  # a pandas DataFrame
        return rows.reindex(columns=list(names)).to_numpy(dtype=np.float64, na_value=np.nan)
    return np.array([[float(r.get(n, np.nan)) if r.get(n) is not None else np.nan for n in names]
                     for r in rows], dtype=np.float64)
