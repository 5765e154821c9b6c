#!/usr/bin/env python3
"""Measure the benchmark designs listed in designs/manifest.toml.

Every design goes through edaflow's own Verilog frontend, exactly as a user's design does:
``synth.frontend.load_design`` (Yosys in a child process, passes in ``synth/_yosys_child.py``,
then ABC ``read; strash; print_stats``). The recorded numbers are the frontend's statistics:
``ands``, ``latches`` and ``levels`` (AIG depth) of the AIG it hands to the optimizer. This script
keeps no pass list of its own, so the manifest cannot drift from the frontend. The frontend itself
refuses designs that infer level-sensitive latches (``InputError``), and Yosys' ``synth`` maps
every memory to registers, so there is no extra check on the Yosys log here.

    python designs/tools/measure_designs.py                    # measure, compare with the manifest
    python designs/tools/measure_designs.py --update           # rewrite ands/latches/levels in the manifest
    python designs/tools/measure_designs.py --readme           # regenerate the table in designs/README.md
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import re
import sys
import tempfile
import time
from pathlib import Path

DESIGNS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(DESIGNS.parent))  # run from a checkout without installing edaflow

from edaflow.manifest import DesignEntry, load_manifest  # noqa: E402
from synth.abc_session import AbcSession  # noqa: E402
from synth.frontend import load_design  # noqa: E402

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib

MANIFEST = DESIGNS / "manifest.toml"
README = DESIGNS / "README.md"

def measure(entry: DesignEntry) -> dict:
    """Run the frontend on one manifest entry; return {'ands', 'latches', 'levels', 'seconds'}."""
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix="edaflow_design_") as td, AbcSession(timeout=600) as s:
        d = load_design(entry.files, td, s, **entry.synth_kwargs())
    return {
        "ands": d.stats.ands,
        "latches": d.stats.latches,
        "levels": d.stats.levels,
        "seconds": round(time.time() - t0, 1),
    }


def raw_manifest(path: Path = MANIFEST) -> dict[str, dict]:
    """The manifest's tables by name (for keys DesignEntry does not carry, e.g. ``levels``)."""
    with open(path, "rb") as fh:
        return {d["name"]: d for d in tomllib.load(fh)["design"]}


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
            if re.search(r"(?m)^levels\s*=", b):
                b = re.sub(r"(?m)^levels\s*=\s*\d+", "levels = %d" % res["levels"], b)
            else:
                b = re.sub(r"(?m)^(latches\s*=\s*\d+)$", r"\1\nlevels = %d" % res["levels"], b)
        out.append(b)
    path.write_text("".join(out))


def header_line(entry: DesignEntry) -> str:
    first = Path(entry.files[0]).read_text().splitlines()[0]
    text = re.sub(r"^//\s*", "", first)
    return re.sub(r"^%s:\s*" % re.escape(entry.name), "", text)


def update_readme(path: Path = README) -> None:
    raw = raw_manifest()
    rows = ["| design | what it is | category | split | ANDs | levels | latches |",
            "|---|---|---|---|---:|---:|---:|"]
    for e in load_manifest(MANIFEST):
        name = e.name + (" (%s)" % ", ".join("%s=%s" % kv for kv in e.params.items()) if e.params else "")
        rows.append("| `%s` | %s | %s | %s | %d | %d | %d |" % (
            name, header_line(e), e.category, e.split, e.ands, raw[e.name]["levels"], e.latches))
    table = "\n".join(rows)
    text = path.read_text()
    text = re.sub(r"(<!-- designs-table:begin -->\n).*?(<!-- designs-table:end -->)",
                  lambda m: m.group(1) + table + "\n" + m.group(2), text, flags=re.S)
    path.write_text(text)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="only these designs")
    ap.add_argument("--update", action="store_true", help="write measured ands/latches/levels into the manifest")
    ap.add_argument("--readme", action="store_true", help="regenerate the design table in README.md")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    args = ap.parse_args(argv)

    raw = raw_manifest()
    todo = [e for e in load_manifest(MANIFEST) if not args.names or e.name in args.names]
    unknown = set(args.names) - {e.name for e in todo}
    if unknown:
        ap.error("unknown design(s): %s" % ", ".join(sorted(unknown)))
    results, failed = {}, 0
    with cf.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futs = {ex.submit(measure, e): e for e in todo}
        for fut in cf.as_completed(futs):
            e = futs[fut]
            try:
                r = fut.result()
            except Exception as exc:  # report and keep going
                print("%-16s ERROR %s" % (e.name, exc))
                failed += 1
                continue
            results[e.name] = r
            recorded = (e.ands, e.latches, raw[e.name].get("levels"))
            same = (r["ands"], r["latches"], r["levels"]) == recorded
            flag = "" if same else "  (manifest: ands=%s latches=%s levels=%s)" % recorded
            print("%-16s ands=%6d latches=%4d levels=%5d %6.1fs%s" % (e.name, r["ands"], r["latches"],
                                                                     r["levels"], r["seconds"], flag))
            if not same and not args.update:
                failed += 1
    if args.update:
        update_manifest(results)
    if args.readme:
        update_readme()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
