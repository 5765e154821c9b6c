"""Trace-driven out-of-order core simulator (ChampSim traces in, IPC and per-level MPKI out).

The model computes, for each instruction in program order, the cycle it is fetched, decoded,
dispatched, issued, completed and retired, from:

- in-order stage widths (an instruction cannot pass a stage in the same cycle as the one `width`
  places ahead of it) and buffer sizes (instruction i cannot dispatch before i - ROB retired, a load
  before the load `lq_size` earlier retired, a store before the SQ entry `sq_size` stores earlier
  drained; the scheduler is an exact occupancy count: a heap of the issue cycles of those waiting);
- register dependences through a physical register file of `physical_registers` (a destination
  holds one from rename until the next writer of its register retires), with stack-pointer folding
  and the instruction pointer as a register (as ChampSim), and store-to-load forwarding from
  in-flight stores to the same address;
- issue slots per cycle (execute width, loads and stores per cycle), booked in a table by cycle so
  that a young independent instruction can issue before an old stalled one;
- ITLB/DTLB/STLB with page walks and first-touch faults, and a seeded page map: caches below the L1
  and DRAM see physical addresses;
- a non-inclusive, write-back, set-associative LRU hierarchy (L1I, L1D → L2 → LLC → DRAM) with
  per-level MSHR limits, in-flight lines (a hit on a line still being filled waits for it), optional
  next-line prefetchers, and DRAM with ChampSim's address interleaving over banks, an open row and
  busy time per bank, a bandwidth-limited data bus and write-back bursts with bus turnarounds;
- branch prediction (bimodal, gshare or hashed perceptron; ChampSim's BTB with entry types and its
  history-indexed indirect-target table; return address stack): a mispredicted branch stops fetch
  until it resolves plus `mispredict_penalty`; a direct branch missing from the BTB redirects fetch
  from decode.

Wrong-path instructions are not simulated. See docs/simulator.md for the assumptions and numbers.

    from ipc_predict.simulator import simulate, Simulator
    res = simulate("trace.champsimtrace.xz", warmup=10_000_000, instructions=50_000_000)
    res.ipc, res.mpki["LLC"], res.to_dict()

    sim = Simulator(CoreConfig.default())   # slice by slice, state kept between calls
    sim.warm(chunk0)                        # functional warming: caches, prefetchers, predictors
    slice_stats = sim.run(chunk1)           # detailed; returns this slice's SimResult
    total = sim.result()
"""

from __future__ import annotations

import dataclasses
import math
import os
import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

import numpy as np

from ipc_predict import sim_kernel as K
from ipc_predict.config import CACHE_LEVELS, CoreConfig
from ipc_predict.traces import DEFAULT_CHUNK_RECORDS, TRACE_DTYPE, prefetch_chunks, read_trace_chunks

# Bumped whenever a change alters simulated timing (data-set rows record it).
SIMULATOR_VERSION = "15"
# 2: physical register file limit, stack-pointer folding, IP-register dependences
# 3: page map, ChampSim DRAM mapping over 32 banks with bank busy time, dirty-line write-backs
# 4: ITLB/DTLB/STLB, page walks through the L1D, first-touch (minor fault) penalties
# 5: ChampSim's BTB (8-way, ip >> 2), indirect-target predictor with history, bimodal ip % prime
# 6: TLB lookups overlap the L1 latency (the tag check waits for the later of the two)
# 7: page-map seed 1 by default (ChampSim's randomization = 1)
# 8: BTB entry types: a conditional hitting a non-conditional entry is predicted taken
# 9: DRAM write queue drained in bursts with a tRAS bus turnaround each way
# 10: returns enter the BTB too (type RETURN), as in ChampSim
# 11: stores write the L1D at retirement through the L1D write queue
# 12: DRAM refresh (every 3.9 us each bank closes its row and is busy for tRFC); store-to-load
#     forwarding at the store's completion (store_forward 0, as ChampSim)
# 13: store_forward 1 (from the later of the load's issue and the store's completion); loads also
#     forward from retired stores still in the L1D write queue (ChampSim's channel)
# 14: L1D tag-check bandwidth (ChampSim max_tag_check x hit latency in flight: 4 per 3 cycles),
#     shared by loads and retired stores' writes
# 15: with stores_write_at_retire a store's address is translated when it writes (after retiring,
#     in the L1D write queue), as ChampSim's L1D does, not at execute

