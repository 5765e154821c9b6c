"""Numba kernels of the trace-driven out-of-order core model (the model is described in simulator.py
and docs/simulator.md).

Everything here works on plain NumPy arrays so that `@njit(cache=True)` can compile it once and keep
the machine code on disk. The Python side (`simulator.Simulator`) owns the arrays; their layout is
fixed by the index constants below. Records arrive as a (n, 8) view of uint64 words over the 64-byte
ChampSim records: word 0 = ip; word 1 = is_branch (byte 0), branch_taken (1), destination registers
(2-3), source registers (4-7); words 2-3 = destination memory; words 4-7 = source memory.

State is packed into few arrays (C: cache tags/LRU/fill/prefetch bits; MEM: MSHR heaps, open rows,
DRAM bus slots; BPS: predictor tables, BTB, RAS) because every array passed to a helper that LLVM does
not inline costs reference-count updates on each call (~100 ns for a dozen arrays, more than the work).
For the same reason the common L1 hit is handled inline in the main loops.

All times are int64 core cycles. Instructions are processed once, in program order; each gets a fetch,
decode, dispatch, issue, complete and retire cycle computed from its predecessors' (ring buffers of
recent ones), from the registers it reads (last-writer completion times) and from the shared
resources (per-cycle issue slots, MSHRs, the DRAM bus, a heap of scheduler-leave times).
"""

from __future__ import annotations

import numpy as np
from numba import njit

# ----- parameter vector P (filled by simulator._params) -------------------------------------------
(P_FW, P_DW, P_PW, P_XW, P_RW, P_ROB, P_LQ, P_SQ, P_SCHED, P_LDPC, P_STPC, P_IFB, P_DB,
 P_DECL, P_DISPL, P_SCHL, P_MPEN, P_TAKENBRK,
 P_LAT_ALU, P_LAT_BR, P_LAT_AGU, P_LAT_ST, P_LAT_FWD,
 P_BP_KIND, P_BIM_MASK, P_GS_MASK, P_GS_HMASK, P_PC_T, P_PC_MASK, P_PC_BITS, P_BTB_MASK, P_RAS_N,
 P_DR_TCAS, P_DR_RMISS, P_DR_RCLOSED, P_DR_BURST, P_DR_CH, P_DR_BANKS, P_DR_ROWSHIFT,
 P_RING_MASK, P_SLOT_MASK, P_BUS_MASK, P_SF_MASK,
 P_OFF_ROW, P_OFF_BUS, P_OFF_BIM, P_OFF_GSH, P_OFF_PW, P_OFF_PFOLD, P_OFF_PLEN, P_OFF_HIST,
 P_OFF_BTBT, P_OFF_BTBG, P_OFF_RAS,
 P_PRF, P_PRF_MASK, P_SPFOLD, P_IPDEP,
 P_DR_MAP, P_DR_ROWLINES, P_OFF_BANKFREE, P_PAGEMAP, P_PAGE_SEED, P_WB,
 P_TLB_ON, P_TLB_LAT0, P_TLB_LAT1, P_TLB_LAT2, P_TLB_SMASK0, P_TLB_SMASK1, P_TLB_SMASK2,
 P_TLB_WAYS0, P_TLB_WAYS1, P_TLB_WAYS2, P_TLB_BASE0, P_TLB_BASE1, P_TLB_BASE2, P_TLB_N,
 P_WALK_LAT, P_FAULT, P_VM_HASH, P_VM_HMASK,
 P_BTB_WAYS, P_BTB_SMASK, P_OFF_BTBL, P_IND_MASK, P_IND_HMASK, P_OFF_IND, P_BIM_PRIME,
 P_OFF_BTBTY, P_BTB_TYPED, P_OFF_WQ, P_WQ_BATCH, P_TURN_SLOTS, P_ST_RETIRE, P_WQ1,
 P_DR_TREF, P_DR_TRFC, P_OFF_REFEP, P_TAG_CAP, P_TAG_WIN, P_OFF_TAGB, P_TAGB_MASK, N_PARAMS) = range(104)

# Rows of the cache array C[row, way slot] (all levels side by side, level base in LV).
C_TAG, C_LRU, C_FILL, C_PF, C_DIRTY = 0, 1, 2, 3, 4
N_C = 5

# ----- per cache level table LV[level, field]; levels 0 L1I, 1 L1D, 2 L2, 3 LLC; 4 means DRAM -------
(LV_BASE, LV_SMASK, LV_WAYS, LV_LAT, LV_MSHRS, LV_MBASE, LV_PF, LV_NEXT, N_LV) = range(9)
L1I, L1D, L2, LLC, DRAM = 0, 1, 2, 3, 4

# ----- scalar state Z -----------------------------------------------------------------------------
(Z_G, Z_F_PREV, Z_D_PREV, Z_P_PREV, Z_R_PREV, Z_REDIRECT, Z_REDIR_WHY, Z_PREV_TAKEN, Z_ILINE,
 Z_SCHED_N, Z_CLOCK, Z_GHIST, Z_HPOS, Z_THETA, Z_TC, Z_RAS_TOP, Z_LQ_POS, Z_SQ_POS,
 Z_FULL_LO, Z_FULL_HI,
 Z_PB_KIND, Z_PB_TGT, Z_PB_IP, Z_PB_C, Z_PB_D, Z_PB_MISSED,
 Z_MSHR_N, _Z1, _Z2, _Z3, Z_REG_MAPPED, Z_PRF_Q, Z_REN_PREV,
 Z_LAST_VP0, Z_LAST_RDY0, Z_LAST_VP1, Z_LAST_RDY1, Z_PTE_NEXT, Z_VM_USED,
 Z_PB_BTYPE, Z_WQ1_POS, N_Z) = range(42)  # (_Z1.._Z3: the MSHR counts of levels 1-3, after Z_MSHR_N)

# ----- statistics S (cumulative counters) ---------------------------------------------------------
(S_INSTR, S_LOADS, S_STORES, S_BRANCHES, S_MISPRED, S_BTB_MISS, S_FWD, S_LOAD_LAT,
 S_DRAM_REQ, S_DRAM_ROWHIT) = range(10)
S_ACC = 10        # + level: demand accesses
S_MISS = 14       # + level: demand misses
S_PF_FILL = 18    # + level: prefetches that missed here (lines brought in by the prefetcher)
S_PF_USEFUL = 22  # + level: first demand hits on prefetched lines
S_STALL = 26      # + W_*: dispatch cycles attributed to each cause
(W_BASE, W_FRONTEND, W_ICACHE, W_MISPRED, W_BTB, W_ROB, W_LQ, W_SQ, W_SCHED, N_W) = range(10)
S_PRF_STALL = S_STALL + N_W  # cycles by which the register file delayed renaming (summed per instruction)
S_SP_FOLDED = S_PRF_STALL + 1  # stack-pointer destinations removed by folding
S_DRAM_WRITES = S_SP_FOLDED + 1  # dirty lines written back to DRAM
S_WRITEBACKS = S_DRAM_WRITES + 1  # dirty lines written back by L1I/L1D, L2, LLC (+ level)
S_TLB_MISS = S_WRITEBACKS + 4  # + 0 DTLB, 1 ITLB, 2 STLB misses
S_WALK_CYCLES = S_TLB_MISS + 3  # cycles from STLB miss to translation, summed over walks
S_FAULTS = S_WALK_CYCLES + 1  # first touches of a page or a page-table page (minor faults)
S_DRAM_REFRESH_WAIT = S_FAULTS + 1  # cycles DRAM requests waited for a bank being refreshed
S_DRAM_REFRESHES = S_DRAM_REFRESH_WAIT + 1  # refreshes applied to a bank before a request (row closed)
N_STATS = S_DRAM_REFRESHES + 1
TLB_D, TLB_I, TLB_S = 0, 1, 2
PT_BASE_LINE = 1 << 44  # physical lines of the page tables (above any mapped page)
STALL_NAMES = ("base", "frontend", "icache", "branch_mispredict", "btb_miss",
               "rob_full", "lq_full", "sq_full", "scheduler_full")

