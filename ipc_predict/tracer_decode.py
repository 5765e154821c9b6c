"""Static decoding for the tracer: what each instruction address reads, writes and whether it branches.

Every executed address is decoded once with capstone and kept in an `InstructionTable` (NumPy arrays
indexed through a small open-addressing hash table), so a chunk of millions of dynamic instructions
becomes records by array indexing alone.

Register numbering (ChampSim only gives meaning to 6, 25 and 26; other numbers just carry
dependencies, so each architectural register gets one small distinct number and every sub-register
maps onto its full register):

    rax 1, rcx 2, rdx 3, rbx 4, rbp 5, rsp 6 (REG_STACK_POINTER), rsi 7, rdi 8, r8-r15 9-16,
    flags 25 (REG_FLAGS), rip 26 (REG_INSTRUCTION_POINTER), 27 = target of a memory-indirect branch
    with no base/index register (see below), x87 status word 28, xmm/ymm/zmm N 32+N,
    k0-k7 64-71, st(N)/mmN 72+N. Segment, control, debug and bound registers are left out.

Branches get ChampSim's register pattern, built from the branch kind rather than from capstone's
operand list (REFERENCE.md section 3), because ChampSim derives the branch type from it:

    conditional      reads IP and FLAGS (jrcxz/loop: RCX), writes IP
    direct jump      writes IP only
    indirect jump    reads the target's registers (never SP, IP or FLAGS), writes IP
    direct call      reads IP and SP, writes IP and SP
    indirect call    reads IP, SP and the target's registers, writes IP and SP
    return           reads SP, writes IP and SP

``jmp [rip+x]`` (a PLT entry) reads no register but IP; ChampSim would call it "other", so it reads
the placeholder register 27, which nothing writes. Non-branches never list IP (rip-relative
addressing would otherwise tie every such load to the last branch).
"""

from __future__ import annotations

import bisect
import os
from dataclasses import dataclass

import numba
import numpy as np

from ipc_predict.traces import REG_FLAGS, REG_INSTRUCTION_POINTER, REG_STACK_POINTER

REG_INDIRECT_TARGET = 27
REG_X87_STATUS = 28
REG_VECTOR_BASE = 32
REG_MASK_BASE = 64
REG_X87_BASE = 72

NUM_SOURCE_REGISTERS = 4
NUM_DESTINATION_REGISTERS = 2

# Branch classes stored per static instruction.
NOT_BRANCH, CONDITIONAL, ALWAYS_TAKEN = 0, 1, 2

_GPR = {"rax": 1, "rcx": 2, "rdx": 3, "rbx": 4, "rbp": 5, "rsp": REG_STACK_POINTER, "rsi": 7, "rdi": 8}
_GPR_ALIASES = {
    "rax": ("eax", "ax", "al", "ah"),
    "rcx": ("ecx", "cx", "cl", "ch"),
    "rdx": ("edx", "dx", "dl", "dh"),
    "rbx": ("ebx", "bx", "bl", "bh"),
    "rbp": ("ebp", "bp", "bpl"),
    "rsp": ("esp", "sp", "spl"),
    "rsi": ("esi", "si", "sil"),
    "rdi": ("edi", "di", "dil"),
}

_CONDITIONAL = {
    "jo", "jno", "jb", "jae", "je", "jne", "jbe", "ja", "js", "jns", "jp", "jnp", "jl", "jge", "jle", "jg",
}  # fmt: skip
_RCX_CONDITIONAL = {"jrcxz", "jecxz", "jcxz", "loop", "loope", "loopne"}
_JUMPS = {"jmp", "ljmp"}
_CALLS = {"call", "lcall"}
_RETURNS = {"ret", "retf", "retfq", "iret", "iretd", "iretq"}
_NO_OPERATION = {"nop", "endbr64", "endbr32", "pause", "prefetcht0", "prefetcht1", "prefetcht2", "prefetchnta"}
# capstone lists no registers for syscall; the Linux ABI reads rax (number) and the arguments,
# and writes rax (result), rcx and r11.
_SYSCALL_READS = ("rax", "rdi", "rsi", "rdx", "r10", "r8", "r9")
_SYSCALL_WRITES = ("rax", "rcx", "r11")


