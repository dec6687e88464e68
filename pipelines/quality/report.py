"""A static HTML page of one run's data-quality results, for a person to open."""

from __future__ import annotations

from html import escape
from typing import Any

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1d1d1f; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .4rem .6rem; text-align: left; }
td { vertical-align: top; }
th { background: #f3f3f3; }
.fail.critical { background: #fde2e1; } .fail.warning { background: #fff4d6; }
.badge { font-weight: 600; } .ok { color: #1a7f37; } .bad { color: #b42318; }
"""


def render_report(run: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    """The HTML report of one run (its ``runs`` row and its ``dq_results`` rows, by name):
    run status, then every expectation, failures first."""
    run_id = str(run["run_id"])
    failed = [row for row in rows if not row["success"]]
    critical = [row for row in failed if row["severity"] == "critical"]
    verdict = (
        "not committed: critical expectations failed"
        if critical
        else ("committed with warnings" if failed else "all expectations met")
    )
    ordered = sorted(rows, key=lambda row: (row["success"], row["severity"] != "critical"))
    body = "\n".join(_row(row) for row in ordered) or (
        '<tr><td colspan="7">No batch was validated in this run (nothing new to read).</td></tr>'
    )
    status_class = "bad" if critical else "ok"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>socmon data quality — run {escape(run_id)}</title><style>{_STYLE}</style></head>
<body>
<h1>Data quality — run {escape(run_id)}</h1>
<p class="badge {status_class}">{escape(verdict)}</p>
<p>Status {escape(str(run.get("status")))}; started {escape(str(run.get("started_at")))};
records read {_n(run.get("records_read"))}; {len(rows)} expectations checked,
{len(failed)} failed ({len(critical)} critical).</p>
{_error(run)}
<table>
<tr><th>result</th><th>severity</th><th>suite</th><th>expectation</th><th>column / account</th>
<th>what it checks</th><th>observed</th></tr>
{body}
</table>
</body></html>
"""


def _row(row: dict[str, Any]) -> str:
    suite, expectation, column = row["suite"], row["expectation"], row["column_name"]
    severity, success, explains = row["severity"], row["success"], row["explains"]
    observed, unexpected = row["observed_value"], row["unexpected_count"]
    outcome = "passed" if success else "FAILED"
    css = "" if success else f' class="fail {escape(severity)}"'
    detail = []
    if unexpected:
        detail.append(f"{unexpected} unexpected rows")
    if observed:
        detail.append(escape(str(observed)))
    return (
        f"<tr{css}><td>{outcome}</td><td>{escape(severity)}</td><td>{escape(suite)}</td>"
        f"<td>{escape(expectation)}</td><td>{escape(column or '')}</td><td>{escape(explains)}</td>"
        f"<td>{'; '.join(detail)}</td></tr>"
    )


def _error(run: dict[str, Any]) -> str:
    error = run.get("error")
    return f"<p><strong>Error:</strong> {escape(str(error))}</p>" if error else ""


def _n(value: object) -> str:
    return "-" if value is None else str(value)
