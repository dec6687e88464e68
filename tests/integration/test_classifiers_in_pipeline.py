"""The classifiers inside `socmon process`: detections from raw text, nothing raw stored."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from pipelines.usecases.process import process
from schemas.records import Author, Record
from testing.synthetic import generate_records, record_line
from tests.integration.helpers import count, query, replay
from tests.support import SettingsFactory

pytestmark = pytest.mark.integration

BASE = next(generate_records(1, seed=33))


def reply(number: int, text: str) -> Record:
    return dataclasses.replace(
        BASE,
        id=f"x:{8_100_000 + number}",
        native_id=str(8_100_000 + number),
        kind="reply",
        author=Author(id=f"55{number}", handle=f"someone{number}", is_official=False),
        text=text,
        url=None,
    )


RECORDS = [
    reply(1, "Jonathan Whitfield-Barnes you are a f*cking idiot, email jwb1987@example.com"),
    reply(2, "I know where you live, watch your back"),
    reply(3, "Les inscriptions pour le semestre prochain sont ouvertes demain matin à la fac"),
    reply(4, "Loved the open day, the student guides were brilliant"),
    reply(5, "apparently all the exams are cancelled this year and everyone passes"),
]


def test_detections_carry_scores_versions_and_terms_but_no_personal_data(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    settings = make_settings()
    replay(settings, [record_line(record) for record in RECORDS], tmp_path / "in.jsonl")

    result = process(settings)

    rows = query(
        settings,
        "SELECT record_id, category, policy_clause, score, evidence, detector_version "
        "FROM detections WHERE detector = 'classifiers' ORDER BY record_id, category",
    )
    found = {(row["record_id"], row["category"]) for row in rows}
    assert found == {
        ("x:8100001", "offensive"),
        ("x:8100002", "threat"),
        ("x:8100002", "offensive"),  # a threat is abusive language too (issue 14)
        ("x:8100005", "misleading"),
    }
    evidence = {row["category"]: json.loads(row["evidence"]) for row in rows}
    evidence["offensive"] = next(
        json.loads(row["evidence"])
        for row in rows
        if (row["record_id"], row["category"]) == ("x:8100001", "offensive")
    )
    for row in rows:
        details = json.loads(row["evidence"])
        assert row["policy_clause"] == ("7.16" if row["category"] == "misleading" else "7.17")
        assert row["score"] >= details["threshold"]
        assert details["model_versions"] and row["category"] in row["detector_version"]
        assert details["top_terms"] or details.get("matched_claim")
    assert "fucking" in evidence["offensive"]["top_terms"]
    stored = " ".join(str(value) for row in rows for value in row.values()).lower()
    for personal in ("jonathan", "whitfield", "jwb1987", "example.com"):
        assert personal not in stored
    assert evidence["misleading"]["matched_claim"]["id"] == "exams-cancelled"
    unscored = query(settings, "SELECT id, text_lang FROM records WHERE NOT scored")
    assert unscored == [{"id": "x:8100003", "text_lang": "fr"}]
    [run] = query(settings, "SELECT records_unscored FROM runs WHERE run_id = ?", (result.run_id,))
    assert run["records_unscored"] == 1


def test_scoring_can_be_switched_off(make_settings: SettingsFactory, tmp_path: Path) -> None:
    settings = make_settings(classifiers={"enabled": False})
    replay(settings, [record_line(record) for record in RECORDS], tmp_path / "in.jsonl")

    process(settings)

    assert count(settings, "detections", "detector = 'classifiers'") == 0
    assert count(settings, "records", "scored IS NULL") == 5
