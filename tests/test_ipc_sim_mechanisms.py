"""First-principles tests of the mechanisms added to match ChampSim (issue #10): the physical register
file limit, stack-pointer folding and instruction-pointer register dependences.

Each test builds a few records by hand whose timing follows from one memory latency M (measured: a
load that misses every cache and opens a closed DRAM bank), and checks that the mechanism
turns overlapped misses into serialised ones (or the reverse) when, and only when, it should.
"""

from __future__ import annotations

import numpy as np
import pytest

from ipc_predict.config import CoreConfig
from ipc_predict.simulator import SIMULATOR_VERSION, simulate
from ipc_predict.traces import REG_FLAGS as FLAGS
from ipc_predict.traces import REG_INSTRUCTION_POINTER as IP
from ipc_predict.traces import REG_STACK_POINTER as SP
from ipc_predict.traces import TRACE_DTYPE

DEFAULT = CoreConfig.default()
BASE = DEFAULT.replace({"vmem.tlbs": False})  # translation has its own tests at the end
MB = 1 << 20


def _miss_address(k: int) -> int:
    """Lines far apart (1 MiB + k rows) at different offsets in their pages (so in different DRAM
    banks under the interleaved mapping): every access misses every cache and finds its bank idle."""
    return (1 << 32) + k * (MB + 8192 * 3) + 64 * (k % 32)


def _sim(trace: np.ndarray, cfg: CoreConfig | None = None):
    """Simulate `trace` after warming the instruction cache on its code (a copy without memory
    operands or branches, used as functional warm-up), so that only the data misses cost time."""
    cfg = cfg or BASE
    warm = trace.copy()
    warm["source_memory"] = 0
    warm["destination_memory"] = 0
    warm["is_branch"] = 0
    return simulate(np.concatenate([warm, trace]), cfg, warmup=len(warm))


def _one_miss() -> int:
    """Cycles of one load that misses everywhere (a closed DRAM bank): the unit M of these tests."""
    r = np.zeros(1, dtype=TRACE_DTYPE)
    r["ip"] = 0x400000
    r["source_memory"][0, 0] = _miss_address(0)
    r["destination_registers"][0, 0] = 1
    return _sim(r).cycles


M = _one_miss()
# A chain of k misses costs about k DRAM accesses but only one pipeline fill, which M includes: chains
# are checked against 0.7 (k - 1) M, overlapped misses against 2 M.


def test_version_is_a_string():
    assert isinstance(SIMULATOR_VERSION, str) and SIMULATOR_VERSION


# ----- physical register file ------------------------------------------------------------------------

def _two_misses_apart(n_between: int) -> np.ndarray:
    """miss load, n_between independent ALU ops (each writes register 2), miss load, then 50 ops."""
    n = 1 + n_between + 1 + 50
    r = np.zeros(n, dtype=TRACE_DTYPE)
    r["ip"] = 0x400000 + 4 * (np.arange(n) % 256)
    r["destination_registers"][:, 0] = 2
    for k, i in enumerate((0, 1 + n_between)):
        r[i]["source_memory"][0] = _miss_address(k)
        r[i]["destination_registers"][0] = 1
    return r


@pytest.mark.parametrize("between", [100, 200])
def test_register_file_serialises_misses_further_apart_than_it_holds(between):
    trace = _two_misses_apart(between)
    # Unlimited for this window (ROB 352 > between): both misses are in flight together.
    wide = _sim(trace, BASE.replace({"core.physical_registers": 4096}))
    # One miss, then everything retires at retire_width (5) per cycle behind it.
    assert wide.cycles < M + len(trace) / 5 + 20
    assert wide.events["register_file_stall_cycles"] == 0
    # 64 registers, 2 architectural ones mapped: 62 renamed destinations may be outstanding, so the
    # second load cannot rename before the first retires: one memory latency after the other.
    narrow = _sim(trace, BASE.replace({"core.physical_registers": 64}))
    assert narrow.cycles > 2 * M
    assert narrow.events["register_file_stall_cycles"] > 0


