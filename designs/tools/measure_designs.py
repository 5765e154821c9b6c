#!/usr/bin/env python3
"""Measure the benchmark designs listed in designs/manifest.toml.

For every design: Yosys (pyosys, in a child process, since pyosys ends the
whole process on any error) runs

    read_verilog -sv [-I <include_dirs>] <files>
    hierarchy -check -top <top> [-chparam NAME VALUE ...]
    synth -flatten -top <top>
    async2sync; dffunmap; setundef -zero -init; techmap; setundef -undriven -zero
    aigmap; opt_clean
    write_aiger -zinit <top>.aig

(the same passes as edaflow's own Verilog frontend, synth/_yosys_child.py:
registers without an initial value start at zero, asynchronous resets become
synchronous), and ABC (the yosys-abc shipped in the pyosys wheel) runs
``read <top>.aig; strash; print_stats``; ``and =`` is the AND count and
``lat =`` the latch count recorded in the manifest.  The Yosys ``stat`` after
synth is also checked: no latches ($dlatch / $_DLATCH_*) and no memories ($mem)
may remain.

    python designs/tools/measure_designs.py            # measure, compare with the manifest
    python designs/tools/measure_designs.py --update   # rewrite ands/latches in the manifest
    python designs/tools/measure_designs.py --readme   # regenerate the table in designs/README.md
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib

DESIGNS = Path(__file__).resolve().parent.parent
MANIFEST = DESIGNS / "manifest.toml"
README = DESIGNS / "README.md"

YOSYS_CHILD = r'''
import json, sys
from pyosys import libyosys as ys
job = json.loads(sys.argv[1])
d = ys.Design()
inc = " ".join("-I " + i for i in job["include_dirs"])
for f in job["files"]:
    ys.run_pass("read_verilog -sv %s %s" % (inc, f), d)
chparam = " ".join("-chparam %s %s" % (k, v) for k, v in job["params"].items())
ys.run_pass("hierarchy -check -top %s %s" % (job["top"], chparam), d)
ys.run_pass("synth -flatten -top %s" % job["top"], d)
ys.run_pass("tee -q -o %s stat" % job["stat"], d)
for cmd in ("async2sync", "dffunmap", "setundef -zero -init", "techmap", "setundef -undriven -zero",
            "aigmap", "opt_clean"):
    ys.run_pass(cmd, d)
ys.run_pass("write_aiger -zinit %s" % job["aig"], d)
'''

BAD_CELLS = re.compile(r"\$(_?DLATCH\w*|dlatch\w*|mem\w*)\b")


def abc_binary() -> str:
    spec = importlib.util.find_spec("pyosys")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pyosys is not installed")
    path = Path(list(spec.submodule_search_locations)[0]) / "yosys-abc"
    if not path.is_file():
        raise RuntimeError(f"yosys-abc not found at {path}")
    return str(path)


def param_value(v) -> str:
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, str):
        return '"%s"' % v
    return str(v)


def measure(entry: dict, designs_dir: Path = DESIGNS, timeout: float = 600) -> dict:
    """Synthesize one manifest entry; return {'ands', 'latches', 'levels', 'seconds', 'bad_cells'}."""
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix="edaflow_design_") as td:
        job = {
            "files": [str(designs_dir / f) for f in entry["files"]],
            "include_dirs": [str(designs_dir / i) for i in entry.get("include_dirs", [])],
            "params": {k: param_value(v) for k, v in entry.get("params", {}).items()},
            "top": entry["top"],
            "aig": os.path.join(td, "design.aig"),
            "stat": os.path.join(td, "stat.txt"),
        }
        r = subprocess.run([sys.executable, "-c", YOSYS_CHILD, json.dumps(job)], cwd=td,
                           capture_output=True, text=True, timeout=timeout)
        if r.returncode != 0 or not os.path.exists(job["aig"]):
            tail = "\n".join((r.stdout + r.stderr).splitlines()[-20:])
            raise RuntimeError(f"yosys failed for {entry['name']}:\n{tail}")
        stat = Path(job["stat"]).read_text()
        a = subprocess.run([abc_binary(), "-c", "read %s; strash; print_stats" % job["aig"]], cwd=td,
                           capture_output=True, text=True, timeout=timeout)
        m = re.search(r"lat\s*=\s*(\d+)\s+and\s*=\s*(\d+)\s+lev\s*=\s*(\d+)", a.stdout)
        if not m:
            raise RuntimeError(f"could not parse ABC output for {entry['name']}:\n{a.stdout}")
    return {
        "ands": int(m.group(2)),
        "latches": int(m.group(1)),
        "levels": int(m.group(3)),
        "seconds": round(time.time() - t0, 1),
        "bad_cells": sorted(set(BAD_CELLS.findall(stat))),
    }


def load_manifest(path: Path = MANIFEST) -> list[dict]:
    with open(path, "rb") as fh:
        return tomllib.load(fh)["design"]


def update_manifest(results: dict[str, dict], path: Path = MANIFEST) -> None:
    text = path.read_text()
    blocks = re.split(r"(?m)^(?=\[\[design\]\])", text)
    out = []
    for b in blocks:
        m = re.search(r'(?m)^name\s*=\s*"([^"]+)"', b)
        if m and m.group(1) in results:
            res = results[m.group(1)]
            b = re.sub(r"(?m)^ands\s*=\s*\d+", "ands = %d" % res["ands"], b)
            b = re.sub(r"(?m)^latches\s*=\s*\d+", "latches = %d" % res["latches"], b)
        out.append(b)
    path.write_text("".join(out))


def header_line(entry: dict) -> str:
    first = (DESIGNS / entry["files"][0]).read_text().splitlines()[0]
    text = re.sub(r"^//\s*", "", first)
    return re.sub(r"^%s:\s*" % re.escape(entry["name"]), "", text)


def update_readme(entries: list[dict], path: Path = README) -> None:
    rows = ["| design | what it is | category | split | ANDs | latches |",
            "|---|---|---|---|---:|---:|"]
    for e in entries:
        name = e["name"] + (" (%s)" % ", ".join("%s=%s" % kv for kv in e["params"].items()) if e["params"] else "")
        rows.append("| `%s` | %s | %s | %s | %d | %d |" % (name, header_line(e), e["category"], e["split"],
                                                          e["ands"], e["latches"]))
    table = "\n".join(rows)
    text = path.read_text()
    text = re.sub(r"(<!-- designs-table:begin -->\n).*?(<!-- designs-table:end -->)",
                  lambda m: m.group(1) + table + "\n" + m.group(2), text, flags=re.S)
    path.write_text(text)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="only these designs")
    ap.add_argument("--update", action="store_true", help="write measured ands/latches into the manifest")
    ap.add_argument("--readme", action="store_true", help="regenerate the design table in README.md")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    args = ap.parse_args(argv)

    entries = load_manifest()
    todo = [e for e in entries if not args.names or e["name"] in args.names]
    results, failed = {}, 0
    with cf.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futs = {ex.submit(measure, e): e for e in todo}
        for fut in cf.as_completed(futs):
            e = futs[fut]
            try:
                r = fut.result()
            except Exception as exc:  # report and keep going
                print("%-16s ERROR %s" % (e["name"], exc))
                failed += 1
                continue
            results[e["name"]] = r
            same = (r["ands"], r["latches"]) == (e["ands"], e["latches"])
            flag = "" if same else "  (manifest: ands=%d latches=%d)" % (e["ands"], e["latches"])
            if r["bad_cells"]:
                flag += "  BAD CELLS: %s" % r["bad_cells"]
                failed += 1
            print("%-16s ands=%6d latches=%4d lev=%5d %6.1fs%s" % (e["name"], r["ands"], r["latches"],
                                                                  r["levels"], r["seconds"], flag))
            if not same and not args.update:
                failed += 1
    if args.update:
        update_manifest(results)
    if args.readme:
        update_readme(load_manifest())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
