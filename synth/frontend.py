"""Frontend: Verilog (through Yosys, in a child process) or AIGER/BLIF/bench (through ABC) to one AIG.

Yosys runs in a child process because pyosys ends the whole Python process on any Yosys error; its
log is kept next to the outputs. Every frontend error is an :class:`InputError` naming the file and,
where Yosys or ABC reports one, the line.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from edaflow.errors import InputError, ToolError
from synth.abc_session import AbcError, AbcSession
from synth.aiger import validate_aiger
from synth.qor import AigStats

VERILOG_SUFFIXES = (".v", ".sv", ".vh", ".svh", ".verilog")
NETLIST_SUFFIXES = (".aig", ".blif", ".bench")


@dataclass(frozen=True)
class DesignInput:
    """The design as one AIG file plus what we learned reading it."""

    aig_path: Path
    top: str
    sources: tuple[Path, ...]
    stats: AigStats
    yosys_log: Path | None = None
    params: Mapping[str, str] = field(default_factory=dict)
    input_warnings: tuple[str, ...] = ()  # about the input file itself (e.g. repeated .bench outputs)

    @property
    def sequential(self) -> bool:
        return self.stats.latches > 0


def _check_files(files: Sequence[str | os.PathLike]) -> list[Path]:
    if not files:
        raise InputError("no input files given")
    paths = []
    for f in files:
        p = Path(f)
        if not p.exists():
            raise InputError("file does not exist", path=str(f))
        if not p.is_file():
            raise InputError("not a file", path=str(f))
        if not os.access(p, os.R_OK):
            raise InputError("file is not readable", path=str(f))
        paths.append(p.resolve())
    return paths


# Yosys reports errors as "file:line: ERROR: msg" or "ERROR: ... in line file:line: msg".
_YOSYS_ERR_A = re.compile(r"(?P<file>[^\s:]+):(?P<line>\d+):\s*ERROR:\s*(?P<msg>.*)$", re.MULTILINE)
_YOSYS_ERR_B = re.compile(r"^ERROR:\s*(?P<msg>.*)$", re.MULTILINE)
_FILE_LINE = re.compile(r"(?P<file>/[^\s:]+\.\w+):(?P<line>\d+)")


def _yosys_error(log: str, default_file: str) -> InputError:
    m = _YOSYS_ERR_A.search(log)
    if m:
        return InputError(m.group("msg").strip(), path=m.group("file"), line=int(m.group("line")))
    m = _YOSYS_ERR_B.search(log)
    if m:
        msg = m.group("msg").strip()
        loc = _FILE_LINE.search(msg)
        if loc:
            rest = _FILE_LINE.sub("", msg, count=1).replace("in line", "").strip(" :")
            return InputError(rest or msg, path=loc.group("file"), line=int(loc.group("line")))
        return InputError(f"Yosys: {msg}", path=default_file)
    tail = " ".join(log.strip().splitlines()[-3:])[-300:]
    return InputError(f"Yosys failed: {tail}", path=default_file)


def verilog_to_aig(
    files: Sequence[str | os.PathLike],
    out_aig: str | os.PathLike,
    *,
    top: str | None = None,
    include_dirs: Sequence[str | os.PathLike] = (),
    defines: Mapping[str, str] | Sequence[str] = (),
    params: Mapping[str, str] | None = None,
    log_path: str | os.PathLike | None = None,
    timeout: float = 1800.0,
    yosys_abc: bool = False,
) -> tuple[str, Path]:
    """Synthesise Verilog with Yosys (child process) to an AIGER file; return (top, log path)."""
    paths = _check_files(files)
    for d in include_dirs:
        if not Path(d).is_dir():
            raise InputError("include directory does not exist", path=str(d))
    if isinstance(defines, Mapping):
        define_list = [f"{k}={v}" if v not in (None, "") else str(k) for k, v in defines.items()]
    else:
        define_list = list(defines)
    out_aig = Path(out_aig).resolve()
    request = {
        "files": [str(p) for p in paths],
        "include_dirs": [str(Path(d).resolve()) for d in include_dirs],
        "defines": define_list,
        "params": dict(params or {}),
        "yosys_abc": yosys_abc,
        "top": top,
        "output": str(out_aig),
    }
    proc, log, result = run_yosys_child(request, timeout, f"Yosys did not finish within {timeout:g} s on {paths[0]}",
                                        log_path)
    where = str(paths[0]) if len(paths) == 1 else ", ".join(str(p) for p in paths)
    if result and result.get("error") == "top":
        roots = result["roots"]
        if not roots:
            raise InputError("no module found (nothing to synthesise)", path=where)
        raise InputError(f"ambiguous top module: candidates are {', '.join(roots)}; choose one with --top", path=where)
    if result and result.get("error") == "unknown-top":
        raise InputError(
            f"unknown top module {result['top']!r}; modules are: {', '.join(result['modules']) or 'none'}", path=where
        )
    if result and result.get("error") == "latch":
        first = result["latches"][0]
        loc = _FILE_LINE.search(first["src"] or "") or re.search(r"(?P<file>[^\s:|]+):(?P<line>\d+)", first["src"] or "")
        raise InputError(
            f"design infers {len(result['latches'])} level-sensitive latch bit(s) ({first['type']}); edaflow "
            "handles combinational logic and edge-triggered registers only (assign every branch of an "
            "always @* block, or use a clocked register)",
            path=loc.group("file") if loc else where, line=int(loc.group("line")) if loc else None,
        )
    if proc.returncode != 0 or not result or not out_aig.exists():
        out_aig.unlink(missing_ok=True)
        raise _yosys_error(log, where)
    return result["top"], Path(log_path) if log_path else None


def netlist_to_aig(session: AbcSession, src: Path, out_aig: Path) -> list[str]:
    """Read an AIGER/BLIF/bench file with ABC, strash it and write it as AIGER (with names). Returns
    warnings about the input (one line each, naming the file and line)."""
    warnings: list[str] = []
    read_from = src
    if src.suffix.lower() == ".aig":
        validate_aiger(src)
    elif src.suffix.lower() == ".bench":
        from synth.bench_check import check_bench, without_repeated_outputs
        summary = check_bench(src)
        if summary.repeated_outputs:
            no, net, first = summary.repeated_outputs[0]
            more = len(summary.repeated_outputs) - 1
            warnings.append(
                f"{src}:{no}: OUTPUT({net}) repeats line {first}" + (f" (and {more} more repeated OUTPUT lines)" if more else "")
                + f"; each net is one output: {summary.outputs} outputs"
            )
            read_from = without_repeated_outputs(src, out_aig.with_name(f"_{src.stem}_outputs_once.bench"), summary)
    try:
        session.run(f"read {read_from}")
        session.run("strash")
        session.run(f"write_aiger -s {out_aig}")
    except AbcError as exc:
        out = " ".join(exc.output.split())[-200:]
        line = re.search(r"[Ll]ine (\d+)", exc.output)
        raise InputError(
            f"cannot read this {src.suffix} file ({out or 'ABC rejected it'})",
            path=str(src), line=int(line.group(1)) if line else None,
        ) from None
    finally:
        if read_from != src:
            read_from.unlink(missing_ok=True)
    return warnings


def load_design(
    files: Sequence[str | os.PathLike],
    workdir: str | os.PathLike,
    session: AbcSession,
    *,
    top: str | None = None,
    include_dirs: Sequence[str | os.PathLike] = (),
    defines: Mapping[str, str] | Sequence[str] = (),
    params: Mapping[str, str] | None = None,
    yosys_abc: bool = False,
) -> DesignInput:
    """Turn the user's input files into ``workdir/<top>.aig`` and read its statistics with ABC."""
    paths = _check_files(files)
    workdir = Path(workdir).resolve()  # ABC runs in its own working directory
    workdir.mkdir(parents=True, exist_ok=True)
    suffixes = {p.suffix.lower() for p in paths}
    log = None
    input_warnings: list[str] = []
    if suffixes <= set(VERILOG_SUFFIXES):
        tmp_aig = workdir / "_frontend.aig"
        top, log = verilog_to_aig(
            paths, tmp_aig, top=top, include_dirs=include_dirs, defines=defines, params=params,
            log_path=workdir / "yosys.log", yosys_abc=yosys_abc,
        )
        top = re.sub(r"^\$paramod.*?\\", "", top).split("\\")[-1] or top
        # Re-write through ABC so the file is canonical (strashed, names kept) for hashing and caching.
        aig = workdir / f"{top}.aig"
        netlist_to_aig(session, tmp_aig, aig)
        tmp_aig.unlink()
    elif len(paths) == 1 and paths[0].suffix.lower() in NETLIST_SUFFIXES:
        src = paths[0]
        if top is not None and top != src.stem:
            raise InputError(f"--top applies to Verilog inputs only; a {src.suffix} netlist has one module, "
                             f"named after the file ({src.stem})", path=str(src))
        top = src.stem
        aig = workdir / f"{top}.aig"
        input_warnings = netlist_to_aig(session, src, aig)
    else:
        raise InputError(
            "unsupported input: give Verilog files (.v/.sv) or a single .aig/.blif/.bench file",
            path=str(paths[0]),
        )
    session.run(f"read {aig}")
    stats = AigStats.parse(session.run("print_stats"))
    if stats.outputs == 0:
        raise InputError("design has no outputs (nothing to optimise)", path=str(paths[0]))
    return DesignInput(aig, top, tuple(paths), stats, log, dict(params or {}), tuple(input_warnings))


