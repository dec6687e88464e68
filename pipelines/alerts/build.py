"""From a run's staged records and detections to alerts and their email deliveries.

Runs in the commit step, before the transaction: everything here is a pure
function of the staged files, the rules and the settings, so a rerun builds
the same alerts with the same ids (``sha256(record id | rule id)``) and the
insert-if-absent of the commit makes them exactly once. Only stored
(redacted) text is used; offensive words are masked in the excerpt.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.alerts.rules import LoadedRules, Rule
from pipelines.settings.alerts import AlertSettings
from schemas.alerts import Alert, Delivery, alert_id_of, delivery_id_of
from schemas.vocabulary import MASKED_CATEGORIES, SEVERITY_ORDER

EXCERPT_CHARACTERS = 280


@dataclass(frozen=True)
class Routing:
    """Who hears about each account."""

    recipients: Mapping[str, tuple[str, ...]]
    handles: Mapping[str, str]
    fallback: str | None

    def for_accounts(self, accounts: Sequence[str]) -> tuple[str, ...]:
        found = [address for account in accounts for address in self.recipients.get(account, ())]
        if not found and self.fallback:
            found = [self.fallback]
        return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class BuiltAlerts:
    """The alerts a run raised and their deliveries, for the commit."""

    alerts: tuple[Alert, ...]
    deliveries: tuple[Delivery, ...]


Masker = Callable[[str, Sequence[str]], str]


def build_alerts(
    records: pa.Table | None,
    detections: pa.Table | None,
    rules: LoadedRules,
    routing: Routing,
    settings: AlertSettings,
    masker: Masker,
    parents: Mapping[str, str],
    now: datetime | None = None,
) -> BuiltAlerts:
    """One alert per staged record on which any rule fires, carrying every rule that fired."""
    now = now or datetime.now(UTC)
    alerts: list[Alert] = []
    deliveries: list[Delivery] = []
    if records is None or not records.num_rows:
        return BuiltAlerts((), ())
    by_record: dict[str, list[dict[str, Any]]] = {}
    for detection in detections.to_pylist() if detections is not None else []:
        by_record.setdefault(detection["record_id"], []).append(detection)
    for record in _candidates(records, set(by_record), rules).to_pylist():
        if record["deleted"]:
            continue
        found = by_record.get(record["id"], [])
        fired = [
            (rule, match)
            for rule in rules.rules.rules
            if (match := _fires(rule, rules, record, found)) is not None
        ]
        if not fired:
            continue
        alert = _alert(fired, rules, record, routing, masker, parents, found)
        alerts.append(alert)
        deliveries.extend(deliveries_for(alert, settings, now))
    return BuiltAlerts(tuple(alerts), tuple(deliveries))


def _candidates(records: pa.Table, detected: set[str], rules: LoadedRules) -> pa.Table:
    """Only records with a detection, or text a text rule could match, can raise an alert:
    the rest of the batch is skipped without leaving Arrow (most records are quiet)."""
    mask = pc.is_in(records["id"], value_set=pa.array(sorted(detected), pa.string()))
    for matcher in [*rules.terms.values(), *rules.patterns.values()]:
        try:
            found = pc.match_substring_regex(records["text"], matcher.pattern, ignore_case=True)
        except pa.ArrowInvalid:  # a pattern RE2 cannot run: look at every record
            return records
        mask = pc.or_(mask, pc.fill_null(found, False))
    return records.filter(mask)


def _fires(
    rule: Rule, rules: LoadedRules, record: dict[str, Any], detections: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The detection (or text match) that makes ``rule`` fire on ``record``, or None."""
    official = bool(record["author_is_official"])
    if rule.authored_by == "official" and not official:
        return None
    if rule.authored_by == "public" and official:
        return None
    if rule.kinds and record["kind"] not in rule.kinds:
        return None
    if rule.accounts and not set(json.loads(record["accounts"])) & set(rule.accounts):
        return None
    if rule.category is not None:
        for detection in detections:
            score = float(detection["score"])
            in_band = score >= rule.min_score and (rule.max_score is None or score < rule.max_score)
            if detection["category"] == rule.category and in_band:
                return detection
        return None
    text = record["text"] or ""
    matcher = rules.terms.get(rule.id) or rules.patterns[rule.id]
    found = matcher.search(text)
    if found is None:
        return None
    unless = rules.unless.get(rule.id)
    if unless is not None and unless.search(text):
        return None
    return {"category": _text_category(rule), "score": 1.0, "matched": found.group(0)}


def _text_category(rule: Rule) -> str:
    return "confidential" if rule.terms_file else "policy"


