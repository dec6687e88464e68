"""`socmon sar`: everything held about one person, as JSON and a page they can read (art. 15).

The person is named by platform and user id (turned into their pseudonym with the key from
the environment: the warehouse holds nothing else about them) or by the pseudonym itself.
The export holds their records (stored text is already redacted), the detections, alerts,
verdicts and review history about those records, pattern alerts that name them or list
their items, audit entries and erasures that name them. It holds nothing about anyone else:
a thread's context (someone else's text) is left out, a pattern alert lists only their own
items, staff addresses and names are reduced to roles and counts, and the item a record
answers is named only when it is the person's own or an official account's. The request
itself is written to the audit log (with the pseudonym, never the user id).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipelines.audit import AuditEntry
from pipelines.config import ConfigError, Settings
from pipelines.privacy.pseudonyms import PSEUDONYM_PATTERN, Pseudonymizer, key_from_environment
from pipelines.warehouse import Warehouse, open_warehouse
from pipelines.warehouse.subject_access import SubjectAccessStore

#: Record columns the person sees (``author_id`` is their own pseudonym).
RECORD_FIELDS = (
    "id",
    "platform",
    "kind",
    "account",
    "native_id",
    "conversation_id",
    "author_id",
    "text",
    "lang",
    "created_at",
    "observed_at",
    "url",
    "deleted",
    "pii_entities",
)
DETECTION_FIELDS = (
    "detection_id",
    "record_id",
    "category",
    "policy_clause",
    "score",
    "detector",
    "detector_version",
    "created_at",
    "superseded_at",
)
ALERT_FIELDS = (
    "alert_id",
    "record_id",
    "account",
    "rule_id",
    "rule_version",
    "category",
    "categories",
    "policy_clause",
    "policy_clauses",
    "severity",
    "status",
    "recommended_action",
    "url",
    "created_at",
    "acknowledged_at",
    "resolved_at",
    "action_taken",
    "superseded_at",
    "record_deleted_at",
)
#: What an audit entry about the person shows (never staff names, notes or other subjects).
AUDIT_FIELDS = ("alert_id", "subject_access", "erased", "records", "detections", "alerts")
#: Evidence keys about the person's own item (``context`` is the text it answers: not theirs).
OWN_EVIDENCE = ("excerpt", "kind", "posted_at", "rule", "findings", "detection", "matched")


@dataclass(frozen=True)
class SubjectAccessExport:
    """The export, and where it was written."""

    content: dict[str, Any]
    json_path: Path
    html_path: Path

    @property
    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.content.items() if isinstance(rows, list)}


def pseudonym_of(platform: str | None, user_id: str | None, pseudonym: str | None) -> str:
    """The pseudonym asked for: given, or computed from platform and user id."""
    if pseudonym is not None:
        if platform is not None or user_id is not None:
            raise ConfigError("give either --pseudonym or --platform with --user-id, not both")
        if not PSEUDONYM_PATTERN.match(pseudonym):
            raise ConfigError("--pseudonym takes 64 hex characters; see `socmon pseudonym`")
        return pseudonym
    if platform is None or user_id is None:
        raise ConfigError("give --platform with --user-id, or --pseudonym")
    if not user_id.strip().isdigit():
        raise ConfigError("--user-id is the platform's numeric user id")
    return Pseudonymizer(key_from_environment()).pseudonym(platform, user_id.strip())


def subject_access(settings: Settings, pseudonym: str, output_dir: Path) -> SubjectAccessExport:
    """Collect, audit and write the export for ``pseudonym`` with these settings."""
    from pipelines.usecases.compose import audit_entry

    with open_warehouse(settings.warehouse, writer="sar") as warehouse:
        return export_subject(warehouse, pseudonym, output_dir, audit_entry(settings, "sar"))


def export_subject(
    warehouse: Warehouse,
    pseudonym: str,
    output_dir: Path,
    audit: AuditEntry,
    now: datetime | None = None,
) -> SubjectAccessExport:
    """Audit the request, then collect what is held and write it (JSON and HTML)."""
    moment = now or datetime.now(UTC)
    store = SubjectAccessStore(warehouse.connection)
    records = store.records_by(pseudonym)
    # Audited first, so the export lists this request too.
    with warehouse.transaction():
        warehouse.privacy.audit(audit, None, {"subject_access": pseudonym, "records": len(records)})
    content = collect(store, pseudonym, records, moment)
    output_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    json_path = output_dir / "subject-access.json"
    html_path = output_dir / "subject-access.html"
    _write_private(json_path, json.dumps(content, indent=2, ensure_ascii=False, default=str))
    _write_private(html_path, render_html(content))
    return SubjectAccessExport(content, json_path, html_path)


def collect(
    store: SubjectAccessStore,
    pseudonym: str,
    records: list[dict[str, Any]],
    moment: datetime,
) -> dict[str, Any]:
    """Everything about the person, with nothing about anyone else."""
    record_ids = [row["id"] for row in records]
    alerts = store.alerts_of(record_ids)
    patterns = store.pattern_alerts_naming(pseudonym, record_ids)
    alert_ids = [row["alert_id"] for row in (*alerts, *patterns)]
    deliveries = store.deliveries_of(alert_ids)
    told: dict[str, int] = {}
    for row in deliveries:
        told[row["alert_id"]] = told.get(row["alert_id"], 0) + 1
    return {
        "subject": {"pseudonym": pseudonym},
        "generated_at": moment.isoformat(),
        "about": (
            "Everything the university's social-media monitoring holds about you. Stored text "
            "has personal data replaced by its kind (e.g. <PERSON>); other people are not "
            "named."
        ),
        "records": [_own_record(row) for row in records],
        "detections": [_pick(row, DETECTION_FIELDS) for row in store.detections_of(record_ids)],
        "alerts": [_own_alert(row, told) for row in alerts],
        "pattern_alerts": [_own_pattern(row, pseudonym, set(record_ids), told) for row in patterns],
        "feedback": [
            _pick(row, ("alert_id", "verdict", "note", "created_at"))
            for row in store.feedback_of(alert_ids)
        ],
        "review_history": [
            _pick(row, ("alert_id", "event", "created_at")) for row in store.events_of(alert_ids)
        ],
        "audit_entries": [
            {"created_at": _plain(row["created_at"]), "command": row["command"], **_audit(row)}
            for row in store.audit_entries_naming(pseudonym, alert_ids)
        ],
        "erasures": [
            _pick(row, ("subject_kind", "subject", "erased_at", "reason"))
            for row in store.erasures_of(pseudonym, record_ids)
        ],
        "replies_by_others_held": store.replies_to(pseudonym),
    }


def _pick(row: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    return {name: _plain(row.get(name)) for name in fields}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _own_record(row: Mapping[str, Any]) -> dict[str, Any]:
    picked = _pick(row, RECORD_FIELDS)
    picked["pii_entities"] = [
        {"type": entity.get("type")} for entity in json.loads(row.get("pii_entities") or "[]")
    ]
    if row.get("parent_id") and (row.get("parent_is_own") or row.get("parent_is_official")):
        picked["in_reply_to"] = row["parent_id"]
    elif row.get("parent_id"):
        picked["in_reply_to"] = "another person's post (not included)"
    return picked


def _own_alert(row: Mapping[str, Any], told: Mapping[str, int]) -> dict[str, Any]:
    picked = _pick(row, ALERT_FIELDS)
    evidence = json.loads(row.get("evidence") or "{}")
    picked["evidence"] = {key: evidence[key] for key in OWN_EVIDENCE if key in evidence}
    picked["people_told"] = told.get(row["alert_id"], 0)
    for name in ("categories", "policy_clauses"):
        picked[name] = json.loads(row.get(name) or "[]")
    return picked


def _own_pattern(
    row: Mapping[str, Any], pseudonym: str, theirs: set[str], told: Mapping[str, int]
) -> dict[str, Any]:
    picked = _pick(row, ALERT_FIELDS)
    evidence = json.loads(row.get("evidence") or "{}")
    pattern = dict(evidence.get("pattern", {}))
    if pattern.get("subject") != pseudonym:
        pattern["subject"] = "another thread, person or account (not included)"
    if pattern.get("subject_kind") == "thread":
        pattern["subject"] = "a thread"
    pattern.pop("summary", None)
    picked["record_id"] = None
    picked["url"] = None
    picked["pattern"] = pattern
    picked["your_items"] = [
        item for item in evidence.get("items", []) if item.get("record_id") in theirs
    ]
    picked["people_told"] = told.get(row["alert_id"], 0)
    return picked


def _audit(row: Mapping[str, Any]) -> dict[str, Any]:
    counts = json.loads(row.get("counts") or "{}")
    return {key: counts[key] for key in AUDIT_FIELDS if key in counts}


def _write_private(path: Path, text: str) -> None:
    """Only the operator may read the export: it is the person's data."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Your data held by social-media monitoring</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;line-height:1.45}
