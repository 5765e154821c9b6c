"""Trace profile: one vectorised pass over a ChampSim trace, no timing model.

    trace ──read once──▶ TraceProfile (BBVs per interval, instruction mix, branch taken rate,
                          memory footprint, reuse-time histogram, dependency distances)
          ──▶ sidecar TRACE.profile.npz, keyed by the trace's SHA-256

All rates are per kilo-instruction (PKI) unless named otherwise. `load_or_build_profile` reuses the
sidecar when its key matches the trace's hash; a stale or unreadable sidecar is rebuilt and the
`on_message` callback is told why.

Reuse: the histogram counts, for each memory access, the number of *accesses* since the previous
access to the same 64-byte line (reuse time, in log2 bins). Reuse time is an upper bound on the
stack (reuse) distance and is computable with one sort; the exact stack distance needs a tree per
access and is not worth a second pass here.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from ipc_predict.traces import read_trace

PROFILE_VERSION = 1
DEFAULT_INTERVAL = 100_000  # instructions per BBV interval
BBV_DIMS = 4096  # basic blocks hashed into this many buckets
REUSE_BINS = 24  # log2 bins of reuse time: [0,1), [1,2), [2,4), ... ; the last collects the rest
DEP_BINS = 12  # log2 bins of register dependency distance


def trace_sha256(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def sidecar_path(trace: str | os.PathLike) -> Path:
    return Path(str(trace) + ".profile.npz")


@dataclass(frozen=True)
class TraceProfile:
    """Whole-trace statistics of one trace (see module docstring)."""

    trace_sha256: str
    instructions: int
    interval: int
    bbv: np.ndarray  # (intervals, BBV_DIMS) instruction counts per hashed basic block
    scalars: dict[str, float]  # instruction mix, taken rate, footprints, ... (names below)
    reuse_hist: np.ndarray  # (REUSE_BINS,) fraction of memory accesses per log2 reuse-time bin
    dep_hist: np.ndarray  # (DEP_BINS,) fraction of register sources per log2 dependency-distance bin

    def features(self) -> dict[str, float]:
        """Flat named features for the regressor."""
        out = {f"prof_{k}": float(v) for k, v in self.scalars.items()}
        out.update({f"prof_reuse_{i}": float(v) for i, v in enumerate(self.reuse_hist)})
        out.update({f"prof_dep_{i}": float(v) for i, v in enumerate(self.dep_hist)})
        return out

    def save(self, path: str | os.PathLike) -> None:
        keys = sorted(self.scalars)
        with open(path, "wb") as f:  # np.savez appends .npz to a str name; a file object keeps ours
            np.savez_compressed(
                f, version=np.int64(PROFILE_VERSION), trace_sha256=np.str_(self.trace_sha256),
                instructions=np.int64(self.instructions), interval=np.int64(self.interval), bbv=self.bbv,
                scalar_names=np.array(keys), scalar_values=np.array([self.scalars[k] for k in keys]),
                reuse_hist=self.reuse_hist, dep_hist=self.dep_hist)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "TraceProfile":
        with np.load(path, allow_pickle=False) as z:
            if int(z["version"]) != PROFILE_VERSION:
                raise ValueError(f"profile version {int(z['version'])}, expected {PROFILE_VERSION}")
            return cls(trace_sha256=str(z["trace_sha256"]), instructions=int(z["instructions"]),
                       interval=int(z["interval"]), bbv=z["bbv"],
                       scalars=dict(zip([str(s) for s in z["scalar_names"]], map(float, z["scalar_values"]))),
                       reuse_hist=z["reuse_hist"], dep_hist=z["dep_hist"])


def _log2_hist(values: np.ndarray, bins: int) -> np.ndarray:
    if values.size == 0:
        return np.zeros(bins)
    b = np.minimum(np.floor(np.log2(np.maximum(values, 1))).astype(np.int64) + (values > 0), bins - 1)
    h = np.bincount(b, minlength=bins).astype(np.float64)
    return h / h.sum()


def profile_records(rec: np.ndarray, *, interval: int = DEFAULT_INTERVAL, sha256: str = "") -> TraceProfile:
    """Profile an array of TRACE_DTYPE records."""
    n = int(rec.shape[0])
    if n == 0:
        raise ValueError("empty trace")
    pk = 1000.0 / n
    ip = rec["ip"].astype(np.uint64)
    is_br = rec["is_branch"].astype(bool)
    taken = rec["branch_taken"].astype(bool) & is_br
    src_mem = rec["source_memory"]
    dst_mem = rec["destination_memory"]
    loads = (src_mem != 0).any(axis=1)
    stores = (dst_mem != 0).any(axis=1)

    # Basic blocks end at branches: block id = branches before this instruction; its leader's ip keys it.
    block = np.concatenate(([0], np.cumsum(is_br[:-1])))
    starts = np.flatnonzero(np.concatenate(([True], is_br[:-1])))
    leader_ip = ip[starts][block]
    bucket = ((leader_ip * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(52)).astype(np.int64) % BBV_DIMS
    n_int = (n + interval - 1) // interval
    iv = np.arange(n) // interval
    bbv = np.bincount(iv * BBV_DIMS + bucket, minlength=n_int * BBV_DIMS).reshape(n_int, BBV_DIMS)
    bbv = bbv.astype(np.int32)

    # Memory: accesses in program order (sources before destinations within an instruction).
    mem = np.concatenate([src_mem, dst_mem], axis=1).reshape(-1)
    mem = mem[mem != 0]
    lines = mem >> np.uint64(6)
    pages = mem >> np.uint64(12)
    order = np.argsort(lines, kind="stable")
    sl = lines[order]
    same = sl[1:] == sl[:-1]
    reuse = (order[1:] - order[:-1])[same]  # accesses between consecutive uses of one line
    cold = int(lines.size - same.sum())

    # Register dependency distance: instructions since the last writer of each source register.
    dst = rec["destination_registers"]
    src = rec["source_registers"]
    idx = np.arange(n)
    dists = []
    for r in np.unique(src[src != 0]):
        w = np.flatnonzero((dst == r).any(axis=1))
        if w.size == 0:
            continue
        readers = np.flatnonzero((src == r).any(axis=1))
        k = np.searchsorted(w, readers, side="left") - 1  # last write strictly before the reader
        ok = k >= 0
        dists.append(readers[ok] - w[k[ok]])
    dep = np.concatenate(dists) if dists else np.zeros(0, dtype=np.int64)
    del idx

    n_br = int(is_br.sum())
    scalars = {
        "branch_pki": n_br * pk,
        "taken_rate": float(taken.sum()) / n_br if n_br else 0.0,
        "load_pki": float(loads.sum()) * pk,
        "store_pki": float(stores.sum()) * pk,
        "mem_access_pki": float(mem.size) * pk,
        "code_lines": float(np.unique(ip >> np.uint64(6)).size),
        "data_lines": float(np.unique(lines).size),
        "data_pages": float(np.unique(pages).size),
        "cold_access_pki": cold * pk,
        "mean_block_len": n / max(1, starts.size),
        "dep_mean": float(dep.mean()) if dep.size else 0.0,
        "dep1_frac": float((dep == 1).mean()) if dep.size else 0.0,
        "log10_instructions": float(np.log10(n)),
    }
    return TraceProfile(trace_sha256=sha256, instructions=n, interval=interval, bbv=bbv, scalars=scalars,
                        reuse_hist=_log2_hist(reuse, REUSE_BINS), dep_hist=_log2_hist(dep, DEP_BINS))


def build_profile(trace: str | os.PathLike, *, interval: int = DEFAULT_INTERVAL) -> TraceProfile:
    """Profile a trace file (reads it whole into memory: 64 bytes per instruction)."""
    return profile_records(read_trace(trace), interval=interval, sha256=trace_sha256(trace))


def load_or_build_profile(trace: str | os.PathLike, *, interval: int = DEFAULT_INTERVAL,
                          on_message: Callable[[str], None] | None = None,
                          sha256: str | None = None) -> TraceProfile:
    """The trace's profile from its sidecar, or built (and saved) when absent, stale or corrupt."""
    say = on_message or (lambda _m: None)
    side = sidecar_path(trace)
    digest = sha256 or trace_sha256(trace)
    if side.exists():
        try:
            prof = TraceProfile.load(side)
        except Exception as exc:  # any unreadable sidecar is rebuilt, never trusted
            say(f"{side}: corrupt profile ({type(exc).__name__}), rebuilding")
        else:
            if prof.trace_sha256 == digest and prof.interval == interval:
                return prof
            say(f"{side}: stale profile (trace or interval changed), rebuilding")
    prof = profile_records(read_trace(trace), interval=interval, sha256=digest)
    try:
        prof.save(side)
    except OSError as exc:
        say(f"{side}: cannot write profile ({exc.strerror or exc}); continuing without a sidecar")
    return prof
