"""From staged records and detections to alerts and deliveries, without any service.

``build_alerts`` is a pure function of the staged tables, the rules, the
routing and the settings: these tests feed it small tables and read the
alerts and deliveries it returns by field name (through ``built`` below, the
one place that knows how they are returned).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pipelines.alerts.build import EXCERPT_CHARACTERS, Routing, build_alerts, next_digest
from pipelines.alerts.rules import load_rules
from pipelines.settings.alerts import AlertSettings
from tests.pipelines.alerts.examples import detection, detections_table, record, records_table

RULES = load_rules()
ROUTING = Routing(
    recipients={
        "uni_main": ("main-owner@university.example", "head@university.example"),
        "uni_research": ("research-owner@university.example", "head@university.example"),
    },
    handles={"uni_main": "UniOfficial", "uni_research": "UniResearch"},
    fallback="comms@university.example",
)
NOW = datetime(2026, 10, 5, 14, 30, tzinfo=UTC)


class StarMasker:
    """Masks the flagged terms it is given, and remembers them."""

    def __init__(self) -> None:
        self.flagged: list[str] = []

    def __call__(self, text: str, flagged_terms: Sequence[str]) -> str:
        self.flagged.extend(flagged_terms)
        for term in flagged_terms:
            text = text.replace(term, term[0] + "*" * (len(term) - 1))
        return text


def built(
    records: Sequence[dict[str, Any]],
    detections: Sequence[dict[str, Any]] = (),
    *,
    settings: AlertSettings | None = None,
    parents: dict[str, str] | None = None,
    masker: StarMasker | None = None,
    now: datetime = NOW,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(alerts, deliveries) as dicts by field name."""
    result = build_alerts(
        records_table(records),
        detections_table(detections),
        RULES,
        ROUTING,
        settings or AlertSettings(),
        masker or StarMasker(),
        parents or {},
        now,
    )
    return [asdict(a) for a in result.alerts], [asdict(d) for d in result.deliveries]


def test_a_threat_in_a_reply_is_a_critical_alert_for_the_clause_with_its_action() -> None:
    reply = record(1, "I know where you live, watch your back", conversation_id="x:100")

    [alert], _ = built([reply], [detection(reply["id"], "threat", 0.91)])

    assert {name: alert[name] for name in ("record_id", "account", "rule_id", "rule_version")} == {
        "record_id": "x:1",
        "account": "uni_main",
        "rule_id": "threat-received",
        "rule_version": "rules-v1",
    }
    assert (alert["category"], alert["policy_clause"], alert["severity"]) == (
        "threat",
        "7.17",
        "critical",
    )
    assert alert["score"] == pytest.approx(0.91)
    assert alert["recommended_action"].startswith("Do not reply. Keep the evidence")
    assert "\n" not in alert["recommended_action"]  # the YAML's folded lines are one paragraph
    assert alert["recipients"] == ("main-owner@university.example", "head@university.example")
    assert (alert["conversation_id"], alert["url"]) == ("x:100", reply["url"])


def test_records_with_nothing_detected_or_deleted_raise_nothing() -> None:
    quiet = record(1, "Loved the open day")
    deleted = record(2, "", deleted=True)

    alerts, deliveries = built([quiet, deleted], [detection(deleted["id"], "threat", 0.99)])

    assert alerts == [] and deliveries == []


def test_no_records_build_empty_tables() -> None:
    assert built([]) == ([], [])
    result = build_alerts(None, None, RULES, ROUTING, AlertSettings(), StarMasker(), {}, NOW)
    assert (len(result.alerts), len(result.deliveries)) == (0, 0)


def test_ids_are_stable_so_a_rerun_raises_the_same_alerts() -> None:
    replies = [record(1, "one"), record(2, "two")]
    detections = [
        detection("x:1", "threat", 0.9),
        detection("x:1", "offensive", 0.9),
        detection("x:2", "threat", 0.9),
    ]

    first, first_deliveries = built(replies, detections)
    again, again_deliveries = built(replies, detections, now=NOW + timedelta(hours=5))

    ids = [alert["alert_id"] for alert in first]
    assert ids == [alert["alert_id"] for alert in again]
    assert len(set(ids)) == 2  # one per record, whatever number of rules fired
    assert [d["delivery_id"] for d in first_deliveries] == [
        d["delivery_id"] for d in again_deliveries
    ]


def test_one_alert_per_record_carries_every_rule_at_the_highest_severity() -> None:
    reply = record(1, "abuse and a threat in one reply")
    detections = [
        detection(reply["id"], "offensive", 0.95),
        detection(reply["id"], "hate", 0.9),
        detection(reply["id"], "threat", 0.9),
    ]

    [alert], deliveries = built([reply], detections)

    assert (alert["rule_id"], alert["category"], alert["severity"]) == (
        "threat-received",
        "threat",
        "critical",
    )
    assert alert["categories"][0] == "threat"
    assert set(alert["categories"]) == {"threat", "hate", "offensive"}
    assert alert["policy_clauses"] == ("7.17",)
    findings = alert["evidence"]["findings"]
    assert [finding["category"] for finding in findings] == list(alert["categories"])
    severities = [finding["severity"] for finding in findings]
    assert severities == sorted(severities, key=["low", "medium", "high", "critical"].index)[::-1]
    assert all(finding["action"] and finding["clause"] for finding in findings)
    # One alert, so one delivery per recipient, all at once (the threat is critical).
    assert {d["mode"] for d in deliveries} == {"immediate"}
    assert len(deliveries) == len(alert["recipients"])