table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}td,th{border:1px solid #ccc;
padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f3f3f3}</style></head>
<body>
<h1>Your data held by social-media monitoring</h1>
<p>{{ content.about }}</p>
<p>Prepared {{ content.generated_at }} for the person with pseudonym
<code>{{ content.subject.pseudonym }}</code>.</p>
{% for title, key, columns in sections %}
<h2>{{ title }} ({{ content[key]|length }})</h2>
{% if content[key] %}
<table><tr>{% for column in columns %}<th>{{ column }}</th>{% endfor %}</tr>
{% for row in content[key] %}<tr>{% for column in columns %}
<td>{{ shown(row.get(column)) }}</td>{% endfor %}</tr>
{% endfor %}</table>
{% else %}<p>None.</p>{% endif %}
{% endfor %}
<p>Replies by other people to your posts that are held: {{ content.replies_by_others_held }}
(their content belongs to them and is not included).</p>
</body></html>
"""
_SECTIONS = (
    ("Your posts and replies", "records", ("id", "kind", "account", "created_at", "text", "url")),
    (
        "What was detected in them",
        "detections",
        ("record_id", "category", "score", "policy_clause", "created_at"),
    ),
    (
        "Alerts about them",
        "alerts",
        ("alert_id", "record_id", "category", "severity", "status", "created_at", "people_told"),
    ),
    (
        "Alerts about a pattern that includes you",
        "pattern_alerts",
        ("alert_id", "rule_id", "severity", "status", "pattern", "your_items"),
    ),
    ("Reviewers' verdicts", "feedback", ("alert_id", "verdict", "note", "created_at")),
    ("Review history", "review_history", ("alert_id", "event", "created_at")),
    ("Audit log entries naming you", "audit_entries", ("created_at", "command")),
    ("Erasures", "erasures", ("subject_kind", "erased_at", "reason")),
)


def render_html(content: Mapping[str, Any]) -> str:
    """The export as a page a person can read (autoescaped)."""
    import jinja2

    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = environment.from_string(_PAGE)
    return template.render(content=content, sections=_SECTIONS, shown=_shown)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
