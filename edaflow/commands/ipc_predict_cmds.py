"""`edaflow ipc profile | dataset | train | evaluate | predict | explore`: thin layers over
`ipc_predict.profile`, `.slices`, `.dataset`, `.regressor` (issue 11)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from edaflow.errors import InputError


@click.command("profile")
@click.argument("trace", type=click.Path(dir_okay=False, path_type=str))
@click.option("--interval", type=click.IntRange(min=1), default=None,
              help="Instructions per basic-block-vector interval [default: profile.DEFAULT_INTERVAL].")
@click.option("--json", "as_json", is_flag=True, help="Print the profile's features as one JSON object.")
def profile(trace: str, interval: int | None, as_json: bool) -> None:
    """Profile a ChampSim TRACE once (instruction mix, branches, footprint, reuse, dependencies,
    basic-block vectors) into TRACE.profile.npz; reuse that sidecar while the trace is unchanged."""
    from ipc_predict.profile import DEFAULT_INTERVAL, load_or_build_profile, sidecar_path

    if not Path(trace).is_file():
        raise InputError("no such trace file", path=trace)
    try:
        prof = load_or_build_profile(trace, interval=interval or DEFAULT_INTERVAL,
                                     on_message=lambda m: click.echo(m, err=True))
    except ValueError as exc:
        raise InputError(str(exc), path=trace) from None
    feats = prof.features()
    if as_json:
        click.echo(json.dumps({"trace": trace, "trace_sha256": prof.trace_sha256,
                               "instructions": prof.instructions, "intervals": int(prof.bbv.shape[0]),
                               "features": feats}, indent=2))
        return
    click.echo(f"trace          {trace}\ninstructions   {prof.instructions:,} "
               f"({prof.bbv.shape[0]} intervals of {prof.interval:,})\nsidecar        {sidecar_path(trace)}")
    for k, v in prof.scalars.items():
        click.echo(f"  {k:<20s}{v:14.4f}")


def _slice_options(f):
    from ipc_predict.slices import DEFAULT_LENGTH, DEFAULT_METHOD, DEFAULT_SLICES, DEFAULT_WARMUP, METHODS

    for opt in reversed([
        click.option("--slice-method", "method", type=click.Choice(METHODS), default=DEFAULT_METHOD, show_default=True,
                     help="How slices are chosen from the profile."),
        click.option("--slices", "n_slices", type=click.IntRange(min=1), default=DEFAULT_SLICES, show_default=True,
                     help="Number of detailed slices."),
        click.option("--slice-length", "length", type=click.IntRange(min=1), default=DEFAULT_LENGTH,
                     show_default=True, help="Detailed instructions per slice."),
        click.option("--slice-warmup", "warmup", type=click.IntRange(min=0), default=DEFAULT_WARMUP,
                     show_default=True, help="Functionally warmed instructions before each slice (shortened "
                     "on a trace too short for the slices' windows side by side)."),
    ]):
        f = opt(f)
    return f


def _trace_files(items) -> list:
    from ipc_predict.dataset import find_traces

    traces = find_traces(items)
    if not traces:
        raise InputError("no traces found (give trace files or directories holding *.champsimtrace[.xz|.gz])")
    for t in traces:
        if not t.is_file():
            raise InputError("no such trace file", path=str(t))
    return traces


@click.command("dataset")
@click.option("--workloads", "workloads", multiple=True, required=True,
              help="Trace file or directory of traces (repeatable).")
@click.option("--configs", "n_configs", type=click.IntRange(min=1), required=True,
              help="Configurations drawn by the Latin-hypercube sampler (as `edaflow ipc configs`).")
@click.option("--seed", type=int, default=0, show_default=True, help="Sampler seed.")
@click.option("--include-default/--no-include-default", default=True, show_default=True,
              help="Also run the default (ChampSim-like) core.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=2, show_default=True,
              help="Worker processes.")
@click.option("--scheduler", default=None, help="Dask scheduler address (tcp://host:port) instead of local processes.")
@_slice_options
@click.option("-o", "--out", "out", type=click.Path(dir_okay=False, path_type=str), required=True,
              help="Output parquet file; OUT.journal.jsonl makes the run resumable.")
def dataset(workloads, n_configs, seed, include_default, jobs, scheduler, method, n_slices, length, warmup,
            out) -> None:
    """Build the IPC data set: full simulations (ground truth) and slice simulations of every trace
    under sampled configurations, one row per pair with provenance (trace hash, config hash,
    simulator version). Rerun the same command to resume."""
    from ipc_predict.config import CoreConfig
    from ipc_predict.configspace import sample_configs
    from ipc_predict.dataset import build_dataset, simulator_version

    traces = _trace_files(workloads)
    cfgs = ([CoreConfig.default()] if include_default else []) + sample_configs(n_configs, seed)
    outp = Path(out)
    if outp.parent and not outp.parent.is_dir():
        raise InputError("output directory does not exist", path=str(outp.parent))
    click.echo(f"{len(traces)} traces x {len(cfgs)} configurations, simulator {simulator_version()}", err=True)
    res = build_dataset(traces, cfgs, outp, jobs=jobs, scheduler=scheduler, method=method, n_slices=n_slices,
                        length=length, warmup=warmup, seed=seed, on_message=lambda m: click.echo(m, err=True))
    click.echo(f"wrote {res['rows']} rows to {outp} ({res['new']} simulated now, {res['skipped']} resumed, "
               f"{res['stale']} stale left out)")


def _model(path: str | None) -> dict:
    from ipc_predict.dataset import simulator_version
    from ipc_predict.regressor import default_model_path, load_model

    bundle = load_model(path or default_model_path())
    for w in bundle.get("warnings", []):
        click.echo(f"warning: {w}", err=True)
    versions = bundle["train"].get("simulator_versions", [])
    if versions and simulator_version() not in versions:
        click.echo(f"warning: model trained on simulator {', '.join(versions)}, the simulator is now "
                   f"{simulator_version()}; predictions may be off (retrain with `edaflow ipc train`)", err=True)
    return bundle


def _command_line(name: str, argv: tuple) -> str:
    import shlex

    return " ".join(["edaflow", "ipc", name] + [shlex.quote(str(a)) for a in argv])


@click.command("train")
@click.argument("data", type=click.Path(dir_okay=False, path_type=str))
@click.option("-o", "--out", "out", type=click.Path(dir_okay=False, path_type=str), required=True,
              help="Model file to write.")
@click.option("--features", type=click.Choice(["all", "config+profile", "config"]), default="all", show_default=True,
              help="Feature groups: slice runs + profile + configuration, or fewer (baselines).")
@click.option("--target", type=click.Choice(["ratio", "direct"]), default="ratio", show_default=True,
              help="Predict log(full IPC / slice IPC), or the full IPC itself.")
@click.option("--model", "model", type=click.Choice(["gbt", "mlp"]), default="gbt", show_default=True,
              help="Gradient-boosted trees with quantile models, or a torch MLP ensemble.")
@click.option("--include-stale", is_flag=True, help="Also train on rows from another simulator version.")
def train(data: str, out: str, features: str, target: str, model: str, include_stale: bool) -> None:
    """Train an IPC model on a data set from `edaflow ipc dataset` (intervals calibrated on held-out
    workloads) and write it to OUT."""
    import sys

    from ipc_predict.dataset import load_dataset, simulator_version
    from ipc_predict.regressor import save_model, train_bundle

    df = load_dataset(data)
    if "full_ipc" not in df or "workload" not in df or len(df) == 0:
        raise InputError("not an IPC data set (needs rows with full_ipc and workload)", path=data)
    if not include_stale and "simulator_version" in df:
        keep = df["simulator_version"].astype(str) == simulator_version()
        if not keep.all():
            click.echo(f"{data}: {int((~keep).sum())} rows from another simulator version left out "
                       "(--include-stale keeps them)", err=True)
        df = df[keep]
        if len(df) == 0:
            raise InputError(f"no rows from the current simulator ({simulator_version()})", path=data)
    if target == "ratio" and features != "all":
        target = "direct"
        click.echo(f"--features {features} has no slice IPC: predicting the IPC directly", err=True)
    argv = sys.argv[3:] if len(sys.argv) > 3 and sys.argv[2:3] == ["train"] else [data, "-o", out]
    try:
        bundle = train_bundle(df, features=features, target=target, model=model,
                              command=_command_line("train", tuple(argv)), data_path=data)
    except ValueError as exc:
        raise InputError(str(exc), path=data) from None
    try:
        save_model(out, bundle)
    except OSError as exc:
        raise InputError(f"cannot write the model: {exc.strerror or exc}", path=out) from None
    t = bundle["train"]
    if t.get("full_simulation_rows_left_out"):
        click.echo(f"{data}: {t['full_simulation_rows_left_out']} rows of traces shorter than the slice budget "
                   "(simulated in full, no sampling error to learn) left out", err=True)
    click.echo(f"trained on {t['rows']} rows of {len(t['workloads'])} workloads ({len(bundle['feature_names'])} "
               f"features, target {target}); correction kept x{t['shrink']:.2f}, interval scale {t['interval_scale']:.2f} "
               f"(uncalibrated held-out coverage {t['uncalibrated_coverage']:.0%}); wrote {out}")


@click.command("evaluate")
@click.argument("data", type=click.Path(dir_okay=False, path_type=str))
@click.option("--model", "model_path", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Model file [default: the shipped model].")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def evaluate(data: str, model_path: str | None, as_json: bool) -> None:
    """Accuracy of a model on a data set: RMSE, MAE, MAPE, p95/max error, interval coverage, per
    workload and overall. (Rows the model was trained on flatter it: use held-out data.)"""
    from ipc_predict.dataset import load_dataset
    from ipc_predict.regressor import metrics, predict_rows

    bundle = _model(model_path)
    df = load_dataset(data)
    if "full_ipc" not in df or len(df) == 0:
        raise InputError("no rows with full_ipc to evaluate against", path=data)
    mid, lo, hi, oor = predict_rows(bundle, df)
    y = df["full_ipc"].to_numpy(dtype=float)
    res = {"overall": metrics(y, mid, lo, hi), "out_of_range_rows": int(oor.sum()), "per_workload": {}}
    if "slice_ipc" in df:
        res["slice_ipc_baseline"] = metrics(y, df["slice_ipc"].to_numpy(dtype=float))
    for w in sorted(set(df["workload"])) if "workload" in df else []:
        m = (df["workload"] == w).to_numpy()
        res["per_workload"][w] = metrics(y[m], mid[m], lo[m], hi[m])
    if as_json:
        click.echo(json.dumps(res, indent=2))
        return
    click.echo(f"{'workload':<16s}{'n':>5s}{'RMSE':>8s}{'MAPE %':>8s}{'p95 %':>8s}{'max %':>8s}{'cover %':>9s}")
    for w, m in list(res["per_workload"].items()) + [("overall", res["overall"])]:
        click.echo(f"{w:<16s}{m['n']:>5d}{m['rmse']:>8.3f}{100 * m['mape']:>8.2f}{100 * m['p95_ape']:>8.2f}"
                   f"{100 * m['max_ape']:>8.2f}{100 * m['coverage']:>9.1f}")
    if "slice_ipc_baseline" in res:
        click.echo(f"slice IPC as the answer: MAPE {100 * res['slice_ipc_baseline']['mape']:.2f} %")


def _configs_from_files(files) -> list:
    from ipc_predict.config import CoreConfig

    out = []
    for f in files:
        if not Path(f).is_file():
            raise InputError("no such configuration file", path=f)
        out.append((f, CoreConfig.from_toml(f)))
    return out


@click.command("predict")
@click.argument("trace", type=click.Path(dir_okay=False, path_type=str))
@click.option("--config", "config_files", multiple=True, type=click.Path(dir_okay=False, path_type=str),
              help="Core configuration TOML (repeatable; default: the default core).")
@click.option("--model", "model_path", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Model file [default: the shipped model].")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, one object per configuration.")
def predict(trace: str, config_files: tuple, model_path: str | None, as_json: bool) -> None:
    """Predict the full-run IPC of TRACE under each configuration from short slice simulations,
    with an interval. The profile and slice files are made once per trace and reused."""
    from ipc_predict.config import CoreConfig

    if not Path(trace).is_file():
        raise InputError("no such trace file", path=trace)
    bundle = _model(model_path)
    cfgs = _configs_from_files(config_files) if config_files else [("default", CoreConfig.default())]
    from ipc_predict.regressor import predict_trace

    try:
        res = predict_trace(trace, cfgs, bundle, on_message=lambda m: click.echo(m, err=True))
    except ValueError as exc:
        raise InputError(str(exc), path=trace) from None
    if as_json:
        click.echo(json.dumps(res, indent=2))
        return
    click.echo(f"{'config':<32s}{'IPC':>8s}{'low':>8s}{'high':>8s}{'slice IPC':>10s}{'seconds':>9s}")
    for r in res:
        flag = " (full simulation)" if r["full_simulation"] else " (out of range)" if r["out_of_range"] else ""
        click.echo(f"{r['config'][-32:]:<32s}{r['ipc']:>8.3f}{r['ipc_low']:>8.3f}{r['ipc_high']:>8.3f}"
                   f"{r['slice_ipc']:>10.3f}{r['seconds']:>9.2f}{flag}")


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=str))
@click.option("--format", "fmt", type=click.Choice(["champsim", "gem5"]), required=True,
              help="ChampSim --json output, or gem5 stats.txt.")
@click.option("--role", type=click.Choice(["full", "slice"]), default="full", show_default=True,
              help="Whether the files are full runs (ground truth) or slice runs.")
@click.option("-o", "--out", "out", type=click.Path(dir_okay=False, path_type=str), required=True,
              help="JSON-lines file the rows are appended to (readable by train/evaluate).")
def import_stats(files, fmt: str, role: str, out: str) -> None:
    """Import another simulator's statistics (ChampSim JSON, gem5 stats.txt) as data-set rows."""
    from ipc_predict.importers import import_champsim_json, import_gem5_stats

    rows = []
    for f in files:
        rows.extend(import_champsim_json(f, role=role) if fmt == "champsim" else [import_gem5_stats(f, role=role)])
    try:
        with open(out, "a", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r) + "\n")
    except OSError as exc:
        raise InputError(f"cannot write rows: {exc.strerror or exc}", path=out) from None
    for r in rows:
        click.echo(f"{r.get('champsim_file') or r.get('gem5_file')}: {role} IPC {r[role + '_ipc']:.4f} "
                   f"({r[role + '_instructions']:,} instructions)")
    click.echo(f"appended {len(rows)} rows to {out}")