def register_number(name: str) -> int:
    """ChampSim register number for a capstone x86 register name (0: not tracked)."""
    if name in _GPR:
        return _GPR[name]
    for full, aliases in _GPR_ALIASES.items():
        if name in aliases:
            return _GPR[full]
    if name.startswith("r") and name[1:].rstrip("bdw").isdigit():
        n = int(name[1:].rstrip("bdw"))
        if 8 <= n <= 15:
            return 9 + n - 8
    if name in ("rflags", "eflags", "flags"):
        return REG_FLAGS
    if name in ("rip", "eip", "ip"):
        return REG_INSTRUCTION_POINTER
    if name == "fpsw":
        return REG_X87_STATUS
    for prefix in ("xmm", "ymm", "zmm"):
        if name.startswith(prefix) and name[3:].isdigit():
            return REG_VECTOR_BASE + int(name[3:])
    if name.startswith("k") and name[1:].isdigit():
        return REG_MASK_BASE + int(name[1:])
    if name.startswith("st(") and name.endswith(")"):
        return REG_X87_BASE + int(name[3:-1])
    if name.startswith("mm") and name[2:].isdigit():
        return REG_X87_BASE + int(name[2:])  # MMX registers alias the x87 stack
    if name.startswith("fp") and name[2:].isdigit():
        return REG_X87_BASE + int(name[2:])
    return 0  # segment, control, debug, bound, riz/eiz


@dataclass(frozen=True)
class StaticInstruction:
    """Decoded facts about one instruction address."""

    length: int  # bytes; 0 when the bytes could not be read or decoded
    branch_class: int  # NOT_BRANCH, CONDITIONAL or ALWAYS_TAKEN
    source_registers: tuple[int, ...]
    destination_registers: tuple[int, ...]
    mnemonic: str = ""


UNKNOWN_INSTRUCTION = StaticInstruction(0, NOT_BRANCH, (), ())


def _ordered(regs, limit: int) -> tuple[int, ...]:
    """Distinct non-zero registers in order, flags last (they are the first to go when slots run out)."""
    seen: list[int] = []
    for r in regs:
        if r and r not in seen:
            seen.append(r)
    seen.sort(key=lambda r: r == REG_FLAGS)
    return tuple(seen[:limit])


class X86Decoder:
    """capstone-based decoder producing `StaticInstruction`s with ChampSim register numbers."""

    def __init__(self) -> None:
        import capstone
        from capstone import x86

        self._cs = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64)
        self._cs.detail = True
        self._op_imm = x86.X86_OP_IMM
        self._op_reg = x86.X86_OP_REG
        self._op_mem = x86.X86_OP_MEM
        n = getattr(x86, "X86_REG_ENDING", 256)
        self._reg_map = [register_number(self._cs.reg_name(i) or "") for i in range(n)]
        self._by_name = {name: register_number(name) for name in _SYSCALL_READS + _SYSCALL_WRITES}

    def _map(self, reg_ids) -> list[int]:
        return [self._reg_map[r] if r < len(self._reg_map) else 0 for r in reg_ids]

    def _target_registers(self, insn) -> list[int]:
        """Registers an indirect branch reads to form its target (never SP, IP or FLAGS)."""
        regs: list[int] = []
        for op in insn.operands:
            if op.type == self._op_reg:
                regs.append(self._reg_map[op.reg])
            elif op.type == self._op_mem:
                regs += [self._reg_map[op.mem.base], self._reg_map[op.mem.index]]
        regs = [r for r in regs if r not in (0, REG_STACK_POINTER, REG_INSTRUCTION_POINTER, REG_FLAGS)]
        return regs or [REG_INDIRECT_TARGET]

    def decode(self, address: int, code: bytes | None) -> StaticInstruction:
        """Decode the instruction at `address` whose bytes start `code` (UNKNOWN_INSTRUCTION if impossible)."""
        if not code:
            return UNKNOWN_INSTRUCTION
        insn = next(self._cs.disasm(code, address, 1), None)
        if insn is None:
            return UNKNOWN_INSTRUCTION
        return self._describe(insn)

    def decode_run(self, address: int, code: bytes, wanted: set[int]) -> dict[int, StaticInstruction]:
        """Decode straight through `code` (which starts at `address`) and describe the instructions
        that start at a `wanted` address. One capstone call for a run of neighbouring addresses costs
        about half as much per instruction as one call each. Wanted addresses that are not
        instruction starts on this path are left out of the result."""
        found: dict[int, StaticInstruction] = {}
        last = max(wanted)
        for insn in self._cs.disasm(code, address):
            if insn.address in wanted:
                found[insn.address] = self._describe(insn)
            if insn.address >= last:
                break
        return found

    def _describe(self, insn) -> StaticInstruction:
        mnemonic = insn.mnemonic.split()[-1]  # drop bnd/notrack/rep/lock prefixes
        IP, SP, FLAGS = REG_INSTRUCTION_POINTER, REG_STACK_POINTER, REG_FLAGS
        RCX = _GPR["rcx"]
        direct = bool(insn.operands) and insn.operands[0].type == self._op_imm
        if mnemonic in _CONDITIONAL:
            return StaticInstruction(insn.size, CONDITIONAL, (IP, FLAGS), (IP,), mnemonic)
        if mnemonic in _RCX_CONDITIONAL:
            reads = (IP, RCX, FLAGS) if mnemonic in ("loope", "loopne") else (IP, RCX)
            writes = (IP, RCX) if mnemonic.startswith("loop") else (IP,)
            return StaticInstruction(insn.size, CONDITIONAL, reads, writes, mnemonic)
        if mnemonic in _JUMPS:
            reads = () if direct else tuple(self._target_registers(insn)[: NUM_SOURCE_REGISTERS])
            return StaticInstruction(insn.size, ALWAYS_TAKEN, reads, (IP,), mnemonic)
        if mnemonic in _CALLS:
            reads = (IP, SP) if direct else _ordered([IP, SP] + self._target_registers(insn), NUM_SOURCE_REGISTERS)
            return StaticInstruction(insn.size, ALWAYS_TAKEN, reads, (IP, SP), mnemonic)
        if mnemonic in _RETURNS:
            return StaticInstruction(insn.size, ALWAYS_TAKEN, (SP,), (IP, SP), mnemonic)
        if mnemonic in _NO_OPERATION:
            return StaticInstruction(insn.size, NOT_BRANCH, (), (), mnemonic)
        if mnemonic == "syscall":
            reads = [self._by_name[n] for n in _SYSCALL_READS]
            writes = [self._by_name[n] for n in _SYSCALL_WRITES]
            return StaticInstruction(
                insn.size, NOT_BRANCH, _ordered(reads, NUM_SOURCE_REGISTERS),
                _ordered(writes, NUM_DESTINATION_REGISTERS), mnemonic,
            )  # fmt: skip
        try:
            read_ids, write_ids = insn.regs_access()
        except Exception:  # capstone raises for a few instructions it decodes but cannot describe
            read_ids, write_ids = [], []
        reads = [r for r in self._map(read_ids) if r != IP]
        writes = [r for r in self._map(write_ids) if r != IP]
        return StaticInstruction(
            insn.size, NOT_BRANCH, _ordered(reads, NUM_SOURCE_REGISTERS),
            _ordered(writes, NUM_DESTINATION_REGISTERS), mnemonic,
        )  # fmt: skip


