"""Synthetic ChampSim traces with known ideal behaviour, for validating and benchmarking the simulator.

Each generator returns a `TRACE_DTYPE` array. Register numbers avoid ChampSim's special registers
(6 stack pointer, 25 flags, 26 instruction pointer) except where a branch needs them; code stays in
a few KiB so the L1I never misses after the first pass.

- `independent_ops`: no data dependences at all → IPC = the narrowest pipeline width.
- `dependency_chain`: every op reads the previous op's result → IPC = 1 / ALU latency.
- `pointer_chase`: each load's address is the previous load's result, over a random cyclic order of
  cache lines in `region_bytes` → one DRAM round trip per load once the region dwarfs the LLC.
- `branches`: blocks of independent ops ending in a conditional branch, taken at random, always, or
  by a repeating pattern.
- `streaming_loads`: sequential loads through an address register bumped by an add.
- `random_loads`: independent loads to random lines (memory-level parallelism).
- `mixed`: a seeded mix of ALU ops with short dependences, loads, stores and biased branches.
"""

from __future__ import annotations

import numpy as np

from ipc_predict.traces import REG_FLAGS, REG_INSTRUCTION_POINTER, TRACE_DTYPE

CODE_BASE = 0x400000
DATA_BASE = 0x10000000
# General-purpose register numbers that are not ChampSim's special ones.
GPRS = np.array([r for r in range(1, 64) if r not in (6, 25, 26)], dtype=np.uint8)


def _records(n: int) -> np.ndarray:
    return np.zeros(n, dtype=TRACE_DTYPE)


def _loop_ips(n: int, code_bytes: int = 1024, step: int = 4) -> np.ndarray:
    return (CODE_BASE + (np.arange(n, dtype=np.uint64) * step) % code_bytes).astype(np.uint64)


def independent_ops(n: int) -> np.ndarray:
    """`n` single-cycle ALU ops with no sources, writing a rotating set of registers."""
    r = _records(n)
    r["ip"] = _loop_ips(n)
    r["destination_registers"][:, 0] = GPRS[np.arange(n) % len(GPRS)]
    return r


def dependency_chain(n: int, reg: int = 1) -> np.ndarray:
    """`n` ALU ops each reading and writing `reg`: a single serial chain."""
    r = _records(n)
    r["ip"] = _loop_ips(n)
    r["destination_registers"][:, 0] = reg
    r["source_registers"][:, 0] = reg
    return r