def run_yosys_child(request: dict, timeout: float, timeout_message: str, log_path=None):
    """Run ``synth._yosys_child`` on a JSON request in a child process (pyosys ends the process on any
    Yosys error). Returns ``(proc, log, result)``: the finished process, its stdout+stderr (also written
    to ``log_path``) and the child's ``EDAFLOW-RESULT`` JSON, or None when it printed none."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(request, f)
        req_path = f.name
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "synth._yosys_child", req_path],
            capture_output=True, text=True, timeout=timeout,
            cwd=str(Path(__file__).resolve().parent.parent),
        )
    except subprocess.TimeoutExpired:
        raise ToolError(timeout_message) from None
    finally:
        os.unlink(req_path)
    log = proc.stdout + ("\n" + proc.stderr if proc.stderr else "")
    if log_path:
        Path(log_path).write_text(log, encoding="utf-8")
    result = None
    for line in log.splitlines():
        if line.startswith("EDAFLOW-RESULT "):
            result = json.loads(line[len("EDAFLOW-RESULT ") :])
    return proc, log, result


_WARNING = re.compile(r"^(?:(?P<loc>\S+:\d+): )?Warning: (?P<msg>.*)$", re.MULTILINE)


def yosys_warnings(log: str | os.PathLike | None) -> list[str]:
    """Yosys' warnings in a log (a path or the text), in order, duplicates dropped."""
    if log is None:
        return []
    text = Path(log).read_text(encoding="utf-8", errors="replace") if isinstance(log, os.PathLike) else str(log)
    seen: dict[str, None] = {}
    for m in _WARNING.finditer(text):
        seen.setdefault((f"{m.group('loc')}: " if m.group("loc") else "") + m.group("msg").strip(), None)
    return list(seen)
