"""One design, one process: ``python -m edaflow.regress.worker JOB.json`` runs :func:`synth.flow.synthesize`
and writes ``result.json`` next to the job. A crash (ABC segfault, out of memory) kills only this process;
the coordinator records it from the exit status."""

from __future__ import annotations

import json
import sys
import time
import traceback
from pathlib import Path


PARENT_ENV = "EDAFLOW_REGRESS_PARENT"


def _die_with_parent() -> None:
    """Linux: SIGKILL this worker when the process that started it dies, so a coordinator killed with
    ``kill -9`` leaves no design running on in the background (``--resume`` reruns it). ABC and the
    Yosys child then see their pipes close and exit. Elsewhere: nothing."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import os
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    parent = os.environ.get(PARENT_ENV)
    if parent and os.getppid() != int(parent):  # the coordinator died before prctl took effect
        os._exit(1)


def _cap_memory(mb: int | None) -> None:
    if mb:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (mb * 1024 * 1024, mb * 1024 * 1024))


def run_job(job: dict) -> dict:
    from abc_bin import load_library
    from edaflow.errors import EdaflowError
    from synth.flow import EquivalenceFailure, SynthOptions, synthesize

    t0 = time.perf_counter()
    res = {"design": job["design"]}
    try:
        lib = load_library(job["liberty"], "liberty") if job.get("liberty") else None
        opts = SynthOptions(files=job["files"], top=job.get("top"), include_dirs=job.get("include_dirs", ()),
                            params=job.get("params", {}), strategy=job["strategy"], budget=int(job["budget"]),
                            objective=job["objective"], library=lib, seed=int(job["seed"]),
                            outdir=job["outdir"], use_cache=False)
        r = synthesize(opts)
        rep = r.report
        res.update(status="ok", baseline=rep.get("baseline"), best=rep.get("best"),
                   recipe=(rep.get("best") or {}).get("recipe"), equivalence=rep.get("equivalence"),
                   report=rep, error=None)
    except EquivalenceFailure as exc:
        res.update(status="not-equivalent", equivalence="not-equivalent", error=exc.one_line())
    except EdaflowError as exc:
        res.update(status="failed", error=exc.one_line())
    except Exception as exc:  # noqa: BLE001 - recorded, never lost
        res.update(status="failed", error=f"{type(exc).__name__}: {exc}",
                   traceback=traceback.format_exc()[-4000:])
    res["seconds"] = round(time.perf_counter() - t0, 3)
    return res


def main(argv: list[str]) -> int:
    job_path = Path(argv[0])
    job = json.loads(job_path.read_text(encoding="utf-8"))
    _die_with_parent()
    _cap_memory(job.get("memory_mb"))
    res = run_job(job)
    tmp = job_path.with_name("result.json.tmp")
    tmp.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    tmp.replace(job_path.with_name("result.json"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
