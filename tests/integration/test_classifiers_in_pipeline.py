"""The classifiers inside `socmon process`: detections from raw text, nothing raw stored."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from pipelines.usecases.process import process
from schemas.records import Author, Record
from testing.synthetic import generate_records, record_line
from tests.conftest import SettingsFactory
from tests.integration.helpers import query, replay

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
    found = {(row[0], row[1]) for row in rows}
    assert found == {
        ("x:8100001", "offensive"),
        ("x:8100002", "threat"),
        ("x:8100005", "misleading"),
    }
    for _, category, clause, score, evidence, versions in rows:
        details = json.loads(evidence)
        assert clause == ("7.16" if category == "misleading" else "7.17")
        assert score >= details["threshold"]
        assert details["model_versions"] and category in versions
        assert details["top_terms"] or details.get("matched_claim")
    offensive = json.loads(next(row[4] for row in rows if row[1] == "offensive"))
    assert "fucking" in offensive["top_terms"]
    stored = " ".join(str(value) for row in rows for value in row).lower()
    for personal in ("jonathan", "whitfield", "jwb1987", "example.com"):
        assert personal not in stored
    misleading = json.loads(next(row[4] for row in rows if row[1] == "misleading"))
    assert misleading["matched_claim"]["id"] == "exams-cancelled"
    languages = dict(query(settings, "SELECT id, text_lang FROM records WHERE NOT scored"))
    assert languages == {"x:8100003": "fr"}
    assert query(
        settings, "SELECT records_unscored FROM runs WHERE run_id = ?", (result.run_id,)
    ) == [(1,)]


def test_scoring_can_be_switched_off(make_settings: SettingsFactory, tmp_path: Path) -> None:
    settings = make_settings(classifiers={"enabled": False})
    replay(settings, [record_line(record) for record in RECORDS], tmp_path / "in.jsonl")

    process(settings)

    assert query(settings, "SELECT count(*) FROM detections WHERE detector = 'classifiers'") == [
        (0,)
    ]
    assert query(settings, "SELECT count(*) FROM records WHERE scored IS NULL") == [(5,)]
