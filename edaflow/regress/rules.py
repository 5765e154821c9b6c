"""Rules and verdicts. A rule is ``{value, compare, level}`` per metric (OpenROAD-flow-scripts style);
a golden file is ``{"designs": {name: {metric: rule}}}``. Against a previous run the rules are derived
from that run's QoR: ``best <= baseline value * (1 + tolerance)``.

QoR metrics come from deterministic runs (fixed seed), so their noise is zero by construction; runtime
is noisy and is only ever a ``warning``.
"""

from __future__ import annotations

import json
import operator
from pathlib import Path

from edaflow.errors import InputError

QOR_METRICS = ("and", "levels", "area", "delay", "adp", "gates", "luts", "lut_levels")
RUNTIME_METRIC = "seconds"
RUNTIME_TOLERANCE = 0.5  # +50 % (and at least 2 s) before the runtime warning fires
COMPARES = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt, "==": operator.eq}
LEVELS = ("error", "warning")
# What the search optimises fails the run; structural counts that trade against it only warn.
ERROR_METRICS = ("area", "delay", "adp", "luts")


def default_level(metric: str) -> str:
    return "error" if metric in ERROR_METRICS else "warning"


def metrics_of(result: dict) -> dict[str, float]:
    """Every numeric metric of a result's best QoR (tolerant of new keys), plus runtime."""
    out = {k: float(v) for k, v in (result.get("best") or {}).items()
           if isinstance(v, (int, float)) and not isinstance(v, bool)}
    if result.get("seconds") is not None:
        out[RUNTIME_METRIC] = float(result["seconds"])
    return out


def rules_from_result(result: dict, tolerance: float) -> dict[str, dict]:
    rules = {}
    for m, v in metrics_of(result).items():
        if m == RUNTIME_METRIC:
            rules[m] = {"value": max(v * (1 + RUNTIME_TOLERANCE), v + 2.0), "compare": "<=", "level": "warning",
                        "reference": v}
        else:
            rules[m] = {"value": v * (1 + tolerance), "compare": "<=", "level": default_level(m), "reference": v}
    return rules


def load_golden(path: str | Path, design_names: list[str]) -> dict[str, dict]:
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("golden file does not exist", path=str(p)) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", path=str(p), line=exc.lineno) from None
    designs = data.get("designs") if isinstance(data, dict) else None
    if not isinstance(designs, dict):
        raise InputError("golden file has no 'designs' table", path=str(p))
    extra = sorted(set(designs) - set(design_names))
    missing = sorted(set(design_names) - set(designs))
    if extra or missing:
        raise InputError("golden file does not match the manifest"
                         + (f"; not in manifest: {', '.join(extra)}" if extra else "")
                         + (f"; no rules for: {', '.join(missing)}" if missing else ""), path=str(p))
    for name, rules in designs.items():
        for m, r in rules.items():
            if not (isinstance(r, dict) and isinstance(r.get("value"), (int, float))
                    and r.get("compare", "<=") in COMPARES and r.get("level", "error") in LEVELS):
                raise InputError(f"golden rule {name}.{m} must be {{value, compare, level}}", path=str(p))
    return designs


def judge(result: dict, rules: dict[str, dict] | None) -> dict:
    """Verdict of one design: ``{"verdict": pass|regression|warning|new, "checks": [...], "message"}``."""
    status = result.get("status")
    if status != "ok":
        msg = f"{status}: {result.get('error') or ''}".strip()
        return {"verdict": "regression", "checks": [], "message": msg}
    if rules is None:
        return {"verdict": "new", "checks": [], "message": "no baseline for this design"}
    mets = metrics_of(result)
    checks, verdict = [], "pass"
    for m, r in rules.items():
        if m not in mets:
            continue
        cmp = r.get("compare", "<=")
        ok = COMPARES[cmp](mets[m], r["value"])
        ref = r.get("reference", r["value"])
        change = (mets[m] - ref) / ref * 100 if ref else 0.0
        level = r.get("level", "error")
        state = "ok" if ok else ("fail" if level == "error" else "warn")
        if ok and cmp.startswith("<") and mets[m] < ref and m != RUNTIME_METRIC:  # faster is noise, not a win
            state = "improved"
        checks.append({"metric": m, "value": mets[m], "reference": ref, "limit": r["value"], "compare": cmp,
                       "level": level, "change_pct": round(change, 3), "state": state})
        if state == "fail":
            verdict = "regression"
        elif state == "warn" and verdict == "pass":
            verdict = "warning"
    fails = [c for c in checks if c["state"] == "fail"]
    msg = "; ".join(f"{c['metric']} {c['value']:g} {'>' if c['compare'].startswith('<') else 'violates'} limit "
                    f"{c['limit']:g} ({c['change_pct']:+.2f}% vs {c['reference']:g})" for c in fails)
    return {"verdict": verdict, "checks": checks, "message": msg}


def _direction(compare: str, value: float, limit: float) -> int:
    """+1 when ``value`` is better than the rule's ``limit``, -1 when worse, 0 when equal."""
    if value == limit:
        return 0
    if compare in ("<=", "<"):
        return 1 if value < limit else -1
    if compare in (">=", ">"):
        return 1 if value > limit else -1
    return -1  # "==": any change breaks it


def update_golden(golden: dict | None, results: dict[str, dict], allow_worse: bool):
    """New golden rules from a run, one design at a time, so that a design's rules are always the QoR
    of one real run (never a per-metric best of several runs, which no run may reach when metrics trade
    against each other, e.g. area against delay).

    A design takes the run's values when no ``error``-level metric is worse than its rule: the better
    ones are ``tightened``, ``warning``-level ones that got worse are ``relaxed`` (they only warn). When
    an error-level metric is worse, the design keeps all its rules (``refused``), unless ``allow_worse``:
    then it takes the run's values and the worse error-level rules are ``loosened``. Metrics the run
    does not report keep their rules. Returns ``(golden, tightened, loosened, refused, relaxed)``, each
    list of ``(design, metric, old, new)``."""
    designs = dict((golden or {}).get("designs", {}))
    tightened, loosened, refused, relaxed = [], [], [], []
    for name, res in results.items():
        if res.get("status") != "ok":
            continue
        old = designs.get(name, {})
        mets = {m: v for m, v in metrics_of(res).items() if m != RUNTIME_METRIC}
        changes = []  # (direction, level, metric, old value, new value)
        for m, v in mets.items():
            prev = old.get(m)
            if prev is not None:
                d = _direction(prev.get("compare", "<="), v, prev["value"])
                if d:
                    changes.append((d, prev.get("level", "error"), m, prev["value"], v))
        worse = [(name, m, a, b) for d, lvl, m, a, b in changes if d < 0 and lvl == "error"]
        if worse and not allow_worse:
            refused += worse
            continue
        loosened += worse
        tightened += [(name, m, a, b) for d, _l, m, a, b in changes if d > 0]
        relaxed += [(name, m, a, b) for d, lvl, m, a, b in changes if d < 0 and lvl != "error"]
        new = dict(old)
        for m, v in mets.items():
            prev = old.get(m) or {}
            new[m] = {"value": v, "compare": prev.get("compare", "<="), "level": prev.get("level", default_level(m))}
        if "seconds" in res and res["seconds"] is not None:
            v = float(res["seconds"])
            new[RUNTIME_METRIC] = {"value": round(max(v * (1 + RUNTIME_TOLERANCE), v + 2.0), 3), "compare": "<=",
                                   "level": "warning"}
        designs[name] = new
    return {"designs": designs}, tightened, loosened, refused, relaxed