LEVEL_NAMES = ("L1I", "L1D", "L2", "LLC")
STALL_NAMES = K.STALL_NAMES


@dataclass(frozen=True)
class SimResult:
    """Statistics of a detailed simulation (or of one slice of it).

    `mpki`: demand misses per 1000 instructions per level (L1I, L1D, L2, LLC; prefetches excluded).
    `branch_mpki`: mispredicted branches (direction, indirect target or return) per 1000 instructions.
    `stalls`: cycles attributed to what held back dispatch — 'base' is dispatching at full width,
    the others name the limit that delayed it; together they add up to about `cycles`.
    `events`: raw counts (loads, stores, branches, accesses and misses per level, DRAM row hits, ...).
    `seconds`: wall-clock time spent; `warmup_instructions`: records used for functional warming.
    """

    instructions: int
    cycles: int
    ipc: float
    mpki: dict[str, float]
    branch_mpki: float
    stalls: dict[str, int]
    events: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    warmup_instructions: int = 0

    @property
    def mips(self) -> float:
        """Simulated instructions (warm-up and detailed) per wall-clock second, in millions."""
        return (self.instructions + self.warmup_instructions) / self.seconds / 1e6 if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["mips"] = self.mips
        return d


def _largest_prime_at_most(n: int) -> int:
    """ChampSim's bimodal table is indexed by ip % 16381 (the largest prime below 16384)."""
    def prime(k: int) -> bool:
        return k >= 2 and all(k % d for d in range(2, int(k ** 0.5) + 1))
    k = n if n < 3 else n - 1
    while k > 2 and not prime(k):
        k -= 1
    return max(1, k)


def _pow2_at_least(n: int) -> int:
    return 1 << max(0, (int(n) - 1).bit_length())


def _perceptron_lengths(tables: int, longest: int) -> np.ndarray:
    """History lengths of the perceptron tables: 0 for the bias table, then geometric up to `longest`."""
    lengths = [0]
    k = tables - 1
    for t in range(k):
        want = round(longest ** (t / (k - 1))) if k > 1 else longest
        lengths.append(max(want, lengths[-1] + 1))
    return np.array(lengths, dtype=np.int64)


