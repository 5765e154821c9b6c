"""Runs Yosys (pyosys) in a child process: pyosys ends the whole interpreter on any Yosys error.

Invoked as ``python -m synth._yosys_child REQUEST.json``. Yosys' log goes to stdout (the parent keeps
it as ``yosys.log``); the last line is ``EDAFLOW-RESULT {json}`` on success.
"""

from __future__ import annotations

import json
import sys


def _q(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"' if any(c in text for c in ' "') else text


def main(request_path: str) -> int:
    req = json.loads(open(request_path, encoding="utf-8").read())
    if req.get("mode") == "write":
        return write_netlist(req)
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
    run("opt_clean")
    run(f"write_aiger -zinit -symbols {_q(req['output'])}")
    mod = design.top_module()
    print("EDAFLOW-RESULT " + json.dumps({"top": mod.name.str().lstrip("\\")}), flush=True)
    return 0


def write_netlist(req: dict) -> int:
    """Write the final netlist through Yosys so it keeps the RTL's interface, then prove the file.

    RTL -> the same front end as for the AIG (synth -flatten [-noabc]) -> Yosys' ``abc`` pass with the
    winning recipe plus ``map`` as the script (flops stay outside ABC, so ports, clock, asynchronous
    resets and register names are the RTL's) -> ``dfflibmap`` for Liberty libraries with flops ->
    ``write_verilog -noattr``. Then the written file is read back with the cells' functions and
    proven equivalent to the RTL with ``equiv_make``/``equiv_simple``/``equiv_induct``: registers are
    matched by name, so the check is combinational between matched registers (registers as cut points),
    with induction over the register outputs.
    """
    from pyosys import libyosys as ys

    design = ys.Design()

    def run(cmd: str) -> None:
        print(f"EDAFLOW-PASS {cmd}", flush=True)
        ys.run_pass(cmd, design)

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
    run("design -save gold")
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

    # The file written is the file proven: read it back with the cells' functions.
    run("design -reset")
    if req["kind"] == "liberty":
        for p in libs:
            run(f"read_liberty -ignore_miss_func {_q(p)}")
    else:
        run(f"read_verilog {_q(req['cell_models'])}")
    run(f"read_verilog {_q(req['output'])}")
    run(f"hierarchy -top {_q(top)}")
    run("flatten")
    run(f"rename {_q(top)} gate")
    run(f"design -copy-from gold -as gold {_q(top)}")
    run("proc; opt_clean")
    run("async2sync")  # both sides alike: the $equiv cells compare values at the clock edge
    run("dffunmap")
    run("equiv_make gold gate equiv")
    run("hierarchy -top equiv")
    run("equiv_simple")
    run("equiv_induct")
    run("equiv_status")
    print("EDAFLOW-RESULT " + json.dumps({"top": top, "cells": cells}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
