"""Reports from a run summary: JUnit XML (one testcase per design), JSON, Markdown, and a single-file
HTML report whose plots are Plotly with plotly.js inlined (no network resources)."""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from pathlib import Path

TREND_METRIC = "adp"
# The report may load nothing from anywhere: only its own inline script and style, data: images.
# A browser then refuses (and logs) any network fetch, which the Chromium test would see.
CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:"


def write_json(summary: dict, path: str) -> None:
    Path(path).write_text(json.dumps(summary, indent=2, default=str) + "\n", encoding="utf-8")


def write_junit(summary: dict, path: str) -> None:
    ds = summary["designs"]
    suite = ET.Element("testsuite", name=f"edaflow-regress-{summary['run']['id']}", tests=str(len(ds)),
                       failures=str(sum(d["verdict"] == "regression" and d["status"] == "ok" for d in ds)),
                       errors=str(sum(d["status"] != "ok" for d in ds)), skipped="0",
                       time=f"{sum(d['seconds'] or 0 for d in ds):.3f}")
    for d in ds:
        tc = ET.SubElement(suite, "testcase", classname="edaflow.regress", name=d["design"],
                           time=f"{d['seconds'] or 0:.3f}")
        if d["status"] != "ok":
            e = ET.SubElement(tc, "error", type=d["status"], message=d["error"] or d["status"])
            e.text = d["error"] or ""
        elif d["verdict"] == "regression":
            f = ET.SubElement(tc, "failure", type="qor-regression", message=d["message"])
            f.text = "\n".join(f"{c['metric']}: {c['value']:g} (reference {c['reference']:g}, limit {c['compare']} "
                               f"{c['limit']:g}, {c['change_pct']:+.2f}%) {c['state']}" for c in d["checks"])
        out = ET.SubElement(tc, "system-out")
        out.text = "\n".join(f"{c['metric']}={c['value']:g} {c['state']}" for c in d["checks"]) or d["verdict"]
    root = ET.Element("testsuites")
    root.append(suite)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _diff_rows(summary: dict):
    for d in summary["designs"]:
        if not d["checks"]:
            yield d, None
        for c in d["checks"]:
            yield d, c


def markdown(summary: dict) -> str:
    r = summary["run"]
    lines = [f"## edaflow QoR regression `{r['id']}`", "",
             f"strategy {r['strategy']}, budget {r['budget']}, seed {r['seed']}; baseline {summary['baseline']}, "
             f"tolerance {summary['tolerance_pct']:g} %", "",
             f"**{len(summary['regressions'])} regression(s)**, {len(summary['improvements'])} improved, "
             f"{len(summary['warnings'])} warning(s), {len(summary['designs'])} designs.", "",
             "| design | verdict | status | ADP | vs resyn2 | time (s) | detail |", "|---|---|---|---:|---:|---:|---|"]
    for d in summary["designs"]:
        adp = (d["best"] or {}).get("adp")
        imp = (d["improvement_pct"] or {}).get("adp")
        lines.append(f"| {d['design']} | {d['verdict']} | {d['status']} | {'' if adp is None else f'{adp:,.1f}'} | "
                     f"{'' if imp is None else f'{-imp:+.2f}%'} | {d['seconds'] or 0:.1f} | "
                     f"{(d['message'] or '').replace('|', '/')} |")
    lines += ["", summary["note"], ""]
    return "\n".join(lines)


def write_markdown(summary: dict, path: str) -> None:
    Path(path).write_text(markdown(summary), encoding="utf-8")


def html_report(summary: dict) -> str:
    import plotly.graph_objects as go
    from plotly.offline import get_plotlyjs

    ds = summary["designs"]
    figs = []
    trend = go.Figure()
    for d in ds:  # relative to the design's oldest run shown, so designs of any size share one axis
        pts = [(h["run_id"], h["best"][TREND_METRIC]) for h in d["history"] if h.get("best") and TREND_METRIC in h["best"]]
        if pts and pts[0][1]:
            ref = pts[0][1]
            trend.add_trace(go.Scatter(x=[p[0] for p in pts], y=[(p[1] / ref - 1) * 100 for p in pts],
                                       customdata=[p[1] for p in pts], mode="lines+markers", name=d["design"],
                                       hovertemplate=f"%{{x}}<br>{TREND_METRIC} %{{customdata:,.1f}} (%{{y:+.2f}}%)"))
    trend.update_layout(title=f"QoR trend: {TREND_METRIC} of the best recipe over the last runs "
                              "(% vs the oldest run shown; lower is better)", xaxis_title="run", yaxis_title="%")
    figs.append(("trend", trend))
    names = [d["design"] for d in ds]
    imp = go.Figure(go.Bar(x=names, y=[-(d["improvement_pct"] or {}).get(TREND_METRIC, 0) or 0 for d in ds]))
    imp.update_layout(title=f"{TREND_METRIC} change vs resyn2 (%; negative is better)", yaxis_title="%")
    figs.append(("improvement", imp))
    rt = go.Figure(go.Bar(x=names, y=[d["seconds"] or 0 for d in ds]))
    rt.update_layout(title="runtime per design (s)", yaxis_title="s")
    figs.append(("runtime", rt))
    divs = "\n".join(f'<div class="plot" id="plot-{k}">' + f.to_html(full_html=False, include_plotlyjs=False,
                                                                       div_id=f"fig-{k}") + "</div>"
                     for k, f in figs)
    rows = []
    for d, c in _diff_rows(summary):
        cls = "fail" if (c and c["state"] == "fail") or (c is None and d["verdict"] == "regression") else \
            ("good" if c and c["state"] == "improved" else "")
        if c is None:
            rows.append(f'<tr class="{cls}"><td>{html.escape(d["design"])}</td><td colspan="6">'
                        f'{html.escape(d["verdict"])}: {html.escape(d["message"] or "")}</td></tr>')
        else:
            rows.append(f'<tr class="{cls}"><td>{html.escape(d["design"])}</td><td>{c["metric"]}</td>'
                        f'<td>{c["value"]:g}</td><td>{c["reference"]:g}</td><td>{c["compare"]} {c["limit"]:g}</td>'
                        f'<td>{c["change_pct"]:+.2f}%</td><td>{c["state"]} ({c["level"]})</td></tr>')
    r = summary["run"]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<title>edaflow regression {html.escape(r['id'])}</title>
<style>body{{font-family:sans-serif;margin:2em}} table{{border-collapse:collapse}} td,th{{border:1px solid #ccc;padding:2px 6px}}
tr.fail{{background:#fdd}} tr.good{{background:#dfd}}</style>
<script type="text/javascript">{get_plotlyjs()}</script></head><body>
<h1>edaflow QoR regression {html.escape(r['id'])}</h1>
<p>strategy {html.escape(str(r['strategy']))}, budget {r['budget']}, seed {r['seed']}; baseline
{html.escape(str(summary['baseline']))}, tolerance {summary['tolerance_pct']:g} %;
<b>{len(summary['regressions'])} regression(s)</b> of {len(summary['designs'])} designs.</p>
<p>{html.escape(summary['note'])}</p>
{divs}
<h2>Diff vs baseline</h2>
<table id="diff"><tr><th>design</th><th>metric</th><th>value</th><th>reference</th><th>limit</th><th>change</th><th>state</th></tr>
{''.join(rows)}</table></body></html>
"""


def write_html(summary: dict, path: str) -> None:
    Path(path).write_text(html_report(summary), encoding="utf-8")
