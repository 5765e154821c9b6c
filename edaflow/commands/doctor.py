"""`edaflow doctor`: versions and paths of every tool edaflow uses; what is missing and how to get it."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import platform
import shutil
import sys

import click

PACKAGES = [
    ("pyosys", "Yosys (as a library) and yosys-abc", "pip install pyosys"),
    ("torch", "PyTorch", "pip install torch==2.13.0  (CPU build; an unpinned torch pulls a CUDA build)"),
    ("torch-geometric", "PyTorch Geometric", "pip install torch-geometric"),
    ("faiss-cpu", "FAISS", "pip install faiss-cpu"),
    ("scikit-learn", "scikit-learn", "pip install scikit-learn"),
    ("numba", "numba (simulator hot loop)", "pip install numba"),
    ("pyverilog", "pyverilog", "pip install pyverilog"),
    ("capstone", "capstone (tracer: x86 decoding)", "pip install capstone"),
]


def collect() -> list[dict]:
    """One row per tool: name, what, version or None, path, advice when missing."""
    rows = [{"name": "python", "what": "Python", "version": platform.python_version(), "path": sys.executable, "advice": ""}]
    for dist, what, advice in PACKAGES:
        try:
            version = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            version = None
        mod = {"torch-geometric": "torch_geometric", "faiss-cpu": "faiss", "scikit-learn": "sklearn"}.get(dist, dist)
        spec = importlib.util.find_spec(mod) if version else None
        path = str(next(iter(spec.submodule_search_locations))) if spec and spec.submodule_search_locations else ""
        rows.append({"name": dist, "what": what, "version": version, "path": path, "advice": "" if version else advice})
    from abc_bin import INSTALL_ADVICE, abc_version, find_abc

    abc = find_abc()
    rows.append({"name": "abc", "what": "ABC (logic synthesis)", "version": abc_version(str(abc)) if abc else None,
                 "path": str(abc or ""), "advice": "" if abc else INSTALL_ADVICE})
    try:
        from ipc_predict.tracer import tracer_requirements
    except ImportError:
        tracer_requirements = None
    if tracer_requirements is not None:
        listed = {r["name"] for r in rows}
        for name, version, advice in tracer_requirements():
            if name in listed:  # capstone is both a package above and a tracer requirement: list it once
                continue
            rows.append({"name": name, "what": "tracer", "version": version,
                         "path": shutil.which(name) or "", "advice": "" if version else advice})
    return rows


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def doctor(as_json):
    """Show versions and paths of Python, Yosys, ABC, torch, torch-geometric, FAISS and the tracer's tools.

    Exits 1 if something required is missing.
    """
    rows = collect()
    missing = [r for r in rows if not r["version"]]
    if as_json:
        import json

        click.echo(json.dumps(rows, indent=2))
    else:
        for r in rows:
            status = r["version"] or "MISSING"
            click.echo(f"{r['name']:16s} {status:40s} {r['path']}")
            if r["advice"]:
                click.echo(f"{'':16s} -> {r['advice']}")
        click.echo("all tools found" if not missing else f"{len(missing)} missing: {', '.join(r['name'] for r in missing)}")
    sys.exit(1 if missing else 0)
