"""Simulation slices: choose them from a trace's profile, cut them out once, simulate them per configuration.

    profile ──select_slices──▶ SlicePlan (start, weight of each slice; warm-up and detailed length)
    trace ──extract_slices (one streamed pass)──▶ TRACE.slices/<key>/slice_NN.champsimtrace + manifest.json
    SliceSet × CoreConfig ──simulate_slices──▶ SliceResult (weighted IPC, MPKI, stall fractions)

Each slice file holds `warmup` records of functional warming (caches, prefetchers, predictors; no
time passes) followed by `length` records simulated in detail. Files are raw (uncompressed) records,
so a later configuration reads `slices × (warmup + length) × 64` bytes and never decompresses the
trace again.

Selection methods (the detailed budget is `n_slices × length` instructions in all of them):

- ``first``: one contiguous slice of `n_slices × length` after `warmup` instructions of warming;
- ``even``: `n_slices` slices evenly spaced over the trace, equal weights (SMARTS-like systematic
  sampling, but with a bounded warm-up window instead of continuous warming);
- ``simpoint``: the basic-block vector of every profile interval, normalised, randomly projected to
  15 dimensions, clustered by k-means (scikit-learn, k = `n_slices`); each cluster is represented by
  the interval nearest its centroid, weighted by the cluster's share of intervals;
- ``stratified`` (default): the same clustering with k = `STRATA_CLUSTERS`, then systematic sampling
  inside each cluster (`_stratified`).

Default budget (`DEFAULT_METHOD`, `DEFAULT_SLICES`, `DEFAULT_LENGTH`, `DEFAULT_WARMUP`): stratified, 12
slices of 25,000 detailed instructions, each after 1,000,000 instructions of functional warming —
300 k detailed + 12 M warmed instructions per configuration. Chosen on the bundled workloads made
long (100 M instructions; docs/ipc_predict.md has the table): 200 k of warming left large caches cold
(errors of 30-120 %), and SimPoint's nearest-centroid pick took the trace's cold first sweep when many
intervals are alike. A trace too short for the slices' windows side by side gets a shorter warm-up
(`fitted_warmup`; the plan keeps the requested one in `warmup_requested`), and a trace of fewer than
`FULL_BELOW` × the detailed budget (1.2 M instructions) is simulated in full (`full=True`).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from ipc_predict.config import CoreConfig
from ipc_predict.profile import TraceProfile
from ipc_predict.simulator import LEVEL_NAMES, STALL_NAMES, SimResult, Simulator
from ipc_predict.traces import RECORD_SIZE, TRACE_DTYPE, prefetch_chunks, read_trace_chunks

SLICES_VERSION = 1
DEFAULT_METHOD = "stratified"
DEFAULT_SLICES = 12
DEFAULT_LENGTH = 25_000
DEFAULT_WARMUP = 1_000_000
FULL_BELOW = 4  # a trace of fewer than FULL_BELOW x the detailed budget is simulated in full
PROJECTION_DIMS = 15  # SimPoint's random projection
METHODS = ("stratified", "simpoint", "even", "first")
STRATA_CLUSTERS = 6  # phases (k-means clusters) of the stratified method


@dataclass(frozen=True)
class SlicePlan:
    """Which parts of a trace to simulate: `starts[i]` is the first detailed instruction of slice i,
    preceded by `min(warmup, starts[i])` warmed ones; `weights` sum to 1. `full`: the trace is
    shorter than the budget and is simulated whole (one slice, no warm-up)."""

    method: str
    trace_sha256: str
    trace_instructions: int
    length: int
    warmup: int
    starts: tuple[int, ...]
    weights: tuple[float, ...]
    full: bool = False
    seed: int = 0
    warmup_requested: int | None = None  # the budget's warm-up when `warmup` was shortened to fit the trace

    @property
    def detailed_instructions(self) -> int:
        return self.trace_instructions if self.full else self.length * len(self.starts)

    @property
    def warm_instructions(self) -> int:
        return 0 if self.full else sum(min(self.warmup, s) for s in self.starts)

    def key(self) -> str:
        d = asdict(self)
        return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:16]


def _budget_span(n_slices: int, length: int, warmup: int) -> int:
    return n_slices * (length + warmup)


def fitted_warmup(n: int, n_slices: int, length: int, warmup: int) -> int:
    """The warm-up per slice for a trace of n instructions: the budget's, or shorter so that the
    slices' windows fit the trace side by side (then the warming is about continuous)."""
    return max(0, min(warmup, n // n_slices - length))


def _simpoint(profile: TraceProfile, k: int, length: int, seed: int) -> tuple[list[int], list[float]]:
    from sklearn.cluster import KMeans

    bbv = profile.bbv.astype(np.float64)
    n_iv = bbv.shape[0]
    usable = n_iv if profile.instructions % profile.interval == 0 else n_iv - 1  # last one is short
    usable = max(1, usable)
    x = bbv[:usable]
    x = x / np.maximum(x.sum(axis=1, keepdims=True), 1)
    rng = np.random.default_rng(seed)
    proj = x @ rng.uniform(-1.0, 1.0, size=(x.shape[1], PROJECTION_DIMS))
    k = min(k, usable)
    km = KMeans(n_clusters=k, n_init=5, random_state=seed).fit(proj)
    starts, weights = [], []
    for c in range(k):
        members = np.flatnonzero(km.labels_ == c)
        if members.size == 0:
            continue
        d = ((proj[members] - km.cluster_centers_[c]) ** 2).sum(axis=1)
        rep = int(members[np.argmin(d)])
        # the slice sits at the start of the representative interval (clamped inside the trace)
        starts.append(min(rep * profile.interval, profile.instructions - length))
        weights.append(members.size / usable)
    order = np.argsort(starts)
    return [int(starts[i]) for i in order], [float(weights[i]) for i in order]


def _kmeans_labels(profile: TraceProfile, k: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """(labels, projected BBVs, centroids, usable intervals): SimPoint's clustering of the profile's
    intervals (normalised BBV, random projection, k-means); the short last interval is left out."""
    from sklearn.cluster import KMeans

    bbv = profile.bbv.astype(np.float64)
    n_iv = bbv.shape[0]
    usable = max(1, n_iv if profile.instructions % profile.interval == 0 else n_iv - 1)
    x = bbv[:usable]
    x = x / np.maximum(x.sum(axis=1, keepdims=True), 1)
    rng = np.random.default_rng(seed)
    proj = x @ rng.uniform(-1.0, 1.0, size=(x.shape[1], PROJECTION_DIMS))
    import warnings

    with warnings.catch_warnings():  # fewer distinct phases than k (e.g. one loop) is fine: fewer clusters
        warnings.simplefilter("ignore", category=UserWarning)
        km = KMeans(n_clusters=min(k, usable), n_init=5, random_state=seed).fit(proj)
    return km.labels_, proj, km.cluster_centers_, usable


def _allocate(weights: np.ndarray, n: int) -> np.ndarray:
    """n slices over clusters in proportion to their weights, at least one each (largest remainder)."""
    k = weights.size
    alloc = np.ones(k, dtype=np.int64)
    extra = n - k
    if extra > 0:
        want = weights * n - 1.0
        base = np.floor(np.maximum(want, 0) * extra / max(np.maximum(want, 0).sum(), 1e-12)).astype(np.int64)
        alloc += base
        rest = extra - int(base.sum())
        order = np.argsort(-(np.maximum(want, 0) * extra / max(np.maximum(want, 0).sum(), 1e-12) - base),
                           kind="stable")
        alloc[order[:rest]] += 1
    return alloc


def _stratified(profile: TraceProfile, n: int, clusters: int, length: int, warmup: int,
                seed: int) -> tuple[list[int], list[float]]:
    """SimPoint phases, systematic sampling inside each phase: cluster the intervals (k =
    `clusters`), give each cluster slices in proportion to its share of intervals (at least one),
    and place a cluster's s slices at the centres of s equal strata of its members in trace order,
    each weighted share / s. Unlike one representative nearest the centroid, this does not pick the
    first of many identical intervals (the trace's cold start) and it averages the drift inside a
    phase; unlike evenly spaced slices it does not miss a short phase or land on the trace's ends."""
    labels, _, _, usable = _kmeans_labels(profile, min(clusters, n), seed)
    ks = np.unique(labels)
    share = np.array([(labels == c).sum() / usable for c in ks])
    alloc = _allocate(share, n)
    starts, weights = [], []
    for c, w, s in zip(ks, share, alloc):
        members = np.flatnonzero(labels == c)  # in trace order
        picks = members[np.minimum(((np.arange(s) + 0.5) * members.size / s).astype(np.int64), members.size - 1)]
        for iv in np.unique(picks):
            start = int(iv) * profile.interval + (profile.interval - length) // 2 if length < profile.interval \
                else int(iv) * profile.interval
            starts.append(min(max(start, 0), profile.instructions - length))
            weights.append(float(w) * float((picks == iv).sum()) / s)
    order = np.argsort(starts, kind="stable")
    return [starts[i] for i in order], [weights[i] for i in order]


def select_slices(profile: TraceProfile, *, method: str = DEFAULT_METHOD, n_slices: int = DEFAULT_SLICES,
                  length: int = DEFAULT_LENGTH, warmup: int = DEFAULT_WARMUP, seed: int = 0) -> SlicePlan:
    """A `SlicePlan` for the profiled trace (see the module docstring for the methods)."""
    if method not in METHODS:
        raise ValueError(f"unknown slice method {method!r} (choose from {', '.join(METHODS)})")
    if n_slices < 1 or length < 1 or warmup < 0:
        raise ValueError("n_slices and length must be >= 1 and warmup >= 0")
    n = profile.instructions
    common = dict(trace_sha256=profile.trace_sha256, trace_instructions=n, seed=seed)
    if n < FULL_BELOW * n_slices * length:
        return SlicePlan(method=method, length=n, warmup=0, starts=(0,), weights=(1.0,), full=True, **common)
    fitted = fitted_warmup(n, n_slices, length, warmup)
    if fitted < warmup:
        common["warmup_requested"] = warmup
        warmup = fitted
    if method == "first":
        starts, weights = [warmup], [1.0]
        length = n_slices * length
    elif method == "even":
        step = (n - warmup - length) / max(1, n_slices - 1) if n_slices > 1 else 0
        starts = [int(warmup + round(i * step)) for i in range(n_slices)]
        weights = [1.0 / n_slices] * n_slices
    elif method == "stratified":
        starts, weights = _stratified(profile, n_slices, STRATA_CLUSTERS, length, warmup, seed)
    else:
        starts, weights = _simpoint(profile, n_slices, length, seed)
    return SlicePlan(method=method, length=length, warmup=warmup, starts=tuple(starts),
                     weights=tuple(weights), **common)


# ----- extraction ---------------------------------------------------------------------------------

@dataclass
class SliceSet:
    """Extracted slices on disk (or the trace itself for a `full` plan)."""

    plan: SlicePlan
    directory: Path | None
    trace: Path

    def files(self) -> list[Path]:
        assert self.directory is not None
        return [self.directory / f"slice_{i:02d}.champsimtrace" for i in range(len(self.plan.starts))]

    def records(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """(warm-up records, detailed records) of slice i: read-only views of its raw file, memory-mapped
        (no copy: a configuration after the first reads the slices from the page cache, ~4x faster than
        reading them into fresh arrays)."""
        f = self.files()[i]
        if f.stat().st_size == 0:
            return np.empty(0, dtype=TRACE_DTYPE), np.empty(0, dtype=TRACE_DTYPE)
        recs = np.memmap(f, dtype=TRACE_DTYPE, mode="r")
        w = min(self.plan.warmup, self.plan.starts[i])
        return recs[:w], recs[w:]

    @property
    def bytes(self) -> int:
        return 0 if self.plan.full else sum(f.stat().st_size for f in self.files())


def slices_dir(trace: str | os.PathLike, plan: SlicePlan) -> Path:
    return Path(str(trace) + ".slices") / plan.key()


def extract_slices(trace: str | os.PathLike, plan: SlicePlan, *,
                   on_message: Callable[[str], None] | None = None) -> SliceSet:
    """Cut the plan's windows out of `trace` in one streamed pass (or reuse them when already cut for
    this plan and trace hash). A full plan needs no files: the trace itself is simulated."""
    trace = Path(trace)
    if plan.full:
        return SliceSet(plan, None, trace)
    d = slices_dir(trace, plan)
    man = d / "manifest.json"
    ss = SliceSet(plan, d, trace)
    if man.is_file():
        try:
            got = json.loads(man.read_text())
            sizes_ok = all(f.stat().st_size == RECORD_SIZE * (min(plan.warmup, s) + plan.length)
                           for f, s in zip(ss.files(), plan.starts))
            if got.get("version") == SLICES_VERSION and got.get("plan") == _plan_json(plan) and sizes_ok:
                return ss
        except (OSError, ValueError):
            pass
        if on_message:
            on_message(f"{d}: stale or incomplete slice files, cutting them again")
    d.mkdir(parents=True, exist_ok=True)
    windows = [(s - min(plan.warmup, s), s + plan.length) for s in plan.starts]
    outs = [open(f, "wb") for f in ss.files()]
    try:
        pos = 0
        end_all = max(e for _, e in windows)
        for chunk in prefetch_chunks(read_trace_chunks(trace, max_records=end_all)):
            lo, hi = pos, pos + chunk.shape[0]
            for (a, b), f in zip(windows, outs):
                if a < hi and b > lo:
                    f.write(chunk[max(a, lo) - lo:min(b, hi) - lo].tobytes())
            pos = hi
    finally:
        for f in outs:
            f.close()
    man.write_text(json.dumps({"version": SLICES_VERSION, "plan": _plan_json(plan)}, indent=1))
    return ss


def _plan_json(plan: SlicePlan) -> dict:
    d = asdict(plan)
    d["starts"] = list(d["starts"])
    d["weights"] = list(d["weights"])
    return d


# ----- simulation ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class SliceResult:
    """Weighted statistics of a plan's detailed slices under one configuration.

    ipc = 1 / Σ w_i CPI_i (weights per slice; CPI averages, IPC does not); MPKI and stall fractions
    (stall cycles / cycles) are weight-averaged. `seconds`: wall-clock of warming + detailed runs."""

    ipc: float
    mpki: dict[str, float]
    branch_mpki: float
    stall_fractions: dict[str, float]
    slice_ipcs: tuple[float, ...]
    detailed_instructions: int
    warm_instructions: int
    seconds: float
    full: bool = False
    extra: dict[str, float] = field(default_factory=dict)

    def features(self) -> dict[str, float]:
        out = {"slice_ipc": self.ipc, "slice_cpi": 1.0 / self.ipc if self.ipc > 0 else 0.0,
               "slice_branch_mpki": self.branch_mpki}
        out.update({f"slice_mpki_{k}": v for k, v in self.mpki.items()})
        out.update({f"slice_stall_{k}": v for k, v in self.stall_fractions.items()})
        ipcs = np.array(self.slice_ipcs)
        out["slice_ipc_spread"] = float(ipcs.std() / ipcs.mean()) if ipcs.size > 1 and ipcs.mean() > 0 else 0.0
        out.update(self.extra)
        return out


def _combine(results: list[SimResult], weights: list[float], seconds: float, full: bool,
             warm: int) -> SliceResult:
    w = np.array(weights, dtype=np.float64)
    w = w / w.sum()
    cpi = np.array([r.cycles / r.instructions if r.instructions else 0.0 for r in results])
    wcpi = float((w * cpi).sum())
    mpki = {k: float(sum(wi * r.mpki[k] for wi, r in zip(w, results))) for k in LEVEL_NAMES}
    stalls = {k: float(sum(wi * (r.stalls.get(k, 0) / r.cycles if r.cycles else 0.0)
                           for wi, r in zip(w, results))) for k in STALL_NAMES}
    dram = sum(r.events.get("dram_requests", 0) for r in results)
    rowhit = sum(r.events.get("dram_row_hits", 0) for r in results)
    loads = sum(r.events.get("loads", 0) for r in results)
    lat = sum(r.events.get("load_latency_cycles", 0) for r in results)
    extra = {"slice_dram_row_hit_rate": rowhit / dram if dram else 0.0,
             "slice_load_latency": lat / loads if loads else 0.0}
    return SliceResult(ipc=1.0 / wcpi if wcpi > 0 else 0.0, mpki=mpki,
                       branch_mpki=float(sum(wi * r.branch_mpki for wi, r in zip(w, results))),
                       stall_fractions=stalls, slice_ipcs=tuple(float(r.ipc) for r in results),
                       detailed_instructions=sum(r.instructions for r in results), warm_instructions=warm,
                       seconds=seconds, full=full, extra=extra)


def simulate_slices(slices: SliceSet, config: CoreConfig | None = None) -> SliceResult:
    """Simulate every slice (functional warming, then detail) with one `Simulator`, in trace order,
    so state also carries over from one slice to the next."""
    import time

    from ipc_predict.simulator import simulate

    t0 = time.perf_counter()
    plan = slices.plan
    if plan.full:
        r = simulate(slices.trace, config)
        return _combine([r], [1.0], time.perf_counter() - t0, True, 0)
    sim = Simulator(config)
    results = []
    warm = 0
    for i in range(len(plan.starts)):
        wrec, drec = slices.records(i)
        sim.warm(wrec)
        warm += wrec.shape[0]
        results.append(sim.run(drec))
    return _combine(results, list(plan.weights), time.perf_counter() - t0, False, warm)
