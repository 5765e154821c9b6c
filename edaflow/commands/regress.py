"""`edaflow regress`, `edaflow runs`, `edaflow history`: a thin CLI over :mod:`edaflow.regress`.

Exit codes of `regress`: 0 no regression, 1 regression, 2 usage error, 3 internal error, 130 interrupted.
"""

from __future__ import annotations

import functools
import json
import os

import click

from edaflow.errors import EdaflowError, InputError
from edaflow.regress import EXIT_INTERNAL, EXIT_OK, EXIT_REGRESSION, EXIT_USAGE

DEFAULT_DB = "./edaflow-qor.sqlite"
EXIT_INTERRUPTED = 130


def _guard(fn):
    """Map errors onto the regression exit codes: bad input 2, anything else 3 (one line, no traceback)."""
    @functools.wraps(fn)
    def wrapper(*a, **kw):
        ctx = click.get_current_context()
        try:
            return fn(*a, **kw)
        except InputError as exc:
            click.echo(f"edaflow: error: {exc.one_line()}", err=True)
            ctx.exit(EXIT_USAGE)
        except EdaflowError as exc:
            click.echo(f"edaflow: error: {exc.one_line()}", err=True)
            ctx.exit(EXIT_INTERNAL)
        except KeyboardInterrupt:  # the run is marked interrupted (resumable); 130 as for any shell job
            click.echo("edaflow: interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except (click.exceptions.Exit, click.ClickException):
            raise
        except Exception as exc:  # noqa: BLE001
            if os.environ.get("EDAFLOW_DEBUG"):
                raise
            click.echo(f"edaflow: internal error: {type(exc).__name__}: {exc}", err=True)
            ctx.exit(EXIT_INTERNAL)
    return wrapper


class _RegressGroup(click.Group):
    """`edaflow regress MANIFEST ...` runs; `edaflow regress update-golden ...` is a subcommand."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_RegressGroup, context_settings={"help_option_names": ["-h", "--help"]})
def regress():
    """Nightly QoR regression over a manifest: `edaflow regress MANIFEST [OPTIONS]`.

    Exit codes: 0 no regression, 1 regression, 2 usage error, 3 internal error, 130 interrupted
    (Ctrl-C/SIGTERM: running designs are cancelled; continue with --resume RUN_ID)."""


@regress.command("run")
@click.argument("manifest", type=click.Path())
@click.option("--db", default=DEFAULT_DB, show_default=True, help="SQLite file or database URL (postgresql://...).")
@click.option("--strategy", help="Search strategy (overrides the manifest's global; per-design values win).")
@click.option("--budget", type=int, help="Evaluations per design.")
@click.option("--seed", type=int, help="Random seed (runs are deterministic for a seed).")
@click.option("--baseline", default="previous", show_default=True, help="previous | RUN_ID | golden:FILE")
@click.option("--tolerance", default=1.0, show_default=True, type=float, help="Allowed QoR loss in percent.")
@click.option("--jobs", default=1, show_default=True, type=int, help="Designs run in parallel (local).")
@click.option("--timeout", type=float, help="Seconds allowed per design (a design's `timeout` key wins).")
@click.option("--memory-mb", type=int,
              help="Address-space cap per design process in MiB (a design's `memory_mb` key wins).")
@click.option("--junit", type=click.Path(dir_okay=False), help="Write JUnit XML.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), help="Write the HTML report.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Write the JSON summary.")
@click.option("--markdown", type=click.Path(dir_okay=False), help="Write the Markdown summary.")
@click.option("--resume", help="Resume an interrupted run without recomputing finished designs.")
@click.option("--scheduler", help="Dask scheduler address (tcp://host:port) instead of local processes.")
@click.option("--runs-dir", default="edaflow-runs", show_default=True, type=click.Path(file_okay=False),
              help="One folder per run and design.")
@click.option("-q", "--quiet", is_flag=True, help="Only the Markdown summary.")
@_guard
def run_cmd(manifest, db, strategy, budget, seed, baseline, tolerance, jobs, timeout, memory_mb, junit, html_path,
            json_path, markdown, resume, scheduler, runs_dir, quiet):
    """Run every design of MANIFEST, store the QoR, judge it against the baseline."""
    from edaflow.regress import reports
    from edaflow.regress.runner import run_regression

    if jobs < 1:
        raise InputError("--jobs must be at least 1")
    if tolerance < 0:
        raise InputError("--tolerance must not be negative")
    if timeout is not None and timeout <= 0:
        raise InputError("--timeout must be positive")
    if memory_mb is not None and memory_mb <= 0:
        raise InputError("--memory-mb must be positive")
    summary = run_regression(manifest, db, strategy=strategy, budget=budget, seed=seed, baseline=baseline,
                             tolerance_pct=tolerance, jobs=jobs, timeout=timeout, memory_mb=memory_mb, resume=resume,
                             scheduler=scheduler, runs_dir=runs_dir,
                             echo=(lambda m: None) if quiet else (lambda m: click.echo(m, err=True)))
    if junit:
        reports.write_junit(summary, junit)
    if json_path:
        reports.write_json(summary, json_path)
    if markdown:
        reports.write_markdown(summary, markdown)
    if html_path:
        reports.write_html(summary, html_path)
    click.echo(reports.markdown(summary))
    click.get_current_context().exit(EXIT_REGRESSION if summary["regressions"] else EXIT_OK)


@regress.command("update-golden")
@click.argument("golden", type=click.Path(dir_okay=False))
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--run", "run_id", help="Run to take the QoR from [default: the latest finished run].")
@click.option("--allow-worse", is_flag=True, help="Also loosen rules the run does worse on (recorded in the DB).")
@_guard
def update_golden_cmd(golden, db, run_id, allow_worse):
    """Write or tighten GOLDEN from a run; never loosens a rule unless --allow-worse."""
    from pathlib import Path

    from edaflow.regress import rules as rl
    from edaflow.regress.store import Store

    store = Store(db)
    if run_id is None:
        done = [r for r in store.list_runs() if r["status"] == "done"]
        if not done:
            raise InputError("no finished run in the database")
        run_id = done[0]["id"]
    elif store.get_run(run_id) is None:
        raise InputError(f"unknown run id {run_id!r}")
    p = Path(golden)
    old = None
    if p.exists():
        try:
            old = json.loads(p.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg}", path=str(p), line=exc.lineno) from None
    new, tightened, loosened, refused, relaxed = rl.update_golden(old, store.results(run_id), allow_worse)
    new["run_id"] = run_id
    p.write_text(json.dumps(new, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    for design, metric, a, b in tightened + loosened + relaxed:
        store.record_golden_change(run_id=run_id, file=str(p.resolve()), design=design, metric=metric,
                                   old_value=a, new_value=b, loosened=(design, metric, a, b) in loosened)
    for design, metric, a, b in tightened:
        click.echo(f"tightened {design}.{metric}: {a:g} -> {b:g}")
    for design, metric, a, b in relaxed:
        click.echo(f"relaxed {design}.{metric}: {a:g} -> {b:g} (warning level; the design's error-level QoR held)")
    for design, metric, a, b in loosened:
        click.echo(f"LOOSENED {design}.{metric}: {a:g} -> {b:g} (--allow-worse, recorded)")
    for design in sorted({d for d, *_ in refused}):
        worse = ", ".join(f"{m} {b:g} > {a:g}" for d, m, a, b in refused if d == design)
        click.echo(f"kept all rules of {design}: run {run_id} is worse on {worse} (use --allow-worse to loosen)")
    click.echo(f"wrote {p} from run {run_id}")


@click.command()
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@_guard
def runs(db, as_json):
    """List regression runs (id, start, end, status, designs done)."""
    from edaflow.regress.store import Store

    rows = Store(db).list_runs()
    if as_json:
        click.echo(json.dumps([{k: r[k] for k in ("id", "started", "ended", "status", "designs_done", "designs_total",
                                                  "strategy", "budget", "seed")} for r in rows], indent=2))
        return
    click.echo(f"{'run':24s} {'started':26s} {'ended':26s} {'status':12s} done")
    for r in rows:
        click.echo(f"{r['id']:24s} {r['started']:26s} {r['ended'] or '':26s} {r['status']:12s} "
                   f"{r['designs_done']}/{r['designs_total']}")


@click.command()
@click.argument("design")
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@_guard
def history(design, db, as_json):
    """A design's QoR over runs."""
    from edaflow.regress.store import Store

    rows = Store(db).history(design)
    if not rows:
        raise InputError(f"no results for design {design!r}")
    if as_json:
        click.echo(json.dumps([{k: r[k] for k in ("run_id", "started", "status", "best", "recipe", "equivalence",
                                                  "seconds", "error")} for r in rows], indent=2))
        return
    click.echo(f"{'run':24s} {'status':14s} {'and':>8s} {'levels':>7s} {'area':>10s} {'delay':>9s} {'adp':>12s} {'s':>7s}")
    for r in rows:
        b = r["best"] or {}
        f = lambda k: f"{b[k]:g}" if k in b else "-"  # noqa: E731
        click.echo(f"{r['run_id']:24s} {r['status']:14s} {f('and'):>8s} {f('levels'):>7s} {f('area'):>10s} "
                   f"{f('delay'):>9s} {f('adp'):>12s} {r['seconds'] or 0:7.1f}")
