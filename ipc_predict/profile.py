"""Trace profile: one vectorised pass over a ChampSim trace, no timing model.

    trace ──streamed once──▶ TraceProfile (BBVs per interval, instruction mix, branch taken rate,
                          memory footprint, reuse-time histogram, dependency distances)
          ──▶ sidecar TRACE.profile.npz, keyed by the trace's SHA-256

All rates are per kilo-instruction (PKI) unless named otherwise. `load_or_build_profile` reuses the
sidecar when its key matches the trace's hash; a stale or unreadable sidecar is rebuilt and the
`on_message` callback is told why.

Branches: `taken_rate`; predictability as `branch_bias` (the share of executions that follow their
ip's majority direction: what a perfect static predictor gets right) and `branch_flip_rate` (the share
that differ from the same ip's previous outcome: a last-outcome predictor's miss rate).

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
from numba import njit

from ipc_predict.traces import prefetch_chunks, read_trace_chunks

PROFILE_VERSION = 2
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


def _log2_bins(values: np.ndarray, bins: int) -> np.ndarray:
    """Counts per log2 bin: [0,1), [1,2), [2,4), ...; the last bin collects the rest."""
    if values.size == 0:
        return np.zeros(bins)
    b = np.minimum(np.floor(np.log2(np.maximum(values, 1))).astype(np.int64) + (values > 0), bins - 1)
    return np.bincount(b, minlength=bins).astype(np.float64)


def _log2_hist(values: np.ndarray, bins: int) -> np.ndarray:
    h = _log2_bins(values, bins)
    return h / h.sum() if h.sum() else h


def _normalised(h: np.ndarray) -> np.ndarray:
    s = h.sum()
    return h / s if s else h


def _uniq(a: np.ndarray) -> np.ndarray:
    """Sorted distinct values (a sort and a compare: faster than np.unique's hash on big arrays)."""
    a = np.sort(a, kind="stable")
    return a[np.concatenate(([True], a[1:] != a[:-1]))] if a.size else a


def _merge_last(keys: np.ndarray, vals: np.ndarray, new_keys: np.ndarray, new_vals: np.ndarray):
    """Sorted unique (keys, vals) updated with (new_keys, new_vals); the new value wins per key."""
    k = np.concatenate([new_keys, keys])
    v = np.concatenate([new_vals, vals])
    uk, first = np.unique(k, return_index=True)  # first occurrence = the new value where present
    return uk, v[first]


@njit(cache=True, nogil=True)
def _dependency_kernel(src, dst, base, last_writer, dep_counts, out):
    """For each instruction i and each distinct non-zero source register r: distance i - last
    writer of r (when there is one) into the log2 bins of `dep_counts` (as `_log2_bins`); then its
    destination registers become written at i. `out`: [count, count at distance 1, sum]."""
    bins = dep_counts.shape[0]
    for i in range(src.shape[0]):
        g = base + i
        for j in range(src.shape[1]):
            r = src[i, j]
            if r == 0:
                continue
            dup = False
            for k in range(j):
                if src[i, k] == r:
                    dup = True
            if dup or last_writer[r] < 0:
                continue
            d = g - last_writer[r]
            b = 0
            v = d
            while v > 0:  # bit length = floor(log2 d) + 1 for d >= 1
                b += 1
                v >>= 1
            dep_counts[min(b, bins - 1)] += 1.0
            out[0] += 1
            if d == 1:
                out[1] += 1
            out[2] += d
        for j in range(dst.shape[1]):
            r = dst[i, j]
            if r != 0:
                last_writer[r] = g


_HASH_MUL = np.uint64(0x9E3779B97F4A7C15)


@njit(cache=True, nogil=True)
def _table_insert(keys, last, key, value):
    """Open addressing (linear probing) in a power-of-two table; key 0 marks an empty slot.
    Returns the previous value of `key` (-1 when new) and stores `value`."""
    mask = np.uint64(keys.shape[0] - 1)
    h = ((key * _HASH_MUL) >> np.uint64(29)) & mask
    while True:
        k = keys[h]
        if k == key:
            old = last[h]
            last[h] = value
            return old
        if k == 0:
            keys[h] = key
            last[h] = value
            return -1
        h = (h + np.uint64(1)) & mask


@njit(cache=True, nogil=True)
def _grown(keys, last):
    nk = np.zeros(keys.shape[0] * 2, dtype=np.uint64)
    nl = np.zeros(keys.shape[0] * 2, dtype=np.int64)
    for j in range(keys.shape[0]):
        if keys[j] != 0:
            _table_insert(nk, nl, keys[j], last[j])
    return nk, nl


@njit(cache=True, nogil=True)
def _memory_kernel(src_mem, dst_mem, g0, keys, last, pkeys, plast, used, pused, reuse_counts, out):
    """One pass over a chunk's memory slots in program order (a record's loads, then its stores):
    the reuse time of each access (accesses since the previous access to the same 64-byte line, into
    the log2 bins of `reuse_counts`, as `_log2_bins`), with hash tables line + 1 -> last access index
    and page + 1 -> seen, grown at half load; access i of the chunk has global index g0 + i.
    out += [records with a load, records with a store, accesses, cold accesses].
    Returns (keys, last, pkeys, plast, used, pused)."""
    bins = reuse_counts.shape[0]
    g = g0
    for r in range(src_mem.shape[0]):
        any_load = False
        for j in range(src_mem.shape[1] + dst_mem.shape[1]):
            a = src_mem[r, j] if j < src_mem.shape[1] else dst_mem[r, j - src_mem.shape[1]]
            if a == 0:
                continue
            if j < src_mem.shape[1]:
                any_load = True
            if 2 * (used + 1) > keys.shape[0]:
                keys, last = _grown(keys, last)
            if 2 * (pused + 1) > pkeys.shape[0]:
                pkeys, plast = _grown(pkeys, plast)
            if _table_insert(pkeys, plast, (a >> np.uint64(12)) + np.uint64(1), 1) < 0:
                pused += 1
            prev = _table_insert(keys, last, (a >> np.uint64(6)) + np.uint64(1), g)
            out[2] += 1
            if prev < 0:
                out[3] += 1
                used += 1
            else:
                d = g - prev
                b = 0
                while d > 0:
                    b += 1
                    d >>= 1
                reuse_counts[min(b, bins - 1)] += 1.0
            g += 1
        if any_load:
            out[0] += 1
        for j in range(dst_mem.shape[1]):
            if dst_mem[r, j] != 0:
                out[1] += 1
                break
    return keys, last, pkeys, plast, used, pused


class _Accumulator:
    """Streaming state of one profiling pass: feed chunks in trace order with `add`, then `finish`.

    State carried between chunks is what keeps the statistics exact across chunk boundaries: the
    current basic block's leader, the last access index of every data line (reuse time), the last
    writer of every register (dependency distance) and the last outcome of every branch ip.
    """

    def __init__(self, interval: int):
        self.interval = interval
        self.n = 0
        self.bbv_rows: list[np.ndarray] = []  # finished intervals
        self.bbv_cur = np.zeros(BBV_DIMS, dtype=np.int64)
        self.leader_ip = np.uint64(0)
        self.prev_branch = True  # the first record starts a block
        self.blocks = 0
        self.counts = dict(branches=0, taken=0, loads=0, stores=0, mem=0, cold=0, dep_one=0, dep_n=0,
                           flips=0, cond_seen=0)
        self.dep_sum = 0.0
        self.reuse_counts = np.zeros(REUSE_BINS)
        self.dep_counts = np.zeros(DEP_BINS)
        self.n_access = 0
        self.line_keys = np.zeros(0, dtype=np.uint64)  # sorted tables of the NumPy reference (_memory_numpy)
        self.line_last = np.zeros(0, dtype=np.int64)
        self.line_table = np.zeros(1 << 16, dtype=np.uint64)  # hash table of the compiled path: line + 1
        self.line_table_last = np.zeros(1 << 16, dtype=np.int64)  # ... -> last access index
        self.lines_seen = 0
        self.page_table = np.zeros(1 << 12, dtype=np.uint64)  # page + 1, compiled path
        self.page_table_seen = np.zeros(1 << 12, dtype=np.int64)
        self.pages_seen = 0
        self.pages = np.zeros(0, dtype=np.uint64)
        self.code_lines = np.zeros(0, dtype=np.uint64)
        self.last_writer = np.full(256, -1, dtype=np.int64)
        self.br_keys = np.zeros(0, dtype=np.uint64)
        self.br_last = np.zeros(0, dtype=np.int8)
        self.br_taken: dict[int, int] = {}
        self.br_total: dict[int, int] = {}

    # ----- one chunk ------------------------------------------------------------------------------
    def add(self, rec: np.ndarray) -> None:
        m = int(rec.shape[0])
        if m == 0:
            return
        ip = rec["ip"].astype(np.uint64)
        is_br = rec["is_branch"].astype(bool)
        self._blocks(ip, is_br)
        self._branches(ip, is_br, rec["branch_taken"].astype(bool) & is_br)
        self._memory(rec)
        self._dependencies(rec)
        self.code_lines = _uniq(np.concatenate([self.code_lines, _uniq(ip >> np.uint64(6))]))
        self.n += m

    def _blocks(self, ip: np.ndarray, is_br: np.ndarray) -> None:
        m = ip.shape[0]
        starts_flag = np.concatenate(([self.prev_branch], is_br[:-1]))
        starts = np.flatnonzero(starts_flag)
        block = np.cumsum(starts_flag) - 1  # -1: still in the block carried over from the last chunk
        leaders = np.concatenate(([self.leader_ip], ip[starts]))[block + 1]
        if starts.size:
            self.leader_ip = ip[starts[-1]]
        self.prev_branch = bool(is_br[-1])
        self.blocks += int(starts.size)
        bucket = ((leaders * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(52)).astype(np.int64) % BBV_DIMS
        iv = (self.n + np.arange(m)) // self.interval - len(self.bbv_rows)  # 0 = the open interval
        counts = np.bincount(iv * BBV_DIMS + bucket, minlength=(int(iv[-1]) + 1) * BBV_DIMS)
        counts = counts.reshape(-1, BBV_DIMS)
        self.bbv_cur += counts[0]
        for row in counts[1:]:
            self.bbv_rows.append(self.bbv_cur.astype(np.int32))
            self.bbv_cur = row.astype(np.int64)
        if (self.n + m) % self.interval == 0:
            self.bbv_rows.append(self.bbv_cur.astype(np.int32))
            self.bbv_cur = np.zeros(BBV_DIMS, dtype=np.int64)

    def _branches(self, ip: np.ndarray, is_br: np.ndarray, taken: np.ndarray) -> None:
        c = self.counts
        c["branches"] += int(is_br.sum())
        c["taken"] += int(taken.sum())
        bip = ip[is_br]
        if bip.size == 0:
            return
        bt = taken[is_br].astype(np.int8)
        # static bias: taken / total per branch ip
        u, inv = np.unique(bip, return_inverse=True)
        t = np.bincount(inv, weights=bt, minlength=u.size)
        tot = np.bincount(inv, minlength=u.size)
        for k, tk, tt in zip(u.tolist(), t.tolist(), tot.tolist()):
            self.br_taken[k] = self.br_taken.get(k, 0) + int(tk)
            self.br_total[k] = self.br_total.get(k, 0) + int(tt)
        # last-outcome predictor: an execution whose outcome differs from that ip's previous one
        order = np.argsort(bip, kind="stable")
        sb, st = bip[order], bt[order]
        first = np.concatenate(([True], sb[1:] != sb[:-1]))
        prev = np.empty_like(st)
        prev[1:] = st[:-1]
        pos = np.searchsorted(self.br_keys, sb[first])
        known = (pos < self.br_keys.size) & (self.br_keys[np.minimum(pos, max(0, self.br_keys.size - 1))]
                                             == sb[first]) if self.br_keys.size else np.zeros(pos.size, bool)
        prev_first = np.full(pos.size, -1, dtype=np.int8)
        prev_first[known] = self.br_last[pos[known]]
        prev[first] = prev_first
        valid = prev >= 0
        c["flips"] += int((prev[valid] != st[valid]).sum())
        c["cond_seen"] += int(valid.sum())
        last = np.concatenate((first[1:], [True]))
        self.br_keys, self.br_last = _merge_last(self.br_keys, self.br_last, sb[last], st[last])

    def _memory(self, rec: np.ndarray) -> None:
        """Loads, stores, accesses, reuse times, cold accesses, pages: one compiled loop."""
        out = np.zeros(4, dtype=np.int64)
        (self.line_table, self.line_table_last, self.page_table, self.page_table_seen, self.lines_seen,
         self.pages_seen) = _memory_kernel(
            rec["source_memory"], rec["destination_memory"], np.int64(self.n_access), self.line_table,
            self.line_table_last, self.page_table, self.page_table_seen, self.lines_seen, self.pages_seen,
            self.reuse_counts, out)
        c = self.counts
        c["loads"] += int(out[0])
        c["stores"] += int(out[1])
        c["mem"] += int(out[2])
        c["cold"] += int(out[3])
        self.n_access += int(out[2])

    def _memory_numpy(self, rec: np.ndarray) -> None:
        """The same statistics by sorting each chunk's accesses and merging sorted line tables (the
        reference the compiled loop is tested against; `line_keys.size` lines seen)."""
        src_mem, dst_mem = rec["source_memory"], rec["destination_memory"]
        c = self.counts
        c["loads"] += int((src_mem != 0).any(axis=1).sum())
        c["stores"] += int((dst_mem != 0).any(axis=1).sum())
        mem = np.concatenate([src_mem, dst_mem], axis=1).reshape(-1)  # program order, loads first
        mem = mem[mem != 0]
        c["mem"] += int(mem.size)
        if mem.size == 0:
            return
        lines = mem >> np.uint64(6)
        g = self.n_access + np.arange(lines.size, dtype=np.int64)  # global access index
        order = np.argsort(lines, kind="stable")
        sl, sg = lines[order], g[order]
        same = sl[1:] == sl[:-1]
        self.reuse_counts += _log2_bins((sg[1:] - sg[:-1])[same], REUSE_BINS)
        first = np.concatenate(([True], ~same))
        fl, fg = sl[first], sg[first]
        pos = np.searchsorted(self.line_keys, fl)
        posc = np.minimum(pos, max(0, self.line_keys.size - 1))
        known = (pos < self.line_keys.size) & (self.line_keys[posc] == fl) if self.line_keys.size \
            else np.zeros(fl.size, bool)
        self.reuse_counts += _log2_bins(fg[known] - self.line_last[posc[known]], REUSE_BINS)
        c["cold"] += int((~known).sum())
        last = np.concatenate((~same, [True]))
        self.line_keys, self.line_last = _merge_last(self.line_keys, self.line_last, sl[last], sg[last])
        self.pages = _uniq(np.concatenate([self.pages, _uniq(mem >> np.uint64(12))]))
        self.n_access += int(lines.size)

    def _dependencies(self, rec: np.ndarray) -> None:
        """Distance from each (instruction, distinct source register) to that register's last writer
        (a read comes before a write of the same instruction): one compiled loop over the chunk."""
        dst, src = rec["destination_registers"], rec["source_registers"]  # strided views, no copies
        out = np.zeros(3, dtype=np.int64)  # reads with a writer, reads at distance 1, sum of distances
        _dependency_kernel(src, dst, np.int64(self.n), self.last_writer, self.dep_counts, out)
        self.counts["dep_n"] += int(out[0])
        self.counts["dep_one"] += int(out[1])
        self.dep_sum += float(out[2])

    def _dependencies_numpy(self, rec: np.ndarray) -> None:
        """The same statistics by one sort of read and write events per chunk (the reference the
        compiled loop is tested against)."""
        dst, src = rec["destination_registers"], rec["source_registers"]
        m, base = int(rec.shape[0]), self.n
        span = 2 * m + 2
        idx = np.arange(m, dtype=np.int64)
        reads = _uniq((src.astype(np.int64) * span + 2 * idx[:, None])[src != 0])
        writes = _uniq((dst.astype(np.int64) * span + 2 * idx[:, None] + 1)[dst != 0])
        if writes.size:
            wreg = writes // span
            wlast = np.unique(wreg[::-1], return_index=True)  # last write per register
            self_last = (writes[::-1][wlast[1]] % span - 1) // 2 + base
        ev = np.concatenate([reads, writes])
        ev.sort()
        reg = ev // span
        is_w = (ev & 1).astype(bool)
        ev_idx = (ev % span) // 2
        marker = np.where(is_w, reg * span + ev_idx + 1, reg * span)  # >= reg*span; +1.. for writes
        run = np.maximum.accumulate(marker)
        r_mask = ~is_w
        rreg, ridx = reg[r_mask], ev_idx[r_mask]
        lw = run[r_mask] - rreg * span - 1  # in-chunk last writer, or -1 (none in this chunk)
        wr = np.where(lw >= 0, lw + base, self.last_writer[rreg])
        ok = wr >= 0
        dep = (ridx + base)[ok] - wr[ok]
        if writes.size:
            self.last_writer[wlast[0]] = self_last
        if dep.size:
            self.dep_counts += _log2_bins(dep, DEP_BINS)
            self.counts["dep_n"] += int(dep.size)
            self.counts["dep_one"] += int((dep == 1).sum())
            self.dep_sum += float(dep.sum())

    # ----- the profile ----------------------------------------------------------------------------
    def finish(self, sha256: str) -> "TraceProfile":
        n = self.n
        if n == 0:
            raise ValueError("empty trace")
        rows = list(self.bbv_rows)
        if n % self.interval:
            rows.append(self.bbv_cur.astype(np.int32))
        c, pk = self.counts, 1000.0 / n
        tot = sum(self.br_total.values())
        bias = sum(max(t, self.br_total[k] - t) for k, t in self.br_taken.items()) / tot if tot else 1.0
        scalars = {
            "branch_pki": c["branches"] * pk,
            "taken_rate": c["taken"] / c["branches"] if c["branches"] else 0.0,
            "branch_bias": bias,
            "branch_flip_rate": c["flips"] / c["cond_seen"] if c["cond_seen"] else 0.0,
            "branch_flip_pki": c["flips"] * pk,
            "branch_sites": float(len(self.br_total)),
            "load_pki": c["loads"] * pk,
            "store_pki": c["stores"] * pk,
            "mem_access_pki": c["mem"] * pk,
            "code_lines": float(self.code_lines.size),
            "data_lines": float(max(self.lines_seen, self.line_keys.size)),
            "data_pages": float(max(self.pages_seen, self.pages.size)),
            "cold_access_pki": c["cold"] * pk,
            "mean_block_len": n / max(1, self.blocks),
            "dep_mean": self.dep_sum / c["dep_n"] if c["dep_n"] else 0.0,
            "dep1_frac": c["dep_one"] / c["dep_n"] if c["dep_n"] else 0.0,
            "dep_pki": c["dep_n"] * pk,
            "log10_instructions": float(np.log10(n)),
        }
        return TraceProfile(trace_sha256=sha256, instructions=n, interval=self.interval,
                            bbv=np.stack(rows), scalars=scalars,
                            reuse_hist=_normalised(self.reuse_counts), dep_hist=_normalised(self.dep_counts))


PROFILE_CHUNK = 1 << 20  # records per profiling step (64 MiB): fewer merges of the line table


def profile_records(rec: np.ndarray, *, interval: int = DEFAULT_INTERVAL, sha256: str = "",
                    chunk_records: int = PROFILE_CHUNK) -> TraceProfile:
    """Profile an array of TRACE_DTYPE records (in steps of `chunk_records`; the result does not
    depend on the step)."""
    acc = _Accumulator(interval)
    for i in range(0, int(rec.shape[0]), chunk_records):
        acc.add(rec[i:i + chunk_records])
    return acc.finish(sha256)


def profile_chunks(chunks, *, interval: int = DEFAULT_INTERVAL, sha256: str = "") -> TraceProfile:
    """Profile a stream of TRACE_DTYPE chunks (in trace order)."""
    acc = _Accumulator(interval)
    for ch in chunks:
        acc.add(ch)
    return acc.finish(sha256)


def build_profile(trace: str | os.PathLike, *, interval: int = DEFAULT_INTERVAL,
                  sha256: str | None = None) -> TraceProfile:
    """Profile a trace file, streamed: memory is one chunk plus the footprint tables (one entry per
    distinct data line, page, code line and branch ip), not the trace."""
    chunks = prefetch_chunks(read_trace_chunks(trace, PROFILE_CHUNK))
    return profile_chunks(chunks, interval=interval, sha256=sha256 or trace_sha256(trace))


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
    prof = build_profile(trace, interval=interval, sha256=digest)
    try:
        prof.save(side)
    except OSError as exc:
        say(f"{side}: cannot write profile ({exc.strerror or exc}); continuing without a sidecar")
    return prof
