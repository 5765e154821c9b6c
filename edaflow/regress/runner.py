"""Run a manifest: one run folder per run and design (``job.json``, outputs, ``result.json``, ``log.txt``),
each design in its own process with a timeout and memory cap, locally (``jobs``) or on a Dask cluster
(``scheduler``). Only this coordinating process writes the database."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from edaflow.errors import InputError
from edaflow.regress import manifest as mf
from edaflow.regress import rules as rl
from edaflow.regress.store import Store, now

DEFAULTS = {"strategy": "mcts", "budget": 100, "objective": "adp", "liberty": None, "seed": 0}

# Worker processes started by execute() in this process, so an interrupted run can cancel them: each
# worker runs in its own session (a timeout kills its whole process group), so a terminal's Ctrl-C
# does not reach it by itself.
_RUNNING: dict[int, subprocess.Popen] = {}
_RUNNING_LOCK = threading.Lock()
_CANCELLED = threading.Event()


# How running out of address space shows up: Python, C++ (Yosys), the dynamic loader, libc.
_OOM_SIGNS = ("MemoryError", "bad_alloc", "failed to map segment", "Cannot allocate memory", "out of memory")


def kill_tree(proc: subprocess.Popen) -> None:
    """SIGKILL a worker and everything below it. ABC and the Yosys child run in sessions of their own
    (so the flow can kill them), so killing the worker's process group alone would orphan them."""
    import psutil

    try:
        kids = psutil.Process(proc.pid).children(recursive=True)
    except psutil.Error:
        kids = []
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    for k in kids:
        try:
            k.kill()
        except psutil.Error:
            pass
    proc.wait()
    psutil.wait_procs(kids, timeout=5)


def cancel_running() -> int:
    """Kill every worker still running, with its ABC and Yosys children (Ctrl-C, SIGTERM); no new one
    starts. Returns how many designs were cancelled."""
    _CANCELLED.set()
    with _RUNNING_LOCK:
        procs = list(_RUNNING.values())
    for p in procs:
        kill_tree(p)
    return len(procs)


def execute(job: dict) -> dict:
    """Run one design job in a child process; never raises. Usable on a Dask worker too."""
    folder = Path(job["outdir"])
    folder.mkdir(parents=True, exist_ok=True)
    job_path = folder / "job.json"
    job_path.write_text(json.dumps(job, indent=2) + "\n", encoding="utf-8")
    (folder / "result.json").unlink(missing_ok=True)
    t0 = time.perf_counter()
    with open(folder / "log.txt", "wb") as log:
        with _RUNNING_LOCK:
            if _CANCELLED.is_set():
                return {"design": job["design"], "status": "cancelled", "seconds": 0.0, "error": "run interrupted"}
            proc = subprocess.Popen([sys.executable, "-m", "edaflow.regress.worker", str(job_path)],
                                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                    env={**os.environ, "EDAFLOW_REGRESS_PARENT": str(os.getpid())})
            _RUNNING[proc.pid] = proc
        try:
            rc = proc.wait(timeout=job.get("timeout"))
        except subprocess.TimeoutExpired:
            kill_tree(proc)
            return {"design": job["design"], "status": "timeout", "seconds": round(time.perf_counter() - t0, 3),
                    "error": f"timed out after {job.get('timeout')} s"}
        finally:
            with _RUNNING_LOCK:
                _RUNNING.pop(proc.pid, None)
    rp = folder / "result.json"
    if rp.exists():
        res = json.loads(rp.read_text(encoding="utf-8"))
    else:
        tail = (folder / "log.txt").read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
        why = f"killed by signal {-rc}" if rc < 0 else f"exit status {rc}"
        res = {"design": job["design"], "status": "failed", "seconds": round(time.perf_counter() - t0, 3),
               "error": f"worker crashed ({why})" + (": " + " | ".join(tail) if tail else "")}
    err = res.get("error") or ""
    if job.get("memory_mb") and res["status"] == "failed" and any(t in err for t in _OOM_SIGNS):
        res["error"] = f"out of memory (cap {job['memory_mb']} MiB): {err}"
    return res


def _git_commit(folder: Path) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True,
                             timeout=10)
        return out.stdout.strip() or None if out.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