def cost_proxy(cfg) -> float:
    """Hardware cost proxy of a configuration, in rough area units: 1 per 64 KiB of cache (L1I, L1D,
    L2, LLC), 1 per 8 ROB entries, 1 per 16 LQ / SQ / scheduler entries, 4 per instruction of fetch,
    execute and retire width."""
    c = cfg.core
    kib = cfg.l1i.size_kib + cfg.l1d.size_kib + cfg.l2.size_kib + cfg.llc.size_kib
    return (kib / 64 + c.rob_size / 8 + (c.lq_size + c.sq_size + c.scheduler_size) / 16
            + 4 * (c.fetch_width + c.execute_width + c.retire_width))


def _space(path: str):
    import tomllib

    from ipc_predict.configspace import Dimension

    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read design space: {exc.strerror or exc}", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not TOML: {exc}", path=path) from None
    dims = []
    for name, d in (data.get("dimensions") or {}).items():
        try:
            kind = d["kind"]
            dims.append(Dimension(name, tuple(d["keys"]), kind, d.get("doc", ""), int(d.get("low", 0)),
                                  int(d.get("high", 0)), int(d.get("step", 1)), tuple(d.get("choices", ()))))
            if not dims[-1].values():
                raise ValueError("no admissible values")
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"[dimensions.{name}]: {exc} (see design_space.toml from `edaflow ipc configs`)",
                             path=path) from None
    if not dims:
        raise InputError("no [dimensions.*] tables (write one with `edaflow ipc configs`)", path=path)
    return dims, dict(data.get("fixed") or {})


