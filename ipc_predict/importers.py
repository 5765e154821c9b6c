"""Importers: statistics from another simulator → data-set columns of the same form as our own rows.

A user with their own simulator runs it on the full trace (ground truth, ``role="full"``) and/or on
the slices (``role="slice"``) and imports the outputs; the row then carries `{role}_ipc`,
`{role}_mpki_L1I/L1D/L2/LLC`, `{role}_branch_mpki`, `{role}_instructions`, `{role}_cycles` and
`source` = "champsim" or "gem5". MPKI counts demand misses (loads and stores / RFOs; not prefetches,
write-backs or translations), as our simulator does.

- ChampSim: the `--json FILE` output (a list with one object per phase; the "roi" statistics of the
  last phase are used), one row per core. Cache names `cpu0_L1I`, `cpu0_L1D`, `cpu0_L2C`, `LLC`.
- gem5: `m5out/stats.txt`, the text format of "Understanding gem5 statistics and output": blocks
  between `---------- Begin Simulation Statistics ----------` and `---------- End Simulation
  Statistics   ----------`, one `name value # description` per line. The last block is used (one
  block per `m5.stats.dump()`). Both the current camelCase names (`simInsts`,
  `system.cpu.numCycles`, `system.cpu.dcache.overallMisses::total`, ...) and the older snake_case
  ones (`sim_insts`, `system.cpu.dcache.overall_misses::total`, ...) are read.

Bad input (missing file, not JSON, no statistics block, no instruction or cycle count) raises
`InputError` naming the file (and line where known).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from edaflow.errors import InputError

LEVELS = ("L1I", "L1D", "L2", "LLC")
_CHAMPSIM_CACHES = {"L1I": "cpu{c}_L1I", "L1D": "cpu{c}_L1D", "L2": "cpu{c}_L2C", "LLC": "LLC"}
_DEMAND = ("LOAD", "RFO")


def _row(role: str, source: str, instructions: float, cycles: float, misses: dict[str, float],
         mispredicts: float | None, **extra) -> dict:
    per_k = 1000.0 / instructions
    row = {"source": source, f"{role}_instructions": int(instructions), f"{role}_cycles": int(cycles),
           f"{role}_ipc": instructions / cycles}
    for lvl, m in misses.items():
        row[f"{role}_mpki_{lvl}"] = m * per_k
    if mispredicts is not None:
        row[f"{role}_branch_mpki"] = mispredicts * per_k
    row.update(extra)
    return row


def import_champsim_json(path: str | os.PathLike, *, role: str = "full") -> list[dict]:
    """Rows (one per core) from a ChampSim `--json` output file."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read ChampSim output: {exc.strerror or exc}", path=str(p)) from None
    except ValueError as exc:
        raise InputError(f"not ChampSim JSON output: {exc}", path=str(p), line=getattr(exc, "lineno", None)) from None
    phases = data if isinstance(data, list) else [data]
    phases = [ph for ph in phases if isinstance(ph, dict) and isinstance(ph.get("roi"), dict)]
    if not phases:
        raise InputError("no 'roi' statistics in ChampSim JSON output", path=str(p))
    ph = phases[-1]
    roi = ph["roi"]
    traces = ph.get("traces") or []
    rows = []
    for c, core in enumerate(roi.get("cores") or []):
        ins, cyc = core.get("instructions"), core.get("cycles")
        if not ins or not cyc:
            raise InputError(f"core {c} has no instruction or cycle count", path=str(p))
        misses = {}
        for lvl, name in _CHAMPSIM_CACHES.items():
            cache = roi.get(name.format(c=c))
            if isinstance(cache, dict):
                misses[lvl] = float(sum(sum((cache.get(k) or {}).get("miss") or [0]) for k in _DEMAND))
        mis = core.get("mispredict") or {}
        trace = traces[c] if c < len(traces) else ""
        rows.append(_row(role, "champsim", float(ins), float(cyc), misses, float(sum(mis.values())),
                         trace=str(trace), workload=_workload(trace), champsim_file=str(p)))
    if not rows:
        raise InputError("no cores in ChampSim JSON output", path=str(p))
    return rows