def test_register_file_holds_misses_closer_than_its_size():
    # 40 ops between the misses fit in 62 free registers: no serialisation.
    res = _sim(_two_misses_apart(40), BASE.replace({"core.physical_registers": 64}))
    assert res.cycles < 1.3 * M


def test_instructions_without_destinations_take_no_register():
    trace = _two_misses_apart(200)
    trace["destination_registers"][1:201] = 0  # the ops in between write nothing
    res = _sim(trace, BASE.replace({"core.physical_registers": 64}))
    assert res.cycles < M + len(trace) / 5 + 20


# ----- stack-pointer folding ---------------------------------------------------------------------------

def _pop_chain(k: int, *, variable: bool = False) -> np.ndarray:
    """k pops, each loading a missing line through the stack pointer (reads SP, writes SP and a
    register). With `variable`, each is instead `sub rsp, rax`-like (writes SP, reads another
    register, no memory) followed by a load through SP."""
    if not variable:
        r = np.zeros(k, dtype=TRACE_DTYPE)
        r["ip"] = 0x400000 + 4 * np.arange(k)
        r["source_registers"][:, 0] = SP
        r["destination_registers"][:, :2] = (SP, 3)
        r["source_memory"][:, 0] = [_miss_address(i) for i in range(k)]
        return r
    r = np.zeros(2 * k, dtype=TRACE_DTYPE)
    r["ip"] = 0x400000 + 4 * np.arange(2 * k)
    adj, ld = r[0::2], r[1::2]
    adj["source_registers"][:, :2] = (SP, 4)
    adj["destination_registers"][:, :2] = (SP, FLAGS)
    ld["source_registers"][:, 0] = SP
    ld["destination_registers"][:, 0] = 4  # the next adjustment depends on this load
    ld["source_memory"][:, 0] = [_miss_address(i) for i in range(k)]
    return r


def test_folded_pops_overlap_their_misses():
    k = 8
    folded = _sim(_pop_chain(k))
    assert folded.events["stack_pointer_folds"] == k
    assert folded.cycles < 2 * M  # all k misses in flight together
    chained = _sim(_pop_chain(k), BASE.replace({"core.stack_pointer_folding": False}))
    assert chained.events["stack_pointer_folds"] == 0
    assert chained.cycles > 0.7 * (k - 1) * M  # each pop waits for the previous one's load


def test_variable_stack_adjustments_are_not_folded():
    k = 6
    res = _sim(_pop_chain(k, variable=True))
    assert res.events["stack_pointer_folds"] == 0
    assert res.cycles > 0.7 * (k - 1) * M  # a true dependence chain through rax and rsp


# ----- the instruction pointer as a register -------------------------------------------------------------

def _branches_after_misses(k: int) -> np.ndarray:
    """k groups: a missing load into register 5, a not-taken conditional branch on it (reads IP and
    register 5, writes IP), then a not-taken conditional branch on the flags only."""
    r = np.zeros(3 * k, dtype=TRACE_DTYPE)
    r["ip"] = 0x400000 + 4 * np.arange(3 * k)
    ld, b1, b2 = r[0::3], r[1::3], r[2::3]
    ld["source_memory"][:, 0] = [_miss_address(i) for i in range(k)]
    ld["destination_registers"][:, 0] = 5
    for b, src in ((b1, 5), (b2, FLAGS)):
        b["is_branch"] = 1
        b["source_registers"][:, :2] = (IP, src)
        b["destination_registers"][:, 0] = IP
    return r


def test_branches_wait_for_the_previous_branch_through_the_ip_register():
    k = 6
    # Each flags-only branch must wait for the branch before it, which waits for its load: with IP
    # dependences the loads still overlap (they do not read IP), so the total stays near one latency,
    # but the last branch completes only after the last load.
    with_ip = _sim(_branches_after_misses(k))
    without = _sim(_branches_after_misses(k), BASE.replace({"core.ip_dependences": False}))
    assert with_ip.cycles < 2 * M and without.cycles < 2 * M
    # Make the branch chain the critical path: every load depends on the branch before it.
    trace = _branches_after_misses(k)
    trace[0::3]["source_registers"][:, 0] = IP  # (an artificial load that reads IP)
    chained = _sim(trace)
    free = _sim(trace, BASE.replace({"core.ip_dependences": False}))
    assert chained.cycles > 0.7 * (k - 1) * M
    assert free.cycles < 2 * M


