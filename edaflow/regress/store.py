"""The QoR history: one interface over SQLite (default; WAL mode, busy timeout, several writers) and a
server database by URL (``postgresql://...``), both through SQLAlchemy Core.

The schema is versioned: ``edaflow_schema`` holds the version, ``edaflow_migrations`` one row per applied
migration. A database written by a newer edaflow (higher version) is refused, never altered. Only the
coordinating process writes; workers return results to it.
"""

from __future__ import annotations

import datetime as _dt
import json
import time
from pathlib import Path

import sqlalchemy as sa

from edaflow.errors import InputError

SCHEMA_VERSION = 2

meta = sa.MetaData()
schema_t = sa.Table("edaflow_schema", meta, sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("version", sa.Integer, nullable=False))
migrations_t = sa.Table("edaflow_migrations", meta, sa.Column("version", sa.Integer, primary_key=True),
                        sa.Column("applied_at", sa.String(40), nullable=False),
                        sa.Column("description", sa.Text))
runs_t = sa.Table(
    "runs", meta,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("started", sa.String(40), nullable=False),
    sa.Column("ended", sa.String(40)),
    sa.Column("status", sa.String(20), nullable=False),  # running | done | interrupted
    sa.Column("manifest_path", sa.Text), sa.Column("manifest_hash", sa.String(64)),
    sa.Column("git_commit", sa.String(64)),
    sa.Column("versions", sa.Text), sa.Column("library_hashes", sa.Text),
    sa.Column("strategy", sa.String(40)), sa.Column("budget", sa.Integer), sa.Column("seed", sa.Integer),
    sa.Column("host", sa.String(200)), sa.Column("designs_total", sa.Integer),
    sa.Column("settings", sa.Text),
)
results_t = sa.Table(
    "results", meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(64), sa.ForeignKey("runs.id"), nullable=False),
    sa.Column("design", sa.String(200), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # ok | failed | timeout | not-equivalent
    sa.Column("baseline_qor", sa.Text), sa.Column("best_qor", sa.Text),
    sa.Column("recipe", sa.Text), sa.Column("equivalence", sa.String(40)),
    sa.Column("seconds", sa.Float), sa.Column("error", sa.Text), sa.Column("report", sa.Text),
    sa.UniqueConstraint("run_id", "design", name="uq_results_run_design"),
)
golden_t = sa.Table(
    "golden_updates", meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.String(40), nullable=False), sa.Column("run_id", sa.String(64)),
    sa.Column("file", sa.Text), sa.Column("design", sa.String(200)), sa.Column("metric", sa.String(80)),
    sa.Column("old_value", sa.Float), sa.Column("new_value", sa.Float), sa.Column("loosened", sa.Boolean),
)



def _m2_indexes(conn) -> None:
    # `edaflow history` and the trend plots read one design over all runs; `runs` sorts by start.
    conn.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_results_design ON results (design)"))
    conn.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_runs_started ON runs (started)"))


# version -> (description, function(conn)), applied in order inside one transaction under the schema
# lock (see Store._migrate). Hand-written on purpose (docs/regress.md, "Schema and migrations").
# Migration 1 creates the tables as declared above; a later change to a table must be a new migration
# (ALTER TABLE ...) and the declaration above updated with it, so that migration 1 then creates the
# v1 tables only.
MIGRATIONS = {
    1: ("initial schema: runs, results, golden_updates", lambda conn: meta.create_all(conn)),
    2: ("indexes: results(design) for history, runs(started) for listing", _m2_indexes),
}


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _j(x) -> str | None:
    return None if x is None else json.dumps(x, sort_keys=True)


def _unj(s):
    return None if s is None else json.loads(s)


def normalise_url(db: str) -> str:
    if db.startswith(("postgresql://", "postgres://")):  # the driver we depend on (psycopg2-binary)
        return "postgresql+psycopg2://" + db.split("://", 1)[1]
    return db if "://" in db else f"sqlite:///{Path(db).resolve()}"