def _sha(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _versions() -> dict:
    try:
        from abc_bin import find_abc
        from synth.flow import tool_versions

        abc = find_abc()
        return tool_versions(str(abc)) if abc else {}
    except Exception as exc:  # noqa: BLE001 - versions are informative only
        return {"error": str(exc)}


def _library_hashes(man: mf.RegressManifest, settings: dict) -> dict:
    out = {}
    libs = {d.settings(settings).get("liberty") for d in man.designs}
    for lib in libs:
        if lib:
            out[lib] = _sha(lib)
        else:
            try:
                from abc_bin import bundled_library

                p = bundled_library().path
                out[str(p)] = _sha(str(p))
            except Exception:  # noqa: BLE001
                out["bundled"] = None
    return out


def resolve_baseline(store: Store, baseline: str, run_id: str, names: list[str], tolerance: float):
    """Rules per design from ``previous``, a run id or ``golden:FILE``; ``(label, {design: rules|None})``."""
    if baseline.startswith("golden:"):
        gold = rl.load_golden(baseline[len("golden:"):], names)
        out = {}
        for n, rules in gold.items():
            out[n] = {m: ({**r, "reference": r["value"], "value": r["value"] * (1 + tolerance)}
                          if r.get("level", "error") == "error" and r.get("compare", "<=").startswith("<")
                          else {**r}) for m, r in rules.items()}
        return baseline, out
    if baseline == "previous":
        prev = store.previous_run(run_id)
        if prev is None:
            return "none (first run)", {n: None for n in names}
        base_id = prev["id"]
    else:
        if store.get_run(baseline) is None:
            raise InputError(f"unknown run id {baseline!r} for --baseline")
        base_id = baseline
    res = store.results(base_id)
    return base_id, {n: (rl.rules_from_result(res[n], tolerance) if n in res and res[n]["status"] == "ok" else None)
                     for n in names}


def validate_settings(settings: dict) -> None:
    from synth.qor import OBJECTIVES
    from synth.search import strategy_names

    if settings["strategy"] not in strategy_names():
        raise InputError(f"unknown strategy {settings['strategy']!r}; choose one of: {', '.join(strategy_names())}")
    if settings["objective"] not in OBJECTIVES:
        raise InputError(f"unknown objective {settings['objective']!r}")
    if not isinstance(settings["budget"], int) or settings["budget"] <= 0:
        raise InputError(f"budget must be a positive integer (got {settings['budget']!r})")


def run_regression(manifest_path: str, db: str, *, strategy=None, budget=None, seed=None, baseline="previous",
                   tolerance_pct: float = 1.0, jobs: int = 1, timeout: float | None = None,
                   memory_mb: int | None = None, resume: str | None = None, scheduler: str | None = None,
                   runs_dir: str = "edaflow-runs", echo=lambda _m: None) -> dict:
    """Run (or resume) a regression; return the summary dict every report is written from."""
    man = mf.load(manifest_path)
    store = Store(db)
    _CANCELLED.clear()
    tolerance = tolerance_pct / 100.0
    if resume:
        run = store.get_run(resume)
        if run is None:
            raise InputError(f"unknown run id {resume!r}")
        run_id, settings = resume, run["settings"]["globals"]
        # limits given again on the command line win; otherwise the run's own
        timeout = run["settings"].get("timeout") if timeout is None else timeout
        memory_mb = run["settings"].get("memory_mb") if memory_mb is None else memory_mb
        baseline = run["settings"].get("baseline", baseline)
        tolerance = run["settings"].get("tolerance", tolerance)
        if run["manifest_hash"] != man.sha256:
            raise InputError(f"the manifest changed since run {resume} started; resume with the same manifest")
    else:
        settings = {**DEFAULTS, **man.globals}
        for k, v in (("strategy", strategy), ("budget", budget), ("seed", seed)):
            if v is not None:
                settings[k] = v
        validate_settings(settings)
        for d in man.designs:
            validate_settings(d.settings(settings))
        run_id = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + uuid.uuid4().hex[:6]
    names = man.names()
    # Reach the farm before anything is recorded: an unreachable scheduler leaves no empty run behind.
    client = _connect(scheduler) if scheduler else None
    # Resolve the baseline before any work: a bad run id or golden file runs nothing.
    if not resume:
        store.create_run({"id": run_id, "started": now(), "status": "running", "manifest_path": str(man.path),
                          "manifest_hash": man.sha256, "git_commit": _git_commit(man.path.parent),
                          "versions": _versions(), "library_hashes": _library_hashes(man, settings),
                          "strategy": settings["strategy"], "budget": settings["budget"], "seed": settings["seed"],
                          "host": socket.gethostname(), "designs_total": len(names),
                          "settings": {"globals": settings, "baseline": baseline, "tolerance": tolerance,
                                       "timeout": timeout, "memory_mb": memory_mb}})
    try:
        base_label, base_rules = resolve_baseline(store, baseline, run_id, names, tolerance)
    except InputError:
        if client is not None:
            client.close()
        if not resume:
            with store.engine.begin() as conn:
                from edaflow.regress.store import runs_t

                conn.execute(runs_t.delete().where(runs_t.c.id == run_id))
        raise
    if resume:
        store.reopen_run(run_id)
    done = store.results(run_id)
    run_root = Path(runs_dir).resolve() / run_id
    todo = []
    for d in man.designs:
        if d.name in done:
            continue
        s = d.settings(settings)
        todo.append({"design": d.name, "files": list(d.files), "top": d.top, "include_dirs": list(d.include_dirs),
                     "params": d.params, **s, "outdir": str(run_root / d.name),
                     **d.limits(timeout, memory_mb)})
    if resume:
        echo(f"resuming {run_id}: {len(done)} designs done, {len(todo)} to run")
    else:
        echo(f"run {run_id}: {len(todo)} designs, baseline {base_label}")

    def record(res: dict) -> None:
        store.add_result(run_id, res)
        echo(f"  {res['design']}: {res['status']} ({res.get('seconds', 0):.1f} s)"
             + (f" - {res['error']}" if res.get("error") else ""))

    try:
        with _sigterm_as_interrupt():
            _dispatch(todo, record, jobs, client, run_id)
    except KeyboardInterrupt:
        n = cancel_running()  # designs still running are killed, not left to finish in the background
        store.finish_run(run_id, "interrupted")  # resumable with --resume RUN_ID
        echo(f"interrupted: {n} running design(s) cancelled; resume with --resume {run_id}")
        raise
    except InputError:  # a bad job found while dispatching: the run is kept, marked aborted
        store.finish_run(run_id, "aborted")
        raise
    store.finish_run(run_id)
    summary = build_summary(store, run_id, base_label, base_rules)
    store.close()
    return summary


class _sigterm_as_interrupt:
    """SIGTERM (a CI job cancelled, a batch system's kill) is handled like Ctrl-C; main thread only."""

    def __enter__(self):
        self.old = None
        if threading.current_thread() is threading.main_thread():
            def _raise(_sig, _frm):
                raise KeyboardInterrupt
            self.old = signal.signal(signal.SIGTERM, _raise)
        return self

    def __exit__(self, *exc):
        if self.old is not None:
            signal.signal(signal.SIGTERM, self.old)
        return False


def _connect(scheduler: str):
    """A Dask client of ``scheduler``; an unreachable one is a one-line input error."""
    from dask.distributed import Client

    try:
        return Client(scheduler, timeout="20s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None


def _dispatch(todo: list[dict], record, jobs: int, client, run_id: str) -> None:
    """Run every job of ``todo`` on the Dask ``client``, or on ``jobs`` local threads when it is None."""
    if client is not None:
        from dask.distributed import as_completed as dask_completed

        futs = []
        try:
            futs = [client.submit(execute, j, key=f"edaflow-{run_id}-{j['design']}", pure=False) for j in todo]
            for fut in dask_completed(futs):
                record(fut.result())
        except KeyboardInterrupt:
            client.cancel(futs)  # queued designs never start; one already running finishes on its worker
            raise
        finally:
            client.close()
    else:
        pool = ThreadPoolExecutor(max_workers=max(1, jobs))
        try:
            futs = [pool.submit(execute, j) for j in todo]
            for fut in as_completed(futs):
                record(fut.result())
        finally:  # on Ctrl-C: start no further designs
            pool.shutdown(wait=False, cancel_futures=True)


def build_summary(store: Store, run_id: str, base_label: str, base_rules: dict, history_runs: int = 10) -> dict:
    run = store.get_run(run_id)
    results = store.results(run_id)
    designs = []
    for name, res in results.items():
        v = rl.judge(res, base_rules.get(name))
        imp = (res.get("report") or {}).get("improvement_pct", {})
        hist = [{"run_id": h["run_id"], "started": h["started"], "status": h["status"],
                 "best": h["best"], "seconds": h["seconds"]} for h in store.history(name, history_runs)]
        designs.append({"design": name, "status": res["status"], "verdict": v["verdict"], "message": v["message"],
                        "checks": v["checks"], "best": res.get("best"), "baseline_resyn2": res.get("baseline"),
                        "improvement_pct": imp, "recipe": res.get("recipe"), "equivalence": res.get("equivalence"),
                        "seconds": res.get("seconds"), "error": res.get("error"), "history": hist})
    regressions = [d["design"] for d in designs if d["verdict"] == "regression"]
    return {"run": {k: run[k] for k in ("id", "started", "ended", "status", "manifest_path", "manifest_hash",
                                         "git_commit", "versions", "library_hashes", "strategy", "budget", "seed",
                                         "host")},
            "baseline": base_label, "tolerance_pct": run["settings"].get("tolerance", 0) * 100,
            "designs": designs, "regressions": regressions,
            # a design improved: no regression and at least one error-level (QoR) metric better
            "improvements": [d["design"] for d in designs if d["verdict"] != "regression" and any(
                c["state"] == "improved" and c["level"] == "error" for c in d["checks"])],
            "warnings": [d["design"] for d in designs if d["verdict"] == "warning"],
            "note": "QoR is deterministic for a seed (noise zero by construction); runtime is a warning-level metric."}
