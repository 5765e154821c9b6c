"""Quality of result: parsing ABC's statistics, objectives, and the reward against resyn2.

ABC's output is parsed with one regex per field after stripping colour codes — never by token
position. Each parsed record keeps the raw line it came from, so a number can be traced back.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from edaflow.errors import ToolError

_ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

OBJECTIVES = ("adp", "area", "delay", "and", "lut")


def strip_ansi(text: str) -> str:
    return _ANSI_RE.sub("", text)


def _field(pattern: str, line: str, kind=float):
    m = re.search(pattern, line)
    return kind(m.group(1)) if m else None


def _stats_line(output: str) -> str:
    lines = [ln for ln in strip_ansi(output).splitlines() if "i/o =" in ln]
    if not lines:
        raise ToolError(f"ABC printed no statistics line: {strip_ansi(output).strip()[-300:]!r}")
    return lines[-1]


@dataclass(frozen=True)
class AigStats:
    """``print_stats`` of a strashed network: AND nodes and logic levels."""

    inputs: int
    outputs: int
    latches: int
    ands: int
    levels: int
    raw: str

    @classmethod
    def parse(cls, output: str) -> "AigStats":
        line = _stats_line(output)
        m = re.search(r"i/o\s*=\s*(\d+)\s*/\s*(\d+)", line)
        ands = _field(r"\band\s*=\s*(\d+)", line, int)
        levels = _field(r"\blev\s*=\s*(\d+)", line, int)
        if not m or ands is None or levels is None:
            raise ToolError(f"cannot parse AIG statistics from ABC line {line!r}")
        latches = _field(r"\blat\s*=\s*(\d+)", line, int) or 0
        return cls(int(m.group(1)), int(m.group(2)), latches, ands, levels, line.strip())


@dataclass(frozen=True)
class MappedStats:
    """After standard-cell mapping: area (library units, µm² for the bundled library), delay (ps), gates."""

    area: float
    delay: float
    gates: int
    raw: str

    @classmethod
    def parse_print_stats(cls, output: str) -> "MappedStats":
        """From ``print_stats`` after ``map`` with a genlib library."""
        line = _stats_line(output)
        area = _field(r"\barea\s*=\s*([-+0-9.eE]+)", line)
        delay = _field(r"\bdelay\s*=\s*([-+0-9.eE]+)", line)
        gates = _field(r"\bnd\s*=\s*(\d+)", line, int)
        if area is None or delay is None or gates is None:
            raise ToolError(f"cannot parse mapped statistics from ABC line {line!r}")
        return cls(area, delay, gates, line.strip())

    @classmethod
    def parse_stime(cls, output: str) -> "MappedStats":
        """From ``stime`` after ``map`` with a Liberty library (``read_lib``)."""
        text = strip_ansi(output)
        lines = [ln for ln in text.splitlines() if "Area" in ln and "Delay" in ln]
        if not lines:
            raise ToolError(f"cannot find stime's Area/Delay line in ABC output {text.strip()[-300:]!r}")
        line = lines[-1]
        area = _field(r"Area\s*=\s*([-+0-9.eE]+)", line)
        delay = _field(r"Delay\s*=\s*([-+0-9.eE]+)", line)
        gates = _field(r"Gates\s*=\s*(\d+)", line, int)
        if area is None or delay is None:
            raise ToolError(f"cannot parse stime line {line!r}")
        return cls(area, delay, gates or 0, line.strip())


@dataclass(frozen=True)
class LutStats:
    """After ``if -K k``: LUT count and depth."""

    luts: int
    levels: int
    raw: str

    @classmethod
    def parse(cls, output: str) -> "LutStats":
        line = _stats_line(output)
        luts = _field(r"\bnd\s*=\s*(\d+)", line, int)
        levels = _field(r"\blev\s*=\s*(\d+)", line, int)
        if luts is None or levels is None:
            raise ToolError(f"cannot parse LUT statistics from ABC line {line!r}")
        return cls(luts, levels, line.strip())


@dataclass(frozen=True)
class QoR:
    """Quality of one recipe on one design. Area in library units, delay in the library's time unit."""

    ands: int
    levels: int
    area: float
    delay: float
    gates: int
    luts: int | None = None
    lut_levels: int | None = None

    @property
    def adp(self) -> float:
        """Area-delay product."""
        return self.area * self.delay

    def objective(self, name: str) -> float:
        """The value to minimise for objective ``name`` (one of :data:`OBJECTIVES`)."""
        if name == "adp":
            return self.adp
        if name == "area":
            return self.area
        if name == "delay":
            return self.delay
        if name == "and":
            return float(self.ands)
        if name == "lut":
            if self.luts is None:
                raise ValueError("LUT statistics were not measured")
            # LUT count first, depth as a tie-breaker.
            return self.luts + self.lut_levels * 1e-6
        raise ValueError(f"unknown objective {name!r}")

    def to_dict(self) -> dict:
        d = asdict(self)
        d["adp"] = self.adp
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "QoR":
        return cls(
            ands=int(d["ands"]), levels=int(d["levels"]), area=float(d["area"]), delay=float(d["delay"]),
            gates=int(d["gates"]), luts=d.get("luts"), lut_levels=d.get("lut_levels"),
        )


def reward(value: float, baseline: float) -> float:
    """ABC-RL's reward: ``max(-1, (baseline - value) / baseline)`` (positive = better than baseline)."""
    if baseline <= 0:
        return 0.0
    return max(-1.0, (baseline - value) / baseline)


def improvement_pct(value: float, baseline: float) -> float:
    """Reduction of ``value`` relative to ``baseline`` in percent (positive = smaller = better)."""
    return 0.0 if baseline == 0 else 100.0 * (baseline - value) / baseline