# Branch types, decided from register use exactly as ChampSim does.
(BR_NONE, BR_DIRECT_JUMP, BR_INDIRECT, BR_CONDITIONAL, BR_DIRECT_CALL, BR_INDIRECT_CALL,
 BR_RETURN, BR_OTHER) = range(8)
# Pending target checks (resolved when the next record's ip is known).
PB_NONE, PB_DIRECT, PB_INDIRECT, PB_RETURN = 0, 1, 2, 3
# BTB entry types (ChampSim basic_btb branch_info): an entry that is not CONDITIONAL predicts taken.
BT_ALWAYS, BT_COND, BT_INDIRECT, BT_RETURN = 0, 1, 2, 3

REG_SP, REG_FLAGS, REG_IP = 6, 25, 26
REG_MAPPED = 256  # reg_ready[REG_MAPPED + r] != 0: architectural register r holds a physical register
HIST_MASK = 4095  # global-history bit ring of the perceptron


# ----- small binary min-heaps stored in array segments ----------------------------------------------

@njit(cache=True)
def _heap_push(h, base, n, v):
    i = n
    h[base + i] = v
    while i > 0:
        parent = (i - 1) >> 1
        if h[base + parent] <= h[base + i]:
            break
        tmp = h[base + parent]
        h[base + parent] = h[base + i]
        h[base + i] = tmp
        i = parent
    return n + 1


@njit(cache=True)
def _heap_pop(h, base, n):
    """Remove the minimum; return the new size."""
    n -= 1
    if n > 0:
        h[base] = h[base + n]
        i = 0
        while True:
            c = 2 * i + 1
            if c >= n:
                break
            if c + 1 < n and h[base + c + 1] < h[base + c]:
                c += 1
            if h[base + i] <= h[base + c]:
                break
            tmp = h[base + c]
            h[base + c] = h[base + i]
            h[base + i] = tmp
            i = c
    return n


# ----- memory hierarchy -----------------------------------------------------------------------------

@njit(cache=True)
def _mshr_wait(lvl, tt, LV, Z, mshr):  # mshr: the MEM array (heaps at LV_MBASE)
    """Earliest time >= tt at which level `lvl` has a free MSHR (the oldest outstanding fill frees one)."""
    base = LV[lvl, LV_MBASE]
    n = Z[Z_MSHR_N + lvl]
    while n > 0 and mshr[base] <= tt:
        n = _heap_pop(mshr, base, n)
    if n >= LV[lvl, LV_MSHRS]:
        tt = mshr[base]
        n = _heap_pop(mshr, base, n)
    Z[Z_MSHR_N + lvl] = n
    return tt


PAGE_LINES_LOG = 6  # 4 KiB pages of 64-byte lines
_PMASK = (1 << 40) - 1


@njit(cache=True)
def phys_line(line, P):
    """Physical line of a virtual line: the page number goes through a seeded bijection of 40-bit page
    numbers (a random-looking page map like ChampSim's shuffled free list, but needing no table and
    never mapping two virtual pages to one physical page); the offset within the page is kept."""
    if P[P_PAGEMAP] == 0:
        return line
    x = ((line >> PAGE_LINES_LOG) ^ P[P_PAGE_SEED]) & _PMASK
    x = (x * 0x9E3779B97F4A7C15) & _PMASK
    x ^= x >> 19
    x = (x * 0x2545F4914F6CDD1D) & _PMASK
    x ^= x >> 23
    return (x << PAGE_LINES_LOG) | (line & ((1 << PAGE_LINES_LOG) - 1))


