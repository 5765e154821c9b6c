"""The IPC data set: for each (trace, configuration) the full detailed run (ground truth) and the slice runs.

    traces ──profile + slice plan + slice files (once per trace, in this process)
    × configs ──jobs (processes, or a Dask scheduler)──▶ one row per pair ──▶ journal (JSON lines) ──▶ parquet

Resumable: every finished row is appended to `OUT.journal.jsonl` at once; a later call with the same
output skips the pairs already there (matched by trace hash, configuration hash, simulator version and
slice plan), then writes `OUT` (parquet) from the journal. Rows whose `simulator_version` differs from
the current simulator's are stale: `stale_rows` finds them, and a rebuild simulates them again.

Row columns (provenance, targets, features):

- `workload`, `trace`, `trace_sha256`, `trace_instructions`, `config_sha256`, `config_toml`,
  `simulator_version`, `plan_key`, `slice_method`, `source` ("edaflow" or an importer's name);
- `full_ipc`, `full_cycles`, `full_seconds`, `full_mpki_*`, `full_branch_mpki` (ground truth);
- `plan_n_slices`, `plan_length`, `plan_warmup` (the slice budget), `plan_warmup_used` (the warm-up
  actually run: shorter on a trace too short for the budget's windows side by side);
- `slice_seconds`, `slice_detailed_instructions`, `slice_warm_instructions`, `slice_full`;
- features `cfg_*`, `prof_*`, `slice_*` (see `ipc_predict.features`).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, Iterable

from ipc_predict import simulator as _simulator
from ipc_predict.config import CoreConfig
from ipc_predict.features import config_features
from ipc_predict.profile import load_or_build_profile, trace_sha256
from ipc_predict.slices import (DEFAULT_LENGTH, DEFAULT_METHOD, DEFAULT_SLICES, DEFAULT_WARMUP, FULL_BELOW, SlicePlan,
                                SliceSet,
                                extract_slices, select_slices, simulate_slices)

TRACE_SUFFIXES = (".champsimtrace", ".champsimtrace.xz", ".champsimtrace.gz")


def simulator_version() -> str:
    """The detailed simulator's version string (rows built with another one are stale)."""
    return str(getattr(_simulator, "SIMULATOR_VERSION", "unversioned"))


def config_sha256(cfg: CoreConfig) -> str:
    return hashlib.sha256(cfg.to_toml().encode()).hexdigest()


def workload_name(trace: str | os.PathLike) -> str:
    name = Path(trace).name
    for suf in sorted(TRACE_SUFFIXES, key=len, reverse=True):
        if name.endswith(suf):
            return name[: -len(suf)]
    return name


def find_traces(items: Iterable[str | os.PathLike]) -> list[Path]:
    """Trace files named directly, or every ChampSim trace in a named directory (sorted)."""
    out: list[Path] = []
    for it in items:
        p = Path(it)
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.is_file() and q.name.endswith(TRACE_SUFFIXES)))
        else:
            out.append(p)
    return out


def row_key(row: dict) -> str:
    return ":".join(str(row.get(k)) for k in ("trace_sha256", "config_sha256", "simulator_version", "plan_key"))


# ----- one job (runs in a worker process) ---------------------------------------------------------

def _result_columns(prefix: str, res) -> dict[str, Any]:
    out = {f"{prefix}_ipc": res.ipc, f"{prefix}_branch_mpki": res.branch_mpki}
    out.update({f"{prefix}_mpki_{k}": v for k, v in res.mpki.items()})
    return out


