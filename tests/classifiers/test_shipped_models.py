"""The shipped classifiers: robustness tables, languages, claims, files, the CLI contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from classifiers import robustness
from classifiers.base import CATEGORIES
from classifiers.claims import ClaimsFileError, load_claims
from classifiers.model_set import ClassifierSet


@pytest.fixture(scope="module")
def shipped() -> ClassifierSet:
    return ClassifierSet.load()


def flagged(shipped: ClassifierSet, texts: tuple[str, ...], category: str) -> list[bool]:
    return [category in result.labels for result in shipped.score(list(texts))]


@pytest.mark.parametrize("text", robustness.ABUSE_DISGUISED)
def test_disguised_abuse_is_caught(shipped: ClassifierSet, text: str) -> None:
    result = shipped.score([text])[0]
    assert "offensive" in result.labels
    assert result.explanations["offensive"]  # with the words that drove it


@pytest.mark.parametrize("text", robustness.THREATS)
def test_threats_are_caught(shipped: ClassifierSet, text: str) -> None:
    result = shipped.score([text])[0]
    assert "threat" in result.labels
    assert result.explanations["threat"]


HATEFUL_OR_THREATENING = (
    *robustness.THREATS,
    "migrants are vermin and should all be deported",
    "women are too stupid to be engineers",
    "those people are animals, send them all back",
)


def test_hate_and_threats_are_also_offensive(shipped: ClassifierSet) -> None:
    """Hate and threats are abusive language: the labels say so, the offensive score reaches
    its threshold, and the offensive explanation names words of the text."""
    results = shipped.score(list(HATEFUL_OR_THREATENING))
    implying = [r for r in results if {"hate", "threat"} & set(r.labels)]
    assert len(implying) >= len(robustness.THREATS)  # every threat, and some hate
    for text, result in zip(HATEFUL_OR_THREATENING, results, strict=True):
        if not {"hate", "threat"} & set(result.labels):
            continue
        assert "offensive" in result.labels
        assert result.scores["offensive"] >= shipped.thresholds["offensive"]
        terms = result.explanations["offensive"]
        assert terms and all(word in text.lower() for term in terms for word in term.split())


def test_explanations_name_the_words_written_not_placeholders(shipped: ClassifierSet) -> None:
    text = "Women are too stupid to be engineers and immigrants are vermin"
    result = shipped.score([text])[0]
    assert result.labels, "the example should be flagged"
    for terms in result.explanations.values():
        for term in terms:
            assert not term.startswith("_") and term in text.lower()


@pytest.mark.parametrize("text", robustness.NOT_THREATS)
def test_violent_idioms_are_not_threats(shipped: ClassifierSet, text: str) -> None:
    assert "threat" not in shipped.score([text])[0].labels


def test_false_alarm_tables_are_measured_not_assumed(shipped: ClassifierSet) -> None:
    """Quoted abuse, reclaimed words and counter-speech: the rates go in the README; here
    only that reclaimed words are not taken for hate and ordinary comments pass clean."""
    assert not any(flagged(shipped, robustness.RECLAIMED, "hate"))
    ordinary = (
        "Loved the campus tour, the guides were brilliant.",
        "When will the timetable for next term be published?",
        "The queue at the cafe was huge today, more staff please.",
    )
    assert all(not result.labels for result in shipped.score(list(ordinary)))


def test_other_languages_are_marked_unscored(shipped: ClassifierSet) -> None:
    french, short, english = shipped.score(
        [
            "Bonjour à tous, les inscriptions pour le semestre prochain sont ouvertes demain",
            "lol",
            "The library is open all night during the exam weeks this term",
        ]
    )
    assert (french.lang, french.scored) == ("fr", False)
    assert (short.lang, short.scored) == ("und", True)  # too short to tell: still scored
    assert (english.lang, english.scored) == ("en", True)


def test_a_reworded_known_claim_is_matched(shipped: ClassifierSet) -> None:
    result = shipped.score(
        ["apparently all the exams are cancelled this year and everyone passes"]
    )[0]
    assert result.matched_claim == "exams-cancelled"
    assert "misleading" in result.labels
    assert result.explanations["misleading"][0] == "claim:exams-cancelled"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("claims:\n  - id: a\n    claim: b\n", r"claim a\.fact_check: Field required"),
        ("claims:\n  - {id: a, claim: ' ', fact_check: 'https://x.example'}\n", r"claim a\.claim"),
        (
            "claims:\n" + "  - {id: a, claim: b, fact_check: 'https://x.example'}\n" * 2,
            "claims: Value error, claim ids must be unique; repeated: a",
        ),
        ("claims:\n  - {id: a, claim: b, fact_check: 'not a link'}\n", "must be a link"),
        ("claims:\n  - {claim: b, fact_check: 'https://x.example', typo: 1}\n", "claim #0.id"),
        ("nothing: here\n", "claims: Field required"),
        ("claims: [\n", "not valid YAML"),
    ],
)
def test_a_bad_claims_file_names_the_entry(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ClaimsFileError, match=message) as raised:
        load_claims(path)
    assert str(raised.value).startswith(str(path))


def test_the_shipped_claims_file_is_valid() -> None:
    claims = load_claims()
    assert claims and len({claim.id for claim in claims}) == len(claims)


def test_files_round_trip_to_the_same_scores(shipped: ClassifierSet, tmp_path: Path) -> None:
    shipped.save(tmp_path)
    again = ClassifierSet.load(tmp_path)
    texts = [*robustness.ABUSE_DISGUISED, *robustness.COUNTER_SPEECH]
    assert [r.scores for r in again.score(texts)] == [r.scores for r in shipped.score(texts)]


def test_every_category_has_a_version_and_a_probability(shipped: ClassifierSet) -> None:
    assert set(CATEGORIES) <= set(shipped.versions) and all(shipped.versions.values())
    texts = ["you are a f*cking idiot", "Have a lovely weekend everyone"]
    for category in CATEGORIES:
        probabilities = shipped.probabilities(category, texts)
        assert probabilities.shape == (2,) and np.all((probabilities >= 0) & (probabilities <= 1))
    rude, kind = shipped.score(texts)
    assert rude.scores["offensive"] > 0.9 and "fucking" in rude.explanations["offensive"]
    assert not kind.labels


def test_classify_keeps_the_order_reports_bad_lines_and_exits_1(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "text": "you are a f*cking idiot"}),
                "{not json",
                json.dumps({"id": 7, "text": "Have a lovely weekend everyone"}),
                json.dumps({"id": "c"}),
                json.dumps(["a list"]),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    target = tmp_path / "out.jsonl"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "classify",
            "--input",
            str(source),
            "--output",
            str(target),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert completed.returncode == 1, completed.stderr
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [line.get("id", line.get("line")) for line in lines] == ["a", 2, 7, 4, 5]
    assert lines[0]["labels"] == ["offensive"]
    assert set(lines[0]["scores"]) == set(CATEGORIES)
    assert "fucking" in lines[0]["explanations"]["offensive"]
    assert lines[2]["labels"] == [] and lines[2]["explanations"] == {}
    assert "not valid JSON" in lines[1]["error"]
    assert "'text' is missing" in lines[3]["error"]
    assert "expected a JSON object" in lines[4]["error"]


@pytest.mark.parametrize(
    "text",
    ["I know where you live, watch your back", "the admin are useless idiots, all of them"],
)
def test_abuse_that_names_no_group_is_not_hate(shipped: ClassifierSet, text: str) -> None:
    [scores] = shipped.score([text])
    assert "hate" not in scores.labels


def test_the_same_abuse_aimed_at_a_group_can_be_hate(shipped: ClassifierSet) -> None:
    [scores] = shipped.score(["refugees are parasites and should go back"])
    assert "hate" in scores.labels and "offensive" in scores.labels


def test_statements_about_groups_are_read_with_their_negation(shipped: ClassifierSet) -> None:
    """The writer's hateful statement about a group is hate, explained by the group and the
    key word; negated, quoted or welcoming ones are not, whatever the model scores."""
    hateful, negated, quoted, welcoming = shipped.score(
        [
            "Refugees are nothing but vermin.",
            "I don't hate refugees.",
            "'Refugees are vermin' is a hateful thing to write.",
            "Refugees are welcome here.",
        ]
    )
    assert "hate" in hateful.labels and "offensive" in hateful.labels
    assert {"refugees", "vermin"} <= set(hateful.explanations["hate"])
    for result in (negated, quoted, welcoming):
        assert "hate" not in result.labels
        assert result.scores["hate"] < shipped.thresholds["hate"]