# ----- TLBs and page walks ----------------------------------------------------------------------------

def _page_chain(pages: int, rounds: int) -> np.ndarray:
    """A dependent chain of loads (each address depends on the previous load), one line in each of
    `pages` pages visited cyclically; the lines sit at different offsets so all fit in the L1D."""
    n = pages * rounds
    r = np.zeros(n, dtype=TRACE_DTYPE)
    r["ip"] = 0x400000
    k = np.arange(n) % pages
    r["source_memory"][:, 0] = (1 << 32) + k * 4096 + 64 * (k % 64)
    r["source_registers"][:, 0] = 1
    r["destination_registers"][:, 0] = 1
    return r


@pytest.mark.parametrize("pages,extra", [(32, 0), (400, 1 + 8 - 5)])
def test_tlb_hits_are_hidden_and_dtlb_misses_cost_the_stlb_latency(pages, extra):
    trace = _page_chain(pages, 6)
    warm = pages * 2
    on = simulate(trace, DEFAULT, warmup=warm)
    off = simulate(trace, DEFAULT.replace({"vmem.tlbs": False}), warmup=warm)
    n = len(trace) - warm
    # Without translation each load costs the L1D latency (5). The translation runs beside it and the
    # tag check waits for the later of the two: a DTLB hit (1 cycle) is hidden; when the pages
    # outnumber the 64 DTLB entries (cyclic LRU: every access misses) DTLB + STLB = 9 cycles show.
    assert off.cycles / n == pytest.approx(DEFAULT.l1d.latency, rel=0.03)
    assert on.cycles / n == pytest.approx(DEFAULT.l1d.latency + extra, rel=0.03)
    assert on.events["dtlb_misses"] == (n if pages > 64 else 0)
    assert on.events["stlb_misses"] == 0


def test_first_touch_of_a_page_costs_two_minor_faults_and_a_walk():
    pages = 50
    trace = _page_chain(pages, 1)  # every page new
    base = DEFAULT.replace({"vmem.minor_fault_penalty": 0})
    res0 = simulate(trace, base)
    res = simulate(trace, DEFAULT)
    assert res.events["stlb_misses"] == pages + 1  # and the code page, through the ITLB
    # Each new page (the code page too): the leaf page-table entry and the page itself are created
    # (2 faults); the first page of a 2 MiB region also creates the region's entry (the code's and the
    # data's: 2 more). The chain serialises them all.
    assert res.events["minor_faults"] == 2 * (pages + 1) + 2
    per_fault = (res.cycles - res0.cycles) / res.events["minor_faults"]
    assert per_fault == pytest.approx(DEFAULT.vmem.minor_fault_penalty, rel=0.03)
    assert res0.events["page_walk_cycles"] > 0


# ----- BTB and indirect-target prediction -------------------------------------------------------------

def _jump(r, ip, target_reg=None):
    r["ip"] = ip
    r["is_branch"] = 1
    r["branch_taken"] = 1
    r["destination_registers"][0] = IP
    if target_reg is not None:  # indirect: the target comes from a register
        r["source_registers"][0] = target_reg


def _two_jumps(gap: int, n: int = 2000) -> np.ndarray:
    """Direct jumps at 0x1000 and 0x1000 + gap, alternating, each to a block of its own."""
    r = np.zeros(4 * n, dtype=TRACE_DTYPE)
    for i in range(n):
        _jump(r[4 * i], 0x1000)
        r[4 * i + 1]["ip"] = 0x2000
        _jump(r[4 * i + 2], 0x1000 + gap)
        r[4 * i + 3]["ip"] = 0x3000
    # (each block then falls through to the next jump: the trace is what the tracer would record)
    return r


def test_btb_tags_by_ip_shifted_by_two():
    apart = simulate(_two_jumps(4), DEFAULT, warmup=400)
    assert apart.events["btb_misses"] == 0
    # Two branches within the same 4 bytes share one entry: each overwrites the other's target.
    shared = simulate(_two_jumps(1), DEFAULT, warmup=400)
    assert shared.events["btb_misses"] == pytest.approx(2 * 1900, rel=0.01)