def pointer_chase(n_loads: int, region_bytes: int, *, filler: int = 0, seed: int = 0) -> np.ndarray:
    """`n_loads` dependent loads (reg 1 → [reg 1] → reg 1) over a random cycle of the lines in
    `region_bytes`, each followed by `filler` independent ALU ops."""
    lines = max(2, region_bytes // 64)
    rng = np.random.default_rng(seed)
    order = rng.permutation(lines)
    per = 1 + filler
    n = n_loads * per
    r = _records(n)
    r["ip"] = _loop_ips(n)
    loads = np.arange(n_loads) * per
    addr = DATA_BASE + order[np.arange(n_loads) % lines].astype(np.uint64) * 64
    r["source_memory"][loads, 0] = addr
    r["source_registers"][loads, 0] = 1
    r["destination_registers"][loads, 0] = 1
    if filler:
        fill = np.setdiff1d(np.arange(n), loads)
        r["destination_registers"][fill, 0] = GPRS[2 + np.arange(len(fill)) % (len(GPRS) - 2)]
    return r


def branch_outcomes(n: int, pattern: str = "random", *, period: int = 4, seed: int = 0) -> np.ndarray:
    """Taken flags: 'random' (p = 0.5), 'taken', 'not_taken', or 'periodic' (first `period`-1 taken,
    then one not taken, repeating — a loop exit)."""
    if pattern == "random":
        return np.random.default_rng(seed).random(n) < 0.5
    if pattern == "taken":
        return np.ones(n, dtype=bool)
    if pattern == "not_taken":
        return np.zeros(n, dtype=bool)
    if pattern == "periodic":
        return (np.arange(n) % period) != period - 1
    raise ValueError(f"unknown branch pattern {pattern!r}")


def branches(n_branches: int, pattern: str = "random", *, block: int = 8, period: int = 4,
             static_branches: int = 16, seed: int = 0) -> np.ndarray:
    """Blocks of `block`-1 independent ALU ops (the last sets the flags) plus a conditional branch.

    Blocks sit 64 bytes apart in a ring of `static_branches`; a taken branch skips one block, a
    not-taken one falls through. Outcomes follow `branch_outcomes(pattern)`.
    """
    if block < 2:
        raise ValueError("block must be >= 2 (a flag-setting op and the branch)")
    taken = branch_outcomes(n_branches, pattern, period=period, seed=seed)
    blk = np.zeros(n_branches, dtype=np.int64)
    step = np.where(taken, 2, 1)
    blk[1:] = np.cumsum(step[:-1]) % static_branches
    n = n_branches * block
    r = _records(n)
    pos = np.tile(np.arange(block), n_branches)
    owner = np.repeat(blk, block)
    r["ip"] = (CODE_BASE + owner * 64 + pos * 4).astype(np.uint64)
    alu = pos < block - 1
    r["destination_registers"][alu, 0] = GPRS[np.arange(n)[alu] % len(GPRS)]
    flag_setter = pos == block - 2
    r["destination_registers"][flag_setter, 1] = REG_FLAGS
    br = pos == block - 1
    r["is_branch"][br] = 1
    r["branch_taken"][br] = taken.astype(np.uint8)
    r["source_registers"][br, 0] = REG_INSTRUCTION_POINTER
    r["source_registers"][br, 1] = REG_FLAGS
    r["destination_registers"][br, 0] = REG_INSTRUCTION_POINTER
    return r


def streaming_loads(n_loads: int, *, stride: int = 8, filler: int = 0) -> np.ndarray:
    """Sequential loads: `add r2` then `load [r2] → rX`, plus `filler` independent ops per element."""
    per = 2 + filler
    n = n_loads * per
    r = _records(n)
    r["ip"] = _loop_ips(n)
    adds = np.arange(n_loads) * per
    loads = adds + 1
    r["source_registers"][adds, 0] = 2
    r["destination_registers"][adds, 0] = 2
    r["source_registers"][loads, 0] = 2
    r["destination_registers"][loads, 0] = GPRS[3 + np.arange(n_loads) % 20]
    r["source_memory"][loads, 0] = DATA_BASE + np.arange(n_loads, dtype=np.uint64) * stride
    if filler:
        fill = np.setdiff1d(np.arange(n), np.concatenate([adds, loads]))
        r["destination_registers"][fill, 0] = GPRS[30 + np.arange(len(fill)) % 20]
    return r


def random_loads(n_loads: int, region_bytes: int, *, seed: int = 0) -> np.ndarray:
    """Independent loads (no address dependence) to random 8-byte words in `region_bytes`."""
    rng = np.random.default_rng(seed)
    r = _records(n_loads)
    r["ip"] = _loop_ips(n_loads)
    r["destination_registers"][:, 0] = GPRS[np.arange(n_loads) % len(GPRS)]
    r["source_memory"][:, 0] = DATA_BASE + rng.integers(0, region_bytes // 8, n_loads).astype(np.uint64) * 8
    return r


def mixed(n: int, *, seed: int = 0, working_set: int = 1 << 20, load_frac: float = 0.25,
          store_frac: float = 0.1, branch_frac: float = 0.12, taken_bias: float = 0.9) -> np.ndarray:
    """A seeded instruction mix: ALU ops reading recent results, loads/stores into `working_set`
    (half sequential, half random), and conditional branches taken with probability `taken_bias`
    (each static branch keeps its own bias, so predictors can learn something)."""
    rng = np.random.default_rng(seed)
    r = _records(n)
    kind = rng.random(n)
    is_load = kind < load_frac
    is_store = (kind >= load_frac) & (kind < load_frac + store_frac)
    is_br = (kind >= load_frac + store_frac) & (kind < load_frac + store_frac + branch_frac)
    # Code: 4 KiB of instructions walked mostly in order.
    r["ip"] = (CODE_BASE + (np.arange(n, dtype=np.uint64) * 4) % 4096).astype(np.uint64)
    regs = GPRS[:24]
    r["destination_registers"][:, 0] = regs[rng.integers(0, len(regs), n)]
    r["source_registers"][:, 0] = regs[rng.integers(0, len(regs), n)]
    two = rng.random(n) < 0.5
    r["source_registers"][two, 1] = regs[rng.integers(0, len(regs), int(two.sum()))]
    seq = rng.random(n) < 0.5
    words = working_set // 8
    addr_rand = DATA_BASE + rng.integers(0, words, n).astype(np.uint64) * 8
    addr_seq = DATA_BASE + (np.arange(n, dtype=np.uint64) % words) * 8
    addr = np.where(seq, addr_seq, addr_rand)
    r["source_memory"][is_load, 0] = addr[is_load]
    r["destination_memory"][is_store, 0] = addr[is_store]
    r["destination_registers"][is_store, 0] = 0
    ips = r["ip"][is_br]
    bias = np.where((ips >> 2) % 3 == 0, 1.0 - taken_bias, taken_bias)
    taken = rng.random(int(is_br.sum())) < bias
    r["is_branch"][is_br] = 1
    r["branch_taken"][is_br] = taken.astype(np.uint8)
    r["source_registers"][is_br, 0] = REG_INSTRUCTION_POINTER
    r["source_registers"][is_br, 1] = REG_FLAGS
    r["destination_registers"][is_br, 0] = REG_INSTRUCTION_POINTER
    return r


SUITE = {
    "independent": lambda n: independent_ops(n),
    "chain": lambda n: dependency_chain(n),
    "pointer_chase_64MiB": lambda n: pointer_chase(n // 4, 64 << 20, filler=3),
    "branches_random": lambda n: branches(n // 8, "random"),
    "streaming": lambda n: streaming_loads(n // 2),
    "mixed": lambda n: mixed(n),
}
"""Named synthetic workloads of about `n` instructions each (benchmark and monotonicity tests)."""