@numba.njit(cache=True, nogil=True)
def _lookup(keys, values, ips, out):  # pragma: no cover - compiled
    mask = keys.shape[0] - 1
    missing = 0
    for i in range(ips.shape[0]):
        ip = ips[i]
        h = (ip * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(40)
        slot = np.int64(h) & mask
        while True:
            k = keys[slot]
            if k == ip:
                out[i] = values[slot]
                break
            if k == 0:
                out[i] = -1
                missing += 1
                break
            slot = (slot + 1) & mask
    return missing


@numba.njit(cache=True, nogil=True)
def _insert_many(keys, values, ips, indices):  # pragma: no cover - compiled
    mask = keys.shape[0] - 1
    for i in range(ips.shape[0]):
        ip = ips[i]
        h = (ip * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(40)
        slot = np.int64(h) & mask
        while keys[slot] != 0 and keys[slot] != ip:
            slot = (slot + 1) & mask
        keys[slot] = ip
        values[slot] = indices[i]


class InstructionTable:
    """Per-address decode results in arrays, looked up for a whole chunk of addresses at once."""

    def __init__(self, capacity: int = 1 << 14) -> None:
        self._keys = np.zeros(1 << 16, dtype=np.uint64)  # 0 marks an empty slot (address 0 never runs)
        self._values = np.zeros(1 << 16, dtype=np.int32)
        self.size = 0
        self.length = np.zeros(capacity, dtype=np.uint8)
        self.branch_class = np.zeros(capacity, dtype=np.uint8)
        self.source_registers = np.zeros((capacity, NUM_SOURCE_REGISTERS), dtype=np.uint8)
        self.destination_registers = np.zeros((capacity, NUM_DESTINATION_REGISTERS), dtype=np.uint8)
        self.undecoded = 0  # addresses whose bytes could not be read or decoded

    def lookup(self, ips: np.ndarray) -> tuple[np.ndarray, int]:
        """Table index of each address (-1 where unknown) and the number of unknown ones."""
        out = np.empty(len(ips), dtype=np.int32)
        missing = _lookup(self._keys, self._values, ips, out)
        return out, int(missing)

    def add(self, ips: list[int], infos: list[StaticInstruction]) -> None:
        """Insert decoded addresses (not yet in the table)."""
        n = len(ips)
        if self.size + n > len(self.length):
            grow = max(len(self.length), n)
            self.length = np.concatenate([self.length, np.zeros(grow, np.uint8)])
            self.branch_class = np.concatenate([self.branch_class, np.zeros(grow, np.uint8)])
            self.source_registers = np.concatenate(
                [self.source_registers, np.zeros((grow, NUM_SOURCE_REGISTERS), np.uint8)]
            )
            self.destination_registers = np.concatenate(
                [self.destination_registers, np.zeros((grow, NUM_DESTINATION_REGISTERS), np.uint8)]
            )
        if 2 * (self.size + n) > len(self._keys):  # keep the hash table at most half full
            occupied = self._keys != 0
            keys, values = self._keys[occupied], self._values[occupied]
            size = len(self._keys)
            while 2 * (self.size + n) > size:
                size *= 2
            self._keys = np.zeros(size, dtype=np.uint64)
            self._values = np.zeros(size, dtype=np.int32)
            _insert_many(self._keys, self._values, keys, values)
        lo = self.size
        for k, info in enumerate(infos):
            i = lo + k
            self.length[i] = info.length
            self.branch_class[i] = info.branch_class
            self.source_registers[i, : len(info.source_registers)] = info.source_registers
            self.destination_registers[i, : len(info.destination_registers)] = info.destination_registers
            if info.length == 0:
                self.undecoded += 1
        _insert_many(self._keys, self._values, np.asarray(ips, dtype=np.uint64), np.arange(lo, lo + n, dtype=np.int32))
        self.size += n


class CodeReader:
    """Reads the code bytes at an executed address, in the program file or in the traced process.

    Order: the main executable's executable segments (static, non-PIE), then the file behind the
    address in the process's executable mappings (shared libraries, PIE executables, valgrind's own
    preload libraries and redirection stubs), then /proc/PID/mem (code generated at run time).

    The mappings are snapshots of /proc/PID/maps taken by `poll()` while the process runs (the pipe
    thread calls it every few milliseconds): the parser runs behind valgrind, and by the time it meets
    a library address the process may be gone. Snapshots are kept newest first, so an address mapped
    at any time during the run is found.
    """

    def __init__(self, elf=None, poll_interval: float = 0.005) -> None:
        self._elf = elf
        self._pid: int | None = None
        self._snapshots: list[tuple[list[int], list[tuple[int, int, int, str]]]] = []
        self._last_maps = ""
        self._last_poll = 0.0
        self._poll_interval = poll_interval
        self._files: dict[str, object] = {}
        self._mem = None

    def attach(self, pid: int) -> None:
        """Use the mappings and memory of running process `pid` for addresses outside the ELF file."""
        self._pid = pid
        self.poll(force=True)

    def poll(self, force: bool = False) -> bool:
        """Snapshot the process's executable mappings if they changed; False if the process is gone."""
        import time

        if self._pid is None:
            return False
        now = time.monotonic()
        if not force and now - self._last_poll < self._poll_interval:
            return True
        self._last_poll = now
        try:
            with open(f"/proc/{self._pid}/maps") as fh:
                text = fh.read()
        except OSError:
            return False
        if not text:  # a zombie has no mappings
            return False
        if text == self._last_maps:
            return True
        self._last_maps = text
        maps = []
        for line in text.splitlines():
            parts = line.split(maxsplit=5)
            if len(parts) < 5 or "x" not in parts[1]:
                continue
            lo, hi = (int(x, 16) for x in parts[0].split("-"))
            maps.append((lo, hi, int(parts[2], 16), parts[5] if len(parts) > 5 else ""))
        maps.sort()
        self._snapshots = [([m[0] for m in maps], maps)] + self._snapshots  # replaced, never mutated
        return True

    def _find_mapping(self, address: int):
        for starts, maps in self._snapshots:
            i = bisect.bisect_right(starts, address) - 1
            if i >= 0 and maps[i][0] <= address < maps[i][1]:
                return maps[i]
        return None

    def _file(self, name: str):
        fh = self._files.get(name)
        if fh is None:
            fh = self._files[name] = open(name, "rb")
        return fh

    def read(self, address: int, size: int = 16) -> bytes | None:
        """Up to `size` bytes of code at `address` (fewer at the end of a mapping), or None."""
        if self._elf is not None:
            where = self._elf.file_range(address)
            if where is not None:
                try:
                    code = os.pread(self._file(str(self._elf.path)).fileno(), min(size, where[1]), where[0])
                except OSError:
                    code = b""
                if code:
                    return code
        mapping = self._find_mapping(address)
        if mapping is None and self.poll(force=True):
            mapping = self._find_mapping(address)
        if mapping is None:
            return None
        lo, hi, offset, name = mapping
        take = min(size, hi - address)
        if name.startswith("/") and not name.endswith(" (deleted)"):
            try:
                code = os.pread(self._file(name).fileno(), take, offset + address - lo)
                if code:
                    return code
            except OSError:
                pass
        try:
            if self._mem is None:
                self._mem = open(f"/proc/{self._pid}/mem", "rb", buffering=0)
            return os.pread(self._mem.fileno(), take, address) or None
        except (OSError, ValueError):
            return None

    def close(self) -> None:
        """Close the files opened for reading code."""
        for fh in self._files.values():
            fh.close()
        self._files.clear()
        if self._mem is not None:
            self._mem.close()
            self._mem = None
