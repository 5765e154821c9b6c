"""`CoreConfig`: the out-of-order core, branch predictor, caches and DRAM the simulator models.

Configurations are TOML files with the sections `[core]`, `[latency]`, `[branch_predictor]`,
`[l1i]`, `[l1d]`, `[l2]`, `[llc]` and `[dram]`. Every key has a default in
`ipc_predict/data/default_core.toml` (ChampSim's default core), the single source of default values;
a user's file only lists what it changes. Validation errors are `InputError`s that name the file and
the key (`cfg.toml: [l1d] ways: ...`).

Operations are classified from the trace alone (ChampSim records carry no opcode): a record with a
source memory address is a load, one with a destination memory address is a store (both: a
read-modify-write, which is both), `is_branch` marks a branch, and everything else is an ALU op with
latency `[latency] alu`.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import tomllib
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

import tomli_w

from edaflow.errors import InputError

LINE_BYTES = 64  # ChampSim block_size
PREDICTOR_KINDS = ("bimodal", "gshare", "perceptron")
PREFETCHER_KINDS = ("none", "next_line")
DRAM_MAPPINGS = ("interleaved", "row")


def _f(doc: str, *, min: int | None = 1, max: int | None = None, pow2: bool = False,
       choices: tuple[str, ...] | None = None, unit: str = ""):
    """A dataclass field carrying its validation rule and documentation."""
    return field(metadata={"doc": doc, "min": min, "max": max, "pow2": pow2, "choices": choices, "unit": unit})


@dataclass(frozen=True)
class PipelineConfig:
    """Widths (instructions per cycle), queue sizes (entries) and front-end latencies (cycles)."""

    frequency_mhz: int = _f("core clock frequency", unit="MHz", min=100, max=20000)
    fetch_width: int = _f("instructions fetched per cycle", max=64)
    decode_width: int = _f("instructions decoded per cycle", max=64)
    dispatch_width: int = _f("instructions dispatched into the ROB/scheduler per cycle", max=64)
    execute_width: int = _f("instructions issued to functional units per cycle", max=64)
    retire_width: int = _f("instructions retired per cycle", max=64)
    rob_size: int = _f("reorder buffer entries", max=8192)
    lq_size: int = _f("load queue entries", max=8192)
    sq_size: int = _f("store queue entries", max=8192)
    scheduler_size: int = _f("scheduler (reservation station) entries", max=8192)
    loads_per_cycle: int = _f("loads issued to the L1D per cycle", max=64)
    stores_per_cycle: int = _f("stores issued per cycle", max=64)
    ifetch_buffer: int = _f("fetched-but-not-decoded buffer entries", max=8192)
    decode_buffer: int = _f("decoded-but-not-dispatched buffer entries", max=8192)
    decode_latency: int = _f("fetch to decode", unit="cycles", min=0, max=100)
    dispatch_latency: int = _f("decode to dispatch", unit="cycles", min=0, max=100)
    schedule_latency: int = _f("dispatch to earliest issue", unit="cycles", min=0, max=100)
    mispredict_penalty: int = _f("cycles after a mispredicted branch resolves before fetch restarts",
                                 unit="cycles", min=0, max=1000)
    taken_branch_ends_fetch: bool = _f("a taken branch ends the fetch group (one taken branch per cycle)",
                                       min=None)
    physical_registers: int = _f("physical register file (ChampSim register_file_size): each destination "
                                 "register, flags and the instruction pointer included, holds one from rename "
                                 "until the next writer of its architectural register retires", min=32, max=8192)
    stack_pointer_folding: bool = _f("drop the stack pointer as a destination of push/pop/call/ret and "
                                     "constant adjustments (ChampSim do_stack_pointer_folding)", min=None)
    ip_dependences: bool = _f("the instruction pointer is a renamed register: each branch waits for the "
                              "previous branch that wrote it (as ChampSim does)", min=None)
    stores_write_at_retire: bool = _f("a store writes the L1D (its RFO, on a miss) only after it retires and "
                                      "leaves the store queue then, so a later load of the line waits for the "
                                      "RFO (as ChampSim does); off: the RFO starts at execute and the store "
                                      "holds its SQ entry (and forwards) until the line is present", min=None)
    l1d_write_queue: int = _f("L1D write queue entries (ChampSim L1D wq_size), with stores_write_at_retire: "
                              "a retired store leaves the SQ once it has an entry, which it holds until its "
                              "line hits in the L1D or gets an L1D MSHR", max=8192)


@dataclass(frozen=True)
class LatencyConfig:
    """Issue-to-result latency per operation class, in cycles."""

    alu: int = _f("any non-memory, non-branch operation", unit="cycles", max=1000)
    branch: int = _f("branch resolution after issue", unit="cycles", max=1000)
    load_agu: int = _f("address generation before the L1D access", unit="cycles", min=0, max=1000)
    store: int = _f("store address and data ready", unit="cycles", max=1000)
    store_forward: int = _f("load served by an older in-flight store to the same address (in the SQ or "
                            "the L1D write queue), counted from the later of the load's issue and the "
                            "store's completion (ChampSim: 1)", unit="cycles", min=0, max=1000)


@dataclass(frozen=True)
class BranchPredictorConfig:
    """Direction predictor, BTB and return address stack."""

    kind: str = _f("direction predictor", choices=PREDICTOR_KINDS, min=None)
    bimodal_entries: int = _f("2-bit counters of the bimodal table", pow2=True, max=1 << 24)
    gshare_entries: int = _f("2-bit counters of the gshare table", pow2=True, max=1 << 24)
    gshare_history: int = _f("global history bits XORed into the gshare index", unit="bits", max=30)
    perceptron_tables: int = _f("hashed-perceptron weight tables (table 0: bias, no history)", min=2, max=32)
    perceptron_entries: int = _f("weights per hashed-perceptron table", pow2=True, max=1 << 20)
    perceptron_history: int = _f("longest global history of the hashed perceptron", unit="bits", max=1000)
    btb_entries: int = _f("branch target buffer entries", pow2=True, max=1 << 24)
    btb_ways: int = _f("BTB associativity (LRU; indexed and tagged by ip >> 2 as in ChampSim)", pow2=True,
                       max=1024)
    btb_types: bool = _f("BTB entries remember the branch type; a conditional branch that finds an "
                         "entry of another type (a jump within the same 4 bytes) is predicted taken "
                         "(ChampSim basic_btb)", min=None)
    indirect_entries: int = _f("indirect-target table indexed by (ip >> 2) XOR conditional history "
                               "(ChampSim basic_btb); 1: predict the BTB's last target", pow2=True,
                               max=1 << 24)
    indirect_history: int = _f("conditional-branch directions hashed into the indirect-target index",
                               unit="bits", min=0, max=30)
    ras_entries: int = _f("return address stack entries", max=4096)


@dataclass(frozen=True)
class CacheConfig:
    """One set-associative, LRU, non-blocking cache level with 64-byte lines."""

    size_kib: int = _f("capacity", unit="KiB", max=1 << 20)
    ways: int = _f("associativity", max=1024)
    latency: int = _f("tag+data access: hit latency, and the time a miss spends here", unit="cycles",
                      max=10000)
    mshrs: int = _f("outstanding misses (miss status holding registers)", max=4096)
    tag_checks: int = _f("tag checks started per cycle (ChampSim max_tag_check). ChampSim keeps at most "
                         "tag_checks x h checks in flight, each for h + 1 cycles (h = latency - "
                         "ceil(latency / 2), its hit part of the latency), so a level checks at most "
                         "tag_checks x h / (h + 1) accesses per cycle (L1D: 4 / 3); loads and retired "
                         "stores share it. Modelled for the L1D only; 0: unlimited", min=0, max=64)
    prefetcher: str = _f("'next_line': on a miss or first hit to a prefetched line, fetch the next line "
                         "into this level", choices=PREFETCHER_KINDS, min=None)

    @property
    def sets(self) -> int:
        return self.size_kib * 1024 // (self.ways * LINE_BYTES)


@dataclass(frozen=True)
class DramConfig:
    """DDR main memory: timings in DRAM clock cycles (half the data rate), an open-row policy."""

    data_rate_mts: int = _f("transfer rate", unit="MT/s", min=100, max=100000)
    tcas: int = _f("column access (CAS latency)", unit="DRAM cycles", max=1000)
    trcd: int = _f("row activate to column access", unit="DRAM cycles", max=1000)
    trp: int = _f("row precharge", unit="DRAM cycles", max=1000)
    channels: int = _f("independent channels (lines interleaved across them)", max=64)
    banks: int = _f("banks per channel (ChampSim: ranks x bank groups x banks), each with one open row and "
                    "busy from a request's start until its data has crossed the bus", max=1024)
    mapping: str = _f("physical line to bank: 'interleaved' (ChampSim: consecutive lines go to consecutive "
                      "channels, then banks; the column bits above them) or 'row' (a row's worth of "
                      "consecutive lines in one bank)", choices=DRAM_MAPPINGS, min=None)
    tras: int = _f("row active time; ChampSim also idles the data bus this long on each switch between "
                   "reading and writing", unit="DRAM cycles", max=1000)
    write_queue: int = _f("write queue entries per channel: write-backs are drained in bursts of 1/8 of "
                          "it (ChampSim switches to writing at 7/8 full and back at 6/8), each burst "
                          "costing two bus turnarounds of tRAS; below 8: writes cost only their transfer",
                          min=0, max=4096)
    write_backs: bool = _f("caches are write-back: a dirty line evicted from a level is written into the "
                           "next one, from the LLC to DRAM (bus slot and bank time)", min=None)
    row_kib: int = _f("row-buffer size per bank", unit="KiB", pow2=True, max=1024)
    channel_width_bytes: int = _f("bytes per transfer", unit="bytes", pow2=True, max=64)
    refresh_interval_ns: int = _f("time between refreshes (ChampSim: refresh_period / refreshes_per_period, "
                                  "32 ms / 8192); each refresh closes every bank's open row and keeps a "
                                  "bank busy for tRFC once it is idle; 0: no refresh", unit="ns", min=0,
                                  max=10_000_000)
    trfc: int = _f("refresh cycle time (ChampSim: sqrt(8 x density in GiB) x tRAS, 208 for its default "
                   "2 GiB of banks)", unit="DRAM cycles", min=0, max=100_000)


@dataclass(frozen=True)
class VmemConfig:
    """Virtual memory: the page map used for physically indexed caches and DRAM."""

    page_map: bool = _f("translate 4 KiB virtual pages to pseudo-random physical pages (a seeded bijection, "
                        "like ChampSim's shuffled free list) before the caches and DRAM; off: physical = "
                        "virtual", min=None)
    seed: int = _f("seed of the page map", min=0, max=(1 << 40) - 1)
    tlbs: bool = _f("model the ITLB, DTLB and STLB and page walks (off: translation is free)", min=None)
    dtlb_entries: int = _f("data TLB entries", pow2=True, max=1 << 16)
    dtlb_ways: int = _f("data TLB associativity", max=1024)
    dtlb_latency: int = _f("data TLB lookup, beside the L1D's own latency (the L1D tag check waits for "
                           "the later of the two)", unit="cycles", min=0, max=1000)
    itlb_entries: int = _f("instruction TLB entries", pow2=True, max=1 << 16)
    itlb_ways: int = _f("instruction TLB associativity", max=1024)
    itlb_latency: int = _f("instruction TLB lookup, beside the L1I's own latency", unit="cycles", min=0,
                           max=1000)
    stlb_entries: int = _f("second-level TLB entries (shared by instructions and data)", max=1 << 20)
    stlb_ways: int = _f("second-level TLB associativity", max=1024)
    stlb_latency: int = _f("second-level TLB lookup after an L1 TLB miss", unit="cycles", min=0, max=1000)
    walk_latency: int = _f("page-table walker latency per level read (the read itself goes through "
                           "the L1D)", unit="cycles", min=0, max=10000)
    minor_fault_penalty: int = _f("first touch of a page or of a page-table page (ChampSim "
                                  "minor_fault_penalty)", unit="cycles", min=0, max=1000000)


_SECTIONS: dict[str, type] = {
    "core": PipelineConfig,
    "latency": LatencyConfig,
    "branch_predictor": BranchPredictorConfig,
    "l1i": CacheConfig,
    "l1d": CacheConfig,
    "l2": CacheConfig,
    "llc": CacheConfig,
    "dram": DramConfig,
    "vmem": VmemConfig,
}
CACHE_LEVELS = ("l1i", "l1d", "l2", "llc")


@dataclass(frozen=True)
class CoreConfig:
    """A complete simulated machine. Build with `CoreConfig.default()`, `CoreConfig.from_toml(path)`
    or `cfg.replace({"core.rob_size": 128, "l1d.size_kib": 64})`."""

    core: PipelineConfig
    latency: LatencyConfig
    branch_predictor: BranchPredictorConfig
    l1i: CacheConfig
    l1d: CacheConfig
    l2: CacheConfig
    llc: CacheConfig
    dram: DramConfig
    vmem: VmemConfig

    # ----- construction -------------------------------------------------------------------------
    @classmethod
    def default(cls) -> "CoreConfig":
        """ChampSim's default core (from `ipc_predict/data/default_core.toml`)."""
        return _default()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "<config>",
                  base: "CoreConfig | None" = None) -> "CoreConfig":
        """Build from nested `{section: {key: value}}`; missing keys come from `base` (the default)."""
        if not isinstance(data, Mapping):
            raise InputError("a configuration must be a table of sections", path=source)
        return _build(data, source=source, base=(base or _default()).to_dict())

    @classmethod
    def from_toml(cls, path: str | os.PathLike, *, base: "CoreConfig | None" = None) -> "CoreConfig":
        """Load a TOML file (only the keys that differ from the default are needed)."""
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError("no such configuration file", path=str(p)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read configuration: {exc}", path=str(p)) from None
        return cls.from_toml_str(text, source=str(p), base=base)

    @classmethod
    def from_toml_str(cls, text: str, *, source: str = "<toml>", base: "CoreConfig | None" = None) -> "CoreConfig":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"not valid TOML: {exc}", path=source) from None
        return cls.from_dict(data, source=source, base=base)

    @classmethod
    def from_champsim_json(cls, path: str | os.PathLike, *, base: "CoreConfig | None" = None) -> "CoreConfig":
        """Read a ChampSim configuration (`champsim_config.json`, first core); keys it omits keep the
        value of `base` (the default). See `champsim_json_changes` for the mapping."""
        p = Path(path)
        try:
            doc = json.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError("no such ChampSim configuration", path=str(p)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read ChampSim configuration: {exc}", path=str(p)) from None
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON: {exc.msg}", path=str(p), line=exc.lineno) from None
        return (base or _default()).replace(champsim_json_changes(doc, str(p)), source=str(p))

    # ----- output -------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, dict[str, Any]]:
        return {name: dataclasses.asdict(getattr(self, name)) for name in _SECTIONS}

    def to_toml(self) -> str:
        """TOML text that `from_toml_str` reads back to an equal `CoreConfig`."""
        return tomli_w.dumps(self.to_dict())

    def write_toml(self, path: str | os.PathLike) -> Path:
        p = Path(path)
        p.write_text(self.to_toml(), encoding="utf-8")
        return p

    def replace(self, changes: Mapping[str, Any], *, source: str = "<replace>") -> "CoreConfig":
        """A copy with dotted-key changes, e.g. `{"core.rob_size": 128}`; validated like a file."""
        data = self.to_dict()
        for key, value in changes.items():
            section, _, name = key.partition(".")
            if section not in data or not name:
                raise InputError(f"unknown configuration key {key!r}", path=source)
            data[section][name] = value
        return _build(data, source=source, base=None)

    # ----- derived quantities (core cycles) -------------------------------------------------------
    @property
    def dram_cycle_ratio(self) -> float:
        """Core cycles per DRAM clock cycle (the DRAM clock is half the data rate)."""
        return self.core.frequency_mhz / (self.dram.data_rate_mts / 2)

    def dram_cycles(self) -> dict[str, int]:
        """DRAM timings in core cycles: tcas, trcd, trp, burst (one 64-byte line on a channel),
        row_hit (= tcas), row_miss (= trp + trcd + tcas)."""
        r = self.dram_cycle_ratio
        tcas = math.ceil(self.dram.tcas * r)
        trcd = math.ceil(self.dram.trcd * r)
        trp = math.ceil(self.dram.trp * r)
        beats = LINE_BYTES // self.dram.channel_width_bytes if self.dram.channel_width_bytes < LINE_BYTES else 1
        burst = max(1, math.ceil(beats * self.core.frequency_mhz / self.dram.data_rate_mts))
        return {"tcas": tcas, "trcd": trcd, "trp": trp, "burst": burst,
                "row_hit": tcas, "row_miss": trp + trcd + tcas}

    def mispredict_cycles(self) -> int:
        """Cycles between a mispredicted branch's issue and the issue of the first correct-path
        instruction when nothing else limits: branch latency + mispredict_penalty + L1I hit (refetch)
        + decode + dispatch + schedule latencies (8 for the default core)."""
        c = self.core
        return (self.latency.branch + c.mispredict_penalty + self.l1i.latency + c.decode_latency
                + c.dispatch_latency + c.schedule_latency)

    def memory_latency(self) -> int:
        """Load-to-use latency of a load that misses every cache and finds its DRAM row closed
        (a random access): L1D + L2 + LLC latencies + row miss + one line transfer, in core cycles."""
        d = self.dram_cycles()
        return self.l1d.latency + self.l2.latency + self.llc.latency + d["row_miss"] + d["burst"]


_CS_CORE = {  # ChampSim ooo_cpu key -> [core] key
    "frequency": "frequency_mhz", "ifetch_buffer_size": "ifetch_buffer", "decode_buffer_size": "decode_buffer",
    "register_file_size": "physical_registers", "rob_size": "rob_size", "lq_size": "lq_size", "sq_size": "sq_size",
    "fetch_width": "fetch_width", "decode_width": "decode_width", "dispatch_width": "dispatch_width",
    "execute_width": "execute_width", "lq_width": "loads_per_cycle", "sq_width": "stores_per_cycle",
    "retire_width": "retire_width", "mispredict_penalty": "mispredict_penalty", "scheduler_size": "scheduler_size",
    "decode_latency": "decode_latency", "dispatch_latency": "dispatch_latency", "schedule_latency": "schedule_latency",
}
_CS_PREDICTORS = {"bimodal": "bimodal", "gshare": "gshare", "hashed_perceptron": "perceptron"}
_CS_PREFETCHERS = {"no": "none", "next_line": "next_line"}


def champsim_json_changes(doc: Any, source: str = "<champsim json>") -> dict[str, Any]:
    """Dotted-key changes (for `CoreConfig.replace`) equivalent to a ChampSim configuration: the first
    `ooo_cpu` (widths, buffers, latencies, register file, predictor), L1I/L1D/L2C/LLC (size from
    sets x ways x block size, ways, latency, MSHRs, prefetcher), ITLB/DTLB/STLB (entries, ways,
    latency), `physical_memory` (data rate, tCAS/tRCD/tRP, channels, banks = ranks x bank groups x
    banks, row = columns x channel width) and `virtual_memory` (minor fault penalty, randomisation
    seed). A value we cannot model (a BTB other than basic_btb, an unknown predictor or prefetcher,
    a block or page size other than 64 / 4096 bytes) is an error naming the key."""
    if not isinstance(doc, Mapping):
        raise InputError("a ChampSim configuration is a JSON object", path=source)
    ch: dict[str, Any] = {}
    for key, want in (("block_size", LINE_BYTES), ("page_size", 4096)):
        if key in doc and doc[key] != want:
            raise InputError(f"{key}: {doc[key]} is not supported (only {want})", path=source)
    cpus = doc.get("ooo_cpu", [{}])
    cpu = cpus[0] if isinstance(cpus, list) and cpus else (cpus if isinstance(cpus, Mapping) else {})
    for k, ours in _CS_CORE.items():
        if k in cpu:
            ch[f"core.{ours}"] = cpu[k]
    if "branch_predictor" in cpu:
        bp = cpu["branch_predictor"]
        if bp not in _CS_PREDICTORS:
            raise InputError(f"ooo_cpu branch_predictor: {bp!r} is not modelled (known: "
                             f"{', '.join(_CS_PREDICTORS)})", path=source)
        ch["branch_predictor.kind"] = _CS_PREDICTORS[bp]
    if "btb" in cpu and cpu["btb"] != "basic_btb":
        raise InputError(f"ooo_cpu btb: {cpu['btb']!r} is not modelled (only basic_btb)", path=source)
    for cs, ours in (("L1I", "l1i"), ("L1D", "l1d"), ("L2C", "l2"), ("LLC", "llc")):
        c = doc.get(cs, {})
        if "sets" in c or "ways" in c:
            sets = c.get("sets", getattr(_default(), ours).sets)
            ways = c.get("ways", getattr(_default(), ours).ways)
            ch[f"{ours}.size_kib"] = sets * ways * LINE_BYTES // 1024
            ch[f"{ours}.ways"] = ways
        if "latency" in c:
            ch[f"{ours}.latency"] = c["latency"]
        if "mshr_size" in c:
            ch[f"{ours}.mshrs"] = c["mshr_size"]
        if "max_tag_check" in c:
            ch[f"{ours}.tag_checks"] = c["max_tag_check"]
        if cs == "L1D" and "wq_size" in c:
            ch["core.l1d_write_queue"] = c["wq_size"]
        if "prefetcher" in c:
            if c["prefetcher"] not in _CS_PREFETCHERS:
                raise InputError(f"{cs} prefetcher: {c['prefetcher']!r} is not modelled (known: "
                                 f"{', '.join(_CS_PREFETCHERS)})", path=source)
            ch[f"{ours}.prefetcher"] = _CS_PREFETCHERS[c["prefetcher"]]
    for cs, ours in (("ITLB", "itlb"), ("DTLB", "dtlb"), ("STLB", "stlb")):
        c = doc.get(cs, {})
        if "sets" in c and "ways" in c:
            ch[f"vmem.{ours}_entries"] = c["sets"] * c["ways"]
            ch[f"vmem.{ours}_ways"] = c["ways"]
        if "latency" in c:
            ch[f"vmem.{ours}_latency"] = c["latency"]
    m = doc.get("physical_memory", {})
    for k, ours in (("data_rate", "data_rate_mts"), ("tCAS", "tcas"), ("tRCD", "trcd"), ("tRP", "trp"),
                    ("tRAS", "tras"), ("wq_size", "write_queue"),
                    ("channels", "channels"), ("channel_width", "channel_width_bytes")):
        if k in m:
            ch[f"dram.{ours}"] = m[k]
    if any(k in m for k in ("ranks", "bankgroups", "banks")):
        ch["dram.banks"] = m.get("ranks", 1) * m.get("bankgroups", 8) * m.get("banks", 4)
    if "bank_columns" in m:
        ch["dram.row_kib"] = max(1, m["bank_columns"] * m.get("channel_width", 8) // 1024)
    if "refresh_period" in m or "refreshes_per_period" in m:
        ch["dram.refresh_interval_ns"] = round(m.get("refresh_period", 32) * 1e6 / m.get("refreshes_per_period", 8192))
    if any(k in m for k in ("bank_rows", "bank_columns", "bankgroups", "banks", "tRAS")):
        # ChampSim's DRAM_CHANNEL: tRFC = sqrt(8 * density in GiB) * tRAS, density = rows x columns x
        # banks x bank groups bytes
        density = (m.get("bank_rows", 65536) * m.get("bank_columns", 1024) * m.get("banks", 4)
                   * m.get("bankgroups", 8)) / 2**30
        ch["dram.trfc"] = round(math.sqrt(8 * density) * m.get("tRAS", 52))
    v = doc.get("virtual_memory", {})
    if "minor_fault_penalty" in v:
        ch["vmem.minor_fault_penalty"] = v["minor_fault_penalty"]
    if "randomization" in v:
        ch["vmem.seed"] = v["randomization"]
    return ch


def field_docs() -> dict[str, list[tuple[str, str, str, str]]]:
    """Per section: (key, type, unit, description) — used to document the TOML keys."""
    out = {}
    for section, cls in _SECTIONS.items():
        rows = []
        for f in fields(cls):
            m = f.metadata
            t = "bool" if f.type in (bool, "bool") else ("string" if f.type in (str, "str") else "int")
            desc = m["doc"]
            if m["choices"]:
                desc += " (" + " | ".join(m["choices"]) + ")"
            if m["pow2"]:
                desc += "; power of two"
            rows.append((f.name, t, m["unit"], desc))
        out[section] = rows
    return out


# ----- loading and validation ---------------------------------------------------------------------

def _type_name(v: Any) -> str:
    return {bool: "boolean", int: "integer", str: "string", float: "float"}.get(type(v), type(v).__name__)


def _check_value(section: str, f: dataclasses.Field, value: Any, source: str) -> Any:
    m = f.metadata
    where = f"[{section}] {f.name}"
    want = f.type if not isinstance(f.type, str) else {"int": int, "bool": bool, "str": str}[f.type]
    if want is bool:
        if not isinstance(value, bool):
            raise InputError(f"{where}: expected true or false, got {_type_name(value)} {value!r}", path=source)
        return value
    if want is str:
        if not isinstance(value, str):
            raise InputError(f"{where}: expected a string, got {_type_name(value)} {value!r}", path=source)
        if m["choices"] and value not in m["choices"]:
            raise InputError(f"{where}: {value!r} is not one of {', '.join(m['choices'])}", path=source)
        return value
    # int
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise InputError(f"{where}: expected an integer, got {_type_name(value)} {value!r}", path=source)
    if m["min"] is not None and value < m["min"]:
        what = "positive" if m["min"] == 1 else f">= {m['min']}"
        raise InputError(f"{where}: must be {what}, got {value}", path=source)
    if m["max"] is not None and value > m["max"]:
        raise InputError(f"{where}: must be <= {m['max']}, got {value}", path=source)
    if m["pow2"] and value & (value - 1):
        raise InputError(f"{where}: must be a power of two, got {value}", path=source)
    return value


def _build_section(section: str, cls: type, data: Mapping[str, Any], base: Mapping[str, Any] | None,
                   source: str):
    if not isinstance(data, Mapping):
        raise InputError(f"[{section}]: expected a table, got {_type_name(data)}", path=source)
    known = {f.name: f for f in fields(cls)}
    for key in data:
        if key not in known:
            raise InputError(f"[{section}] {key}: unknown key (known: {', '.join(known)})", path=source)
    values = {}
    for name, f in known.items():
        if name in data:
            values[name] = _check_value(section, f, data[name], source)
        elif base is not None and name in base:
            values[name] = base[name]
        else:
            raise InputError(f"[{section}] {name}: missing", path=source)
    obj = cls(**values)
    if isinstance(obj, CacheConfig):
        _check_cache(section, obj, source)
    return obj


def _check_cache(section: str, c: CacheConfig, source: str) -> None:
    line_ways = c.ways * LINE_BYTES
    if (c.size_kib * 1024) % line_ways:
        raise InputError(f"[{section}] ways: {c.ways} ways of {LINE_BYTES}-byte lines do not divide "
                         f"size_kib = {c.size_kib}", path=source)
    sets = c.sets
    if sets & (sets - 1):
        raise InputError(f"[{section}] size_kib: {c.size_kib} KiB / {c.ways} ways gives {sets} sets, "
                         "not a power of two", path=source)


def _build(data: Mapping[str, Any], *, source: str, base: Mapping[str, Mapping[str, Any]] | None) -> CoreConfig:
    for section in data:
        if section not in _SECTIONS:
            raise InputError(f"[{section}]: unknown section (known: {', '.join(_SECTIONS)})", path=source)
    parts = {}
    for section, cls in _SECTIONS.items():
        sec_base = base.get(section) if base is not None else None
        parts[section] = _build_section(section, cls, data.get(section, {}), sec_base, source)
    cfg = CoreConfig(**parts)
    _check_cross(cfg, source)
    return cfg


def _check_cross(cfg: CoreConfig, source: str) -> None:
    bp = cfg.branch_predictor
    if bp.kind == "perceptron" and bp.perceptron_history < bp.perceptron_tables - 1:
        raise InputError(f"[branch_predictor] perceptron_history: {bp.perceptron_history} is shorter than "
                         f"the {bp.perceptron_tables - 1} history tables need", path=source)
    vm = cfg.vmem
    for name in ("dtlb", "itlb", "stlb"):
        entries, ways = getattr(vm, f"{name}_entries"), getattr(vm, f"{name}_ways")
        sets = entries // ways
        if entries % ways or sets & (sets - 1):
            raise InputError(f"[vmem] {name}_ways: {entries} entries / {ways} ways is not a power-of-two "
                             "number of sets", path=source)
    if bp.btb_ways > bp.btb_entries:
        raise InputError(f"[branch_predictor] btb_ways: {bp.btb_ways} ways exceed the {bp.btb_entries} "
                         "entries", path=source)
    if cfg.dram.row_kib * 1024 < LINE_BYTES:
        raise InputError("[dram] row_kib: a row must hold at least one line", path=source)


_DEFAULT: CoreConfig | None = None


def default_toml_text() -> str:
    return resources.files("ipc_predict").joinpath("data/default_core.toml").read_text(encoding="utf-8")


def _default() -> CoreConfig:
    global _DEFAULT
    if _DEFAULT is None:
        data = tomllib.loads(default_toml_text())
        _DEFAULT = _build(data, source="ipc_predict/data/default_core.toml", base=None)
    return _DEFAULT