def _indirect_by_history(n: int = 3000, seed: int = 1) -> np.ndarray:
    """A random conditional branch, then an indirect jump whose target follows that direction."""
    rng = np.random.default_rng(seed)
    r = np.zeros(3 * n, dtype=TRACE_DTYPE)
    taken = rng.integers(0, 2, n)
    c, j, t = r[0::3], r[1::3], r[2::3]
    c["ip"] = 0x1000
    c["is_branch"] = 1
    c["branch_taken"] = taken
    c["source_registers"][:, :2] = (IP, FLAGS)
    c["destination_registers"][:, 0] = IP
    j["ip"] = 0x1010
    j["is_branch"] = 1
    j["branch_taken"] = 1
    j["source_registers"][:, 0] = 3
    j["destination_registers"][:, 0] = IP
    t["ip"] = np.where(taken == 1, 0x5000, 0x6000)
    return r


def test_indirect_targets_are_predicted_from_branch_history():
    trace = _indirect_by_history()
    # The conditional is random (a bimodal predictor misses about half of them); the indirect target
    # is a function of that direction, so the history-indexed table predicts it once trained, while
    # a last-target predictor misses whenever the direction changes (half the time).
    # (one history bit here: with the default 12 each of the 4096 random histories trains separately)
    hist = simulate(trace, DEFAULT.replace({"branch_predictor.indirect_history": 1}), warmup=300)
    last = simulate(trace, DEFAULT.replace({"branch_predictor.indirect_entries": 1}), warmup=300)
    n = 3000 - 100
    assert hist.events["branch_mispredicts"] == pytest.approx(0.5 * n, rel=0.1)
    assert last.events["branch_mispredicts"] == pytest.approx(1.0 * n, rel=0.1)


def test_a_jump_sharing_a_conditionals_btb_entry_makes_it_predicted_taken():
    n = 2000
    r = np.zeros(3 * n, dtype=TRACE_DTYPE)
    c, j, t = r[0::3], r[1::3], r[2::3]
    c["ip"] = 0x1000  # a never-taken conditional ...
    c["is_branch"] = 1
    c["source_registers"][:, :2] = (IP, FLAGS)
    c["destination_registers"][:, 0] = IP
    j["ip"] = 0x1002  # ... and a jump 2 bytes later: the same ip >> 2, so the same BTB entry
    j["is_branch"] = 1
    j["branch_taken"] = 1
    j["destination_registers"][:, 0] = IP
    t["ip"] = 0x4000
    typed = simulate(r, DEFAULT, warmup=300)
    plain = simulate(r, DEFAULT.replace({"branch_predictor.btb_types": False}), warmup=300)
    # The jump leaves an always-taken entry, so the conditional is predicted taken every time.
    assert typed.events["branch_mispredicts"] == pytest.approx(n - 100, abs=2)
    assert plain.events["branch_mispredicts"] == 0


# ----- DRAM write-backs and the write queue ---------------------------------------------------------------

def _streaming_stores(n: int) -> np.ndarray:
    """One 8-byte store per line over 64 MiB: every line is fetched (RFO), dirtied and later
    written back from the LLC to DRAM."""
    r = np.zeros(n, dtype=TRACE_DTYPE)
    r["ip"] = 0x400000
    r["destination_memory"][:, 0] = (1 << 32) + 64 * np.arange(n)
    return r