def run_job(job: dict) -> dict:
    """Full run and slice runs of one (trace, configuration) pair; returns the data-set row."""
    from ipc_predict.simulator import simulate

    cfg = CoreConfig.from_toml_str(job["config_toml"], source=job.get("config_name", "<config>"))
    plan = SlicePlan(**{**job["plan"], "starts": tuple(job["plan"]["starts"]),
                        "weights": tuple(job["plan"]["weights"])})
    ss = SliceSet(plan, Path(job["slice_dir"]) if job["slice_dir"] else None, Path(job["trace"]))
    t0 = time.perf_counter()
    full = simulate(job["trace"], cfg)
    full_s = time.perf_counter() - t0
    sres = simulate_slices(ss, cfg)
    row = {k: job[k] for k in ("workload", "trace", "trace_sha256", "trace_instructions", "config_sha256",
                               "config_toml", "simulator_version", "plan_key", "slice_method")}
    row["simulator_version"] = simulator_version()  # what this worker imported (the tree may change under a run)
    row["source"] = "edaflow"
    row.update(plan_n_slices=job.get("n_slices", len(plan.starts)), plan_length=plan.length,
               plan_warmup=plan.warmup if plan.warmup_requested is None else plan.warmup_requested,
               plan_warmup_used=plan.warmup)
    row.update(_result_columns("full", full))
    row.update(full_cycles=full.cycles, full_seconds=full_s, slice_seconds=sres.seconds,
               slice_detailed_instructions=sres.detailed_instructions,
               slice_warm_instructions=sres.warm_instructions, slice_full=bool(sres.full))
    row.update(sres.features())
    row.update(config_features(cfg))
    row.update(job["profile_features"])
    return row


# ----- the builder --------------------------------------------------------------------------------

def prepare_trace(trace: Path, *, method: str = DEFAULT_METHOD, n_slices: int = DEFAULT_SLICES,
                  length: int = DEFAULT_LENGTH, warmup: int = DEFAULT_WARMUP, seed: int = 0,
                  on_message: Callable[[str], None] | None = None) -> tuple[Any, SliceSet]:
    """Profile (sidecar), plan and cut the slices of one trace; returns (profile, slice set)."""
    sha = trace_sha256(trace)
    prof = load_or_build_profile(trace, on_message=on_message, sha256=sha)
    plan = select_slices(prof, method=method, n_slices=n_slices, length=length, warmup=warmup, seed=seed)
    if plan.full and on_message:
        on_message(f"{trace}: {prof.instructions:,} instructions is less than {FULL_BELOW} x the detailed slice "
                   f"budget ({n_slices} x {length:,}): simulating it in full")
    return prof, extract_slices(trace, plan, on_message=on_message)


def _prepare_one(trace: Path, kw: dict):
    msgs: list[str] = []
    prof, ss = prepare_trace(trace, on_message=msgs.append, **kw)
    return prof, ss, msgs


def _prepare_all(traces: list[Path], kw: dict, jobs: int) -> list:
    """Profiles and slice files of all traces, in `jobs` processes when there are several."""
    if jobs <= 1 or len(traces) <= 1:
        return [_prepare_one(t, kw) for t in traces]
    import multiprocessing as mp

    with ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("spawn")) as pool:
        return list(pool.map(_prepare_one, traces, [kw] * len(traces)))


def read_journal(path: Path) -> list[dict]:
    rows = []
    if path.is_file():
        for line in path.read_text().splitlines():
            line = line.strip()
            if not line:
                continue
            try:
                rows.append(json.loads(line))
            except ValueError:  # a line cut by an interrupted write: that pair is run again
                continue
    return rows


