"""The microarchitecture design space the IPC predictor is trained over, and Latin-hypercube sampling.

Each `Dimension` names the configuration keys it sets (a dimension may tie several keys together,
e.g. one front-end width for fetch, decode and dispatch) and its admissible values. Ranges span small
embedded-class out-of-order cores to large server cores of recent years:

- ROB 64-512, LQ 16-192, SQ 16-128, scheduler 16-256 (each capped at the ROB size);
- front-end (fetch = decode = dispatch) width 2-8, execute width 2-8, retire width 2-8,
  1-3 loads and 1-2 stores per cycle, mispredict penalty 1-20 cycles (on top of the ~7-cycle refill);
- L1I 16-64 KiB, L1D 16-128 KiB (8-way, 3-6 cycles), L2 256 KiB-4 MiB (8-way, 8-18 cycles),
  LLC 1-16 MiB (16-way, 20-50 cycles), L1D MSHRs 4-32, next-line prefetcher on/off at L1D and L2;
- branch predictor bimodal / gshare / hashed perceptron;
- DRAM tCAS = tRCD = tRP 16-32 DRAM clocks at 2400-4800 MT/s, 1-2 channels.

Every other key keeps its default (`ipc_predict/data/default_core.toml`). `sample_configs(n, seed)`
draws a Latin hypercube (each dimension's range cut into n equal strata, one sample per stratum,
strata paired at random) and rounds each coordinate to an admissible value, so every sample is a valid
`CoreConfig`.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import tomli_w

from ipc_predict.config import CoreConfig


@dataclass(frozen=True)
class Dimension:
    """One axis of the design space: the keys it sets and the values it may take.

    kind: 'int' (low..high in steps of `step`), 'pow2' (powers of two from low to high) or
    'choice' (one of `choices`).
    """

    name: str
    keys: tuple[str, ...]
    kind: str
    doc: str
    low: int = 0
    high: int = 0
    step: int = 1
    choices: tuple[Any, ...] = ()
    unit: str = ""

    def values(self) -> list[Any]:
        if self.kind == "int":
            return list(range(self.low, self.high + 1, self.step))
        if self.kind == "pow2":
            return [1 << e for e in range(int(math.log2(self.low)), int(math.log2(self.high)) + 1)]
        if self.kind == "choice":
            return list(self.choices)
        raise ValueError(f"unknown dimension kind {self.kind!r}")

    def pick(self, u: float) -> Any:
        """The admissible value for a unit-interval coordinate u (equal-width bins)."""
        vals = self.values()
        return vals[min(len(vals) - 1, int(u * len(vals)))]


DESIGN_SPACE: tuple[Dimension, ...] = (
    Dimension("rob_size", ("core.rob_size",), "int", "reorder buffer entries", 64, 512, 16),
    Dimension("frontend_width", ("core.fetch_width", "core.decode_width", "core.dispatch_width"), "int",
              "fetch = decode = dispatch width", 2, 8, unit="instr/cycle"),
    Dimension("execute_width", ("core.execute_width",), "int", "issue width to functional units", 2, 8,
              unit="instr/cycle"),
    Dimension("retire_width", ("core.retire_width",), "int", "retire width", 2, 8, unit="instr/cycle"),
    Dimension("lq_size", ("core.lq_size",), "int", "load queue entries (capped at the ROB size)", 16, 192, 8),
    Dimension("sq_size", ("core.sq_size",), "int", "store queue entries (capped at the ROB size)", 16, 128, 8),
    Dimension("scheduler_size", ("core.scheduler_size",), "int",
              "scheduler entries (capped at the ROB size)", 16, 256, 8),
    Dimension("loads_per_cycle", ("core.loads_per_cycle",), "int", "load ports", 1, 3),
    Dimension("stores_per_cycle", ("core.stores_per_cycle",), "int", "store ports", 1, 2),
    Dimension("mispredict_penalty", ("core.mispredict_penalty",), "int",
              "extra redirect cycles after a mispredicted branch resolves", 1, 20, unit="cycles"),
    Dimension("predictor", ("branch_predictor.kind",), "choice", "direction predictor",
              choices=("bimodal", "gshare", "perceptron")),
    Dimension("l1i_size", ("l1i.size_kib",), "pow2", "L1I capacity (8-way)", 16, 64, unit="KiB"),
    Dimension("l1d_size", ("l1d.size_kib",), "pow2", "L1D capacity (8-way)", 16, 128, unit="KiB"),
    Dimension("l1d_latency", ("l1d.latency",), "int", "L1D hit latency", 3, 6, unit="cycles"),
    Dimension("l1d_mshrs", ("l1d.mshrs",), "pow2", "L1D outstanding misses", 4, 32),
    Dimension("l1d_prefetcher", ("l1d.prefetcher",), "choice", "L1D next-line prefetcher",
              choices=("none", "next_line")),
    Dimension("l2_size", ("l2.size_kib",), "pow2", "L2 capacity (8-way)", 256, 4096, unit="KiB"),
    Dimension("l2_latency", ("l2.latency",), "int", "L2 hit latency", 8, 18, unit="cycles"),
    Dimension("l2_prefetcher", ("l2.prefetcher",), "choice", "L2 next-line prefetcher",
              choices=("none", "next_line")),
    Dimension("llc_size", ("llc.size_kib",), "pow2", "LLC capacity (16-way)", 1024, 16384, unit="KiB"),
    Dimension("llc_latency", ("llc.latency",), "int", "LLC hit latency", 20, 50, unit="cycles"),
    Dimension("dram_timing", ("dram.tcas", "dram.trcd", "dram.trp"), "int",
              "tCAS = tRCD = tRP", 16, 32, unit="DRAM cycles"),
    Dimension("dram_rate", ("dram.data_rate_mts",), "choice", "DRAM transfer rate",
              choices=(2400, 3200, 4800), unit="MT/s"),
    Dimension("dram_channels", ("dram.channels",), "int", "DRAM channels", 1, 2),
)

# Keys fixed for every sample (so that the sampled sizes always give power-of-two set counts).
FIXED = {"l1i.ways": 8, "l1d.ways": 8, "l2.ways": 8, "llc.ways": 16}


def latin_hypercube(n: int, d: int, seed: int) -> np.ndarray:
    """n points in [0, 1)^d, one in each of the n strata of every axis (McKay et al. 1979)."""
    rng = np.random.default_rng(seed)
    u = np.empty((n, d))
    for j in range(d):
        u[:, j] = (rng.permutation(n) + rng.random(n)) / n
    return u


def sample_changes(n: int, seed: int = 0, space: Sequence[Dimension] = DESIGN_SPACE) -> list[dict[str, Any]]:
    """n dicts of dotted-key changes, one per Latin-hypercube sample (see `sample_configs`)."""
    if n <= 0:
        return []
    u = latin_hypercube(n, len(space), seed)
    out = []
    for row in u:
        ch: dict[str, Any] = dict(FIXED)
        for dim, x in zip(space, row):
            v = dim.pick(float(x))
            for k in dim.keys:
                ch[k] = v
        rob = ch.get("core.rob_size")
        if rob is not None:
            for k in ("core.lq_size", "core.sq_size", "core.scheduler_size"):
                if k in ch:
                    ch[k] = min(ch[k], rob)
        out.append(ch)
    return out


def sample_configs(n: int, seed: int = 0, *, base: CoreConfig | None = None,
                   space: Sequence[Dimension] = DESIGN_SPACE) -> list[CoreConfig]:
    """n valid configurations spread over the design space by Latin-hypercube sampling.

    Deterministic for a given (n, seed). Keys outside the space keep `base`'s (default) values.
    """
    base = base or CoreConfig.default()
    return [base.replace(ch, source=f"sample {i}") for i, ch in enumerate(sample_changes(n, seed, space))]


def describe_space(space: Sequence[Dimension] = DESIGN_SPACE) -> dict[str, Any]:
    """The space as plain data (what `edaflow ipc configs` writes to design_space.toml)."""
    dims = {}
    for d in space:
        entry: dict[str, Any] = {"keys": list(d.keys), "kind": d.kind, "doc": d.doc}
        if d.kind == "choice":
            entry["choices"] = list(d.choices)
        else:
            entry["low"] = d.low
            entry["high"] = d.high
            if d.kind == "int" and d.step != 1:
                entry["step"] = d.step
        if d.unit:
            entry["unit"] = d.unit
        dims[d.name] = entry
    return {
        "sampling": "Latin hypercube; each coordinate rounded to the nearest admissible value bin; "
                    "lq_size, sq_size and scheduler_size capped at rob_size",
        "fixed": dict(FIXED),
        "dimensions": dims,
    }


def write_configs(out_dir: str | os.PathLike, n: int, seed: int = 0) -> list[Path]:
    """Write `config_000.toml` ... and `design_space.toml` into `out_dir`; return the config paths."""
    d = Path(out_dir)
    d.mkdir(parents=True, exist_ok=True)
    width = max(3, len(str(n - 1))) if n > 0 else 3
    paths = []
    for i, cfg in enumerate(sample_configs(n, seed)):
        p = d / f"config_{i:0{width}d}.toml"
        p.write_text(f"# edaflow design-space sample {i} of {n} (seed {seed}); see design_space.toml\n"
                     + cfg.to_toml(), encoding="utf-8")
        paths.append(p)
    desc = describe_space()
    desc = {"n": n, "seed": seed, **desc}
    (d / "design_space.toml").write_text(tomli_w.dumps(desc), encoding="utf-8")
    return paths
