"""`socmon report`: the weekly report for comms managers, one self-contained HTML page.

What the period brought, from the analysts' views (:class:`ReportQueries`): activity per
account, alerts by category and severity, how fast alerts were acknowledged, how precise
each rule was by the reviewers' verdicts, coverage gaps and data-quality stops. Charts are
drawn with matplotlib (Agg, no display) and embedded as PNG data URIs, and the styles are
inline: the page fetches nothing when it is opened, so it can be mailed or archived.

No personal data: counts, the official accounts' public handles, rule ids, categories and
run ids only; never a post's text, an author or a reviewer.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pipelines.warehouse import Warehouse
from schemas.errors import SocmonError

SEVERITIES = ("critical", "high", "medium", "low")
SEVERITY_COLOURS = {"critical": "#8e0b0b", "high": "#d9480f", "medium": "#f0a202", "low": "#7b9acc"}
_PERIOD = re.compile(r"^(\d{1,4})([hdw])$")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


class ReportError(SocmonError):
    """The report cannot be made as asked (a bad period, matplotlib missing)."""

    retry_helps = False


def parse_period(text: str) -> timedelta:
    """``7d``, ``2w``, ``36h`` as a duration."""
    found = _PERIOD.match(text.strip())
    if not found or int(found[1]) == 0:
        raise ReportError(f"period {text!r}: give a number and h, d or w, e.g. 7d")
    return timedelta(**{_UNITS[found[2]]: int(found[1])})


@dataclass(frozen=True)
class ReportData:
    """Everything the page shows, read once."""

    since: datetime
    until: datetime
    activity: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    response: list[dict[str, Any]]
    precision: list[dict[str, Any]]
    coverage: list[dict[str, Any]]
    quality: list[dict[str, Any]]
    runs: dict[str, int]
    records: int


def gather(warehouse: Warehouse, until: datetime, period: timedelta) -> ReportData:
    """Read what the report shows for ``[until - period, until)``."""
    since = until - period
    queries = warehouse.analytics.report
    return ReportData(
        since=since,
        until=until,
        activity=queries.activity(since, until),
        alerts=queries.alerts_by_category(since, until),
        response=queries.response(since, until),
        precision=queries.precision(since, until),
        coverage=queries.coverage(since, until),
        quality=queries.quality_stops(since, until),
        runs=queries.runs(since, until),
        records=queries.records_posted(since, until),
    )


def render(data: ReportData) -> str:
    """The report as one HTML page."""
    charts = _Charts()
    total_alerts = sum(int(row["alerts"]) for row in data.response)
    severe = sum(int(row["alerts"]) for row in data.response if row["severity"] in SEVERITIES[:2])
    resolved = sum(int(row["resolved"]) for row in data.response)
    gaps = sum(int(row["gaps"]) for row in data.coverage)
    stops = sum(1 for row in data.quality if int(row["critical"]))
    tiles = [
        ("Records posted", f"{data.records:,}"),
        ("Alerts raised", f"{total_alerts:,}"),
        ("High or critical", f"{severe:,}"),
        ("Resolved", f"{resolved:,} of {total_alerts:,}"),
        ("Coverage gaps", f"{gaps:,}"),
        ("Batches stopped", f"{stops:,}"),
    ]
    sections = [
        _section(
            "Activity per account",
            "Records posted each day: official posts, replies, comments and mentions.",
            charts.activity(data.activity),
        ),
        _section(
            "Alerts by category and severity",
            "Alerts raised in the period; an alert with findings in two categories counts "
            "under each.",
            charts.alerts(data.alerts),
        ),
        _section(
            "Time to acknowledge",
            "Minutes from an alert to its first acknowledgement: median (bar) and the 90th "
            "percentile (mark), per severity.",
            charts.response(data.response) + _response_table(data.response),
        ),
        _section(
            "Precision per rule",
            "Of the alerts reviewers resolved, the share they confirmed (confirmed / "
            "(confirmed + false alarm)); n is how many were reviewed.",
            charts.precision(data.precision),
        ),
        _section(
            "Coverage gaps",
            "Fetches per account and day that did not get everything (rate limits, "
            "permissions, errors).",
            charts.coverage(data.coverage),
        ),
        _section(
            "Data-quality stops",
            "Runs whose batch broke an expectation: a critical failure stopped the batch "
            "until someone looked.",
            _quality_table(data.quality, data.runs),
        ),
    ]
    period = f"{data.since:%d %b %Y %H:%M} to {data.until:%d %b %Y %H:%M} UTC"
    tile_html = "".join(
        f'<div class="tile"><div class="value">{html.escape(value)}</div>'
        f'<div class="label">{html.escape(label)}</div></div>'
        for label, value in tiles
    )
    return _PAGE.format(
        title=html.escape(f"Social media monitoring: {data.until:%d %B %Y}"),
        period=html.escape(period),
        generated=html.escape(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"),
        tiles=tile_html,
        sections="".join(sections),
    )


def write_report(warehouse: Warehouse, until: datetime, period: timedelta) -> str:
    """The report's HTML for the period ending ``until``."""
    return render(gather(warehouse, until, period))


