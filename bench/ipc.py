"""IPC predictor benchmark: leave-workloads-out cross-validation on a data set from `edaflow ipc dataset`.

    python bench/ipc.py DATA.parquet [--doc docs/benchmarks.md] [--json OUT.json] [--profile-traces N]

For each workload in turn, every method is trained on the other workloads' rows only (no slice,
profile or configuration row of the test workload is seen) and predicts the test workload's rows under
all configurations. Methods:

- `slice IPC`: the weighted IPC of the detailed slices is the answer (no learning);
- `config only`: gradient-boosted trees on the configuration's parameters alone;
- `config + profile`: plus the trace profile (no slice simulation at prediction time);
- `all, direct`: plus the slice statistics, predicting the IPC;
- `all, ratio` (the shipped default): the same features, predicting log(full IPC / slice IPC).

Reported: RMSE and MAE (IPC), MAPE, p95 and maximum absolute percentage error, interval coverage
(the default method's intervals calibrated to 80 % on the training workloads only; the other
methods' raw 10-90 % quantile intervals, uncalibrated), and the speed-up over a full detailed
run: per additional configuration (full-run seconds / slice seconds, both measured in the same worker
process by the data-set builder) and one-off (profile + slice extraction + slice runs of one
configuration, timed here on the first `--profile-traces` traces). The table goes between `<!-- ipc:begin -->` and `<!-- ipc:end -->` in
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.docsection import replace_section  # noqa: E402
from ipc_predict.dataset import load_dataset, simulator_version  # noqa: E402
from ipc_predict.regressor import metrics, predict_rows, train_bundle  # noqa: E402

BEGIN, END = "<!-- ipc:begin -->", "<!-- ipc:end -->"
METHODS = [  # (label, features, target) ; None = the slice-IPC baseline
    ("slice IPC", None, None),
    ("config only", "config", "direct"),
    ("config + profile", "config+profile", "direct"),
    ("all, direct", "all", "direct"),
    ("all, ratio", "all", "ratio"),
]


def cross_validate(df) -> dict:
    y = df["full_ipc"].to_numpy(dtype=float)
    workloads = sorted(set(df["workload"]))
    preds = {m[0]: (np.zeros(len(df)), np.full(len(df), np.nan), np.full(len(df), np.nan)) for m in METHODS}
    for w in workloads:
        te = (df["workload"] == w).to_numpy()
        tr_df, te_df = df[~te], df[te]
        for label, feats, target in METHODS:
            mid, lo, hi = preds[label]
            if feats is None:
                mid[te] = te_df["slice_ipc"].to_numpy(dtype=float)
                continue
            # baselines: raw quantile intervals (no calibration pass) to keep the bench affordable
            extra = {} if label == "all, ratio" else {"calibration_folds": 0}
            b = train_bundle(tr_df, features=feats, target=target, **extra)
            m, l, h, _ = predict_rows(b, te_df)
            mid[te], lo[te], hi[te] = m, l, h
        print(f"  held out {w}", file=sys.stderr, flush=True)
    out = {}
    for label, feats, _ in METHODS:
        mid, lo, hi = preds[label]
        out[label] = metrics(y, mid, lo, hi) if feats is not None else metrics(y, mid)
        per = {}
        for w in workloads:
            m = (df["workload"] == w).to_numpy()
            per[w] = metrics(y[m], mid[m], lo[m], hi[m]) if feats is not None else metrics(y[m], mid[m])
        out[label]["per_workload"] = per
    return out


def speedups(df, profile_traces: int) -> dict:
    full, sl = df["full_seconds"].to_numpy(float), df["slice_seconds"].to_numpy(float)
    res = {"per_config_median": float(np.median(full / sl)), "per_config_total": float(full.sum() / sl.sum()),
           "full_seconds_median": float(np.median(full)), "slice_seconds_median": float(np.median(sl)),
           "instructions_median": float(np.median(df["trace_instructions"])),
           "slice_detailed_median": float(np.median(df["slice_detailed_instructions"])),
           "slice_warm_median": float(np.median(df["slice_warm_instructions"]))}
    if profile_traces > 0:
        from ipc_predict.dataset import prepare_trace
        from ipc_predict.profile import sidecar_path

        one_off = []
        for k, (trace, g) in enumerate(df.groupby("trace")):
            if k >= profile_traces or not Path(trace).is_file():
                continue
            side = sidecar_path(trace)
            keep = side.read_bytes() if side.is_file() else None
            side.unlink(missing_ok=True)
            kw = {k: int(g[c].iloc[0]) for k, c in (("n_slices", "plan_n_slices"), ("length", "plan_length"),
                                                       ("warmup", "plan_warmup")) if c in g and not g["slice_full"].iloc[0]}
            shutil.rmtree(str(trace) + ".slices", ignore_errors=True)  # cut again, timed
            t0 = time.perf_counter()
            prepare_trace(Path(trace), method=str(g["slice_method"].iloc[0]), **kw)  # profile + plan + cut
            setup = time.perf_counter() - t0
            if keep is not None:
                side.write_bytes(keep)
            one_off.append(float(g["full_seconds"].median()) / (setup + float(g["slice_seconds"].median())))
        if one_off:
            res["one_off_median"] = float(np.median(one_off))
            res["one_off_traces"] = len(one_off)
    return res


def _truth(trace: Path, cfg, cache: dict) -> tuple[float, float]:
    """(full-run IPC, seconds of the full simulation in this process) of `trace` under `cfg`, from
    `cache` (keyed by trace file name, configuration hash and simulator version) or simulated now."""
    from ipc_predict.dataset import config_sha256
    from ipc_predict.simulator import simulate

    key = f"{trace.name}:{config_sha256(cfg)}:{simulator_version()}"
    if key not in cache:
        t1 = time.perf_counter()
        r = simulate(trace, cfg)
        cache[key] = {"ipc": r.ipc, "seconds": time.perf_counter() - t1}
    return cache[key]["ipc"], cache[key]["seconds"]


def prof_instructions(trace: Path) -> int:
    from ipc_predict.profile import TraceProfile, sidecar_path

    return TraceProfile.load(sidecar_path(trace)).instructions


def unseen(traces: list[Path], n_configs: int, seed: int, model_path: Path | None,
           truth_cache: Path | None = None) -> dict:
    """The shipped (or given) model on traces of programs outside the training suite: `predict` vs a
    full `simulate` of each trace under the default core and `n_configs` sampled configurations.
    `truth_cache` (JSON) keeps the full simulations between runs (they do not depend on the model)."""
    from ipc_predict.config import CoreConfig
    from ipc_predict.configspace import sample_configs
    from ipc_predict.regressor import default_model_path, load_model, predict_trace

    bundle = load_model(model_path or default_model_path())
    cfgs = [("default", CoreConfig.default())] + [(f"sample {i}", c) for i, c in
                                                  enumerate(sample_configs(n_configs, seed))]
    cache = json.loads(truth_cache.read_text()) if truth_cache is not None and truth_cache.is_file() else {}
    rows = []
    for t in traces:
        t0 = time.perf_counter()
        preds = predict_trace(t, cfgs, bundle)
        first = time.perf_counter() - t0
        for (name, cfg), p in zip(cfgs, preds):
            truth, sim_s = _truth(t, cfg, cache)
            rows.append({"trace": t.name, "config": name, "truth": truth, "sim_seconds": sim_s, **p,
                         "first_call_seconds": first, "instructions": prof_instructions(t)})
        if truth_cache is not None:
            truth_cache.write_text(json.dumps(cache, indent=1))
        print(f"  unseen {t.name}", file=sys.stderr, flush=True)
    y = np.array([r["truth"] for r in rows])
    res = metrics(y, np.array([r["ipc"] for r in rows]), np.array([r["ipc_low"] for r in rows]),
                  np.array([r["ipc_high"] for r in rows]))
    res["slice_ipc"] = metrics(y, np.array([r["slice_ipc"] for r in rows]))
    res["per_config_speedup_median"] = float(np.median([r["sim_seconds"] / r["seconds"] for r in rows]))
    res["rows"] = rows
    res["model"] = str(model_path or default_model_path())
    res["model_simulator_versions"] = bundle["train"].get("simulator_versions")
    return res


def render_unseen(u: dict, what: str = "Programs outside the training suite", short: str = "Unseen programs") -> str:
    lines = ["", f"{what} (model `{Path(u['model']).name}`, trained on simulator "
             f"{', '.join(u['model_simulator_versions'] or ['?'])}): `edaflow ipc predict` vs `edaflow ipc sim` "
             f"on the full trace, default core + sampled configurations; trace length "
             f"{min(r['instructions'] for r in u['rows']):,}-{max(r['instructions'] for r in u['rows']):,} "
             "instructions.", "",
             "| trace | config | simulated IPC | predicted [low, high] | slice IPC | error % | sim s | predict s |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in u["rows"]:
        lines.append(f"| {r['trace']} | {r['config']} | {r['truth']:.3f} | {r['ipc']:.3f} [{r['ipc_low']:.3f}, "
                     f"{r['ipc_high']:.3f}] | {r['slice_ipc']:.3f} | {100 * (r['ipc'] / r['truth'] - 1):+.1f} | "
                     f"{r['sim_seconds']:.2f} | {r['seconds']:.2f} |")
    lines += ["", f"{short}: MAPE **{100 * u['mape']:.2f} %** (slice IPC alone "
              f"{100 * u['slice_ipc']['mape']:.2f} %), p95 {100 * u['p95_ape']:.2f} %, max {100 * u['max_ape']:.2f} %, "
              f"interval coverage **{100 * u['coverage']:.0f} %**, per-configuration speed-up "
              f"**{u['per_config_speedup_median']:.1f}×** (median; full simulation / predict seconds)."]
    return "\n".join(lines)


def render(cv: dict, sp: dict, df, note: str) -> str:
    lines = [note, "",
             "| method | RMSE (IPC) | MAE (IPC) | MAPE % | p95 % | max % | interval coverage % |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for label, m in cv.items():
        cov = f"{100 * m['coverage']:.1f}" if "coverage" in m and not np.isnan(m["coverage"]) else "—"
        lines.append(f"| {label} | {m['rmse']:.3f} | {m['mae']:.3f} | {100 * m['mape']:.2f} | "
                     f"{100 * m['p95_ape']:.2f} | {100 * m['max_ape']:.2f} | {cov} |")
    lines += ["", "Per held-out workload, MAPE % (slice IPC / all, ratio):", "",
              "| workload | slice IPC | config only | all, direct | all, ratio | coverage % (all, ratio) |",
              "|---|---:|---:|---:|---:|---:|"]
    for w in cv["all, ratio"]["per_workload"]:
        g = {k: cv[k]["per_workload"][w] for k in cv}
        lines.append(f"| {w} | {100 * g['slice IPC']['mape']:.2f} | {100 * g['config only']['mape']:.2f} | "
                     f"{100 * g['all, direct']['mape']:.2f} | {100 * g['all, ratio']['mape']:.2f} | "
                     f"{100 * g['all, ratio']['coverage']:.0f} |")
    lines += ["", f"Speed (median over rows): full run {sp['full_seconds_median']:.2f} s for "
              f"{sp['instructions_median']:,.0f} instructions; slices {sp['slice_seconds_median']:.2f} s for "
              f"{sp['slice_detailed_median']:,.0f} detailed + {sp['slice_warm_median']:,.0f} warmed instructions. "
              f"Speed-up per additional configuration: **{sp['per_config_median']:.1f}×** median "
              f"({sp['per_config_total']:.1f}× total time)."]
    if "one_off_median" in sp:
        lines[-1] += (f" One-off (profile + slice files + one configuration's slices): "
                      f"**{sp['one_off_median']:.2f}×** median over {sp['one_off_traces']} traces.")
    return "\n".join(lines)


def write_section(doc: Path, body: str) -> None:
    replace_section(doc, BEGIN, END, body, "IPC prediction (bench/ipc.py)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path)
    ap.add_argument("--doc", type=Path, default=Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md")
    ap.add_argument("--no-doc", action="store_true", help="do not write docs/benchmarks.md")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--unseen", type=Path, nargs="*", default=[],
                    help="traces of programs outside the data set, evaluated with the model (--model)")
    ap.add_argument("--unseen-configs", type=int, default=3, help="sampled configurations per unseen trace")
    ap.add_argument("--long", type=Path, nargs="*", default=[],
                    help="long traces of the bundled workloads (>= 100 M instructions; the same programs as the "
                         "data set, so not held out), evaluated like --unseen with --long-configs")
    ap.add_argument("--long-configs", type=int, default=0, help="sampled configurations per --long trace")
    ap.add_argument("--model", type=Path, default=None, help="model for --unseen [default: the shipped one]")
    ap.add_argument("--truth-cache", type=Path, default=None,
                    help="JSON file keeping the unseen traces' full simulations between runs")
    ap.add_argument("--include-stale", action="store_true", help="also use rows of other simulator versions")
    ap.add_argument("--profile-traces", type=int, default=3,
                    help="traces whose profile and slice cutting are re-timed for the one-off speed-up (0: skip)")
    args = ap.parse_args()
    df = load_dataset(args.data)
    version = simulator_version()
    if args.include_stale:
        version = ",".join(sorted(set(df["simulator_version"].astype(str))))
    else:
        df = df[df["simulator_version"].astype(str) == version].reset_index(drop=True)
    if len(df) == 0:
        sys.exit(f"{args.data}: no rows from the current simulator ({version})")
    n_full = int(df["slice_full"].astype(bool).sum()) if "slice_full" in df else 0
    if n_full:  # traces shorter than the slice budget: simulated in full, nothing to predict
        df = df[~df["slice_full"].astype(bool)].reset_index(drop=True)
    load0 = os.getloadavg()[0]
    t0 = time.time()
    cv = cross_validate(df)
    sp = speedups(df, args.profile_traces)
    note = (f"Leave-one-workload-out cross-validation on `{args.data.name}`: {len(df)} rows, "
            f"{df['workload'].nunique()} workloads × {df['config_sha256'].nunique()} configurations, simulator "
            f"`{version}`, slice plan {df['slice_method'].iloc[0]} "
            f"({int(df['slice_detailed_instructions'].median()):,} detailed instructions per configuration). "
            f"Measured {date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores shared with other "
            f"work (load average {load0:.1f} before, {os.getloadavg()[0]:.1f} after; {time.time() - t0:.0f} s). "
            "Intervals are calibrated to 80 % on the training workloads only."
            + (f" {n_full} rows of traces shorter than the slice budget (simulated in full) are left out."
               if n_full else ""))
    body = render(cv, sp, df, note)
    u = None
    if args.unseen:
        u = unseen(args.unseen, args.unseen_configs, 7, args.model, args.truth_cache)
        body += "\n" + render_unseen(u)
    lg = None
    if args.long:
        lg = unseen(args.long, args.long_configs, 7, args.model, args.truth_cache)
        body += "\n" + render_unseen(lg, "Bundled workloads run long (`edaflow ipc workloads build --repeat K`; the "
                                      "same programs as the data set at 5-9 M instructions, so not held out)",
                                      "Long bundled traces")
    print(body)
    if args.json:
        args.json.write_text(json.dumps({"cv": cv, "speed": sp, "note": note, "unseen": u, "long": lg}, indent=2, default=str))
    if not args.no_doc:
        write_section(args.doc, body)


if __name__ == "__main__":
    main()
