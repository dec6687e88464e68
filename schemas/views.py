"""Every view for analysts, declared once: its name, what a row is, and its columns.

The SQL that builds the views is in the migrations (``0011_analytics.sql``, the same on
DuckDB and PostgreSQL); these declarations give each view and column the description that
``socmon migrate`` writes with ``COMMENT ON`` and the data dictionary is generated from. A
test checks that both back ends, migrated, have exactly the columns declared here, in order.

Times are UTC; a ``day`` or ``week`` is a UTC date (weeks start on Monday). Views count
the post's own time (``records.created_at``) where a row has one, not processing time.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class View:
    """A view: name, what one row is, and its columns with their meaning, in order."""

    name: str
    description: str
    columns: tuple[tuple[str, str], ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        """Every column, in declared order."""
        return tuple(name for name, _ in self.columns)


_ACCOUNT = ("account", "Official account key (see `accounts`)")
_HANDLE = ("handle", "The account's public handle or page name (from `accounts`)")
_STATUS = (
    "`open`, `acknowledged` (both unresolved), `confirmed`, `false_positive`, `duplicate` "
    "(resolved) or `superseded` (open when a newer version of the record stopped raising it)"
)
_SEVERITY_COUNTS = (
    ("open", "Alerts not yet resolved (open or acknowledged)"),
    ("confirmed", "Alerts a reviewer confirmed"),
    ("false_positive", "Alerts a reviewer called a false alarm"),
    ("duplicate", "Alerts a reviewer resolved as a duplicate"),
)

ACCOUNT_ACTIVITY_DAILY = View(
    "account_activity_daily",
    "Activity per official account, platform and day of posting: a record involving two "
    "accounts counts for each.",
    (
        _ACCOUNT,
        _HANDLE,
        ("platform", "`x` or `facebook`"),
        ("day", "Day the items were posted (UTC date)"),
        ("records", "Records of that day"),
        ("posts", "Posts by the official account"),
        ("replies", "Replies in its threads"),
        ("comments", "Comments in its threads (Facebook)"),
        ("mentions", "Mentions of it elsewhere"),
        ("authors", "Distinct pseudonymous authors other than official accounts"),
        ("unscored", "Records in a language the classifiers do not cover"),
        ("deleted", "Records their authors deleted"),
    ),
)

DETECTION_SCORES = View(
    "detection_scores",
    "One row per detection, its JSON evidence read into columns (threshold, language) and "
    "the post's time.",
    (
        ("detection_id", "The detection (see `detections`)"),
        ("record_id", "The record it was found in"),
        _ACCOUNT,
        ("category", "offensive, hate, threat, misleading, personal_data, confidential, policy"),
        ("policy_clause", "Clause it concerns (see `policy_clauses`)"),
        ("score", "Classifier probability, or 1.0 for a rule or pattern match"),
        ("threshold", "Threshold the score was compared with (NULL for pattern matches)"),
        ("text_lang", "Language of the text as the classifiers saw it"),
        ("detector", "What found it"),
        ("detector_version", "Versions of the models or recognizers"),
        ("posted_at", "When the record was posted (UTC)"),
        ("detected_at", "When the detection was stored (processing time, UTC)"),
        ("is_current", "False when a newer version of the record no longer raises it"),
    ),
)

DETECTIONS_WEEKLY = View(
    "detections_weekly",
    "Current detections per week of posting, account, category and clause.",
    (
        ("week", "Monday of the week the records were posted (UTC date)"),
        _ACCOUNT,
        ("category", "Detection category"),
        ("policy_clause", "Policy clause"),
        ("detections", "Detections"),
        ("records", "Distinct records they were found in"),
        ("mean_score", "Mean score"),
        ("max_score", "Highest score"),
    ),
)

ALERT_FINDINGS = View(
    "alert_findings",
    "One row per rule that fired on an alert's record (an alert carries every finding), read "
    "from the alert's JSON evidence into columns.",
    (
        ("alert_id", "The alert (see `alerts`)"),
        ("record_id", "Its record"),
        _ACCOUNT,
        ("rule_id", "The rule that fired"),
        ("category", "Category of the finding"),
        ("policy_clause", "Clause of the rule"),
        ("severity", "Severity of the rule (the alert has the highest of its findings)"),
        ("score", "Score of the finding"),
        ("threshold", "Threshold the score was compared with (NULL for pattern matches)"),
        ("alert_severity", "Severity of the alert"),
        ("status", _STATUS),
        ("posted_at", "When the record was posted (UTC)"),
        ("raised_at", "When the alert was raised (processing time, UTC)"),
        ("is_current", "False when a newer version of the record no longer raises the alert"),
    ),
)

ALERTS_WEEKLY = View(
    "alerts_weekly",
    "Current alerts per week of posting, account, category, clause and severity of the "
    "finding: an alert with two findings counts once under each.",
    (
        ("week", "Monday of the week the records were posted (UTC date)"),
        _ACCOUNT,
        ("category", "Category of the finding"),
        ("policy_clause", "Clause of the finding's rule"),
        ("severity", "Severity of the finding's rule"),
        ("alerts", "Alerts"),
        *_SEVERITY_COUNTS,
    ),
)

ALERT_LIFECYCLE = View(
    "alert_lifecycle",
    "One row per alert: when the post was made, the alert raised, acknowledged and resolved, "
    "and how long each step took.",
    (
        ("alert_id", "The alert"),
        ("record_id", "Its record"),
        _ACCOUNT,
        _HANDLE,
        ("kind", "Kind of the record: post, reply, comment or mention"),
        ("rule_id", "The most severe rule that fired"),
        ("category", "Category of the most severe finding"),
        ("categories", "JSON array of every category that fired"),
        ("policy_clause", "Clause of the most severe rule"),
        ("policy_clauses", "JSON array of every clause that fired"),
        ("severity", "`low`, `medium`, `high` or `critical`"),
        ("status", _STATUS),
        ("score", "Score of the most severe finding"),
        ("threshold", "Its threshold (NULL for pattern matches)"),
        ("conversation_id", "The thread's top post"),
        ("posted_at", "When the record was posted (UTC)"),
        ("raised_at", "When the alert was raised (processing time, UTC)"),
        ("acknowledged_at", "First acknowledgement (UTC)"),
        ("resolved_at", "Latest verdict (UTC)"),
        ("minutes_to_raise", "From posting to the alert"),
        ("minutes_to_acknowledge", "From the alert to its first acknowledgement"),
        ("minutes_to_resolve", "From the alert to its verdict"),
        ("is_current", "False when a newer version of the record no longer raises it"),
        ("record_deleted", "The author deleted the post"),
    ),
)

ALERT_RESPONSE = View(
    "alert_response",
    "Current alerts per account and severity: how fast they were acknowledged and resolved, "
    "and the share of each verdict among those resolved.",
    (
        _ACCOUNT,
        ("severity", "Alert severity"),
        ("alerts", "Alerts"),
        ("acknowledged", "Alerts acknowledged"),
        ("resolved", "Alerts resolved (confirmed, false alarm or duplicate)"),
        *_SEVERITY_COUNTS,
        ("median_minutes_to_acknowledge", "Median time from alert to acknowledgement"),
        ("median_minutes_to_resolve", "Median time from alert to verdict"),
        ("confirmed_share", "Confirmed / resolved (NULL: none resolved)"),
        ("false_positive_share", "False alarms / resolved"),
        ("duplicate_share", "Duplicates / resolved"),
    ),
)

RULE_PRECISION = View(
    "rule_precision",
    "Per rule, the reviewers' verdicts on the current alerts it fired on: precision = "
    "confirmed / (confirmed + false alarms).",
    (
        ("rule_id", "The rule"),
        ("alerts", "Alerts it fired on"),
        ("reviewed", "Of those, confirmed or called a false alarm"),
        *_SEVERITY_COUNTS,
        ("precision", "Confirmed / reviewed (NULL: none reviewed)"),
    ),
)

TOP_THREADS = View(
    "top_threads",
    "Per thread and account, the current alerts raised in it, to find where trouble gathers.",
    (
        ("conversation_id", "The thread's top post (a record id)"),
        _ACCOUNT,
        _HANDLE,
        ("alerts", "Alerts in the thread"),
        ("open_alerts", "Of those, not yet resolved"),
        ("highest_severity", "Highest alert severity in the thread"),
        ("critical", "Critical alerts"),
        ("high", "High alerts"),
        ("first_posted_at", "Earliest alerted record's posting time (UTC)"),
        ("last_posted_at", "Latest alerted record's posting time (UTC)"),
    ),
)

COVERAGE_DAILY = View(
    "coverage_daily",
    "Per account, connector, stream and day of fetching: how many fetches were complete, "
    "partial or not covered, and why.",
    (
        _ACCOUNT,
        _HANDLE,
        ("connector", "`twitter`, `facebook` or `replay`"),
        ("stream", "posts, mentions, replies, comments, deletions, files"),
        ("day", "Day of the fetches (UTC date)"),
        ("checks", "Fetches"),
        ("complete", "Fetches that got everything"),
        ("partial", "Fetches that got part"),
        ("not_covered", "Fetches that got nothing"),
        ("gaps", "Fetches that were not complete"),
        ("fetched", "Items fetched"),
        ("reasons", "Distinct reasons given for the gaps"),
    ),
)

DQ_FAILURES = View(
    "dq_failures",
    "Every data-quality expectation that failed, with its run: critical failures stopped "
    "the batch.",
    (
        ("run_id", "The run (see `runs`)"),
        ("command", "The run's command"),
        ("run_status", "The run's status"),
        ("run_started_at", "When the run started (UTC)"),
        ("suite", "Expectation suite"),
        ("expectation", "The expectation"),
        ("column_name", "Column checked, if one"),
        ("severity", "`critical` (the batch stopped) or `warning`"),
        ("unexpected_count", "Rows that broke it"),
        ("observed_value", "What was observed"),
        ("explains", "What the failure means and what to do"),
        ("checked_at", "When it was checked (UTC)"),
    ),
)

#: Every view for analysts, by name.
VIEWS: dict[str, View] = {
    view.name: view
    for view in (
        ACCOUNT_ACTIVITY_DAILY,
        DETECTION_SCORES,
        DETECTIONS_WEEKLY,
        ALERT_FINDINGS,
        ALERTS_WEEKLY,
        ALERT_LIFECYCLE,
        ALERT_RESPONSE,
        RULE_PRECISION,
        TOP_THREADS,
        COVERAGE_DAILY,
        DQ_FAILURES,
    )
}