class Store:
    def __init__(self, db: str):
        self.url = normalise_url(db)
        self.sqlite = self.url.startswith("sqlite")
        try:
            if self.sqlite:
                self.engine = sa.create_engine(self.url, connect_args={"timeout": 120})

                @sa.event.listens_for(self.engine, "connect")
                def _pragmas(dbapi_conn, _rec):
                    cur = dbapi_conn.cursor()
                    cur.execute("PRAGMA journal_mode=WAL")
                    cur.execute("PRAGMA busy_timeout=120000")
                    cur.execute("PRAGMA foreign_keys=ON")
                    cur.close()
            else:
                self.engine = sa.create_engine(self.url, pool_pre_ping=True,
                                               connect_args={"connect_timeout": 10} if self.url.startswith("postgres") else {})
            self._migrate()
        except sa.exc.ArgumentError as exc:
            raise InputError(f"bad database URL {db!r}: {exc}") from None
        except sa.exc.DatabaseError as exc:  # unreachable server, a file that is not a database, ...
            raise InputError(f"cannot open database {db!r}: {str(exc.orig).strip().splitlines()[0]}") from None
        except ModuleNotFoundError as exc:
            raise InputError(f"no driver for database {db!r}: {exc}") from None

    def _migrate(self) -> None:
        """Bring the schema to SCHEMA_VERSION; safe when several processes open a new database at once
        (PostgreSQL: an advisory lock; SQLite: the write lock, plus a re-check if another process won)."""
        for attempt in range(10):
            try:
                with self.engine.begin() as conn:
                    if conn.dialect.name == "postgresql":
                        conn.execute(sa.text("SELECT pg_advisory_xact_lock(74210)"))
                    current = 0
                    if sa.inspect(conn).has_table("edaflow_schema"):
                        row = conn.execute(sa.select(schema_t.c.version)).first()
                        current = row[0] if row else 0
                    if current > SCHEMA_VERSION:
                        raise InputError(f"database schema version {current} is newer than this edaflow supports "
                                         f"({SCHEMA_VERSION}); upgrade edaflow")
                    if current == SCHEMA_VERSION:
                        return
                    schema_t.create(conn, checkfirst=True)
                    migrations_t.create(conn, checkfirst=True)
                    for v in range(current + 1, SCHEMA_VERSION + 1):
                        desc, fn = MIGRATIONS[v]
                        fn(conn)
                        conn.execute(migrations_t.insert().values(version=v, applied_at=now(), description=desc))
                    if conn.execute(sa.select(schema_t.c.id)).first():
                        conn.execute(schema_t.update().values(version=SCHEMA_VERSION))
                    else:
                        conn.execute(schema_t.insert().values(id=1, version=SCHEMA_VERSION))
                return
            except (sa.exc.IntegrityError, sa.exc.ProgrammingError) as exc:
                if attempt == 9:
                    raise
                time.sleep(0.2 + 0.1 * attempt)  # another process created the schema concurrently; re-check
            except sa.exc.OperationalError as exc:
                if "already exists" not in str(exc) or attempt == 9:
                    raise
                time.sleep(0.2 + 0.1 * attempt)

    # -- runs ---------------------------------------------------------------------------------
    def create_run(self, run: dict) -> None:
        row = dict(run)
        for k in ("versions", "library_hashes", "settings"):
            row[k] = _j(row.get(k))
        with self.engine.begin() as conn:
            conn.execute(runs_t.insert().values(**row))

    def finish_run(self, run_id: str, status: str = "done") -> None:
        with self.engine.begin() as conn:
            conn.execute(runs_t.update().where(runs_t.c.id == run_id).values(ended=now(), status=status))

    def reopen_run(self, run_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(runs_t.update().where(runs_t.c.id == run_id).values(status="running", ended=None))

    def get_run(self, run_id: str) -> dict | None:
        with self.engine.connect() as conn:
            r = conn.execute(sa.select(runs_t).where(runs_t.c.id == run_id)).mappings().first()
        return self._run(r) if r else None

    @staticmethod
    def _run(r) -> dict:
        d = dict(r)
        for k in ("versions", "library_hashes", "settings"):
            d[k] = _unj(d[k])
        return d

    def list_runs(self, limit: int | None = None) -> list[dict]:
        cnt = (sa.select(results_t.c.run_id, sa.func.count().label("done")).group_by(results_t.c.run_id).subquery())
        q = (sa.select(runs_t, sa.func.coalesce(cnt.c.done, 0).label("designs_done"))
             .select_from(runs_t.outerjoin(cnt, cnt.c.run_id == runs_t.c.id))
             .order_by(runs_t.c.started.desc(), runs_t.c.id.desc()))
        if limit:
            q = q.limit(limit)
        with self.engine.connect() as conn:
            return [self._run(r) for r in conn.execute(q).mappings()]

    def previous_run(self, before_run_id: str) -> dict | None:
        """The latest finished run started before this one."""
        cur = self.get_run(before_run_id)
        with self.engine.connect() as conn:
            r = conn.execute(sa.select(runs_t).where(runs_t.c.id != before_run_id, runs_t.c.status == "done",
                                                     runs_t.c.started <= cur["started"])
                             .order_by(runs_t.c.started.desc(), runs_t.c.id.desc()).limit(1)).mappings().first()
        return self._run(r) if r else None

    # -- results ------------------------------------------------------------------------------
    def add_result(self, run_id: str, res: dict) -> None:
        row = {"run_id": run_id, "design": res["design"], "status": res["status"],
               "baseline_qor": _j(res.get("baseline")), "best_qor": _j(res.get("best")),
               "recipe": res.get("recipe"), "equivalence": res.get("equivalence"),
               "seconds": res.get("seconds"), "error": res.get("error"), "report": _j(res.get("report"))}
        with self.engine.begin() as conn:
            conn.execute(results_t.delete().where(results_t.c.run_id == run_id, results_t.c.design == res["design"]))
            conn.execute(results_t.insert().values(**row))

    @staticmethod
    def _res(r) -> dict:
        d = dict(r)
        d["baseline"] = _unj(d.pop("baseline_qor"))
        d["best"] = _unj(d.pop("best_qor"))
        d["report"] = _unj(d["report"])
        return d

    def results(self, run_id: str) -> dict[str, dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(results_t).where(results_t.c.run_id == run_id)
                                .order_by(results_t.c.id)).mappings()
            return {r["design"]: self._res(r) for r in rows}

    def history(self, design: str, limit: int | None = None) -> list[dict]:
        q = (sa.select(results_t, runs_t.c.started, runs_t.c.strategy, runs_t.c.budget, runs_t.c.seed)
             .join(runs_t, runs_t.c.id == results_t.c.run_id).where(results_t.c.design == design)
             .order_by(runs_t.c.started, results_t.c.id))
        with self.engine.connect() as conn:
            out = [self._res(r) for r in conn.execute(q).mappings()]
        return out[-limit:] if limit else out

    def record_golden_change(self, **row) -> None:
        with self.engine.begin() as conn:
            conn.execute(golden_t.insert().values(at=now(), **row))

    def golden_changes(self) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(sa.select(golden_t).order_by(golden_t.c.id)).mappings()]

    def close(self) -> None:
        self.engine.dispose()
