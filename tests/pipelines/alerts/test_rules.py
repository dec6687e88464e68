"""Policy rules: which rule a detection or a text makes fire, and rule files that are refused.

The shipped ``rules.yaml`` is tested through example tables: each row is a
record (who wrote it, what kind) and its detections, and the rules that must
fire on it with their clause and severity. No service is needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pipelines.alerts.build import _fires
from pipelines.alerts.rules import LoadedRules, RulesError, load_rules
from tests.pipelines.alerts.examples import detection, record

SHIPPED = load_rules()
POLICY = {
    "version": 1,
    "document_url": "https://policy.example/social",
    "clauses": {"7.17": {"title": "Received", "summary": "Reported at once."}},
}
RULE = {
    "id": "custom",
    "description": "A rule of the test's own.",
    "category": "threat",
    "clause": "7.17",
    "severity": "high",
    "action": "Tell the line manager today.",
}


def fired(
    staged: dict[str, Any], detections: list[dict[str, Any]], rules: LoadedRules = SHIPPED
) -> list[str]:
    """Ids of the rules that fire on ``staged``, in the order of the rules file."""
    return [
        rule.id for rule in rules.rules.rules if _fires(rule, rules, staged, detections) is not None
    ]


def rule(rule_id: str) -> tuple[str, str]:
    """(clause, severity) of a shipped rule."""
    [found] = [candidate for candidate in SHIPPED.rules.rules if candidate.id == rule_id]
    return found.clause, found.severity


@pytest.mark.parametrize(
    ("category", "score", "expected"),
    [
        ("threat", 0.9, ["threat-received"]),
        ("threat", 0.5, ["threat-received"]),  # min_score is inclusive
        ("threat", 0.49, []),
        ("hate", 0.7, ["hate-received"]),
        ("hate", 0.5, ["hate-received"]),  # max_score of the lower band is exclusive
        ("hate", 0.3, ["hate-received-possible"]),
        ("offensive", 0.85, ["abuse-received"]),
        ("offensive", 0.84, ["offensive-received"]),
        ("offensive", 0.1, ["offensive-received"]),
        ("misleading", 0.1, ["misinformation-received"]),
        ("personal_data", 1.0, []),  # a member of the public's own data is not our post
    ],
)
def test_a_detection_on_a_public_reply_fires_the_rule_of_its_band(
    category: str, score: float, expected: list[str]
) -> None:
    reply = record(1, "some reply")
    assert fired(reply, [detection(reply["id"], category, score)]) == expected


@pytest.mark.parametrize(
    ("category", "score", "expected"),
    [
        ("personal_data", 0.6, ["official-post-personal-data"]),
        ("offensive", 0.5, ["official-post-offensive"]),
        ("offensive", 0.49, []),
        ("misleading", 0.8, ["official-post-misleading"]),
        ("misleading", 0.79, []),  # our own posts need a confident score
        ("threat", 0.99, []),  # threats are rules on what we receive
        ("hate", 0.99, []),
    ],
)
def test_a_detection_on_an_official_post_fires_only_the_official_rules(
    category: str, score: float, expected: list[str]
) -> None:
    post = record(2, "our post", official=True, kind="post")
    assert fired(post, [detection(post["id"], category, score)]) == expected


@pytest.mark.parametrize(
    ("rule_id", "clause", "severity"),
    [
        ("threat-received", "7.17", "critical"),
        ("hate-received", "7.17", "high"),
        ("hate-received-possible", "7.17", "medium"),
        ("abuse-received", "7.17", "high"),
        ("offensive-received", "7.17", "medium"),
        ("misinformation-received", "7.16", "medium"),
        ("official-post-personal-data", "7.13", "high"),
        ("official-post-offensive", "7.16", "high"),
        ("official-post-misleading", "7.16", "high"),
        ("official-post-confidential", "7.16", "high"),
        ("vacancy-without-link", "7.9.2", "low"),
    ],
)
def test_each_shipped_rule_maps_to_its_clause_and_severity(
    rule_id: str, clause: str, severity: str
) -> None:
    assert rule(rule_id) == (clause, severity)
    assert clause in SHIPPED.policy.clauses


def test_every_detection_of_a_record_is_looked_at() -> None:
    reply = record(3, "a reply")
    detections = [
        detection(reply["id"], "offensive", 0.9),
        detection(reply["id"], "threat", 0.7),
        detection(reply["id"], "misleading", 0.2),
    ]
    assert fired(reply, detections) == [
        "threat-received",
        "abuse-received",
        "misinformation-received",
    ]


def test_the_detection_that_fired_is_returned_with_its_score() -> None:
    reply = record(4, "a reply")
    low, high = detection(reply["id"], "hate", 0.2), detection(reply["id"], "hate", 0.9)
    [hate_received] = [r for r in SHIPPED.rules.rules if r.id == "hate-received"]

    assert _fires(hate_received, SHIPPED, reply, [low, high]) == high
    assert _fires(hate_received, SHIPPED, reply, [low]) is None


@pytest.mark.parametrize(
    ("text", "official", "kind", "expected"),
    [
        ("Good news from the merger talks this week", True, "post", ["official-post-confidential"]),
        ("PROJECT NIGHTINGALE starts soon", True, "post", ["official-post-confidential"]),
        ("Ask about the merger talks", False, "reply", []),  # only posts BY official accounts
        ("Our mergers talked about it", True, "post", []),  # whole words only
        ("We're hiring! Vacancy for a technician", True, "post", ["vacancy-without-link"]),
        ("Now recruiting: see jobs.university.example/42", True, "post", []),  # has the link
        ("We're hiring, DM us", True, "reply", []),  # the vacancy rule is for posts
        ("Open day this Saturday, all welcome", True, "post", []),
    ],
)
def test_text_rules_fire_on_official_posts(
    text: str, official: bool, kind: str, expected: list[str]
) -> None:
    assert fired(record(5, text, official=official, kind=kind), []) == expected


@pytest.mark.parametrize(
    ("text", "category", "matched"),
    [
        ("Update on the Merger Talks", "confidential", "Merger Talks"),
        ("We are hiring: job opening in the lab", "policy", "job opening"),
    ],
)
def test_a_text_match_says_what_matched_under_a_category_of_its_own(
    text: str, category: str, matched: str
) -> None:
    post = record(6, text, official=True, kind="post")
    [match] = [
        found
        for candidate in SHIPPED.rules.rules
        if (found := _fires(candidate, SHIPPED, post, [])) is not None
    ]
    assert match == {"category": category, "score": 1.0, "matched": matched}


def custom_rules(tmp_path: Path, *entries: dict[str, Any]) -> LoadedRules:
    """Rules made of ``entries`` (each a ``RULE`` changed), with a policy describing 7.17."""
    document = {"version": 3, "rules": list(entries)}
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    (tmp_path / "policy.yaml").write_text(yaml.safe_dump(POLICY), encoding="utf-8")
    return load_rules(tmp_path / "rules.yaml", tmp_path / "policy.yaml")


def entry(**changes: Any) -> dict[str, Any]:
    """A valid rule with ``changes``; a change to None leaves the field out."""
    fields = {**RULE, **changes}
    return {name: value for name, value in fields.items() if value is not None}


def test_a_rule_can_be_limited_to_accounts_and_kinds(tmp_path: Path) -> None:
    rules = custom_rules(tmp_path, entry(accounts=["uni_research"], kinds=["mention"]))
    assert rules.version == "rules-v3"

    def fires(kind: str, accounts: tuple[str, ...]) -> bool:
        staged = record(7, "text", kind=kind, accounts=accounts)
        return fired(staged, [detection(staged["id"], "threat", 0.9)], rules) == ["custom"]

    assert fires("mention", ("uni_research",))
    assert fires("mention", ("uni_main", "uni_research"))  # any of the record's accounts
    assert not fires("mention", ("uni_main",))
    assert not fires("reply", ("uni_research",))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"pattern": "x"}, "needs exactly one of category, terms_file, pattern"),
        ({"category": None}, "needs exactly one of category, terms_file, pattern"),
        ({"severity": "urgent"}, r"rule custom\.severity"),
        ({"category": "rumour"}, r"rule custom\.category"),
        ({"min_score": 1.5}, r"rule custom\.min_score"),
        ({"action": "Act."}, r"rule custom\.action"),
        ({"category": None, "pattern": "(unclosed"}, "pattern is not a valid regular expression"),
        (
            {"category": None, "terms_file": "missing.txt"},
            "terms_file .*missing.txt does not exist",
        ),
        ({"clause": "9.9"}, r"clauses not described in .*\['9\.9'\]"),
    ],
)
def test_a_bad_rule_is_refused_with_a_message_naming_it(
    tmp_path: Path, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(RulesError, match=message):
        custom_rules(tmp_path, entry(**changes))


def test_repeated_rule_ids_are_refused(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="rule ids must be unique; repeated: custom"):
        custom_rules(tmp_path, entry(), entry())


def test_an_empty_terms_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "terms.txt").write_text("# only a comment\n\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"terms\.txt: no terms"):
        custom_rules(tmp_path, entry(category=None, terms_file="terms.txt"))