def build_dataset(traces: list[Path], configs: list[CoreConfig], out: Path, *, jobs: int = 2,
                  scheduler: str | None = None, method: str = DEFAULT_METHOD, n_slices: int = DEFAULT_SLICES,
                  length: int = DEFAULT_LENGTH, warmup: int = DEFAULT_WARMUP, seed: int = 0,
                  on_message: Callable[[str], None] | None = None) -> dict:
    """Run every (trace, config) pair not yet in `out`'s journal; write `out` as parquet.

    Returns counts: {"rows", "new", "skipped", "stale"}."""
    say = on_message or (lambda _m: None)
    journal = Path(str(out) + ".journal.jsonl")
    rows = read_journal(journal)
    if not rows and out.is_file():  # a finished data set without its journal: resume from the parquet
        import pandas as pd

        rows = pd.read_parquet(out).to_dict("records")
    done = {row_key(r) for r in rows}
    version = simulator_version()
    todo = []
    kw = dict(method=method, n_slices=n_slices, length=length, warmup=warmup, seed=seed)
    for trace, (prof, ss, msgs) in zip(traces, _prepare_all(traces, kw, jobs)):
        for m in msgs:
            say(m)
        for i, cfg in enumerate(configs):
            job = {"workload": workload_name(trace), "trace": str(trace), "trace_sha256": prof.trace_sha256,
                   "trace_instructions": prof.instructions, "config_sha256": config_sha256(cfg),
                   "config_toml": cfg.to_toml(), "config_name": f"config {i}", "simulator_version": version,
                   "plan_key": ss.plan.key(), "slice_method": ss.plan.method, "plan": asdict(ss.plan),
                   "slice_dir": str(ss.directory) if ss.directory else "", "n_slices": n_slices,
                   "profile_features": prof.features()}
            if row_key(job) not in done:
                todo.append(job)
    skipped = len(traces) * len(configs) - len(todo)
    say(f"{len(todo)} pairs to simulate, {skipped} already in {journal.name}")
    with open(journal, "a", encoding="utf-8") as jf:
        def record(row: dict) -> None:
            jf.write(json.dumps(row) + "\n")
            jf.flush()
            rows.append(row)
            say(f"[{len(rows)}] {row['workload']} {row['config_sha256'][:8]}: full IPC {row['full_ipc']:.3f} "
                f"({row['full_seconds']:.1f} s), slices {row['slice_ipc']:.3f} ({row['slice_seconds']:.2f} s)")

        _dispatch(todo, record, jobs, scheduler)
    stale = stale_rows(rows)
    if stale:
        say(f"{len(stale)} rows from another simulator version left out of {out.name} "
            f"(still in {journal.name})")
        rows = [r for r in rows if r not in stale]
    write_parquet(rows, out)
    return {"rows": len(rows), "new": len(todo), "skipped": skipped, "stale": len(stale)}


def _dispatch(todo: list[dict], record: Callable[[dict], None], jobs: int, scheduler: str | None) -> None:
    if not todo:
        return
    if scheduler:  # the same Dask route as `edaflow regress --scheduler`
        from dask.distributed import Client, as_completed

        from edaflow.errors import InputError

        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise InputError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
        try:
            for fut in as_completed([client.submit(run_job, j, pure=False) for j in todo]):
                record(fut.result())
        finally:
            client.close()
        return
    if jobs <= 1:
        for j in todo:
            record(run_job(j))
        return
    import multiprocessing as mp

    with ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("spawn")) as pool:
        pending = {pool.submit(run_job, j) for j in todo}
        try:
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in finished:
                    record(f.result())
        except BaseException:
            for f in pending:
                f.cancel()
            raise


def write_parquet(rows: list[dict], out: Path) -> None:
    import pandas as pd

    df = pd.DataFrame(rows)
    tmp = Path(str(out) + ".tmp")
    df.to_parquet(tmp, index=False)
    os.replace(tmp, out)


def stale_rows(rows: Iterable[dict]) -> list[dict]:
    """Rows simulated by another simulator version than the current one."""
    v = simulator_version()
    return [r for r in rows if r.get("source", "edaflow") == "edaflow" and r.get("simulator_version") != v]


def load_dataset(path: str | os.PathLike):
    """The data set as a DataFrame (parquet, or a journal of JSON lines)."""
    import pandas as pd

    from edaflow.errors import InputError

    p = Path(path)
    if not p.is_file():
        raise InputError("no such data set", path=str(p))
    try:
        if p.name.endswith(".jsonl"):
            return pd.DataFrame(read_journal(p))
        return pd.read_parquet(p)
    except Exception as exc:  # pyarrow raises several kinds for a file that is not parquet
        raise InputError(f"cannot read the data set ({type(exc).__name__}: {exc})".splitlines()[0],
                         path=str(p)) from None