def _alert(
    fired: Sequence[tuple[Rule, dict[str, Any]]],
    rules: LoadedRules,
    record: dict[str, Any],
    routing: Routing,
    masker: Masker,
    parents: Mapping[str, str],
    detections: list[dict[str, Any]],
) -> Alert:
    """The record's one alert: the most severe rule leads, every rule is a finding."""
    order = {rule.id: index for index, rule in enumerate(rules.rules.rules)}
    ranked = sorted(fired, key=lambda pair: (-SEVERITY_ORDER[pair[0].severity], order[pair[0].id]))
    rule, lead = ranked[0]
    accounts = json.loads(record["accounts"]) or [record["account"]]
    mask_terms = [
        term
        for detection in detections
        if detection["category"] in MASKED_CATEGORIES
        for term in json.loads(detection["evidence"]).get("top_terms", [])
    ]
    evidence: dict[str, Any] = {
        "excerpt": masker(_excerpt(record["text"] or ""), mask_terms),
        "kind": record["kind"],
        "by_official_account": bool(record["author_is_official"]),
        "posted_at": _iso(record.get("created_at")),
        "rule": {"id": rule.id, "version": rules.version, "description": rule.description},
        "findings": [_finding(each, match, masker, mask_terms) for each, match in ranked],
    }
    parent = parents.get(record["parent_id"] or "")
    if parent:
        evidence["context"] = masker(_excerpt(parent), mask_terms)
    if "detection_id" in lead:
        evidence["detection"] = _detection(lead)
    else:
        evidence["matched"] = masker(lead["matched"], mask_terms)
    return Alert(
        alert_id=alert_id_of(record["id"]),
        record_id=record["id"],
        account=record["account"],
        rule_id=rule.id,
        rule_version=rules.version,
        category=lead["category"],
        policy_clause=rule.clause,
        severity=rule.severity,
        score=float(lead["score"]),
        evidence=evidence,
        recommended_action=" ".join(rule.action.split()),
        recipients=routing.for_accounts(accounts),
        conversation_id=record["conversation_id"],
        url=record["url"],
        categories=tuple(dict.fromkeys(match["category"] for _, match in ranked)),
        policy_clauses=tuple(dict.fromkeys(each.clause for each, _ in ranked)),
    )


def _detection(fired: dict[str, Any]) -> dict[str, Any]:
    """A detection as evidence: category, score, detector and its details, no terms."""
    details = json.loads(fired["evidence"])
    details.pop("top_terms", None)
    return {
        "category": fired["category"],
        "score": round(float(fired["score"]), 4),
        "detector": fired["detector"],
        "detector_version": fired["detector_version"],
        **details,
    }


def _finding(
    rule: Rule, fired: dict[str, Any], masker: Masker, mask_terms: Sequence[str]
) -> dict[str, Any]:
    """One rule that fired on the record, as the alert page and emails list it."""
    finding: dict[str, Any] = {
        "rule_id": rule.id,
        "description": rule.description,
        "category": fired["category"],
        "clause": rule.clause,
        "severity": rule.severity,
        "score": round(float(fired["score"]), 4),
        "action": " ".join(rule.action.split()),
    }
    if "detection_id" in fired:
        finding["detection"] = _detection(fired)
    else:
        finding["matched"] = masker(fired["matched"], mask_terms)
    return finding


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if isinstance(moment, datetime) else None


def deliveries_for(alert: Alert, settings: AlertSettings, now: datetime) -> list[Delivery]:
    """One delivery per recipient: at once for the immediate severities, else the next digest."""
    immediate = alert.severity in settings.immediate_severities
    due = now if immediate else next_digest(now, settings)
    return [
        Delivery(
            delivery_id=delivery_id_of(alert.alert_id, recipient),
            alert_id=alert.alert_id,
            recipient=recipient,
            mode="immediate" if immediate else "digest",
            due_at=due,
        )
        for recipient in alert.recipients
    ]


def next_digest(now: datetime, settings: AlertSettings) -> datetime:
    """When the digest that would include an alert raised ``now`` is due."""
    period = timedelta(hours=settings.digest_every_hours)
    anchor = now.replace(
        hour=settings.digest_hour_utc if period >= timedelta(days=1) else 0,
        minute=0,
        second=0,
        microsecond=0,
    )
    if anchor > now:
        anchor -= timedelta(days=1)
    steps = math.floor((now - anchor) / period) + 1
    return anchor + steps * period


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARACTERS else text[: EXCERPT_CHARACTERS - 1] + "…"