def test_evidence_is_the_masked_excerpt_the_thread_context_and_the_detection() -> None:
    reply = record(1, "you f*cking idiot", parent_id="x:50")
    masker = StarMasker()
    found = detection(
        reply["id"], "offensive", 0.876543, top_terms=["fucking", "idiot"], threshold=0.6
    )

    [alert], _ = built(
        [reply], [found], parents={"x:50": "the idiot post it answers"}, masker=masker
    )

    evidence = alert["evidence"]
    assert evidence["excerpt"] == "you f*cking i****"
    assert evidence["context"] == "the i**** post it answers"
    assert set(masker.flagged) == {"fucking", "idiot"}
    assert evidence["kind"] == "reply" and evidence["by_official_account"] is False
    assert evidence["rule"] == {
        "id": "abuse-received",
        "version": "rules-v1",
        "description": "Strongly offensive or abusive language aimed at one of our accounts.",
    }
    assert evidence["detection"] == {
        "category": "offensive",
        "score": 0.8765,
        "detector": "classifiers",
        "detector_version": "offensive-test-1",
        "threshold": 0.6,
    }  # the top terms drive the masking and are not repeated


def test_only_offensive_and_hate_terms_are_masked() -> None:
    reply = record(1, "garlic cures the virus")
    masker = StarMasker()

    built([reply], [detection(reply["id"], "misleading", 0.7, top_terms=["garlic"])], masker=masker)

    assert masker.flagged == []


def test_a_long_excerpt_is_cut_and_its_whitespace_folded() -> None:
    reply = record(1, "word \n\n  " * 200)

    [alert], _ = built([reply], [detection(reply["id"], "threat", 0.9)])

    excerpt = alert["evidence"]["excerpt"]
    assert len(excerpt) == EXCERPT_CHARACTERS and excerpt.endswith("…")
    assert "  " not in excerpt and "\n" not in excerpt


def test_a_text_rule_records_what_it_matched() -> None:
    post = record(1, "Update on the merger talks", official=True, kind="post")

    [alert], _ = built([post])

    assert (alert["rule_id"], alert["category"], alert["score"]) == (
        "official-post-confidential",
        "confidential",
        1.0,
    )
    assert alert["evidence"]["matched"] == "merger talks"
    assert "detection" not in alert["evidence"]


def test_an_official_post_with_personal_data_is_a_high_alert_under_7_13() -> None:
    post = record(1, "Contact <PERSON> at <EMAIL>", official=True, kind="post")
    found = detection(post["id"], "personal_data", 0.85, entity_types={"PERSON": 1, "EMAIL": 1})

    [alert], _ = built([post], [found])

    assert (alert["rule_id"], alert["category"], alert["policy_clause"], alert["severity"]) == (
        "official-post-personal-data",
        "personal_data",
        "7.13",
        "high",
    )
    assert alert["evidence"]["by_official_account"] is True
    assert alert["evidence"]["detection"]["entity_types"] == {"PERSON": 1, "EMAIL": 1}
    assert alert["evidence"]["excerpt"] == "Contact <PERSON> at <EMAIL>"


@pytest.mark.parametrize(
    ("accounts", "recipients"),
    [
        (("uni_main",), ("main-owner@university.example", "head@university.example")),
        (
            ("uni_main", "uni_research"),
            (
                "main-owner@university.example",
                "head@university.example",
                "research-owner@university.example",
            ),
        ),
        (("retired_account",), ("comms@university.example",)),
    ],
)
def test_every_account_a_record_involves_hears_of_it_once(
    accounts: tuple[str, ...], recipients: tuple[str, ...]
) -> None:
    reply = record(1, "watch your back", accounts=accounts)

    [alert], deliveries = built([reply], [detection(reply["id"], "threat", 0.9)])

    assert alert["recipients"] == recipients
    assert [delivery["recipient"] for delivery in deliveries] == list(recipients)


@pytest.mark.parametrize(
    ("category", "score", "immediate_severities", "mode"),
    [
        ("threat", 0.9, ("high", "critical"), "immediate"),  # critical
        ("offensive", 0.9, ("high", "critical"), "immediate"),  # high
        ("offensive", 0.5, ("high", "critical"), "digest"),  # medium
        ("offensive", 0.9, ("critical",), "digest"),  # high, when only critical is immediate
    ],
)
def test_severe_alerts_are_due_now_and_the_rest_at_the_next_digest(
    category: str, score: float, immediate_severities: tuple[str, ...], mode: str
) -> None:
    settings = AlertSettings(immediate_severities=immediate_severities)
    reply = record(1, "text")

    _, deliveries = built([reply], [detection(reply["id"], category, score)], settings=settings)

    due = NOW if mode == "immediate" else next_digest(NOW, settings)
    assert [(d["mode"], d["due_at"]) for d in deliveries] == [(mode, due), (mode, due)]


def test_one_alert_per_record_carries_every_category_at_the_highest_severity() -> None:
    reply = record(1, "you idiot, watch your back, the exams are cancelled")
    detections = [
        detection(reply["id"], "offensive", 0.6),  # offensive-received, medium, 7.17
        detection(reply["id"], "threat", 0.9),  # threat-received, critical, 7.17
        detection(reply["id"], "misleading", 0.7),  # misinformation-received, medium, 7.16
    ]

    alerts, deliveries = built([reply], detections)

    [alert] = alerts
    assert alert["severity"] == "critical"
    described = json.dumps(alert)
    for category in ("offensive", "threat", "misleading"):
        assert category in described
    for clause in ("7.16", "7.17"):
        assert clause in described
    assert len(deliveries) == 2  # owner and line manager, once each
