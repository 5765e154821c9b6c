"""Quality of result: parsing ABC's statistics, objectives, and the reward against resyn2.

ABC's output is parsed with one regex per field after stripping colour codes — never by token
position. Each parsed record keeps the raw line it came from, so a number can be traced back.
"""

from __future__ import annotations

import dataclasses
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
    critical_path: "CriticalPath | None" = None

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


# -- measuring with a Liberty library: after buffering and sizing ------------------------------------
# With a Liberty library the mapped network is buffered and gate-sized before it is timed, so a delay
# win cannot come from one unbuffered high-fanout net that a recipe happened to split.
LIBERTY_SIZING = ("topo", "buffer -p", "upsize", "dnsize")
LIBERTY_TIMING = "stime"  # not ``stime -p``: it never returns on some networks (seen on seq_async + osu018)


def measure_liberty(session) -> "MappedStats":
    """Buffer and size ABC's current (mapped) network with the loaded Liberty library and time it
    (``topo; buffer -p; upsize; dnsize; stime``); area and delay."""
    for cmd in LIBERTY_SIZING:
        session.run(cmd)
    return MappedStats.parse_stime(session.run(LIBERTY_TIMING))


def liberty_critical_path(abc_path, load_command: str, aig_path, mapping_command: str,
                          time_limit: float = 10.0) -> "CriticalPath | None":
    """Critical path (``stime -p``) of ``aig_path`` mapped, buffered and sized, in a throw-away ABC
    session with a time limit. ``stime -p`` never returns on some buffered networks (mac_pipe16 with
    ``dch -f; map``), so then the path is taken before buffering and says so; None if neither answers."""
    from synth.abc_session import AbcError, AbcSession

    for sizing, when in ((LIBERTY_SIZING, "after buffering and sizing"),
                         (("topo",), "before buffering (stime -p does not return on the buffered network)")):
        try:
            with AbcSession(abc_path, setup=[load_command], timeout=time_limit) as s:
                s.run(f"read {aig_path}")
                for cmd in [*mapping_command.split(";"), *sizing]:
                    s.run(cmd.strip())
                path = CriticalPath.parse_stime(s.run("stime -p"))
                if path is None:
                    return None
                names = _io_names(s.run("print_io"))
                return dataclasses.replace(path, measured=when, start=names.get(path.start, path.start),
                                           end=names.get(path.end, path.end))
        except AbcError:
            continue
    return None


def _io_names(print_io: str) -> dict[str, str]:
    """``stime -p`` names path ends by index (``pi33``, ``po73``: combinational inputs/outputs, primary
    ones first, then register outputs/inputs); ``print_io`` gives the names."""
    text = strip_ansi(print_io)

    def section(title: str) -> list[str]:
        m = re.search(rf"{title} \(\d+\):(.*)", text)
        return re.findall(r"\d+=(\S+)", m.group(1)) if m else []

    pis, pos = section("Primary inputs"), section("Primary outputs")
    m = re.search(r"Latches \(\d+\):(.*)", text)
    latches = re.findall(r"\S+?L\(([^=()]+)=([^()]+)\)", m.group(1)) if m else []
    cis = pis + [q for q, _d in latches]
    cos = pos + [d for _q, d in latches]
    names = {f"pi{i:02d}": n for i, n in enumerate(cis)}
    names.update({f"pi{i}": n for i, n in enumerate(cis)})
    names.update({f"po{i:02d}": n for i, n in enumerate(cos)})
    names.update({f"po{i}": n for i, n in enumerate(cos)})
    return names


@dataclass(frozen=True)
class CriticalPath:
    """Start and end of the critical path, and the largest fanout of a net on it (with its name)."""

    start: str | None
    end: str | None
    gates: int
    max_fanout: int
    max_fanout_net: str | None = None
    measured: str | None = None  # e.g. "after buffering and sizing" (Liberty)

    HIGH_FANOUT = 64  # a net with more loads than this on the critical path dominates a load-free delay model

    @property
    def high_fanout(self) -> bool:
        return self.max_fanout > self.HIGH_FANOUT

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "gates": self.gates, "max_fanout": self.max_fanout,
                "max_fanout_net": self.max_fanout_net, "high_fanout": self.high_fanout, "measured": self.measured,
                "high_fanout_threshold": self.HIGH_FANOUT}

    @classmethod
    def parse_stime(cls, output: str) -> "CriticalPath | None":
        """From ``stime -p``: ``Path k -- id : fanins fanouts CELL ...`` lines, then
        ``Start-point = X.  End-point = Y.``"""
        text = strip_ansi(output)
        rows = re.findall(r"^Path\s+\d+\s+--\s+(\S+)\s*:\s*(\d+)\s+(\d+)\s+(\S+)", text, re.M)
        ends = re.search(r"Start-point\s*=\s*(\S+?)\.?\s+End-point\s*=\s*(\S+?)\.?\s*$", text, re.M)
        if not rows and not ends:
            return None
        worst = max(rows, key=lambda r: int(r[2]), default=None)
        return cls(ends.group(1) if ends else None, ends.group(2) if ends else None,
                   sum(1 for r in rows if r[3] != "pi"), int(worst[2]) if worst else 0,
                   worst[0] if worst else None)


