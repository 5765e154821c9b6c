"""`edaflow regress` against real services: a PostgreSQL server started by the test, a Dask LocalCluster
of processes, and the HTML report in headless Chromium. Each skips where its tool is absent, unless
EDAFLOW_REQUIRE_TOOLS=1 (CI). Each takes about 10 s, so they run in the quick suite (CI needs them)."""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from test_regress import SMALL, manifest, regress


def _need(ok: bool, what: str):
    if not ok:
        if os.environ.get("EDAFLOW_REQUIRE_TOOLS"):
            pytest.fail(f"{what} not found but EDAFLOW_REQUIRE_TOOLS is set")
        pytest.skip(f"{what} not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def postgres_url():
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    _need(bool(bins), "PostgreSQL (initdb)")
    bindir = Path(bins[-1]).parent
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="edaflow-pg-"))  # not under pytest's 0700 root: postgres must reach it
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    prefix = []
    if os.geteuid() == 0:  # postgres refuses to run as root
        prefix = ["runuser", "-u", "postgres", "--"]
        os.chmod(root, 0o777)
        shutil.chown(sock, "postgres")
        shutil.chown(root, "postgres")
    port = _free_port()
    subprocess.run(prefix + [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"],
                   check=True, capture_output=True)
    subprocess.run(prefix + [str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(root / "log"), "-o",
                             f"-p {port} -k {sock} -c listen_addresses=127.0.0.1", "start"], check=True,
                   capture_output=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(prefix + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def test_postgres_two_concurrent_runs(tmp_path, abc_path, postgres_url):
    m = manifest(tmp_path, SMALL)
    ps = [subprocess.Popen([sys.executable, "-m", "edaflow.cli", "regress", str(m), "--db", postgres_url,
                            "--runs-dir", f"r{i}", "-q"], cwd=tmp_path, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True) for i in range(2)]
    for p in ps:
        _out, err = p.communicate(timeout=300)
        assert p.returncode in (0, 1), err
    r = subprocess.run([sys.executable, "-m", "edaflow.cli", "runs", "--db", postgres_url, "--json"], cwd=tmp_path,
                       capture_output=True, text=True, check=True)
    runs = json.loads(r.stdout)
    assert len(runs) == 2 and all(x["status"] == "done" and x["designs_done"] == 2 for x in runs)


def test_dask_local_cluster(tmp_path, abc_path):
    from dask.distributed import LocalCluster

    m = manifest(tmp_path, SMALL)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        r = regress(tmp_path, m, "--scheduler", cluster.scheduler_address, "--json", "s.json")
    assert r.returncode == 0, r.stderr
    s = json.loads((tmp_path / "s.json").read_text())
    assert {d["design"]: d["status"] for d in s["designs"]} == {"rca32": "ok", "cla32": "ok"}


@pytest.mark.slow  # the Dask client waits its 20 s connect timeout
def test_unreachable_scheduler_records_nothing(tmp_path, abc_path):
    m = manifest(tmp_path, SMALL[:1])
    r = regress(tmp_path, m, "--scheduler", f"tcp://127.0.0.1:{_free_port()}", check=2)
    assert r.stderr.strip().count("\n") == 0 and "cannot reach the Dask scheduler" in r.stderr, r.stderr
    runs = subprocess.run([sys.executable, "-m", "edaflow.cli", "runs", "--json"], cwd=tmp_path,
                          capture_output=True, text=True, check=True)
    assert json.loads(runs.stdout) == []  # no empty "aborted" run row is left behind


def test_html_report_in_chromium(tmp_path, abc_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    _need(chromium is not None, "chromium")
    m = manifest(tmp_path, SMALL)
    regress(tmp_path, m, check=0)
    regress(tmp_path, m, "--strategy", "resyn2", "--html", "r.html", check=1)
    html = (tmp_path / "r.html").read_text()
    assert "http://" not in html.split("<body>")[1].split("<script")[0]
    assert "<script src=" not in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html  # the browser may fetch nothing
    art = Path(os.environ.get("EDAFLOW_TEST_ARTIFACTS", tmp_path))
    art.mkdir(parents=True, exist_ok=True)
    shot = art / "regress-report.png"
    args = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
            "--virtual-time-budget=5000", "--window-size=1200,1600"]
    r = subprocess.run(args + [f"--screenshot={shot}", (tmp_path / "r.html").as_uri()], capture_output=True,
                       text=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10000, r.stderr[-2000:]
    # no console output at all: a script error or a blocked (CSP) network fetch would both be logged here
    console = [ln for ln in r.stderr.splitlines() if "CONSOLE" in ln]
    assert not console, console
    dom = subprocess.run(args + ["--dump-dom", (tmp_path / "r.html").as_uri()], capture_output=True, text=True,
                         timeout=120).stdout
    assert dom.count('class="main-svg"') >= 3  # the three plots rendered as SVG by plotly.js