def _section(title: str, explanation: str, body: str) -> str:
    return (
        f"<section><h2>{html.escape(title)}</h2>"
        f'<p class="why">{html.escape(explanation)}</p>{body}</section>'
    )


def _empty(message: str) -> str:
    return f'<p class="empty">{html.escape(message)}</p>'


def _minutes(value: Any) -> str:
    if value is None:
        return "-"
    minutes = float(value)
    return f"{minutes:.0f} min" if minutes < 120 else f"{minutes / 60:.1f} h"


def _response_table(rows: Sequence[dict[str, Any]]) -> str:
    if not rows:
        return ""
    ordered = sorted(rows, key=lambda row: SEVERITIES.index(row["severity"]))
    body = "".join(
        f"<tr><td>{html.escape(row['severity'])}</td><td>{int(row['alerts'])}</td>"
        f"<td>{int(row['acknowledged'])}</td><td>{int(row['resolved'])}</td>"
        f"<td>{_minutes(row['median'])}</td><td>{_minutes(row['p90'])}</td></tr>"
        for row in ordered
    )
    return (
        "<table><thead><tr><th>severity</th><th>alerts</th><th>acknowledged</th>"
        "<th>resolved</th><th>median</th><th>90th percentile</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _quality_table(rows: Sequence[dict[str, Any]], runs: dict[str, int]) -> str:
    summary = ", ".join(f"{count} {status}" for status, count in sorted(runs.items()))
    lead = f'<p class="runs">Runs in the period: {html.escape(summary or "none")}.</p>'
    if not rows:
        return lead + _empty("No expectation failed in the period.")
    body = "".join(
        f"<tr><td><code>{html.escape(str(row['run_id']))}</code></td>"
        f"<td>{row['run_started_at']:%a %d %b %H:%M}</td>"
        f"<td>{html.escape(str(row['run_status']))}</td>"
        f"<td>{int(row['critical'])}</td><td>{int(row['warnings'])}</td></tr>"
        for row in rows
    )
    return (
        lead + "<table><thead><tr><th>run</th><th>started (UTC)</th><th>status</th>"
        "<th>critical failures</th><th>warnings</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


class _Charts:
    """The report's charts as ``<img>`` tags with PNG data URIs (matplotlib, Agg)."""

    def __init__(self) -> None:
        try:
            from matplotlib.dates import DateFormatter
            from matplotlib.figure import Figure
            from matplotlib.ticker import MaxNLocator
        except ImportError:  # pragma: no cover - depends on the installation
            raise ReportError(
                "socmon report draws its charts with matplotlib: "
                "pip install 'social-monitor[report]'"
            ) from None
        self._figure = Figure
        self._day_format = DateFormatter("%a %d %b")  # type: ignore[no-untyped-call]
        self._whole = MaxNLocator  # counts: whole-number ticks

    def _figure_for(self, height: float = 3.2) -> Any:
        figure = self._figure(figsize=(8.4, height), dpi=110, layout="constrained")
        return figure, figure.add_subplot()

    def _img(self, figure: Any, alt: str) -> str:
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
        return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{encoded}">'

    def activity(self, rows: Sequence[dict[str, Any]]) -> str:
        if not rows:
            return _empty("No records in the period.")
        series: dict[str, dict[Any, int]] = defaultdict(dict)
        for row in rows:
            series[row["label"]][row["day"]] = int(row["records"])
        days = sorted({row["day"] for row in rows})
        figure, axes = self._figure_for()
        for label, counts in sorted(series.items()):
            axes.plot(days, [counts.get(day, 0) for day in days], marker="o", label=label)
        axes.set_xticks(days)
        axes.xaxis.set_major_formatter(self._day_format)
        axes.set_ylabel("records")
        axes.set_ylim(bottom=0)
        axes.legend(frameon=False, fontsize="small")
        axes.grid(axis="y", alpha=0.3)
        figure.autofmt_xdate()
        return self._img(figure, "Records per day and account")

    def alerts(self, rows: Sequence[dict[str, Any]]) -> str:
        if not rows:
            return _empty("No alerts in the period.")
        categories = sorted({row["category"] for row in rows})
        counts = {(row["category"], row["severity"]): int(row["alerts"]) for row in rows}
        figure, axes = self._figure_for(max(2.0, 0.5 * len(categories) + 1.2))
        left = [0] * len(categories)
        for severity in reversed(SEVERITIES):
            values = [counts.get((category, severity), 0) for category in categories]
            if any(values):
                axes.barh(
                    categories,
                    values,
                    left=left,
                    color=SEVERITY_COLOURS[severity],
                    label=severity,
                )
                left = [a + b for a, b in zip(left, values, strict=True)]
        axes.xaxis.set_major_locator(self._whole(integer=True))
        axes.set_xlabel("alerts")
        axes.invert_yaxis()
        axes.legend(frameon=False, fontsize="small", loc="lower right")
        axes.grid(axis="x", alpha=0.3)
        return self._img(figure, "Alerts by category, stacked by severity")

    def response(self, rows: Sequence[dict[str, Any]]) -> str:
        timed = [row for row in rows if row["median"] is not None]
        if not timed:
            return _empty("No alert raised in the period has been acknowledged yet.")
        timed.sort(key=lambda row: SEVERITIES.index(row["severity"]))
        names = [row["severity"] for row in timed]
        figure, axes = self._figure_for(max(2.0, 0.5 * len(names) + 1.2))
        axes.barh(
            names,
            [float(row["median"]) for row in timed],
            color=[SEVERITY_COLOURS[name] for name in names],
        )
        axes.scatter([float(row["p90"]) for row in timed], names, marker="|", s=400, color="#222")
        axes.set_xlabel("minutes to acknowledge")
        axes.invert_yaxis()
        axes.grid(axis="x", alpha=0.3)
        return self._img(figure, "Median and 90th percentile minutes to acknowledge")

    def precision(self, rows: Sequence[dict[str, Any]]) -> str:
        reviewed = [row for row in rows if int(row["confirmed"]) + int(row["false_positive"])]
        if not reviewed:
            return _empty("Reviewers gave no verdict on the period's alerts yet.")
        names = [row["rule_id"] for row in reviewed]
        totals = [int(row["confirmed"]) + int(row["false_positive"]) for row in reviewed]
        values = [
            int(row["confirmed"]) / total for row, total in zip(reviewed, totals, strict=True)
        ]
        figure, axes = self._figure_for(max(2.0, 0.45 * len(names) + 1.2))
        bars = axes.barh(names, values, color="#2f6f8f")
        for bar, total in zip(bars, totals, strict=True):
            axes.text(
                bar.get_width() + 0.01,
                bar.get_y() + bar.get_height() / 2,
                f"n={total}",
                va="center",
                fontsize="small",
            )
        axes.set_xlim(0, 1.12)
        axes.set_xlabel("precision (confirmed / reviewed)")
        axes.invert_yaxis()
        axes.grid(axis="x", alpha=0.3)
        return self._img(figure, "Precision per rule from reviewers' verdicts")

    def coverage(self, rows: Sequence[dict[str, Any]]) -> str:
        if not rows:
            return _empty("No fetch was recorded in the period.")
        if not any(int(row["gaps"]) for row in rows):
            checks = sum(int(row["checks"]) for row in rows)
            return _empty(f"Every one of the period's {checks:,} fetches was complete.")
        days = sorted({row["day"] for row in rows})
        labels = sorted({row["label"] for row in rows})
        gaps = {(row["day"], row["label"]): int(row["gaps"]) for row in rows}
        figure, axes = self._figure_for()
        bottom = [0] * len(days)
        for label in labels:
            values = [gaps.get((day, label), 0) for day in days]
            axes.bar(days, values, bottom=bottom, label=label)
            bottom = [a + b for a, b in zip(bottom, values, strict=True)]
        axes.set_xticks(days)
        axes.xaxis.set_major_formatter(self._day_format)
        axes.yaxis.set_major_locator(self._whole(integer=True))
        axes.set_ylabel("incomplete fetches")
        axes.legend(frameon=False, fontsize="small")
        axes.grid(axis="y", alpha=0.3)
        figure.autofmt_xdate()
        return self._img(figure, "Incomplete fetches per day and account")


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2430;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }}
h1 {{ font-size: 1.6rem; margin-bottom: 0.2rem; }}
h2 {{ font-size: 1.2rem; margin: 2rem 0 0.3rem; border-bottom: 1px solid #d5dbe3; }}
.period, .why, .runs {{ color: #4b5563; margin-top: 0; }}
.tiles {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr));
          gap: 0.7rem; margin: 1.2rem 0; }}
.tile {{ background: #f3f5f8; border-radius: 6px; padding: 0.7rem 0.9rem; }}
.tile .value {{ font-size: 1.5rem; font-weight: 600; }}
.tile .label {{ color: #4b5563; font-size: 0.85rem; }}
img {{ max-width: 100%; height: auto; }}
table {{ border-collapse: collapse; margin-top: 0.6rem; font-size: 0.9rem; }}
th, td {{ text-align: left; padding: 0.25rem 0.8rem 0.25rem 0; border-bottom: 1px solid #e5e9ef; }}
.empty {{ font-style: italic; color: #4b5563; }}
footer {{ margin-top: 2.5rem; color: #6b7280; font-size: 0.8rem; }}
</style></head>
<body>
<h1>{title}</h1>
<p class="period">{period}</p>
<div class="tiles">{tiles}</div>
{sections}
<footer>Made by socmon report at {generated} from the warehouse's views. Counts only: no post
text, author or reviewer appears in this report.</footer>
</body></html>
"""