class Simulator:
    """A simulated core whose state (pipeline timestamps, caches, predictors) persists across calls.

    Feed consecutive chunks of one trace: `warm(records)` for functional warming (no timing, no
    statistics), `run(records)` for detailed simulation (returns that chunk's `SimResult`);
    `result()` gives the totals since construction or `reset_stats()`.
    """

    def __init__(self, config: CoreConfig | None = None):
        self.config = config or CoreConfig.default()
        self._build()
        self._stats_base = self._S.copy()
        self._cycle_base = 0
        self._seconds = 0.0
        self._warm_instructions = 0

    # ----- state ----------------------------------------------------------------------------------
    def _build(self) -> None:
        c = self.config
        core, lat, bp, dram = c.core, c.latency, c.branch_predictor, c.dram
        ring = _pow2_at_least(max(core.rob_size, core.ifetch_buffer, core.decode_buffer, core.fetch_width,
                                  core.decode_width, core.dispatch_width, core.retire_width) + 1)
        dc = c.dram_cycles()
        P = np.zeros(K.N_PARAMS, dtype=np.int64)
        P[K.P_FW], P[K.P_DW], P[K.P_PW] = core.fetch_width, core.decode_width, core.dispatch_width
        P[K.P_XW], P[K.P_RW] = core.execute_width, core.retire_width
        P[K.P_ROB], P[K.P_LQ], P[K.P_SQ], P[K.P_SCHED] = core.rob_size, core.lq_size, core.sq_size, core.scheduler_size
        P[K.P_LDPC], P[K.P_STPC] = core.loads_per_cycle, core.stores_per_cycle
        P[K.P_IFB], P[K.P_DB] = core.ifetch_buffer, core.decode_buffer
        P[K.P_DECL], P[K.P_DISPL], P[K.P_SCHL] = core.decode_latency, core.dispatch_latency, core.schedule_latency
        P[K.P_MPEN] = core.mispredict_penalty
        P[K.P_TAKENBRK] = int(core.taken_branch_ends_fetch)
        P[K.P_LAT_ALU], P[K.P_LAT_BR], P[K.P_LAT_AGU] = lat.alu, lat.branch, lat.load_agu
        P[K.P_LAT_ST], P[K.P_LAT_FWD] = lat.store, lat.store_forward
        P[K.P_BP_KIND] = ("bimodal", "gshare", "perceptron").index(bp.kind)
        P[K.P_BIM_MASK] = bp.bimodal_entries - 1
        P[K.P_GS_MASK] = bp.gshare_entries - 1
        P[K.P_GS_HMASK] = (1 << bp.gshare_history) - 1
        P[K.P_PC_T] = bp.perceptron_tables
        P[K.P_PC_MASK] = bp.perceptron_entries - 1
        P[K.P_PC_BITS] = max(1, int(math.log2(bp.perceptron_entries)))
        P[K.P_BTB_MASK] = bp.btb_entries - 1
        P[K.P_BTB_WAYS] = bp.btb_ways
        P[K.P_BTB_TYPED] = int(bp.btb_types)
        P[K.P_BTB_SMASK] = bp.btb_entries // bp.btb_ways - 1
        P[K.P_IND_MASK] = bp.indirect_entries - 1 if bp.indirect_entries > 1 else 0
        P[K.P_IND_HMASK] = (1 << bp.indirect_history) - 1
        P[K.P_BIM_PRIME] = _largest_prime_at_most(bp.bimodal_entries)
        P[K.P_RAS_N] = bp.ras_entries
        P[K.P_DR_TCAS] = dc["tcas"]
        P[K.P_DR_RMISS] = dc["row_miss"]
        P[K.P_DR_RCLOSED] = dc["trcd"] + dc["tcas"]
        P[K.P_DR_BURST] = dc["burst"]
        P[K.P_DR_CH], P[K.P_DR_BANKS] = dram.channels, dram.banks
        P[K.P_DR_ROWSHIFT] = int(math.log2(dram.row_kib * 1024 // 64))
        P[K.P_DR_ROWLINES] = dram.row_kib * 1024 // 64
        P[K.P_DR_MAP] = ("interleaved", "row").index(dram.mapping)
        P[K.P_WB] = int(dram.write_backs)
        P[K.P_PAGEMAP] = int(c.vmem.page_map)
        P[K.P_PAGE_SEED] = c.vmem.seed
        vm = c.vmem
        P[K.P_TLB_ON] = int(vm.tlbs)
        tbase = 0
        for w, name in enumerate(("dtlb", "itlb", "stlb")):
            entries, ways = getattr(vm, f"{name}_entries"), getattr(vm, f"{name}_ways")
            P[K.P_TLB_LAT0 + w] = getattr(vm, f"{name}_latency")
            P[K.P_TLB_SMASK0 + w] = entries // ways - 1
            P[K.P_TLB_WAYS0 + w] = ways
            P[K.P_TLB_BASE0 + w] = tbase
            tbase += entries
        P[K.P_TLB_N] = tbase
        P[K.P_WALK_LAT] = vm.walk_latency
        P[K.P_FAULT] = vm.minor_fault_penalty
        hash_slots = 1 << 18  # touched pages and 2 MiB regions (up to 3/4 full: ~0.7 GiB touched)
        P[K.P_VM_HASH] = 3 * tbase
        P[K.P_VM_HMASK] = hash_slots - 1
        self._VM = np.zeros(3 * tbase + 2 * hash_slots, dtype=np.int64)
        P[K.P_PRF] = core.physical_registers
        prf_ring = _pow2_at_least(core.physical_registers + 4)
        P[K.P_PRF_MASK] = prf_ring - 1
        P[K.P_SPFOLD] = int(core.stack_pointer_folding)
        P[K.P_IPDEP] = int(core.ip_dependences)
        P[K.P_ST_RETIRE] = int(core.stores_write_at_retire)
        P[K.P_WQ1] = core.l1d_write_queue
        P[K.P_RING_MASK] = ring - 1
        slots = 1 << 16
        P[K.P_SLOT_MASK] = slots - 1
        bus_slots = 1 << 14
        P[K.P_BUS_MASK] = bus_slots - 1
        sf = 4096
        P[K.P_SF_MASK] = sf - 1
        self._P = P

        LV = np.zeros((4, K.N_LV), dtype=np.int64)
        nxt = {0: K.L2, 1: K.L2, 2: K.LLC, 3: K.DRAM}
        base = mbase = 0
        for i, name in enumerate(CACHE_LEVELS):
            cc = getattr(c, name)
            LV[i, K.LV_BASE] = base
            LV[i, K.LV_SMASK] = cc.sets - 1
            LV[i, K.LV_WAYS] = cc.ways
            LV[i, K.LV_LAT] = cc.latency
            LV[i, K.LV_MSHRS] = cc.mshrs
            LV[i, K.LV_MBASE] = mbase
            LV[i, K.LV_PF] = int(cc.prefetcher == "next_line")
            LV[i, K.LV_NEXT] = nxt[i]
            base += cc.sets * cc.ways
            mbase += cc.mshrs
        self._LV = LV

        Z = np.zeros(K.N_Z, dtype=np.int64)
        Z[K.Z_ILINE] = -1
        Z[K.Z_THETA] = int(1.93 * bp.perceptron_tables + 14)
        self._Z = Z
        self._S = np.zeros(K.N_STATS, dtype=np.int64)
        # Timing state.
        self._ring = np.zeros((4, ring), dtype=np.int64)
        self._lqr = np.zeros(core.lq_size, dtype=np.int64)
        # SQ ring, then the L1D write queue ring (leave times of the last l1d_write_queue stores' writes)
        self._sqr = np.zeros(core.sq_size + core.l1d_write_queue, dtype=np.int64)
        self._sheap = np.zeros(core.scheduler_size + 1, dtype=np.int64)
        self._slots = np.zeros((slots, 4), dtype=np.int64)
        self._slots[:, 0] = -1
        self._reg_ready = np.zeros(2 * K.REG_MAPPED, dtype=np.int64)  # ready cycles, then mapped flags
        self._prf = np.zeros(prf_ring, dtype=np.int64)
        self._sfa = np.zeros(sf, dtype=np.int64)
        self._sfr = np.zeros(sf, dtype=np.int64)
        self._sff = np.zeros(sf, dtype=np.int64)
        # Caches: one row each for tags, LRU stamps, fill cycles and prefetched bits.
        self._C = np.zeros((K.N_C, base), dtype=np.int64)
        # MSHR heaps, then open rows, then DRAM bus slots.
        nrows = dram.channels * dram.banks
        P[K.P_OFF_ROW] = mbase
        P[K.P_OFF_BANKFREE] = mbase + nrows
        P[K.P_OFF_WQ] = mbase + 2 * nrows
        P[K.P_OFF_BUS] = mbase + 2 * nrows + dram.channels
        P[K.P_WQ_BATCH] = dram.write_queue // 8 if dram.write_queue >= 8 else 0
        P[K.P_TURN_SLOTS] = -(-2 * math.ceil(dram.tras * self.config.dram_cycle_ratio) // dc["burst"])
        P[K.P_OFF_REFEP] = mbase + 2 * nrows + dram.channels + dram.channels * bus_slots
        P[K.P_DR_TREF] = round(dram.refresh_interval_ns * core.frequency_mhz / 1000)
        P[K.P_DR_TRFC] = math.ceil(dram.trfc * self.config.dram_cycle_ratio)
        tag_buckets = 1 << 12
        P[K.P_OFF_TAGB] = P[K.P_OFF_REFEP] + nrows
        P[K.P_TAGB_MASK] = tag_buckets - 1
        hit = c.l1d.latency - (c.l1d.latency + 1) // 2  # ChampSim's split of latency into hit + fill
        P[K.P_TAG_CAP] = c.l1d.tag_checks * max(1, hit)
        P[K.P_TAG_WIN] = max(1, hit) + 1
        self._MEM = np.zeros(P[K.P_OFF_TAGB] + 2 * tag_buckets, dtype=np.int64)
        self._MEM[mbase:] = -1
        self._MEM[mbase + nrows:mbase + 2 * nrows + dram.channels] = 0
        self._MEM[P[K.P_OFF_REFEP]:P[K.P_OFF_TAGB]] = 0  # refresh epoch last applied per bank
        # Branch prediction: bimodal and gshare counters (start weakly not-taken), perceptron weights,
        # folded histories and history lengths, the history bit ring, BTB tags and targets, RAS.
        parts = [
            (K.P_OFF_BIM, bp.bimodal_entries, 1),
            (K.P_OFF_GSH, bp.gshare_entries, 1),
            (K.P_OFF_PW, bp.perceptron_tables * bp.perceptron_entries, 0),
            (K.P_OFF_PFOLD, bp.perceptron_tables, 0),
            (K.P_OFF_PLEN, bp.perceptron_tables, 0),
            (K.P_OFF_HIST, K.HIST_MASK + 1, 0),
            (K.P_OFF_BTBG, bp.btb_entries, -1),
            (K.P_OFF_BTBT, bp.btb_entries, 0),
            (K.P_OFF_BTBL, bp.btb_entries, 0),
            (K.P_OFF_BTBTY, bp.btb_entries, 0),
            (K.P_OFF_IND, max(1, bp.indirect_entries), 0),
            (K.P_OFF_RAS, bp.ras_entries, 0),
        ]
        BPS = np.zeros(sum(n for _, n, _ in parts), dtype=np.int64)
        off = 0
        for idx, n, init in parts:
            P[idx] = off
            BPS[off:off + n] = init
            off += n
        plen = _perceptron_lengths(bp.perceptron_tables, bp.perceptron_history)
        BPS[P[K.P_OFF_PLEN]:P[K.P_OFF_PLEN] + len(plen)] = plen
        self._BPS = BPS

    @staticmethod
    def _words(records: np.ndarray) -> np.ndarray:
        arr = np.asarray(records)
        if arr.dtype != TRACE_DTYPE:
            raise TypeError(f"expected records of TRACE_DTYPE, got {arr.dtype}")
        arr = np.ascontiguousarray(arr.reshape(-1))
        return arr.view("<u8").reshape(-1, 8)

    # ----- driving ----------------------------------------------------------------------------------
    def warm(self, records: np.ndarray) -> None:
        """Functional warming: caches, prefetchers, branch predictor, BTB and RAS see `records`
        in order; no time passes and nothing is counted."""
        U = self._words(records)
        if U.shape[0] == 0:
            return
        t0 = time.perf_counter()
        K.run_functional(U, self._P, self._LV, self._Z, self._S, self._C, self._MEM, self._BPS, self._VM)
        self._seconds += time.perf_counter() - t0
        self._warm_instructions += U.shape[0]

    def run(self, records: np.ndarray) -> SimResult:
        """Simulate `records` in detail, continuing from the current state; returns their statistics."""
        U = self._words(records)
        before = self._S.copy()
        cycles_before = int(self._Z[K.Z_R_PREV])
        t0 = time.perf_counter()
        if U.shape[0]:
            K.run_timing(U, self._P, self._LV, self._Z, self._S, self._ring, self._lqr, self._sqr,
                         self._sheap, self._slots, self._reg_ready, self._sfa, self._sfr, self._sff,
                         self._C, self._MEM, self._BPS, self._prf, self._VM)
        dt = time.perf_counter() - t0
        self._seconds += dt
        return self._make_result(self._S - before, int(self._Z[K.Z_R_PREV]) - cycles_before, dt, 0)

    def result(self) -> SimResult:
        """Detailed statistics since construction or the last `reset_stats()`."""
        return self._make_result(self._S - self._stats_base, int(self._Z[K.Z_R_PREV]) - self._cycle_base,
                                 self._seconds, self._warm_instructions)

    def reset_stats(self) -> None:
        """Start counting afresh (the machine state is kept)."""
        self._stats_base = self._S.copy()
        self._cycle_base = int(self._Z[K.Z_R_PREV])
        self._seconds = 0.0
        self._warm_instructions = 0

    @property
    def cycle(self) -> int:
        """Retire cycle of the last simulated instruction."""
        return int(self._Z[K.Z_R_PREV])

    # ----- statistics ------------------------------------------------------------------------------
    def _make_result(self, S: np.ndarray, cycles: int, seconds: float, warm: int) -> SimResult:
        n = int(S[K.S_INSTR])
        per_k = 1000.0 / n if n else 0.0
        mpki = {name: float(S[K.S_MISS + i]) * per_k for i, name in enumerate(LEVEL_NAMES)}
        stalls = {name: int(S[K.S_STALL + i]) for i, name in enumerate(STALL_NAMES)}
        events = {
            "loads": int(S[K.S_LOADS]),
            "stores": int(S[K.S_STORES]),
            "branches": int(S[K.S_BRANCHES]),
            "branch_mispredicts": int(S[K.S_MISPRED]),
            "btb_misses": int(S[K.S_BTB_MISS]),
            "store_forwards": int(S[K.S_FWD]),
            "load_latency_cycles": int(S[K.S_LOAD_LAT]),
            "dram_requests": int(S[K.S_DRAM_REQ]),
            "dram_row_hits": int(S[K.S_DRAM_ROWHIT]),
            "dram_writes": int(S[K.S_DRAM_WRITES]),
            "dtlb_misses": int(S[K.S_TLB_MISS + K.TLB_D]),
            "itlb_misses": int(S[K.S_TLB_MISS + K.TLB_I]),
            "stlb_misses": int(S[K.S_TLB_MISS + K.TLB_S]),
            "page_walk_cycles": int(S[K.S_WALK_CYCLES]),
            "minor_faults": int(S[K.S_FAULTS]),
            "register_file_stall_cycles": int(S[K.S_PRF_STALL]),
            "stack_pointer_folds": int(S[K.S_SP_FOLDED]),
            "dram_refreshes": int(S[K.S_DRAM_REFRESHES]),
            "dram_refresh_wait_cycles": int(S[K.S_DRAM_REFRESH_WAIT]),
        }
        for i, name in enumerate(LEVEL_NAMES):
            events[f"{name}_accesses"] = int(S[K.S_ACC + i])
            events[f"{name}_misses"] = int(S[K.S_MISS + i])
            events[f"{name}_prefetch_fills"] = int(S[K.S_PF_FILL + i])
            events[f"{name}_prefetch_useful"] = int(S[K.S_PF_USEFUL + i])
            events[f"{name}_writebacks"] = int(S[K.S_WRITEBACKS + i])
        return SimResult(
            instructions=n,
            cycles=int(cycles),
            ipc=n / cycles if cycles > 0 else 0.0,
            mpki=mpki,
            branch_mpki=float(S[K.S_MISPRED]) * per_k,
            stalls=stalls,
            events=events,
            seconds=float(seconds),
            warmup_instructions=int(warm),
        )


def _split(chunks: Iterable[np.ndarray], warmup: int) -> Iterator[tuple[bool, np.ndarray]]:
    """(is_warmup, records) pieces: the first `warmup` records are warm-up."""
    left = warmup
    for chunk in chunks:
        if left > 0:
            if chunk.shape[0] <= left:
                left -= chunk.shape[0]
                yield True, chunk
                continue
            yield True, chunk[:left]
            chunk = chunk[left:]
            left = 0
        yield False, chunk


def simulate(
    trace: str | os.PathLike | np.ndarray,
    config: CoreConfig | None = None,
    *,
    warmup: int = 0,
    instructions: int | None = None,
    chunk_records: int = DEFAULT_CHUNK_RECORDS,
) -> SimResult:
    """Simulate a trace file (raw/.xz/.gz) or an array of records.

    The first `warmup` records warm caches and predictors functionally; the next `instructions`
    records (all remaining ones if None) are simulated in detail. A file is streamed chunk by chunk
    (decompression runs on a background thread), so its size does not matter.
    `seconds` in the result is the wall-clock time of the whole call.
    """
    if warmup < 0 or (instructions is not None and instructions < 0):
        raise ValueError("warmup and instructions must be >= 0")
    t0 = time.perf_counter()
    sim = Simulator(config)
    limit = None if instructions is None else warmup + instructions
    if isinstance(trace, np.ndarray):
        recs = trace if limit is None else trace[:limit]
        chunks: Iterable[np.ndarray] = (recs[i:i + chunk_records] for i in range(0, len(recs), chunk_records))
    else:
        chunks = prefetch_chunks(read_trace_chunks(trace, chunk_records, max_records=limit))
    for is_warm, piece in _split(chunks, warmup):
        if is_warm:
            sim.warm(piece)
        else:
            sim.run(piece)
    res = sim.result()
    return dataclasses.replace(res, seconds=time.perf_counter() - t0)
