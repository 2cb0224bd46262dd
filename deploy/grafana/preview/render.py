#!/usr/bin/env python3
"""Draws the One2One dashboard's panels as an HTML page from a real Prometheus.

Not Grafana: Grafana could not run where this was made (see deploy/grafana/README.md). Each panel's own PromQL
(from one2one-dashboard.json) is evaluated by Prometheus over the given window; this script only draws the results,
laid out by the panels' gridPos. Usage: render.py DASHBOARD.json PROMETHEUS_URL START END OUT.html
"""
import html
import json
import sys
import time
import urllib.parse
import urllib.request

COLORS = ["#73bf69", "#f2cc0c", "#5794f2", "#ff9830", "#f2495c", "#b877d9", "#8ab8ff", "#ff7383", "#96d98d"]
CELL_W, CELL_H = 60, 34  # pixels per grid column and row


def query(prom, path, **params):
    url = f"{prom}/api/v1/{path}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=30) as response:
        body = json.load(response)
    if body.get("status") != "success":
        raise RuntimeError(f"{url}: {body}")
    return body["data"]["result"]


def promql(expr, step):
    # Grafana's variables: every job, and a rate window of four scrape intervals.
    return expr.replace('"$job"', '".*"').replace("$__rate_interval", f"{max(4 * step, 20)}s")


def legend(fmt, metric):
    text = fmt or "{{__name__}}"
    for key, value in metric.items():
        text = text.replace("{{" + key + "}}", value)
    while "{{" in text:
        start = text.index("{{")
        text = text[:start] + text[text.index("}}", start) + 2:]
    return text.strip() or "value"


def fmt(value, unit):
    if value != value:  # NaN
        return "–"
    if unit == "s":
        return f"{value * 1000:.0f} ms" if abs(value) < 1 else f"{value:.2f} s"
    if unit in ("bps", "pps", "reqps"):
        suffix = {"bps": "b/s", "pps": "p/s", "reqps": "req/s"}[unit]
        for factor, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
            if abs(value) >= factor:
                return f"{value / factor:.1f} {prefix}{suffix}"
        return f"{value:.0f} {suffix}" if value >= 10 or value == 0 else f"{value:.2f} {suffix}"
    return f"{value:.0f}" if value == int(value) or abs(value) >= 10 else f"{value:.2f}"


def timeseries_svg(series, unit, start, end, width, height):
    left, right, top, bottom = 62, 8, 8, 22
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _, points in series for _, v in points if v == v]
    top_value = max(values + [0])
    top_value = top_value * 1.1 if top_value > 0 else 1
    parts = [f'<svg width="{width}" height="{height}">']
    for i in range(5):
        y = top + plot_h * i / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" class="axis" text-anchor="end">{html.escape(fmt(top_value * (4 - i) / 4, unit))}</text>')
    for i in range(5):
        t = start + (end - start) * i / 4
        x = left + plot_w * i / 4
        label = time.strftime("%H:%M", time.gmtime(t))
        anchor = "start" if i == 0 else "end" if i == 4 else "middle"
        parts.append(f'<text x="{x:.1f}" y="{height - 6}" class="axis" text-anchor="{anchor}">{label}</text>')
    for index, (_, points) in enumerate(series):
        color = COLORS[index % len(COLORS)]
        path, pen = [], "M"
        for t, v in points:
            if v != v:
                pen = "M"
                continue
            x = left + plot_w * (t - start) / (end - start)
            y = top + plot_h * (1 - v / top_value)
            path.append(f"{pen}{x:.1f},{y:.1f}")
            pen = "L"
        if path:
            parts.append(f'<path d="{" ".join(path)}" stroke="{color}" fill="none" stroke-width="1.6"/>')
    parts.append("</svg>")
    return "".join(parts)


def main():
    dashboard_file, prom, start, end, out = sys.argv[1:6]
    start, end = float(start), float(end)
    step = max(int((end - start) / 240), 5)
    dashboard = json.load(open(dashboard_file))
    bottom = max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in dashboard["panels"])
    cells = []
    for panel in dashboard["panels"]:
        g = panel["gridPos"]
        x, y, w, h = g["x"] * CELL_W, g["y"] * CELL_H + 48, g["w"] * CELL_W - 6, g["h"] * CELL_H - 6
        style = f"left:{x}px;top:{y}px;width:{w}px;height:{h}px"
        title = html.escape(panel["title"])
        if panel["type"] == "row":
            cells.append(f'<div class="row" style="{style}">{title}</div>')
            continue
        unit = panel.get("fieldConfig", {}).get("defaults", {}).get("unit", "short")
        if panel["type"] == "stat":
            result = query(prom, "query", query=promql(panel["targets"][0]["expr"], step), time=end)
            value = float(result[0]["value"][1]) if result else float("nan")
            cells.append(f'<div class="panel" style="{style}"><div class="title">{title}</div>'
                         f'<div class="stat">{html.escape(fmt(value, unit))}</div></div>')
            continue
        series = []
        for target in panel["targets"]:
            for item in query(prom, "query_range", query=promql(target["expr"], step), start=start, end=end, step=step):
                points = [(float(t), float(v)) for t, v in item["values"]]
                series.append((legend(target.get("legendFormat"), item["metric"]), points))
        series.sort(key=lambda s: s[0])
        svg = timeseries_svg(series, unit, start, end, w - 12, h - 62)
        legends = "".join(f'<span><i style="background:{COLORS[i % len(COLORS)]}"></i>{html.escape(name)}</span>'
                          for i, (name, _) in enumerate(series))
        cells.append(f'<div class="panel" style="{style}"><div class="title">{title}</div>{svg}<div class="legend">{legends}</div></div>')
    page = f"""<!doctype html><html><head><meta charset="utf-8"><style>
body {{ margin:0; background:#111217; color:#ccccdc; font:12px Inter,Helvetica,Arial,sans-serif; }}
.banner {{ position:absolute; left:0; top:0; width:{24 * CELL_W}px; height:40px; padding:0 12px; box-sizing:border-box; display:flex; align-items:center; gap:16px; border-bottom:1px solid #2c2d33; }}
.banner b {{ font-size:16px; color:#fff; }} .banner em {{ color:#f2cc0c; font-style:normal; }}
.panel {{ position:absolute; background:#181b1f; border:1px solid #2c2d33; border-radius:3px; padding:6px; box-sizing:border-box; overflow:hidden; }}
.row {{ position:absolute; font-size:14px; color:#fff; font-weight:600; padding-top:8px; }}
.title {{ font-weight:600; color:#d8d9da; margin-bottom:4px; }}
.stat {{ font-size:40px; color:#5794f2; font-weight:500; text-align:center; margin-top:14px; }}
.grid {{ stroke:#2c2d33; }} .axis {{ fill:#8e8e8e; font-size:10px; }}
.legend span {{ margin-right:10px; white-space:nowrap; }} .legend i {{ display:inline-block; width:12px; height:3px; margin-right:4px; vertical-align:middle; }}
</style></head><body style="width:{24 * CELL_W}px;height:{bottom * CELL_H + 56}px">
<div class="banner"><b>{html.escape(dashboard["title"])}</b><span>one2one-dashboard.json</span>
<em>Preview drawn by deploy/grafana/preview/render.py from a real Prometheus answering the panels' own queries — not Grafana's rendering</em></div>
{"".join(cells)}</body></html>"""
    open(out, "w").write(page)


if __name__ == "__main__":
    main()