def _workload(trace: str) -> str:
    from ipc_predict.dataset import workload_name

    return workload_name(trace) if trace else ""


_GEM5_BEGIN = re.compile(r"^-+ Begin Simulation Statistics -+\s*$")
_GEM5_END = re.compile(r"^-+ End Simulation Statistics\s*-+\s*$")
_GEM5_NAMES = {
    "instructions": ("simInsts", "sim_insts", "system.cpu.committedInsts", "system.cpu.commitStats0.numInsts"),
    "cycles": ("system.cpu.numCycles", "system.cpu.num_cycles"),
    "ipc": ("system.cpu.ipc",),
    "L1I": ("system.cpu.icache.overallMisses::total", "system.cpu.icache.overall_misses::total",
            "system.cpu.icache.demandMisses::total", "system.cpu.icache.demand_misses::total"),
    "L1D": ("system.cpu.dcache.demandMisses::total", "system.cpu.dcache.demand_misses::total",
            "system.cpu.dcache.overallMisses::total", "system.cpu.dcache.overall_misses::total"),
    "L2": ("system.l2.demandMisses::total", "system.l2.demand_misses::total", "system.l2.overallMisses::total",
           "system.l2.overall_misses::total", "system.l2cache.demandMisses::total",
           "system.l2cache.overallMisses::total"),
    "LLC": ("system.l3.demandMisses::total", "system.l3.overallMisses::total", "system.l3cache.demandMisses::total",
            "system.llc.demandMisses::total"),
    "mispredicts": ("system.cpu.commit.branchMispredicts", "system.cpu.iew.branchMispredicts",
                    "system.cpu.branchPred.condIncorrect"),
}


def read_gem5_stats(path: str | os.PathLike) -> dict[str, float]:
    """The last statistics block of a gem5 stats.txt as {name: value} (numeric values only)."""
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read gem5 statistics: {exc.strerror or exc}", path=str(p)) from None
    blocks: list[dict[str, float]] = []
    cur: dict[str, float] | None = None
    for no, line in enumerate(lines, 1):
        if _GEM5_BEGIN.match(line):
            cur = {}
            continue
        if _GEM5_END.match(line):
            if cur is not None:
                blocks.append(cur)
            cur = None
            continue
        if cur is None or not line.strip():
            continue
        body = line.split("#", 1)[0].split()
        if len(body) < 2:
            raise InputError(f"expected 'name value # description', got {line.strip()[:60]!r}", path=str(p), line=no)
        try:
            cur[body[0]] = float(body[1])
        except ValueError:  # distributions print text columns ("nan", "|", ...): skip those entries
            continue
    if cur is not None:
        raise InputError("statistics block not closed (truncated file?)", path=str(p), line=len(lines))
    if not blocks:
        raise InputError("no 'Begin Simulation Statistics' block: not a gem5 stats.txt", path=str(p))
    return blocks[-1]


def import_gem5_stats(path: str | os.PathLike, *, role: str = "full") -> dict:
    """One row from a gem5 stats.txt (see the module docstring for the names read)."""
    st = read_gem5_stats(path)

    def get(kind):
        for n in _GEM5_NAMES[kind]:
            if n in st:
                return st[n]
        return None

    ins, cyc, ipc = get("instructions"), get("cycles"), get("ipc")
    if not ins:
        raise InputError("no committed-instruction count (simInsts)", path=str(path))
    if not cyc and ipc:
        cyc = ins / ipc
    if not cyc:
        raise InputError("no cycle count (system.cpu.numCycles) or IPC", path=str(path))
    misses = {lvl: get(lvl) for lvl in LEVELS if get(lvl) is not None}
    return _row(role, "gem5", ins, cyc, misses, get("mispredicts"), gem5_file=str(path))