@njit(cache=True)
def _dram_bank(line, P):
    """(channel, bank, row) of a physical line. 'interleaved' (ChampSim's mapping: offset, channel,
    bank group and bank, column, rank, row from the low bits up) spreads consecutive lines over the
    channels, then the banks; 'row' keeps a row's worth of consecutive lines in one bank."""
    nch = P[P_DR_CH]
    nbank = P[P_DR_BANKS]
    ch = line % nch
    x = line // nch
    if P[P_DR_MAP] == 0:
        bank = x % nbank
        row = (x // nbank) // P[P_DR_ROWLINES]
    else:
        row = x >> P[P_DR_ROWSHIFT]
        bank = (row ^ (row >> 7)) % nbank
    return ch, bank, row


@njit(cache=True)
def _dram(line, tt, timing, P, S, MEM, is_write):
    """Serve (or write) a line at DRAM: the bank is busy from the request's start until its data has
    crossed the bus; a request to an open row costs tCAS, to a closed bank tRCD + tCAS, to another row
    tRP + tRCD + tCAS; then the first free transfer slot on the channel (slots are `burst` cycles long,
    so bandwidth = one line per burst per channel)."""
    ch, bank, rowg = _dram_bank(line, P)
    nbank = P[P_DR_BANKS]
    b = P[P_OFF_ROW] + ch * nbank + bank
    cur = MEM[b]
    MEM[b] = rowg
    if not timing:
        return 0
    if is_write:
        S[S_DRAM_WRITES] += 1
    else:
        S[S_DRAM_REQ] += 1
    bf = P[P_OFF_BANKFREE] + ch * nbank + bank
    start = tt
    if MEM[bf] > start:
        start = MEM[bf]
    tref = P[P_DR_TREF]
    if tref > 0:
        # Refresh (ChampSim's schedule_refresh): every tREF each bank, once idle, is refreshed for
        # tRFC and its open row closed. Applied lazily at the bank's next request.
        k = start // tref
        ep = P[P_OFF_REFEP] + ch * nbank + bank
        if k > MEM[ep]:
            MEM[ep] = k
            rb = k * tref
            if MEM[bf] > rb:
                rb = MEM[bf]
            if rb + P[P_DR_TRFC] > start:
                S[S_DRAM_REFRESH_WAIT] += rb + P[P_DR_TRFC] - start
                start = rb + P[P_DR_TRFC]
            S[S_DRAM_REFRESHES] += 1
            cur = -1
    if cur == rowg:
        lat = P[P_DR_TCAS]
        if not is_write:
            S[S_DRAM_ROWHIT] += 1
    elif cur < 0:
        lat = P[P_DR_RCLOSED]
    else:
        lat = P[P_DR_RMISS]
    burst = P[P_DR_BURST]
    s = (start + lat + burst - 1) // burst
    mask = P[P_BUS_MASK]
    base = P[P_OFF_BUS] + ch * (mask + 1)
    while True:
        k = base + (s & mask)
        if MEM[k] != s:
            MEM[k] = s
            break
        s += 1
    done = (s + 1) * burst
    MEM[bf] = done
    if is_write and P[P_WQ_BATCH] > 0:
        # Writes wait in the write queue and are drained in bursts of `batch` (ChampSim: from 7/8 to
        # 6/8 full); each burst switches the bus to writing and back, tRAS idle each way.
        wq = P[P_OFF_WQ] + ch
        MEM[wq] += 1
        if MEM[wq] >= P[P_WQ_BATCH]:
            MEM[wq] = 0
            left = P[P_TURN_SLOTS]
            s += 1
            while left > 0:
                k = base + (s & mask)
                if MEM[k] != s:
                    MEM[k] = s
                    left -= 1
                s += 1
    return done


@njit(cache=True)
def _writeback(lvl, line, t, timing, P, LV, S, C, MEM, clock):
    """A dirty line leaves level `lvl` at cycle t: it is written into the next level (allocated there
    if absent, which may push out a further dirty line), and from the LLC to DRAM."""
    while True:
        if timing:
            S[S_WRITEBACKS + lvl] += 1
        nxt = LV[lvl, LV_NEXT]
        if nxt >= DRAM:
            _dram(line, t, timing, P, S, MEM, True)
            return
        ways = LV[nxt, LV_WAYS]
        row = LV[nxt, LV_BASE] + (line & LV[nxt, LV_SMASK]) * ways
        key = line + 1
        victim = -1
        for w in range(ways):
            if C[C_TAG, row + w] == key:
                victim = row + w
                break
        if victim >= 0:
            C[C_DIRTY, victim] = 1
            return
        victim = row
        best = C[C_LRU, row]
        for w in range(ways):
            j = row + w
            if C[C_TAG, j] == 0:
                victim = j
                break
            if C[C_LRU, j] < best:
                best = C[C_LRU, j]
                victim = j
        old = C[C_TAG, victim]
        old_dirty = C[C_DIRTY, victim]
        C[C_TAG, victim] = key
        C[C_LRU, victim] = clock
        C[C_FILL, victim] = t
        C[C_PF, victim] = 0
        C[C_DIRTY, victim] = 1
        if old == 0 or old_dirty == 0:
            return
        lvl = nxt
        line = old - 1


@njit(cache=True)
def _mark_dirty(ln, LV, C):
    """A store wrote line `ln` (present in the L1D after its RFO)."""
    ways = LV[L1D, LV_WAYS]
    row = LV[L1D, LV_BASE] + (ln & LV[L1D, LV_SMASK]) * ways
    for w in range(ways):
        if C[C_TAG, row + w] == ln + 1:
            C[C_DIRTY, row + w] = 1
            return


@njit(cache=True)
def _access(lvl, line, t, timing, P, LV, Z, S, C, MEM):
    """Demand access at cache level `lvl` (L1I or L1D) at cycle t; returns the cycle the data is ready.

    The line is looked up from `lvl` down to DRAM and filled into every level that missed. A line found
    while still in flight is a hit that waits for its fill. Next-line prefetchers are tagged: a level
    whose prefetcher is on fetches line+1 into itself on a demand miss, or on the first demand hit to
    a line it prefetched; those prefetches run as further passes of the same loop (one function, so
    no nested calls on the miss path). Statistics are counted only when `timing`.
    """
    demand_ready = 0
    pending = 0      # levels whose prefetcher fired, still to run
    cur_lvl = lvl
    cur_line = line
    is_pf = False
    while True:
        key = cur_line + 1  # 0 marks an invalid way
        lv_ = cur_lvl
        tt = t
        missmask = 0
        trig = 0
        ready = 0
        while lv_ < DRAM:
            ways = LV[lv_, LV_WAYS]
            row = LV[lv_, LV_BASE] + (cur_line & LV[lv_, LV_SMASK]) * ways
            hit = -1
            for w in range(ways):
                if C[C_TAG, row + w] == key:
                    hit = row + w
                    break
            clock = Z[Z_CLOCK] + 1
            Z[Z_CLOCK] = clock
            if timing and not is_pf:
                S[S_ACC + lv_] += 1
            if hit >= 0:
                C[C_LRU, hit] = clock
                if timing:
                    ready = tt + LV[lv_, LV_LAT]
                    if C[C_FILL, hit] > ready:
                        ready = C[C_FILL, hit]
                if C[C_PF, hit] != 0 and not is_pf:
                    C[C_PF, hit] = 0
                    if timing:
                        S[S_PF_USEFUL + lv_] += 1
                    if LV[lv_, LV_PF] != 0:
                        trig |= 1 << lv_
                break
            if timing:
                if is_pf:
                    S[S_PF_FILL + lv_] += 1
                else:
                    S[S_MISS + lv_] += 1
            if LV[lv_, LV_PF] != 0 and not is_pf:
                trig |= 1 << lv_
            if timing:
                tt = _mshr_wait(lv_, tt, LV, Z, MEM)
            missmask |= 1 << lv_
            tt += LV[lv_, LV_LAT]
            lv_ = LV[lv_, LV_NEXT]
        if lv_ >= DRAM:
            ready = _dram(cur_line, tt, timing, P, S, MEM, False)
        if missmask != 0:
            clock = Z[Z_CLOCK]
            for lv in range(4):
                if (missmask >> lv) & 1:
                    ways = LV[lv, LV_WAYS]
                    row = LV[lv, LV_BASE] + (cur_line & LV[lv, LV_SMASK]) * ways
                    victim = row
                    best = C[C_LRU, row]
                    for w in range(ways):
                        j = row + w
                        if C[C_TAG, j] == 0:
                            victim = j
                            break
                        if C[C_LRU, j] < best:
                            best = C[C_LRU, j]
                            victim = j
                    if C[C_DIRTY, victim] != 0 and P[P_WB] != 0:
                        _writeback(lv, C[C_TAG, victim] - 1, ready, timing, P, LV, S, C, MEM, clock)
                    C[C_TAG, victim] = key
                    C[C_LRU, victim] = clock
                    C[C_FILL, victim] = ready
                    C[C_PF, victim] = 1 if is_pf else 0
                    C[C_DIRTY, victim] = 0
                    if timing:
                        base = LV[lv, LV_MBASE]
                        n = Z[Z_MSHR_N + lv]
                        if n < LV[lv, LV_MSHRS]:
                            Z[Z_MSHR_N + lv] = _heap_push(MEM, base, n, ready)
        if not is_pf:
            demand_ready = ready
            pending = trig
        if pending == 0:
            return demand_ready
        # Next prefetch: line + 1 into the lowest level whose prefetcher fired.
        nxt = 0
        while not (pending >> nxt) & 1:
            nxt += 1
        pending &= ~(1 << nxt)
        cur_lvl = nxt
        cur_line = line + 1
        is_pf = True


# ----- virtual memory: TLBs, page walks, first-touch faults --------------------------------------------

@njit(cache=True)
def _vm_find(key, P, Z, VM):
    """Look `key` up in the open-addressing table of touched pages / page-table pages; returns
    (value, is_new). A new key gets the next page-table entry index as its value."""
    base = P[P_VM_HASH]
    mask = P[P_VM_HMASK]
    h = (key * 0x9E3779B97F4A7C15) >> 20
    for _ in range(64):
        j = base + 2 * (h & mask)
        k = VM[j]
        if k == key + 1:
            return VM[j + 1], False
        if k == 0:
            if Z[Z_VM_USED] * 4 >= 3 * (mask + 1):
                break  # table too full: treat as known (no fault)
            v = Z[Z_PTE_NEXT]
            Z[Z_PTE_NEXT] = v + 1
            Z[Z_VM_USED] += 1
            VM[j] = key + 1
            VM[j + 1] = v
            return v, True
        h += 1
    return key, False


@njit(cache=True)
def _tlb_probe(which, vpage, P, Z, VM):
    """Slot of `vpage` in TLB `which` (LRU updated), or -(victim slot) - 1 on a miss."""
    ways = P[P_TLB_WAYS0 + which]
    row = P[P_TLB_BASE0 + which] + (vpage & P[P_TLB_SMASK0 + which]) * ways
    n = P[P_TLB_N]
    clock = Z[Z_CLOCK] + 1
    Z[Z_CLOCK] = clock
    victim = row
    best = VM[n + row]
    for w in range(ways):
        j = row + w
        if VM[j] == vpage + 1:
            VM[n + j] = clock
            return j
        if VM[n + j] < best:
            best = VM[n + j]
            victim = j
    return -victim - 1


@njit(cache=True)
def _tlb_fill(slot, vpage, ready, P, Z, VM):
    n = P[P_TLB_N]
    VM[slot] = vpage + 1
    VM[n + slot] = Z[Z_CLOCK]
    VM[2 * n + slot] = ready


@njit(cache=True)
def _translate(which, vpage, t, timing, P, LV, Z, S, C, MEM, VM):
    """Cycle at which the translation of `vpage` is known, for an access starting at t: the L1 TLB
    (`which`: DTLB or ITLB) latency on a hit; on a miss the STLB's; on an STLB miss a page walk that
    reads the leaf page-table entry through the L1D (upper levels: the walker's paging-structure
    caches, assumed to hit; a new 2 MiB region reads one more level), plus a minor fault for each
    page-table entry and page created."""
    lz = Z_LAST_VP0 + 2 * which
    lat0 = P[P_TLB_LAT0 + which]
    if Z[lz] == vpage + 1:
        r = t + lat0
        return r if r > Z[lz + 1] else Z[lz + 1]
    n = P[P_TLB_N]
    j = _tlb_probe(which, vpage, P, Z, VM)
    if j >= 0:
        r = t + lat0
        if VM[2 * n + j] > r:
            r = VM[2 * n + j]
    else:
        if timing:
            S[S_TLB_MISS + which] += 1
        t1 = t + lat0 + P[P_TLB_LAT2]
        k = _tlb_probe(TLB_S, vpage, P, Z, VM)
        if k >= 0:
            r = t1
            if VM[2 * n + k] > r:
                r = VM[2 * n + k]
        else:
            if timing:
                S[S_TLB_MISS + TLB_S] += 1
            tw = t1
            fault = P[P_FAULT]
            # The level-2 entry (one per 2 MiB region): new -> one more table read and a fault.
            reg, new_reg = _vm_find(-1 - (vpage >> 9), P, Z, VM)
            if new_reg:
                r2 = _access(L1D, PT_BASE_LINE + (reg >> 3), tw, timing, P, LV, Z, S, C, MEM)
                tw = (r2 if timing else 0) + P[P_WALK_LAT] + fault
                if timing:
                    S[S_FAULTS] += 1
            idx, new_page = _vm_find(vpage, P, Z, VM)
            r1 = _access(L1D, PT_BASE_LINE + (1 << 40) + (idx >> 3), tw, timing, P, LV, Z, S, C, MEM)
            r = (r1 if timing else 0) + P[P_WALK_LAT]
            if new_page:
                # ChampSim charges the fault twice for a new page: the new leaf entry, then the new
                # page itself (PageTableWalker finish_step, then finish_last_step).
                r += 2 * fault
                if timing:
                    S[S_FAULTS] += 2
            if timing:
                S[S_WALK_CYCLES] += r - t1
            else:
                r = 0  # functional warming: nothing in flight
            _tlb_fill(-k - 1, vpage, r, P, Z, VM)
        if not timing:
            r = 0
        _tlb_fill(-j - 1, vpage, r, P, Z, VM)
    Z[lz] = vpage + 1
    Z[lz + 1] = r
    return r


# ----- branch prediction ----------------------------------------------------------------------------

@njit(cache=True)
def _classify(isb, d0, d1, s0, s1, s2, s3):
    """ChampSim's branch type from register use (REFERENCE.md section 3)."""
    if isb == 0:
        return BR_NONE
    reads_sp = s0 == REG_SP or s1 == REG_SP or s2 == REG_SP or s3 == REG_SP
    reads_fl = s0 == REG_FLAGS or s1 == REG_FLAGS or s2 == REG_FLAGS or s3 == REG_FLAGS
    reads_ip = s0 == REG_IP or s1 == REG_IP or s2 == REG_IP or s3 == REG_IP
    writes_sp = d0 == REG_SP or d1 == REG_SP
    writes_ip = d0 == REG_IP or d1 == REG_IP
    reads_other = False
    for s in (s0, s1, s2, s3):
        if s != 0 and s != REG_SP and s != REG_FLAGS and s != REG_IP:
            reads_other = True
    if not reads_sp and not reads_fl and writes_ip and not reads_other:
        return BR_DIRECT_JUMP
    if not reads_sp and not reads_fl and writes_ip and reads_other:
        return BR_INDIRECT
    if not reads_sp and reads_ip and not writes_sp and writes_ip and (reads_fl or reads_other):
        return BR_CONDITIONAL
    if reads_sp and reads_ip and writes_sp and writes_ip and not reads_fl and not reads_other:
        return BR_DIRECT_CALL
    if reads_sp and reads_ip and writes_sp and writes_ip and not reads_fl and reads_other:
        return BR_INDIRECT_CALL
    if reads_sp and not reads_ip and writes_sp and writes_ip:
        return BR_RETURN
    if writes_ip:
        return BR_OTHER
    # A branch record without ChampSim-style register use: predict its direction like a conditional.
    return BR_CONDITIONAL


@njit(cache=True)
def _ip_hash(ip):
    return (ip >> 2) ^ (ip >> 17) ^ (ip >> 31)


@njit(cache=True)
def _predict_update(ip, taken, P, Z, BPS):
    """Predict the direction of a conditional branch, then train on the outcome; returns the prediction."""
    kind = P[P_BP_KIND]
    h = _ip_hash(ip)
    if kind <= 1:  # 2-bit saturating counters
        if kind == 0:  # bimodal: indexed by ip modulo the largest prime below the table size (ChampSim)
            idx = P[P_OFF_BIM] + ip % P[P_BIM_PRIME]
        else:  # gshare: indexed by ip XOR global history
            idx = P[P_OFF_GSH] + ((h ^ (Z[Z_GHIST] & P[P_GS_HMASK])) & P[P_GS_MASK])
        c = BPS[idx]
        pred = c >= 2
        if taken:
            if c < 3:
                BPS[idx] = c + 1
        elif c > 0:
            BPS[idx] = c - 1
    else:  # hashed perceptron: sum of one weight per table, each indexed by ip XOR folded history
        ntab = P[P_PC_T]
        mask = P[P_PC_MASK]
        ent = mask + 1
        pw = P[P_OFF_PW]
        pfold = P[P_OFF_PFOLD]
        plen = P[P_OFF_PLEN]
        hist = P[P_OFF_HIST]
        total = 0
        for t in range(ntab):
            total += BPS[pw + t * ent + ((h ^ BPS[pfold + t]) & mask)]
        pred = total >= 0
        theta = Z[Z_THETA]
        mag = total if total >= 0 else -total
        if pred != taken or mag <= theta:
            for t in range(ntab):
                j = pw + t * ent + ((h ^ BPS[pfold + t]) & mask)
                w = BPS[j]
                if taken:
                    if w < 127:
                        BPS[j] = w + 1
                elif w > -128:
                    BPS[j] = w - 1
        # Adaptive training threshold (raise it while mispredicting, lower it while only training).
        if pred != taken:
            Z[Z_TC] += 1
            if Z[Z_TC] >= 63:
                Z[Z_THETA] = theta + 1
                Z[Z_TC] = 0
        elif mag <= theta:
            Z[Z_TC] -= 1
            if Z[Z_TC] <= -64:
                if theta > 1:
                    Z[Z_THETA] = theta - 1
                Z[Z_TC] = 0
        # Global history and the folded copies each table hashes with.
        pos = Z[Z_HPOS] + 1
        Z[Z_HPOS] = pos
        bit = 1 if taken else 0
        BPS[hist + (pos & HIST_MASK)] = bit
        width = P[P_PC_BITS]
        for t in range(1, ntab):
            length = BPS[plen + t]
            old = BPS[hist + ((pos - length) & HIST_MASK)]
            f = (BPS[pfold + t] << 1) | bit
            f ^= old << (length % width)
            f ^= f >> width
            BPS[pfold + t] = f & mask
    Z[Z_GHIST] = ((Z[Z_GHIST] << 1) | (1 if taken else 0)) & 0x3FFFFFFFFFFFFFFF
    return pred


@njit(cache=True)
def _btb_find(ip, P, Z, BPS):
    """BTB slot of the branch at `ip` (set-associative, LRU; indexed and tagged by ip >> 2 as in
    ChampSim's basic_btb, so branches within the same 4 bytes share an entry), LRU updated; on a miss
    -(LRU victim slot) - 1."""
    key = ip >> 2
    ways = P[P_BTB_WAYS]
    row = (key & P[P_BTB_SMASK]) * ways
    g = P[P_OFF_BTBG]
    lru = P[P_OFF_BTBL]
    clock = Z[Z_CLOCK] + 1
    Z[Z_CLOCK] = clock
    victim = row
    best = BPS[lru + row]
    for w in range(ways):
        j = row + w
        if BPS[g + j] == key:
            BPS[lru + j] = clock
            return j
        if BPS[lru + j] < best:
            best = BPS[lru + j]
            victim = j
    return -victim - 1


@njit(cache=True)
def _ind_index(ip, P, Z):
    """Indirect-target table index: (ip >> 2) XOR the last conditional-branch directions (ChampSim)."""
    return ((ip >> 2) ^ (Z[Z_GHIST] & P[P_IND_HMASK])) & P[P_IND_MASK]


@njit(cache=True)
def _check_target(actual, timing, P, Z, S, BPS):
    """Verify the previous taken branch's predicted target against the next record's ip."""
    kind = Z[Z_PB_KIND]
    Z[Z_PB_KIND] = PB_NONE
    tgt = Z[Z_PB_TGT]
    if kind == PB_RETURN:
        # The RAS holds the call's own ip (records carry no instruction size): a return is right if
        # it lands just after that call (x86 instructions are at most 15 bytes long).
        diff = actual - tgt
        ok = tgt != 0 and diff > 0 and diff <= 15
        if P[P_BTB_TYPED] != 0:
            # ChampSim keeps returns in the BTB too (type RETURN): a conditional branch in the same
            # 4 bytes then finds a non-conditional entry.
            bip = Z[Z_PB_IP]
            slot = _btb_find(bip, P, Z, BPS)
            if slot < 0:
                slot = -slot - 1
                BPS[P[P_OFF_BTBG] + slot] = bip >> 2
                BPS[P[P_OFF_BTBL] + slot] = Z[Z_CLOCK]
            BPS[P[P_OFF_BTBT] + slot] = actual
            BPS[P[P_OFF_BTBTY] + slot] = BT_RETURN
    else:
        ok = tgt == actual
        bip = Z[Z_PB_IP]
        slot = _btb_find(bip, P, Z, BPS)
        if slot < 0:
            slot = -slot - 1
            BPS[P[P_OFF_BTBG] + slot] = bip >> 2
            BPS[P[P_OFF_BTBL] + slot] = Z[Z_CLOCK]
        BPS[P[P_OFF_BTBT] + slot] = actual
        BPS[P[P_OFF_BTBTY] + slot] = Z[Z_PB_BTYPE]
        if kind == PB_INDIRECT and P[P_IND_MASK] > 0:
            BPS[P[P_OFF_IND] + _ind_index(bip, P, Z)] = actual
    if ok or not timing or Z[Z_PB_MISSED] != 0:
        return
    if kind == PB_DIRECT:
        # Direct branch missing from the BTB: the decoder computes the target and redirects fetch.
        red = Z[Z_PB_D] + 1
        S[S_BTB_MISS] += 1
        if red > Z[Z_REDIRECT]:
            Z[Z_REDIRECT] = red
            Z[Z_REDIR_WHY] = W_BTB
    else:
        red = Z[Z_PB_C] + P[P_MPEN]
        S[S_MISPRED] += 1
        if red > Z[Z_REDIRECT]:
            Z[Z_REDIRECT] = red
            Z[Z_REDIR_WHY] = W_MISPRED


@njit(cache=True)
def _branch(ip, taken, btype, comp, dec, timing, P, Z, S, BPS):
    """Predict and train on one branch; schedule the redirect of a mispredicted direction and leave
    the target check pending until the next record."""
    missed = 0
    if btype == BR_CONDITIONAL:
        pred = _predict_update(ip, taken, P, Z, BPS)
        if P[P_BTB_TYPED] != 0:
            # ChampSim: a BTB entry of another type (e.g. a jump within the same 4 bytes) makes the
            # branch predicted taken; a not-taken conditional marks its entry CONDITIONAL.
            slot = _btb_find(ip, P, Z, BPS)
            if slot >= 0:
                ty = P[P_OFF_BTBTY] + slot
                if BPS[ty] != BT_COND:
                    pred = True
                if not taken:
                    BPS[ty] = BT_COND
        if pred != taken:
            missed = 1
            if timing:
                S[S_MISPRED] += 1
                red = comp + P[P_MPEN]
                if red > Z[Z_REDIRECT]:
                    Z[Z_REDIRECT] = red
                    Z[Z_REDIR_WHY] = W_MISPRED
    if not taken:
        return
    if btype == BR_RETURN:
        top = Z[Z_RAS_TOP]
        Z[Z_PB_TGT] = BPS[P[P_OFF_RAS] + top]
        BPS[P[P_OFF_RAS] + top] = 0
        Z[Z_RAS_TOP] = (top - 1) % P[P_RAS_N]
        Z[Z_PB_KIND] = PB_RETURN
    else:
        if btype == BR_DIRECT_CALL or btype == BR_INDIRECT_CALL:
            top = (Z[Z_RAS_TOP] + 1) % P[P_RAS_N]
            BPS[P[P_OFF_RAS] + top] = ip
            Z[Z_RAS_TOP] = top
        slot = _btb_find(ip, P, Z, BPS)
        tgt = BPS[P[P_OFF_BTBT] + slot] if slot >= 0 else -1
        if btype == BR_INDIRECT or btype == BR_INDIRECT_CALL:
            Z[Z_PB_KIND] = PB_INDIRECT
            Z[Z_PB_BTYPE] = BT_INDIRECT
            if slot >= 0 and P[P_IND_MASK] > 0:
                tgt = BPS[P[P_OFF_IND] + _ind_index(ip, P, Z)]
        else:
            Z[Z_PB_KIND] = PB_DIRECT
            Z[Z_PB_BTYPE] = BT_COND if btype == BR_CONDITIONAL else BT_ALWAYS
        Z[Z_PB_TGT] = tgt
    Z[Z_PB_IP] = ip
    Z[Z_PB_C] = comp
    Z[Z_PB_D] = dec
    Z[Z_PB_MISSED] = missed


# ----- the two per-chunk loops ------------------------------------------------------------------------

@njit(cache=True, inline="always")
def _warm_l1_hit(C, Z, base, mask, ways, ln):
    """Functional warming's L1 fast path: on a demand hit to a line not brought in by the prefetcher,
    the same state change as `_access` (clock tick, LRU) and its slot; otherwise -1 and no change
    (the caller takes `_access`). Inlined into the loop at Numba's IR level: no call, no reference
    counting (see the module docstring)."""
    row = base + (ln & mask) * ways
    for w in range(ways):
        j = row + w
        if C[C_TAG, j] == ln + 1:
            if C[C_PF, j] != 0:
                return -1
            clock = Z[Z_CLOCK] + 1
            Z[Z_CLOCK] = clock
            C[C_LRU, j] = clock
            return j
    return -1


@njit(cache=True, nogil=True)
def run_functional(U, P, LV, Z, S, C, MEM, BPS, VM):
    """Functional warming: update caches, prefetchers, predictors, BTB and RAS; no timing, no stats."""
    n = U.shape[0]
    d_base = LV[L1D, LV_BASE]
    d_mask = LV[L1D, LV_SMASK]
    d_ways = LV[L1D, LV_WAYS]
    i_base = LV[L1I, LV_BASE]
    i_mask = LV[L1I, LV_SMASK]
    i_ways = LV[L1I, LV_WAYS]
    tlb = P[P_TLB_ON]
    for i in range(n):
        ip = np.int64(U[i, 0])
        w1 = np.int64(U[i, 1])
        if Z[Z_PB_KIND] != PB_NONE:
            _check_target(ip, False, P, Z, S, BPS)
        line = ip >> 6
        if line != Z[Z_ILINE]:
            Z[Z_ILINE] = line
            # The ITLB's last-page check and the L1I hit are inlined as for the L1D below (same state
            # changes as _translate / _access make on those paths; no call, no reference counting).
            if tlb != 0 and Z[Z_LAST_VP1] != (ip >> 12) + 1:
                _translate(TLB_I, ip >> 12, 0, False, P, LV, Z, S, C, MEM, VM)
            iln = phys_line(line, P)
            if _warm_l1_hit(C, Z, i_base, i_mask, i_ways, iln) < 0:
                _access(L1I, iln, 0, False, P, LV, Z, S, C, MEM)
        last = np.int64(-1)
        for kk in range(6):
            k = kk + 4 if kk < 4 else kk - 2  # loads (words 4-7) first, then stores (2-3), as in timing
            a = np.int64(U[i, k])
            if a == 0:
                continue
            ln = phys_line(a >> 6, P)
            if k >= 4:  # source (load) addresses: one access per distinct line
                if ln == last:
                    continue
                last = ln
            if tlb != 0 and Z[Z_LAST_VP0] != (a >> 12) + 1:
                _translate(TLB_D, a >> 12, 0, False, P, LV, Z, S, C, MEM, VM)
            # Inline L1D hit (see the module docstring); anything else takes the full path.
            hit = _warm_l1_hit(C, Z, d_base, d_mask, d_ways, ln)
            if hit >= 0:
                if k < 4:
                    C[C_DIRTY, hit] = 1
            else:
                _access(L1D, ln, 0, False, P, LV, Z, S, C, MEM)
                if k < 4:
                    _mark_dirty(ln, LV, C)
        isb = w1 & 0xFF
        if isb != 0:
            btype = _classify(isb, (w1 >> 16) & 0xFF, (w1 >> 24) & 0xFF, (w1 >> 32) & 0xFF,
                              (w1 >> 40) & 0xFF, (w1 >> 48) & 0xFF, (w1 >> 56) & 0xFF)
            _branch(ip, ((w1 >> 8) & 0xFF) != 0, btype, 0, 0, False, P, Z, S, BPS)


@njit(cache=True)
def _l1d_tag_slot(t, P, MEM):
    """First cycle >= t at which the L1D can start a tag check. ChampSim keeps at most
    max_tag_check x hit latency checks in flight, each for hit latency + 1 cycles: modelled as
    windows of P_TAG_WIN cycles holding P_TAG_CAP checks each (booked in program order)."""
    win = P[P_TAG_WIN]
    b = t // win
    base = P[P_OFF_TAGB]
    mask = P[P_TAGB_MASK]
    while True:
        k = base + 2 * (b & mask)
        if MEM[k] != b:
            MEM[k] = b
            MEM[k + 1] = 0
        if MEM[k + 1] < P[P_TAG_CAP]:
            MEM[k + 1] += 1
            break
        b += 1
    return t if b * win <= t else b * win


@njit(cache=True)
def _l1d_load(ln, t, P, LV, Z, S, C, MEM):
    """Demand access to the L1D at cycle t (inline hit path, full walk otherwise), once a tag check
    can start (`_l1d_tag_slot`)."""
    if P[P_TAG_CAP] > 0:
        t = _l1d_tag_slot(t, P, MEM)
    ways = LV[L1D, LV_WAYS]
    row = LV[L1D, LV_BASE] + (ln & LV[L1D, LV_SMASK]) * ways
    key = ln + 1
    for w in range(ways):
        j = row + w
        if C[C_TAG, j] == key:
            if C[C_PF, j] != 0:
                break
            clock = Z[Z_CLOCK] + 1
            Z[Z_CLOCK] = clock
            C[C_LRU, j] = clock
            S[S_ACC + L1D] += 1
            r = t + LV[L1D, LV_LAT]
            f = C[C_FILL, j]
            return r if r > f else f
    return _access(L1D, ln, t, True, P, LV, Z, S, C, MEM)


@njit(cache=True, nogil=True)
def run_timing(U, P, LV, Z, S, ring, lqr, sqr, sheap, slots, reg_ready, sfa, sfr, sff, C, MEM, BPS, prf, VM):
    """Detailed timing of one chunk of records, continuing from the state left by the previous one."""
    n = U.shape[0]
    M = P[P_RING_MASK]
    SM = P[P_SLOT_MASK]
    SFM = P[P_SF_MASK]
    FW = P[P_FW]
    DW = P[P_DW]
    PW = P[P_PW]
    XW = P[P_XW]
    RW = P[P_RW]
    ROB = P[P_ROB]
    LQ = P[P_LQ]
    SQ = P[P_SQ]
    SCHED = P[P_SCHED]
    LDPC = P[P_LDPC]
    STPC = P[P_STPC]
    IFB = P[P_IFB]
    DB = P[P_DB]
    DECL = P[P_DECL]
    DISPL = P[P_DISPL]
    SCHL = P[P_SCHL]
    TAKENBRK = P[P_TAKENBRK]
    LAT_ALU = P[P_LAT_ALU]
    LAT_BR = P[P_LAT_BR]
    LAT_AGU = P[P_LAT_AGU]
    LAT_ST = P[P_LAT_ST]
    LAT_FWD = P[P_LAT_FWD]
    L1I_LAT = LV[L1I, LV_LAT]
    L1D_LAT = LV[L1D, LV_LAT]
    PRF = P[P_PRF]
    PRFM = P[P_PRF_MASK]
    SPFOLD = P[P_SPFOLD]
    IPDEP = P[P_IPDEP]
    ST_RETIRE = P[P_ST_RETIRE]
    WQ1 = P[P_WQ1]
    wqpos = Z[Z_WQ1_POS]
    TLB = P[P_TLB_ON]
    DTLB_LAT = P[P_TLB_LAT0]
    d_base = LV[L1D, LV_BASE]
    d_mask = LV[L1D, LV_SMASK]
    d_ways = LV[L1D, LV_WAYS]

    g = Z[Z_G]
    f_prev = Z[Z_F_PREV]
    d_prev = Z[Z_D_PREV]
    p_prev = Z[Z_P_PREV]
    r_prev = Z[Z_R_PREV]
    prev_taken = Z[Z_PREV_TAKEN]
    sn = Z[Z_SCHED_N]
    lqpos = Z[Z_LQ_POS]
    sqpos = Z[Z_SQ_POS]
    full_lo = Z[Z_FULL_LO]
    full_hi = Z[Z_FULL_HI]

    for i in range(n):
        ip = np.int64(U[i, 0])
        w1 = np.int64(U[i, 1])
        isb = w1 & 0xFF
        taken = ((w1 >> 8) & 0xFF) != 0
        d0 = (w1 >> 16) & 0xFF
        d1 = (w1 >> 24) & 0xFF
        s0 = (w1 >> 32) & 0xFF
        s1 = (w1 >> 40) & 0xFF
        s2 = (w1 >> 48) & 0xFF
        s3 = (w1 >> 56) & 0xFF
        dm0 = np.int64(U[i, 2])
        dm1 = np.int64(U[i, 3])
        sm0 = np.int64(U[i, 4])
        sm1 = np.int64(U[i, 5])
        sm2 = np.int64(U[i, 6])
        sm3 = np.int64(U[i, 7])
        is_load = (sm0 | sm1 | sm2 | sm3) != 0
        is_store = (dm0 | dm1) != 0

        if Z[Z_PB_KIND] != PB_NONE:
            _check_target(ip, True, P, Z, S, BPS)

        # ---- fetch: in order, fetch_width per cycle, after redirects, behind the icache ----
        f = f_prev
        t = ring[0, (g - FW) & M] + 1
        if t > f:
            f = t
        if prev_taken != 0 and TAKENBRK != 0 and f_prev + 1 > f:
            f = f_prev + 1
        why = W_FRONTEND
        red = Z[Z_REDIRECT]
        if red > f:
            f = red
            why = Z[Z_REDIR_WHY]
        t = ring[1, (g - IFB) & M]  # the fetch buffer drains at decode
        if t > f:
            f = t
            why = W_FRONTEND
        line = ip >> 6
        if line != Z[Z_ILINE]:
            Z[Z_ILINE] = line
            tr = f
            if TLB != 0:
                # The tag check waits for the translation, which runs beside the cache's own
                # latency (ChampSim): only a translation slower than the L1I delays fetch.
                tr = _translate(TLB_I, ip >> 12, f, True, P, LV, Z, S, C, MEM, VM) - L1I_LAT
                if tr < f:
                    tr = f
            t = _access(L1I, phys_line(line, P), tr, True, P, LV, Z, S, C, MEM) - L1I_LAT
            if t > f:
                f = t
                why = W_ICACHE
        ring[0, g & M] = f
        f_prev = f

        # ---- decode ----
        dd = f + L1I_LAT + DECL
        t = ring[1, (g - DW) & M] + 1
        if t > dd:
            dd = t
            why = W_FRONTEND
        if d_prev > dd:
            dd = d_prev
        t = ring[2, (g - DB) & M]  # the decode buffer drains at dispatch
        if t > dd:
            dd = t
            why = W_FRONTEND
        ring[1, g & M] = dd
        d_prev = dd

        # ---- dispatch into ROB / LQ / SQ / scheduler ----
        p = dd + DISPL
        if p_prev > p:
            p = p_prev
        t = ring[2, (g - PW) & M] + 1
        if t > p:
            p = t
            why = W_BASE
        t = ring[3, (g - ROB) & M]
        if t > p:
            p = t
            why = W_ROB
        if is_load:
            t = lqr[lqpos]
            if t > p:
                p = t
                why = W_LQ
        if is_store:
            t = sqr[sqpos]
            if t > p:
                p = t
                why = W_SQ
        while sn > 0 and sheap[0] <= p:
            sn = _heap_pop(sheap, 0, sn)
        if sn >= SCHED:
            t = sheap[0]
            sn = _heap_pop(sheap, 0, sn)
            if t > p:
                p = t
                why = W_SCHED
            while sn > 0 and sheap[0] <= p:
                sn = _heap_pop(sheap, 0, sn)
        S[S_STALL + why] += p - p_prev
        ring[2, g & M] = p
        p_prev = p

        # ---- rename (ChampSim: at scheduling, in program order): stack-pointer folding, then one
        # physical register per destination; a register is freed when the next writer of the same
        # architectural register retires, so at most PRF - (mapped architectural registers)
        # destinations of renamed, not yet retired instructions are outstanding ----
        rd0 = d0  # destinations after folding (d0/d1 stay as traced: they classify the branch)
        rd1 = d1
        if SPFOLD != 0 and (d0 == REG_SP or d1 == REG_SP):
            other = False
            for s in (s0, s1, s2, s3):
                if s != 0 and s != REG_SP and s != REG_FLAGS and s != REG_IP:
                    other = True
            if isb != 0 or is_load or is_store or not other:
                if d0 == REG_SP:
                    rd0 = 0
                if d1 == REG_SP:
                    rd1 = 0
                S[S_SP_FOLDED] += 1
        if IPDEP == 0:
            if rd0 == REG_IP:
                rd0 = 0
            if rd1 == REG_IP:
                rd1 = 0
        ren = p + SCHL
        t = Z[Z_REN_PREV]
        if t > ren:
            ren = t
        q0 = Z[Z_PRF_Q]
        nd = 0
        if PRF > 0:
            for s in (s0, s1, s2, s3, rd0, rd1):
                if s != 0 and reg_ready[REG_MAPPED + s] == 0:
                    reg_ready[REG_MAPPED + s] = 1
                    Z[Z_REG_MAPPED] += 1
            cap = PRF - Z[Z_REG_MAPPED]
            if cap < 4:
                cap = 4
            nd = (1 if rd0 != 0 else 0) + (1 if rd1 != 0 else 0)
            if nd > 0:
                qe = q0 + nd - 1 - cap  # the allocation that must have retired
                if qe >= 0:
                    t = prf[qe & PRFM] + 1
                    if t > ren:
                        S[S_PRF_STALL] += t - ren
                        ren = t
                Z[Z_PRF_Q] = q0 + nd
        Z[Z_REN_PREV] = ren

        # ---- issue: sources ready, then the first cycle with a free slot ----
        rdy = ren
        for s in (s0, s1, s2, s3):
            if s != 0 and (IPDEP != 0 or s != REG_IP):
                t = reg_ready[s]
                if t > rdy:
                    rdy = t
        t = rdy
        if t >= full_lo and t < full_hi:
            t = full_hi
        while True:
            k = t & SM
            if slots[k, 0] != t:
                slots[k, 0] = t
                slots[k, 1] = 0
                slots[k, 2] = 0
                slots[k, 3] = 0
            if slots[k, 1] < XW and (not is_load or slots[k, 2] < LDPC) and (not is_store or slots[k, 3] < STPC):
                break
            t += 1
            if t >= full_lo and t < full_hi:
                t = full_hi
        slots[k, 1] += 1
        if is_load:
            slots[k, 2] += 1
        if is_store:
            slots[k, 3] += 1
        if slots[k, 1] >= XW:
            # Keep one run of completely full cycles so backlogged issue skips it in one step.
            if t == full_hi:
                full_hi = t + 1
            elif t == full_lo - 1:
                full_lo = t
            elif t > full_hi:
                full_lo = t
                full_hi = t + 1
            while True:
                k2 = full_hi & SM
                if slots[k2, 0] == full_hi and slots[k2, 1] >= XW:
                    full_hi += 1
                else:
                    break
        issue = t
        sn = _heap_push(sheap, 0, sn, issue)

        # ---- execute ----
        if is_load:
            comp = issue
            a0 = issue + LAT_AGU
            last = np.int64(-1)
            tr = a0
            for a in (sm0, sm1, sm2, sm3):
                if a == 0:
                    continue
                hsf = (a >> 3) & SFM
                if sfa[hsf] == a and sff[hsf] > issue:
                    # An older store to this address is still in the store queue: forward its data.
                    r = sfr[hsf]
                    if issue > r:
                        r = issue
                    r += LAT_FWD
                    S[S_FWD] += 1
                else:
                    ln = phys_line(a >> 6, P)
                    if ln == last:
                        r = tr + L1D_LAT
                    else:
                        last = ln
                        if TLB != 0:
                            # translation beside the L1D latency, as for the L1I (the same page as
                            # the last data access is handled inline: a helper call costs more)
                            vp = a >> 12
                            if Z[Z_LAST_VP0] == vp + 1:
                                tr = a0 + DTLB_LAT
                                if Z[Z_LAST_RDY0] > tr:
                                    tr = Z[Z_LAST_RDY0]
                            else:
                                tr = _translate(TLB_D, vp, a0, True, P, LV, Z, S, C, MEM, VM)
                            tr -= L1D_LAT
                            if tr < a0:
                                tr = a0
                        r = _l1d_load(ln, tr, P, LV, Z, S, C, MEM)
                if r > comp:
                    comp = r
            S[S_LOAD_LAT] += comp - issue
            S[S_LOADS] += 1
        elif isb != 0:
            comp = issue + LAT_BR
        elif is_store:
            comp = issue + LAT_ST
        else:
            comp = issue + LAT_ALU
        # ---- retire: in order, retire_width per cycle ----
        r = comp
        if r_prev > r:
            r = r_prev
        t = ring[3, (g - RW) & M] + 1
        if t > r:
            r = t
        ring[3, g & M] = r
        r_prev = r
        r_ret = r
        st_done = np.int64(0)
        wq_out0 = np.int64(0)  # when each address's write leaves the L1D write queue (forwardable till then)
        wq_out1 = np.int64(0)
        if is_store:
            S[S_STORES] += 1
            for a in (dm0, dm1):
                if a != 0:
                    # Write-allocate. Default (stores_write_at_retire, ChampSim): the store writes the
                    # L1D only after it retires (its RFO starts then) and leaves the SQ as it does, so a
                    # later load of the line waits for the RFO's fill. Off: the line is fetched once the
                    # address is known and the store leaves the SQ after it retires and the line is present.
                    ln = phys_line(a >> 6, P)
                    tr = issue + LAT_ST
                    if ST_RETIRE != 0:
                        # the write enters the L1D write queue once retired and a WQ entry is free (the
                        # one WQ1 stores earlier has left; the store then leaves the SQ); only there is
                        # its address translated (ChampSim's L1D translates a write when it handles
                        # it), beside the L1D latency; it leaves the queue when translated and its line
                        # is found (hit or in flight) or, on a miss, when an L1D MSHR frees up
                        if r_ret + 1 > tr:
                            tr = r_ret + 1
                        if WQ1 > 0:
                            w_in = sqr[SQ + wqpos]
                            if w_in > tr:
                                tr = w_in
                            if st_done < tr:
                                st_done = tr
                    if TLB != 0:
                        vp = a >> 12
                        if Z[Z_LAST_VP0] == vp + 1:
                            t = tr + DTLB_LAT
                            if Z[Z_LAST_RDY0] > t:
                                t = Z[Z_LAST_RDY0]
                        else:
                            t = _translate(TLB_D, vp, tr, True, P, LV, Z, S, C, MEM, VM)
                        t -= L1D_LAT
                        if t > tr:
                            tr = t
                    if ST_RETIRE != 0:
                        if WQ1 > 0:
                            row = d_base + (ln & d_mask) * d_ways
                            present = False
                            for w in range(d_ways):
                                if C[C_TAG, row + w] == ln + 1:
                                    present = True
                                    break
                            if not present:
                                tr = _mshr_wait(L1D, tr, LV, Z, MEM)
                            sqr[SQ + wqpos] = tr
                            if a == dm0:
                                wq_out0 = tr
                            else:
                                wq_out1 = tr
                            wqpos += 1
                            if wqpos == WQ1:
                                wqpos = 0
                    r = _l1d_load(ln, tr, P, LV, Z, S, C, MEM)
                    # the store dirties its line (present after the RFO; inline, see above)
                    row = d_base + (ln & d_mask) * d_ways
                    for w in range(d_ways):
                        if C[C_TAG, row + w] == ln + 1:
                            C[C_DIRTY, row + w] = 1
                            break
                    if ST_RETIRE == 0 and r > st_done:
                        st_done = r

        r = r_ret

        if rd0 != 0:
            reg_ready[rd0] = comp
        if rd1 != 0:
            reg_ready[rd1] = comp
        for k in range(nd):
            prf[(q0 + k) & PRFM] = r
        if is_load:
            lqr[lqpos] = r
            lqpos += 1
            if lqpos == LQ:
                lqpos = 0
        if is_store:
            free = r if r > st_done else st_done
            sqr[sqpos] = free
            sqpos += 1
            if sqpos == SQ:
                sqpos = 0
            for a in (dm0, dm1):
                if a != 0:
                    hsf = (a >> 3) & SFM
                    sfa[hsf] = a
                    sfr[hsf] = comp
                    # A load finds the data in the SQ or, after the store has retired, in the L1D
                    # write queue (ChampSim's channel forwards a read that matches a queued write).
                    w = wq_out0 if a == dm0 else wq_out1
                    sff[hsf] = free if free > w else w

        prev_taken = 0
        if isb != 0:
            S[S_BRANCHES] += 1
            btype = _classify(isb, d0, d1, s0, s1, s2, s3)
            _branch(ip, taken, btype, comp, dd, True, P, Z, S, BPS)
            if taken:
                prev_taken = 1
        g += 1
        S[S_INSTR] += 1

    Z[Z_G] = g
    Z[Z_F_PREV] = f_prev
    Z[Z_D_PREV] = d_prev
    Z[Z_P_PREV] = p_prev
    Z[Z_R_PREV] = r_prev
    Z[Z_PREV_TAKEN] = prev_taken
    Z[Z_SCHED_N] = sn
    Z[Z_LQ_POS] = lqpos
    Z[Z_SQ_POS] = sqpos
    Z[Z_WQ1_POS] = wqpos
    Z[Z_FULL_LO] = full_lo
    Z[Z_FULL_HI] = full_hi