# -- the critical path of a genlib-mapped netlist, with its fanouts ------------------------------------
# ABC's genlib delay model (``map``, as ``print_stats`` reports it) depends on the ABC build. Older
# builds (e.g. Debian's 2022 berkeley-abc) are load-independent: a gate's delay is the block delay of
# its pin (PIN ... rise_block_delay ... fall_block_delay), the same for 1 or 2,000 loads, so a net with
# hundreds of loads costs nothing in the reported delay. The pyosys wheel's build (Oct 2026) adds the
# fanout slope: block delay + fanout delay x load, the load being the input loads of the pins the net
# drives plus 1 per primary output. The path is recomputed here from the mapped netlist (ABC
# write_blif) under the model that reproduces ABC's reported delay, to find the largest fanout on it.

_PIN = re.compile(r"PIN\s+(\S+)\s+\S+\s+([-+0-9.eE]+)\s+\S+\s+([-+0-9.eE]+)\s+([-+0-9.eE]+)"
                  r"\s+([-+0-9.eE]+)\s+([-+0-9.eE]+)")


def _genlib_pins(genlib_path) -> dict[str, dict[str, tuple[float, float, float, float, float]]]:
    """gate -> pin -> (input load, rise block, rise fanout, fall block, fall fanout delay)."""
    text = "\n".join(ln.split("#", 1)[0] for ln in open(genlib_path, encoding="utf-8", errors="replace"))
    out: dict[str, dict[str, tuple[float, float, float, float, float]]] = {}
    for chunk in re.split(r"(?=\bGATE\s)", text):
        m = re.match(r"GATE\s+(\S+)", chunk)
        if m:
            out[m.group(1)] = {p: tuple(float(x) for x in rest) for p, *rest in _PIN.findall(chunk)}
    return out


def _pin_delay(pins: dict, pin: str, load: float, load_dependent: bool) -> float:
    il, rb, rf, fb, ff = pins.get(pin, pins.get("*", (0.0, 0.0, 0.0, 0.0, 0.0)))
    if not load_dependent:
        return max(rb, fb)
    return max(rb + rf * load, fb + ff * load)


def genlib_critical_path(blif_path, genlib_path, reported_delay: float | None = None
                         ) -> tuple[CriticalPath, float]:
    """The critical path of an ABC-written mapped BLIF under the genlib model, and its delay. With
    ``reported_delay`` (ABC's ``print_stats`` delay of the same network) the load-independent or the
    load-dependent model is used, whichever reproduces it; without, the load-dependent one."""
    pins_of = _genlib_pins(genlib_path)
    text = re.sub(r"\\\n", " ", open(blif_path, encoding="utf-8", errors="replace").read())
    driver: dict[str, tuple[str, list[tuple[str, str]]]] = {}  # net -> (gate, [(pin, net)])
    fanout: dict[str, int] = {}
    load: dict[str, float] = {}
    # Net names may contain spaces (a register's aliases), so pins are split at " PIN=" and the end of
    # the path is the latest net of all (the latest sink; a .latch line cannot be split reliably).
    pin_split = re.compile(r"\s+(?=[A-Za-z_]\w*=)")
    for line in text.splitlines():
        if line.startswith(".gate "):
            gate, rest = line[6:].strip().split(None, 1)
            pins = [t.split("=", 1) for t in pin_split.split(rest.strip())]
            ins = [(p, n) for p, n in pins[:-1]]
            driver[pins[-1][1]] = (gate, ins)
            gp = pins_of.get(gate, {})
            for p, n in ins:
                fanout[n] = fanout.get(n, 0) + 1
                load[n] = load.get(n, 0.0) + gp.get(p, gp.get("*", (1.0,)))[0]
        elif line.startswith(".outputs "):
            for n in line.split()[1:]:
                fanout[n] = fanout.get(n, 0) + 1
                load[n] = load.get(n, 0.0) + 1.0
    sinks = list(driver)
    if not sinks:
        return CriticalPath(None, None, 0, 0), 0.0

    def arrivals(load_dependent: bool) -> tuple[dict[str, float], dict[str, str | None]]:
        arrival: dict[str, float] = {}
        via: dict[str, str | None] = {}
        for net in sinks:  # iterative DFS (deep netlists overflow Python's recursion)
            stack = [net]
            while stack:
                n = stack[-1]
                if n in arrival:
                    stack.pop()
                    continue
                d = driver.get(n)
                if d is None:
                    arrival[n], via[n] = 0.0, None
                    stack.pop()
                    continue
                todo = [i for _p, i in d[1] if i not in arrival]
                if todo:
                    stack.extend(todo)
                    continue
                gp = pins_of.get(d[0], {})
                best, best_in = 0.0, None
                for pin, i in d[1]:
                    t = arrival[i] + _pin_delay(gp, pin, load.get(n, 0.0), load_dependent)
                    if best_in is None or t > best:
                        best, best_in = t, i
                arrival[n], via[n] = best, best_in
                stack.pop()
        return arrival, via

    def latest(model) -> float:
        return max(model[0][x] for x in sinks)

    arrival, via = arrivals(True)
    if reported_delay is not None and abs(latest((arrival, via)) - reported_delay) > 1e-6:
        other = arrivals(False)  # an ABC build without the fanout slope
        if abs(latest(other) - reported_delay) < abs(latest((arrival, via)) - reported_delay):
            arrival, via = other
    end = max(sinks, key=lambda x: arrival[x])
    path, n = [end], via.get(end)
    while n is not None:
        path.append(n)
        n = via.get(n)
    worst = max(path, key=lambda x: fanout.get(x, 0))
    return CriticalPath(path[-1], end, sum(1 for x in path if x in driver), fanout.get(worst, 0), worst), arrival[end]