def _pareto(points: list[tuple[float, float]]) -> list[int]:
    """Indices of the points no other point beats (higher IPC and lower cost), by cost."""
    order = sorted(range(len(points)), key=lambda i: (points[i][1], -points[i][0]))
    front, best = [], -1.0
    for i in order:
        if points[i][0] > best:
            front.append(i)
            best = points[i][0]
    return front


@click.command("explore")
@click.argument("traces", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=str))
@click.option("--space", "space_path", type=click.Path(dir_okay=False, path_type=str), required=True,
              help="Design space TOML (design_space.toml as written by `edaflow ipc configs`).")
@click.option("--objective", type=click.Choice(["ipc", "ipc_per_cost"]), default="ipc", show_default=True,
              help="Maximise the mean IPC over the traces (geometric), or IPC per unit of cost.")
@click.option("--budget", type=click.IntRange(min=1), default=32, show_default=True,
              help="Candidate configurations scored by the surrogate (Latin-hypercube sample of the space).")
@click.option("--verify", type=click.IntRange(min=0), default=3, show_default=True,
              help="Top candidates re-run with the detailed simulator on the full traces.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--model", "model_path", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Model file [default: the shipped model].")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def explore(traces, space_path, objective, budget, verify, seed, model_path, as_json) -> None:
    """Design-space exploration with the IPC predictor as a surrogate: score BUDGET sampled
    configurations on the TRACES' slices, verify the best with full detailed simulations, and print
    the Pareto front of predicted IPC against a cost proxy (cache KiB, ROB/queue entries, widths)."""
    import math
    import time

    from ipc_predict.config import CoreConfig
    from ipc_predict.configspace import sample_changes
    from ipc_predict.regressor import predict_trace
    from ipc_predict.simulator import simulate

    for t in traces:
        if not Path(t).is_file():
            raise InputError("no such trace file", path=t)
    dims, fixed = _space(space_path)
    bundle = _model(model_path)
    base = CoreConfig.default()
    cands = []
    for i, ch in enumerate(sample_changes(budget, seed, dims)):
        try:
            cands.append((f"candidate {i}", base.replace({**fixed, **ch}, source=f"candidate {i}")))
        except InputError as exc:
            click.echo(f"candidate {i} skipped: {exc.one_line()}", err=True)
    if not cands:
        raise InputError("no valid configuration in the space", path=space_path)
    t0 = time.perf_counter()
    per_trace = [predict_trace(t, cands, bundle, on_message=lambda m: click.echo(m, err=True)) for t in traces]
    surrogate_s = time.perf_counter() - t0
    rows = []
    for k, (name, cfg) in enumerate(cands):
        gm = lambda key: math.exp(sum(math.log(max(p[k][key], 1e-9)) for p in per_trace) / len(per_trace))
        cost = cost_proxy(cfg)
        ipc = gm("ipc")
        rows.append({"config": name, "ipc": ipc, "ipc_low": gm("ipc_low"), "ipc_high": gm("ipc_high"),
                     "cost": cost, "score": ipc if objective == "ipc" else ipc / cost,
                     "out_of_range": any(p[k]["out_of_range"] for p in per_trace), "changes": cfg.to_dict()})
    ranked = sorted(range(len(rows)), key=lambda i: -rows[i]["score"])
    t1 = time.perf_counter()
    for i in ranked[:verify]:
        sims = [simulate(t, cands[i][1]).ipc for t in traces]
        rows[i]["simulated_ipc"] = math.exp(sum(math.log(max(s, 1e-9)) for s in sims) / len(sims))
    verify_s = time.perf_counter() - t1
    front = _pareto([(r["ipc"], r["cost"]) for r in rows])
    res = {"objective": objective, "traces": list(traces), "candidates": len(rows), "surrogate_seconds": surrogate_s,
           "verify_seconds": verify_s, "best": [rows[i] for i in ranked[:max(verify, 1)]],
           "pareto": [rows[i] for i in front]}
    if as_json:
        click.echo(json.dumps(res, indent=2))
        return
    click.echo(f"{len(rows)} candidates scored in {surrogate_s:.1f} s; top {verify} verified in {verify_s:.1f} s "
               f"(geometric mean over {len(traces)} traces)")
    click.echo(f"{'rank':<5s}{'config':<15s}{'pred IPC':>9s}{'low':>7s}{'high':>7s}{'sim IPC':>9s}{'cost':>8s}")
    for r_, i in enumerate(ranked[:max(verify, 5)]):
        r = rows[i]
        sim = f"{r['simulated_ipc']:.3f}" if "simulated_ipc" in r else "-"
        click.echo(f"{r_ + 1:<5d}{r['config']:<15s}{r['ipc']:>9.3f}{r['ipc_low']:>7.3f}{r['ipc_high']:>7.3f}"
                   f"{sim:>9s}{r['cost']:>8.1f}")
    click.echo("Pareto front (predicted IPC vs cost proxy):")
    for i in front:
        r = rows[i]
        click.echo(f"  cost {r['cost']:7.1f}  IPC {r['ipc']:.3f}  {r['config']}")


COMMANDS: list = [profile, dataset, train, evaluate, predict, import_stats, explore]
