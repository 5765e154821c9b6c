"""Runs Yosys (pyosys) in a child process: pyosys ends the whole interpreter on any Yosys error.

Invoked as ``python -m synth._yosys_child REQUEST.json``. Yosys' log goes to stdout (the parent keeps
it as ``yosys.log``); the last line is ``EDAFLOW-RESULT {json}`` on success.
"""

from __future__ import annotations

import json
import re
import sys


def _q(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"' if any(c in text for c in ' "') else text


def main(request_path: str) -> int:
    req = json.loads(open(request_path, encoding="utf-8").read())
    if req.get("mode") == "write":
        return write_netlist(req)
    if req.get("mode") == "prove":
        return prove_netlist(req)
    from pyosys import libyosys as ys

    design = ys.Design()

    def run(cmd: str) -> None:
        print(f"EDAFLOW-PASS {cmd}", flush=True)
        ys.run_pass(cmd, design)

    flags = " ".join([f"-D{_q(d)}" for d in req["defines"]] + [f"-I{_q(i)}" for i in req["include_dirs"]])
    for f in req["files"]:
        run(f"read_verilog -sv {flags} {_q(f)}")

    # Tops = modules that no other module instantiates (blackbox/library cells aside).
    modules = {}
    instantiated = set()
    for name, mod in design.modules_.items():
        modules[name.str().lstrip("\\")] = mod
        for cell in mod.cells_.values():
            instantiated.add(cell.type.str().lstrip("\\"))
    roots = sorted(m for m in modules if m not in instantiated and not m.startswith("$"))
    print("EDAFLOW-MODULES " + json.dumps({"modules": sorted(modules), "roots": roots}), flush=True)
    top = req.get("top")
    if top is None:
        if len(roots) != 1:
            print("EDAFLOW-RESULT " + json.dumps({"error": "top", "roots": roots}), flush=True)
            return 3
        top = roots[0]
    elif top not in modules:
        print("EDAFLOW-RESULT " + json.dumps({"error": "unknown-top", "top": top, "modules": sorted(modules)}), flush=True)
        return 3

    chparams = " ".join(f"-chparam {k} {_q(str(v))}" for k, v in req["params"].items())
    run(f"hierarchy -check -top {_q(top)} {chparams}")
    # By default -noabc: Yosys' own ABC pass re-synthesises the logic and throws away the RTL's
    # architecture (a 32-bit carry-lookahead adder goes from 17 to 54 levels); the recipe search
    # starts from the structure the designer wrote. --yosys-abc asks for the pre-pass (it helps
    # flat random-control netlists; see docs/synth.md).
    run("synth -flatten" + ("" if req.get("yosys_abc") else " -noabc"))
    # Level-sensitive latches have no AIGER equivalent (an AIGER latch is an edge-triggered register):
    # refuse them instead of silently changing the design's timing behaviour.
    latches = []
    for cell in design.top_module().cells_.values():
        kind = cell.type.str()
        if "dlatch" in kind.lower() or kind.lower().startswith(("$sr", "$_sr")):
            src = cell.get_string_attribute(ys.IdString("\\src")) if hasattr(cell, "get_string_attribute") else ""
            latches.append({"type": kind, "src": src})
    if latches:
        print("EDAFLOW-RESULT " + json.dumps({"error": "latch", "latches": latches}), flush=True)
        return 3
    # Registers become AIGER latches. Asynchronous resets are turned into synchronous ones
    # (async2sync) and registers without an initial value start at zero: AIGER has one implicit
    # clock and no asynchronous behaviour. The optimisation only touches the combinational logic.
    run("async2sync")
    run("dffunmap")
    run("setundef -zero -init")
    run("techmap")
    run("setundef -undriven -zero")
    run("aigmap")
    # -purge: one name per net, so a register seen under several names (an alias wire, a submodule
    # port) gets one AIGER symbol instead of all its aliases pasted into one line.
    # splitnets first: a multi-bit internal wire one of whose bits only aliases an input port (cla32's
    # carry vector, bit 0 = cin) would otherwise survive, and write_aiger warns "Treating undriven bit
    # <input> like $anyseq" although the input is driven (harmless, but shown to every user).
    run("splitnets")
    run("opt_clean -purge")
    run(f"write_aiger -zinit -symbols {_q(req['output'])}")
    mod = design.top_module()
    print("EDAFLOW-RESULT " + json.dumps({"top": mod.name.str().lstrip("\\")}), flush=True)
    return 0


def _session():
    import time

    from pyosys import libyosys as ys

    design = ys.Design()

    def run(cmd: str) -> None:
        print(f"EDAFLOW-PASS {cmd}", flush=True)
        t0 = time.perf_counter()
        ys.run_pass(cmd, design)
        if time.perf_counter() - t0 > 0.5:
            print(f"EDAFLOW-TIME {time.perf_counter() - t0:.2f} s {cmd}", flush=True)

    return ys, design, run


def _aiger_for_yosys(path: str) -> str:
    """``path``, or a copy beside it that Yosys' ``read_aiger`` reads with every port intact:

    * latch symbols that repeat an input's or output's name are dropped. An output driven straight by
      a register carries the register's name in an AIGER written by ABC (ISCAS-89 ``s1196``: output
      ``G45 = DFF(...)``), and ``read_aiger`` then asserts on the second wire of that name. Without its
      symbol the register's Q is still the output wire of that name, so registers can correspond as
      before (s1196: cut points); where they do not, the proof falls back to the sequential check.
    * bad-state lines become output lines. ABC writes the outputs of a sequential network as
      bad-state properties (header ``O = 0``, ``B`` = the outputs), and ``read_aiger`` gives two
      properties on the same literal one wire, so one of two outputs that strash merged lost its name
      and the interface check refused the written netlist (ISCAS-89 ``s820``: ``G310`` and ``G325``).
      With ``O = 0`` the bad-state lines sit exactly where output lines go, so only the header and the
      ``b`` symbols change."""
    from pathlib import Path

    from synth.aiger import _scan

    data = Path(path).read_bytes()
    pos = _scan(data, Path(path))[1]  # where the symbol table starts
    end = data.find(b"\nc\n", pos - 1)
    table = data[pos:end + 1 if end >= 0 else len(data)]
    lines = table.split(b"\n")
    nl = data.find(b"\n")
    fields = data[:nl].split()
    nums = [int(x) for x in fields[1:]]
    header = data[:nl]
    bad_as_outputs = len(nums) >= 6 and nums[3] == 0 and nums[5] > 0 and not any(nums[6:9])
    if bad_as_outputs:
        header = b" ".join([fields[0], *(b"%d" % n for n in (nums[0], nums[1], nums[2], nums[5], nums[4]))])
        lines = [b"o" + ln[1:] if ln[:1] == b"b" and b" " in ln else ln for ln in lines]
    ports = {ln.split(b" ", 1)[1] for ln in lines if ln[:1] in (b"i", b"o", b"b") and b" " in ln}
    keep = [ln for ln in lines if not (ln[:1] == b"l" and b" " in ln and ln.split(b" ", 1)[1] in ports)]
    if len(keep) == len(lines) and not bad_as_outputs:
        return path
    out = path + ".yosys.aig"
    with open(out, "wb") as fh:
        fh.write(header + data[nl:pos] + b"\n".join(keep) + data[pos + len(table):])
    if len(keep) < len(lines):
        print(f"EDAFLOW-NOTE {len(lines) - len(keep)} register name(s) that repeat a port's dropped", flush=True)
    return out


def _read_gold(run, req: dict, ys=None, design=None) -> str:
    """The RTL through the same front end as for the AIG (synth -flatten [-noabc]), saved as ``gold``;
    or, for a netlist input, its AIG (``req['gold_aig']``, clock input named ``clock`` as in ABC's
    ``write_verilog``). With ``ys`` and ``design``, flops that Yosys left with private names (a
    memory's read-address registers) get public ones first, see :func:`name_private_registers`."""
    if req.get("gold_aig"):
        top = req["top"]
        run(f"read_aiger -clk_name clock -module_name {_q(top)} {_q(_aiger_for_yosys(req['gold_aig']))}")
        run(f"hierarchy -top {_q(top)}")
        run("opt_clean")
        run("design -save gold")
        return top
    flags = " ".join([f"-D{_q(d)}" for d in req["defines"]] + [f"-I{_q(i)}" for i in req["include_dirs"]])
    for f in req["files"]:
        run(f"read_verilog -sv {flags} {_q(f)}")
    chparams = " ".join(f"-chparam {k} {_q(str(v))}" for k, v in req["params"].items())
    top = req["top"]
    run(f"hierarchy -check -top {_q(top)} {chparams}")
    run("synth -flatten" + ("" if req.get("yosys_abc") else " -noabc"))
    run(f"rename -top {_q(top)}")
    run("setundef -undriven -zero")
    run("opt_clean")
    if ys is not None:
        n = name_private_registers(ys, design.top_module())
        if n:
            print(f"EDAFLOW-NAMED {n} registers with private names", flush=True)
    run("design -save gold")
    return top


def _public_name(private: str) -> str:
    """A readable public name from a Yosys private wire name: ``$\\cpuregs$rdreg[1]$q`` -> ``cpuregs_rdreg[1]``
    (``$``-separated parts, without auto-index numbers, source locations and a trailing ``q``)."""
    parts = [p.lstrip("\\") for p in private.lstrip("$").split("$")]
    parts = [p for p in parts if p and not p.isdigit() and ":" not in p and p != "auto"]
    if parts and parts[-1] == "q":
        parts.pop()
    return "_".join(parts) or "edaflow_reg"


def name_private_registers(ys, mod) -> int:
    """Give every flop whose Q net has only private names a public, deterministic name derived from the
    RTL (a memory's read-address register ``$\\cpuregs$rdreg[0]$q`` becomes ``cpuregs_rdreg[0]``), so
    the written netlist names all its registers after the RTL's and the proof can match them by name
    (``write_verilog`` would print ``_00021_``, which nothing on the RTL side is called). Done on the
    design both the written file and the proof's gold side come from. Returns the number of wires renamed."""
    taken = {w.name.str() for w in mod.wires_.values()}
    wires = {}
    for _cell, names in _register_names(ys, mod):
        if not names:
            q = _cell.getPort(ys.IdString("\\Q")).to_sigbit_vector()[0]
            if q.wire is not None:
                wires[q.wire.name.str()] = q.wire
    for old in sorted(wires):  # sorted: the same names on every run
        base = new = "\\" + _public_name(old)
        k = 1
        while new in taken:
            new, k = f"{base}_{k}", k + 1
        taken.add(new)
        mod.rename(wires[old], ys.IdString(new))
    return len(wires)


def _read_gate(run, req: dict, path: str, top: str) -> None:
    """``path`` (the written file) read back with the cells' functions, flattened, as module ``gate``
    next to a copy of ``gold``."""
    run("design -reset")
    if req["kind"] == "liberty":
        for p in req["libraries"]:
            run(f"read_liberty -ignore_miss_func {_q(p)}")
    elif req.get("cell_models"):
        run(f"read_verilog {_q(req['cell_models'])}")
    run(f"read_verilog {_q(path)}")
    run(f"hierarchy -top {_q(top)}")
    run("flatten")
    run(f"rename {_q(top)} gate")
    run(f"design -copy-from gold -as gold {_q(top)}")


def write_netlist(req: dict) -> int:
    """Write the final netlist through Yosys so it keeps the RTL's interface, then prove the file.

    RTL -> :func:`_read_gold` -> Yosys' ``abc`` pass with the winning recipe plus the mapping command as
    the script (flops stay outside ABC, so ports, clock, asynchronous resets and register names are the
    RTL's) -> ``dfflibmap`` for Liberty libraries with flops -> ``write_verilog -noattr``. Then the
    written file is read back with the cells' functions and prepared for the proof against the RTL by
    :func:`prove_gold_gate` (registers as cut points and ABC ``cec``; Yosys' sequential
    ``equiv_induct`` only when the registers do not correspond).
    """
    import time

    t_start = time.perf_counter()
    ys, design, run = _session()
    top = _read_gold(run, req, ys, design)
    libs = req["libraries"]
    if req["kind"] == "liberty":
        libargs = " ".join(f"-liberty {_q(p)}" for p in libs)
    else:
        libargs = f"-genlib {_q(libs[0])}"
    run(f"abc -script {_q(req['script'])} {libargs}")
    if req["kind"] == "liberty" and req.get("has_flops"):
        run("dfflibmap " + " ".join(f"-liberty {_q(p)}" for p in libs))
    run("opt_clean -purge")
    run("attrmap -remove init")  # reset values stay in the logic; no `initial` blocks in the netlist
    run("setattr -mod -unset init")
    cells: dict[str, int] = {}
    for cell in design.top_module().cells_.values():
        name = cell.type.str().lstrip("\\")
        cells[name] = cells.get(name, 0) + 1
    if req["kind"] == "liberty":
        run("stat " + " ".join(f"-liberty {_q(p)}" for p in libs))  # "Chip area" of the file's cells
    run(f"write_verilog -noattr {_q(req['output'])}")
    t_written = time.perf_counter()
    # The file written is the file proven: read it back with the cells' functions.
    _read_gate(run, req, req["output"], top)
    proof = prove_gold_gate(ys, design, run, req["proof_dir"], bool(req.get("force_sequential")))
    seconds = {"write": round(t_written - t_start, 3), "prove": round(time.perf_counter() - t_written, 3)}
    print("EDAFLOW-RESULT " + json.dumps({"top": top, "cells": cells, "proof": proof, "seconds": seconds}), flush=True)
    return 0


def prove_netlist(req: dict) -> int:
    """Mode ``prove``: prepare the proof of an existing netlist file (``req['gate']``) against the RTL."""
    import time

    t_start = time.perf_counter()
    ys, design, run = _session()
    top = _read_gold(run, req, ys, design)
    _read_gate(run, req, req["gate"], top)
    proof = prove_gold_gate(ys, design, run, req["proof_dir"], bool(req.get("force_sequential")))
    seconds = {"prove": round(time.perf_counter() - t_start, 3)}
    print("EDAFLOW-RESULT " + json.dumps({"top": top, "cells": {}, "proof": proof, "seconds": seconds}), flush=True)
    return 0


# -- the proof of the written file ------------------------------------------------------------------
# Registers as cut points: every flip-flop of gold (the RTL) and of gate (the written file) is matched by
# the names on its Q net and its cell type (clock edge, asynchronous set/reset and their values). A
# matched pair becomes one new input (its Q) and one output per other pin (D, C, R, S), with the same
# name on both sides; both sides are then combinational and ABC's ``cec`` compares them by name. Equal
# next-state, clock, reset and output functions for one-to-one registers of the same type are
# sufficient for sequential equivalence (from equal register states). When the registers do not
# correspond, the sequential check (equiv_make/equiv_simple/equiv_induct) runs instead.

_FF_PREFIXES = ("$_DFF_", "$_DFFE_", "$_DFFSR_", "$_DFFSRE_", "$_SDFF_", "$_SDFFE_", "$_SDFFCE_", "$_ALDFF_",
                "$_ALDFFE_")


def _bit_key(bit):
    return (bit.wire.name.str(), bit.offset) if bit.wire else ("$const", str(bit.data))


def _register_names(ys, mod) -> list[tuple[object, frozenset]]:
    """(flop cell, public names of its Q net) for every single-bit flop of ``mod``."""
    parent: dict = {}

    def find(x):
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for lhs, rhs in mod.connections():
        for a, b in zip(lhs.to_sigbit_vector(), rhs.to_sigbit_vector()):
            ra, rb = find(_bit_key(a)), find(_bit_key(b))
            if ra != rb:
                parent[ra] = rb
    names: dict = {}
    for w in mod.wires_.values():
        n = w.name.str()
        if n.startswith("\\"):
            for i in range(w.width):
                names.setdefault(find((n, i)), set()).add(n[1:] + (f"[{i}]" if w.width > 1 else ""))
    flops = []
    for cell in mod.cells_.values():
        if cell.type.str().startswith(_FF_PREFIXES) or cell.type.str().startswith("$_DFF"):
            q = cell.getPort(ys.IdString("\\Q")).to_sigbit_vector()[0]
            flops.append((cell, frozenset(names.get(find(_bit_key(q)), ()))))
    return flops


def _ff_kind(cell_type: str) -> tuple[str, dict[str, tuple[str, bool]]] | None:
    """A single-bit flop type as (kind, {effective pin: (cell pin, inverted)}), or None if not a flop.

    After ``dffunmap`` a flop is ``$_DFF_C_``, ``$_DFF_CRV_`` (asynchronous reset to V), ``$_DFFSR_CSR_``
    or ``$_ALDFF_CL_`` (C, R, S, L: polarity letters). All but the last are one kind, a flop with an
    active-high asynchronous set and reset on a rising clock: negative polarities become inverted pins,
    an absent set or reset a constant 0. So ``DFFSR`` of a Liberty library with its set tied off matches
    the RTL's ``$_DFF_PN0_``; the cut check then compares the effective clock, D, set and reset functions.
    """
    m = re.fullmatch(r"\$_DFF_([NP])_", cell_type)
    if m:
        return "dff", {"C": ("C", m.group(1) == "N"), "D": ("D", False), "S": ("", False), "R": ("", False)}
    m = re.fullmatch(r"\$_DFF_([NP])([NP])([01])_", cell_type)
    if m:
        rst = ("R", m.group(2) == "N")
        return "dff", {"C": ("C", m.group(1) == "N"), "D": ("D", False),
                       "S": rst if m.group(3) == "1" else ("", False), "R": rst if m.group(3) == "0" else ("", False)}
    m = re.fullmatch(r"\$_DFFSR_([NP])([NP])([NP])_", cell_type)
    if m:
        return "dff", {"C": ("C", m.group(1) == "N"), "D": ("D", False), "S": ("S", m.group(2) == "N"),
                       "R": ("R", m.group(3) == "N")}
    m = re.fullmatch(r"\$_ALDFF_([NP])([NP])_", cell_type)
    if m:
        return "aldff", {"C": ("C", m.group(1) == "N"), "D": ("D", False), "L": ("L", m.group(2) == "N"),
                         "AD": ("AD", False)}
    return None


def match_registers(gold: list, gate: list) -> tuple[dict[int, int], list[str]]:
    """gate index -> gold index for registers sharing a Q-net name and a flop kind, one-to-one.
    Returns the matching and, when it is not complete, a few reasons."""
    by_name: dict[str, set[int]] = {}
    for i, (_cell, names) in enumerate(gold):
        for n in names:
            by_name.setdefault(n, set()).add(i)
    pairs: dict[int, int] = {}
    problems: list[str] = []
    for j, (cell, names) in enumerate(gate):
        cand = set().union(*(by_name.get(n, set()) for n in names)) if names else set()
        label = min(names) if names else cell.name.str()
        if len(cand) != 1:
            problems.append(f"{label}: {'no' if not cand else len(cand)} RTL register(s) of that name")
            continue
        i = cand.pop()
        k_gold, k_gate = _ff_kind(gold[i][0].type.str()), _ff_kind(cell.type.str())
        if k_gold is None or k_gate is None or k_gold[0] != k_gate[0]:
            problems.append(f"{label}: {cell.type.str()} in the file, {gold[i][0].type.str()} in the RTL")
            continue
        pairs[j] = i
    if len(set(pairs.values())) != len(pairs):
        problems.append("two registers of the file match the same RTL register")
    if len(gold) != len(gate):
        problems.append(f"{len(gate)} registers in the file, {len(gold)} in the RTL")
    return pairs, problems


def _cut_registers(ys, mod, flops: list[tuple[int, object]]) -> None:
    """Replace each flop by an input ``edaflow_cut<k>_Q`` and outputs ``edaflow_cut<k>_<pin>`` carrying
    its effective (active-high, rising-edge) pin functions, see :func:`_ff_kind`."""
    for k, cell in flops:
        _kind, pins = _ff_kind(cell.type.str())
        q = cell.getPort(ys.IdString("\\Q"))
        conns = {p.str()[1:]: sig for p, sig in cell.connections_.items()}
        mod.remove(cell)
        wq = mod.addWire(ys.IdString(f"\\edaflow_cut{k}_Q"), 1)
        wq.port_input = True
        mod.connect(q, ys.SigSpec(wq))
        for eff, (pin, inverted) in pins.items():
            wo = mod.addWire(ys.IdString(f"\\edaflow_cut{k}_{eff}"), 1)
            wo.port_output = True
            if not pin:
                mod.connect(ys.SigSpec(wo), ys.SigSpec(ys.State.S0, 1))
            elif inverted:
                mod.addNotGate(ys.IdString(f"$edaflow_cut{k}_{eff}_not"), conns[pin].to_sigbit_vector()[0],
                               ys.SigSpec(wo).to_sigbit_vector()[0])
            else:
                mod.connect(ys.SigSpec(wo), conns[pin])
    mod.fixup_ports()


def _ports(mod) -> list:
    return sorted((w.name.str(), bool(w.port_input), bool(w.port_output), w.width)
                  for w in mod.wires_.values() if w.port_input or w.port_output)


def _proc_gate(ys, gate_m, run) -> None:
    """``proc -noopt`` on the re-read file, with ``proc_arst`` only on processes with more than one
    edge (``always @(posedge clk, negedge rst_n)``): a single-edge process has no asynchronous reset
    to find, and ``proc_arst`` over picorv32's 1,594 flop processes took 2.7 of its 4.2 s. (Were a
    single-edge process ever misread this way, its D would differ from the RTL's and cec refuse.)"""
    for proc in gate_m.processes.values():
        if len(proc.syncs) > 1:
            proc.set_bool_attribute(ys.IdString("\\edaflow_arst"), True)
    for cmd in ("proc_clean", "proc_rmdead", "proc_prune", "proc_init"):
        run(f"{cmd} gate")
    run("proc_arst gate/a:edaflow_arst")
    for cmd in ("proc_rom", "proc_mux", "proc_dlatch", "proc_dff", "proc_memwr", "proc_clean"):
        run(f"{cmd} gate")


def prove_gold_gate(ys, design, run, proof_dir: str, force_sequential: bool = False) -> dict:
    """Prepare the proof of module ``gate`` against ``gold``: two combinational AIGER files for ABC's
    ``cec`` (registers as cut points), or, when the registers do not correspond, the sequential
    check run here. Returns what was done (the parent runs ``cec`` and reads the verdict)."""
    gold_m, gate_m = design.module(ys.IdString("\\gold")), design.module(ys.IdString("\\gate"))
    if _ports(gold_m) != _ports(gate_m):
        missing = sorted(set(p[0][1:] for p in _ports(gold_m)) ^ set(p[0][1:] for p in _ports(gate_m)))
        return {"method": "ports", "ok": False, "problems": [f"port lists differ: {', '.join(missing[:5]) or 'widths'}"]}
    # Both sides alike: processes to cells, single-bit cells, never-active set/reset removed, clock
    # enables and synchronous resets as logic in front of the flop (asynchronous ones stay).
    # (only the re-read file has processes; gold is fine-grained after synth, coarse after read_aiger.)
    _proc_gate(ys, gate_m, run)
    for cmd in ("techmap", "opt_dff -nodffe -nosdff", "dffunmap", "opt_clean"):
        run(cmd)
    import time

    t0 = time.perf_counter()
    gold_ff = _register_names(ys, gold_m := design.module(ys.IdString("\\gold")))
    gate_ff = _register_names(ys, gate_m := design.module(ys.IdString("\\gate")))
    pairs, problems = match_registers(gold_ff, gate_ff)
    if problems or force_sequential:
        return _sequential_proof(run, len(gold_ff), problems or ["sequential check requested"])
    _cut_registers(ys, gold_m, [(i, c) for i, (c, _n) in enumerate(gold_ff)])
    _cut_registers(ys, gate_m, [(pairs[j], c) for j, (c, _n) in enumerate(gate_ff)])
    print(f"EDAFLOW-TIME {time.perf_counter() - t0:.2f} s register matching and cutting", flush=True)
    for cmd in ("setundef -undriven -zero", "aigmap"):
        run(cmd)
    files = {}
    for side in ("gold", "gate"):  # write_aiger writes the module marked top
        run(f"setattr -mod -set top 1 {side}")
        files[side] = f"{proof_dir}/{side}_cut.aig"
        run(f"write_aiger -symbols {_q(files[side])}")
        run(f"setattr -mod -unset top {side}")
    return {"method": "cut", "ok": True, "registers": len(gold_ff), "gold_aig": files["gold"], "gate_aig": files["gate"]}


def _sequential_proof(run, registers: int, problems: list[str]) -> dict:
    """Registers that do not correspond: Yosys' sequential check (equiv_induct) on gold and gate."""
    run("async2sync")  # both sides alike: the $equiv cells compare values at the clock edge
    run("equiv_make gold gate equiv")
    run("hierarchy -top equiv")
    run("equiv_simple")
    run("equiv_induct")
    run("equiv_status")
    return {"method": "sequential", "ok": True, "registers": registers, "problems": problems[:5]}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