def test_dirty_lines_are_written_back_and_write_bursts_cost_bus_turnarounds():
    n = 120_000
    trace = _streaming_stores(n)
    no_wb = simulate(trace, BASE.replace({"dram.write_backs": False}))
    wb = simulate(trace, BASE.replace({"dram.write_queue": 0}))
    wq = simulate(trace, BASE)
    assert no_wb.events["dram_writes"] == 0
    # Once the 2 MiB LLC is full of dirty lines, each new line evicts one: about n - 32768 writes.
    assert wb.events["dram_writes"] == pytest.approx(n - 2 * MB // 64, rel=0.02)
    assert wb.events["LLC_writebacks"] == wb.events["dram_writes"]
    # Bandwidth-bound: each write takes one line transfer (burst) of the bus...
    burst = DEFAULT.dram_cycles()["burst"]
    assert (wb.cycles - no_wb.cycles) / wb.events["dram_writes"] == pytest.approx(burst, rel=0.15)
    # ... and each burst of write_queue / 8 writes two turnarounds of tRAS.
    batch = DEFAULT.dram.write_queue // 8
    turn = 2 * np.ceil(DEFAULT.dram.tras * DEFAULT.dram_cycle_ratio)
    per_write = (wq.cycles - wb.cycles) / wq.events["dram_writes"]
    assert per_write == pytest.approx(turn / batch, rel=0.15)


# ----- stores write the L1D at retirement (ChampSim) ------------------------------------------------

def _store_then_load(gap: int) -> np.ndarray:
    """A store to a line that misses everywhere, `gap` independent ALU records, then a load of the same
    address whose value feeds one more ALU record."""
    a = _miss_address(0)
    r = np.zeros(gap + 3, dtype=TRACE_DTYPE)
    r["ip"] = 0x400000 + 4 * np.arange(gap + 3)
    r["destination_memory"][0, 0] = a
    r["destination_registers"][1:gap + 1, 0] = 2
    r["source_memory"][gap + 1, 0] = a
    r["destination_registers"][gap + 1, 0] = 1
    r["source_registers"][gap + 2, 0] = 1
    r["destination_registers"][gap + 2, 0] = 3
    return r


def test_a_load_after_its_store_retired_waits_for_the_rfo():
    off = BASE.replace({"core.stores_write_at_retire": False})
    # Long after the store: it has retired and left the SQ, its line is still in flight (RFO started
    # at retirement), so the load waits for it; without the mechanism the store keeps its SQ entry
    # until the line is present and forwards.
    late = _store_then_load(60)
    assert _sim(late).cycles - _sim(late, off).cycles > 0.7 * M
    assert _sim(late, off).events["store_forwards"] == 1 and _sim(late).events["store_forwards"] == 0
    # Right behind the store (not yet retired): forwarded either way.
    soon = _store_then_load(0)
    assert _sim(soon).events["store_forwards"] == 1
    assert abs(_sim(soon).cycles - _sim(soon, off).cycles) < 0.3 * M


def test_retired_stores_are_throttled_by_the_l1d_mshrs_through_the_write_queue():
    # Stores to distinct lines that miss everywhere: each write holds one of the L1D's MSHRs for
    # about M, so n stores take at least about n / mshrs * M once the write queue and SQ are full.
    n = 1024
    r = np.zeros(n, dtype=TRACE_DTYPE)
    r["ip"] = 0x400000
    r["destination_memory"][:, 0] = [_miss_address(k) for k in range(n)]
    mshrs = DEFAULT.l1d.mshrs
    throttled = _sim(r).cycles
    unbounded = _sim(r, BASE.replace({"core.l1d_write_queue": 8192, "core.sq_size": 8192})).cycles
    assert throttled > 0.6 * (n - DEFAULT.core.sq_size - DEFAULT.core.l1d_write_queue) / mshrs * M
    assert unbounded < 0.2 * throttled


# ----- DRAM refresh -----------------------------------------------------------------------------------

def _spaced_row_loads(n: int, gap: int) -> np.ndarray:
    """n loads of lines 32 apart (one bank, one DRAM row under the interleaved mapping with physical =
    virtual), each behind a chain of `gap` dependent ALU ops fed by the previous load: the loads
    reach DRAM one at a time, about gap cycles apart."""
    per = 1 + gap
    r = np.zeros(n * per, dtype=TRACE_DTYPE)
    r["ip"] = 0x400000 + 4 * (np.arange(n * per) % 512)
    r["source_registers"][:, 0] = 1
    r["destination_registers"][:, 0] = 1
    r["source_memory"][np.arange(n) * per, 0] = (1 << 32) + 64 * 32 * np.arange(n)
    return r


def test_refresh_closes_open_rows():
    flat = BASE.replace({"vmem.page_map": False})
    trace = _spaced_row_loads(40, 600)  # ~600 cycles apart
    never = _sim(trace, flat.replace({"dram.refresh_interval_ns": 0}))
    rare = _sim(trace, flat.replace({"dram.refresh_interval_ns": 1_000_000}))  # 4 M cycles: none here
    often = _sim(trace, flat.replace({"dram.refresh_interval_ns": 100, "dram.trfc": 8}))  # 400 cycles
    # Without refresh the row stays open: every load after the first is a row hit.
    assert never.events["dram_row_hits"] == 39 and never.events["dram_refreshes"] == 0
    assert rare.cycles == never.cycles and rare.events["dram_refreshes"] == 0
    # Refreshed between any two loads: each finds its row closed and pays tRCD more.
    assert often.events["dram_row_hits"] == 0 and often.events["dram_refreshes"] >= 39
    trcd = DEFAULT.dram_cycles()["trcd"]
    assert (often.cycles - never.cycles) / 39 == pytest.approx(trcd, abs=0.25 * trcd + 20)


def test_requests_during_a_refresh_wait_for_it():
    # A chase over 256 MiB: one DRAM request at a time, a new one every L (about 230) cycles. Every
    # bank refreshes at each multiple of tREF (ChampSim refreshes them all together), so the first
    # request to start after it, on average L / 2 later, waits for the rest of tRFC: a serial
    # chase loses about tRFC - L / 2 per refresh interval.
    from ipc_predict.microbench import pointer_chase
    trace = pointer_chase(3000, 256 * MB, seed=3)
    off = simulate(trace, BASE.replace({"dram.refresh_interval_ns": 0}))
    r = simulate(trace, BASE.replace({"dram.refresh_interval_ns": 1000, "dram.trfc": 400}))
    tref, trfc = 4000, 1000  # cycles at 4 GHz: 1000 ns, 400 DRAM clocks of 2.5 core cycles
    gap = off.cycles / off.events["dram_requests"]
    intervals = r.cycles / tref
    assert r.events["dram_refresh_wait_cycles"] / intervals == pytest.approx(trfc - gap / 2, rel=0.1)
    # A refresh also closes the rows, so the next request to a bank (a row conflict in a random
    # chase) needs no precharge: tRP less.
    assert off.events["dram_row_hits"] < 0.01 * off.events["dram_requests"]
    trp = DEFAULT.dram_cycles()["trp"]
    expect = r.events["dram_refresh_wait_cycles"] - trp * r.events["dram_refreshes"]
    assert r.cycles - off.cycles == pytest.approx(expect, abs=0.01 * off.cycles)


def test_a_load_of_a_retired_store_still_in_the_l1d_write_queue_is_forwarded():
    # 200 stores to lines that miss everywhere, then a chain of `wait` ALU ops (one per cycle), then a
    # load of store 190's address. The 16 L1D MSHRs let about one write through per M / 16 cycles, the
    # write queue holds 64 and the SQ 72: store j leaves the SQ for the write queue at about
    # (j - 64) / 16 M and the queue at about j / 16 M, and the chain starts when store 199 has
    # dispatched (store 127 left the SQ: about 4 M). With wait = 6 M the load comes at about 10 M,
    # when store 190 has retired and left the SQ but still waits in the write queue: it is forwarded
    # (ChampSim's channel forwards a read that matches a queued write). Much later the write has
    # been done and the load reads the line instead.
    n, k = 200, 190
    def trace(wait: int) -> np.ndarray:
        r = np.zeros(n + wait + 2, dtype=TRACE_DTYPE)
        r["ip"] = 0x400000 + 4 * (np.arange(len(r)) % 1024)
        r["destination_memory"][:n, 0] = [_miss_address(j) for j in range(n)]
        r["source_registers"][n:n + wait + 1, 0] = 1  # the chain, then the load, read register 1
        r["destination_registers"][n:n + wait + 2, 0] = 1
        r["source_memory"][n + wait, 0] = _miss_address(k)
        r["source_registers"][n + wait + 1, 0] = 1  # the load's value is used
        return r
    queued = _sim(trace(int(6 * M)))
    late = _sim(trace(int(30 * M)))
    assert queued.events["store_forwards"] == 1
    assert late.events["store_forwards"] == 0


# ----- L1D tag-check bandwidth ---------------------------------------------------------------------------

@pytest.mark.parametrize("tag_checks,latency,expected", [
    (0, 5, 2.0),        # unlimited: the two load ports (loads_per_cycle) bound it
    (2, 5, 4 / 3),      # ChampSim's L1D: h = 5 - 3 = 2, 2 x 2 = 4 checks in flight for 3 cycles each
    (1, 5, 2 / 3),      # 2 in flight for 3 cycles
    (2, 7, 6 / 4),      # h = 7 - 4 = 3: 6 in flight for 4 cycles
])
def test_l1d_tag_checks_bound_the_access_rate(tag_checks, latency, expected):
    # Independent loads, every one an L1D hit (4 KiB, warmed by the functional warm-up).
    n = 30_000
    r = np.zeros(n, dtype=TRACE_DTYPE)
    r["ip"] = 0x400000 + 4 * (np.arange(n) % 256)
    r["source_memory"][:, 0] = (1 << 32) + 8 * (np.arange(n) % 512)
    r["destination_registers"][:, 0] = 1 + np.arange(n) % 5
    cfg = BASE.replace({"l1d.tag_checks": tag_checks, "l1d.latency": latency})
    res = simulate(r, cfg, warmup=10_000)
    assert res.mpki["L1D"] == 0
    assert res.ipc == pytest.approx(expected, rel=0.02)


def test_retired_stores_share_the_l1d_tag_checks_with_loads():
    # Loads and stores alternating, all L1D hits: every record needs one tag check (the store's
    # when it writes, after retiring), so the L1D's 4 / 3 checks per cycle bound the IPC.
    n = 30_000
    r = np.zeros(n, dtype=TRACE_DTYPE)
    r["ip"] = 0x400000 + 4 * (np.arange(n) % 256)
    addr = (1 << 32) + 8 * (np.arange(n) % 512)
    r["source_memory"][0::2, 0] = addr[0::2]
    r["destination_registers"][0::2, 0] = 1 + np.arange(n // 2) % 5
    r["destination_memory"][1::2, 0] = addr[1::2]
    limited = simulate(r, BASE, warmup=10_000)
    free = simulate(r, BASE.replace({"l1d.tag_checks": 0}), warmup=10_000)
    assert limited.ipc == pytest.approx(4 / 3, rel=0.03)
    assert free.ipc > 2.5


# ----- stores are translated when they write ----------------------------------------------------------------

def test_a_store_is_translated_only_when_it_writes_after_retiring():
    # A load that misses everywhere on a new page (cost A = walk and faults W + memory M), then
    # 150 stores to one line of another new page (more than the 72 SQ + 64 write-queue entries),
    # then 50 ALU ops. The stores retire behind the load (at about A); only then is the first one
    # translated (ChampSim's L1D translates a write when it handles it), taking W, and the others,
    # on the same page, wait for that translation: the queue and the SQ fill, the last stores and
    # the ALU ops cannot dispatch before about A + W. (Translated at execute, the stores' walk would
    # have overlapped the load's.)
    def one_load() -> np.ndarray:
        r = np.zeros(1, dtype=TRACE_DTYPE)
        r["ip"] = 0x400000
        r["source_memory"][0, 0] = _miss_address(0)
        r["destination_registers"][0, 0] = 1
        return r
    a = _sim(one_load(), DEFAULT).cycles
    walk = a - M  # the new page's walk and faults
    n_st, n_alu = 150, 50
    r = np.zeros(1 + n_st + n_alu, dtype=TRACE_DTYPE)
    r[0] = one_load()[0]
    r["ip"][1:] = 0x400000 + 4 * np.arange(1, 1 + n_st + n_alu)
    r["destination_memory"][1:1 + n_st, 0] = _miss_address(7) + 8 * (np.arange(n_st) % 8)
    r["destination_registers"][1 + n_st:, 0] = 2
    res = _sim(r, DEFAULT)
    assert walk > 300
    assert res.cycles > a + 0.8 * walk
