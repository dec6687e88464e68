"""Policy rules and clauses: read from YAML, validated once at start, explained when wrong.

A rule fires on a record either through a detection (``category`` with an
optional score band) or through text (``terms_file`` of whole words or
phrases, or a ``pattern``), can be limited to accounts, kinds and to who
wrote the item (an official account or a member of the public), and maps
to a policy clause, a severity and an action written for a line manager.

A *pattern* (``patterns:`` in the same file) fires on many stored items at once: one
author hostile under several threads or to several people (``repeat_offender``), many
authors hostile to one thread or one person within minutes (``pile_on``), or a sudden rise
of hostile replies on one account (``brigading``). :mod:`pipelines.alerts.patterns`
evaluates them over stored detections after each commit.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pipelines.settings.alerts import DEFAULT_POLICY, DEFAULT_RULES
from schemas.config_files import load_validated
from schemas.errors import SocmonError
from schemas.vocabulary import DetectionCategory, Severity


class RulesError(SocmonError):
    """The rules or policy file is missing or invalid; the message names the entry."""


class Rule(BaseModel):
    """One policy rule."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")
    description: str
    category: DetectionCategory | None = None
    min_score: float = Field(default=0.0, ge=0, le=1)
    max_score: float | None = Field(default=None, gt=0, le=1)
    terms_file: str | None = None
    pattern: str | None = None
    unless_pattern: str | None = None
    authored_by: Literal["official", "public", "any"] = "any"
    kinds: tuple[Literal["post", "reply", "comment", "mention"], ...] = ()
    accounts: tuple[str, ...] = ()
    clause: str = Field(pattern=r"^\d+(\.\d+)*$")
    severity: Severity
    action: str = Field(min_length=10)

    @model_validator(mode="after")
    def _one_trigger(self) -> Rule:
        triggers = [
            self.category is not None,
            self.terms_file is not None,
            self.pattern is not None,
        ]
        if sum(triggers) != 1:
            raise ValueError("needs exactly one of category, terms_file, pattern")
        for name in ("pattern", "unless_pattern"):
            value = getattr(self, name)
            if value is not None:
                try:
                    re.compile(value)
                except re.error as error:
                    raise ValueError(f"{name} is not a valid regular expression: {error}") from None
        return self


#: Detections that make an item hostile for the patterns, unless a pattern names its own.
HOSTILE_CATEGORIES: tuple[DetectionCategory, ...] = ("offensive", "hate", "threat")


class _PatternBase(BaseModel):
    """What every pattern has: an id, a window, which detections count, clause and action."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")
    description: str
    window_minutes: int = Field(
        ge=1, le=60 * 24 * 31, description="Items are counted in windows of this length."
    )
    categories: tuple[DetectionCategory, ...] = Field(
        default=HOSTILE_CATEGORIES, min_length=1, description="Detections that count as hostile."
    )
    min_score: float = Field(default=0.0, ge=0, le=1)
    clause: str = Field(pattern=r"^\d+(\.\d+)*$")
    severity: Severity
    action: str = Field(min_length=10)


class RepeatOffender(_PatternBase):
    """One author hostile under at least ``min_threads`` threads or to ``min_people`` people."""

    type: Literal["repeat_offender"]
    min_threads: int | None = Field(default=None, ge=2)
    min_people: int | None = Field(default=None, ge=2)

    @model_validator(mode="after")
    def _a_threshold(self) -> RepeatOffender:
        if self.min_threads is None and self.min_people is None:
            raise ValueError("needs min_threads, min_people or both")
        return self


class PileOn(_PatternBase):
    """At least ``min_authors`` different authors hostile to one thread or one person."""

    type: Literal["pile_on"]
    subject: Literal["thread", "person"]
    min_authors: int = Field(ge=2)


class Brigading(_PatternBase):
    """Hostile replies on one account in a window: at least ``min_count`` and ``factor``
    times its usual rate over the ``baseline_days`` before the window."""

    type: Literal["brigading"]
    factor: float = Field(gt=1)
    min_count: int = Field(ge=2)
    baseline_days: int = Field(default=28, ge=1, le=366)


PatternRule = Annotated[RepeatOffender | PileOn | Brigading, Field(discriminator="type")]


class RuleSet(BaseModel):
    """The rules file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = Field(ge=1)
    rules: tuple[Rule, ...] = Field(min_length=1)
    patterns: tuple[PatternRule, ...] = ()

    @model_validator(mode="after")
    def _unique_ids(self) -> RuleSet:
        ids = [rule.id for rule in (*self.rules, *self.patterns)]
        repeated = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
        if repeated:
            raise ValueError(f"rule ids must be unique; repeated: {', '.join(repeated)}")
        return self


class Clause(BaseModel):
    """A policy clause as emails name it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    summary: str


class Policy(BaseModel):
    """The policy file: clause summaries and where the document is."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int
    document_url: str = Field(pattern=r"^https?://")
    clauses: dict[str, Clause]


class LoadedRules:
    """Validated rules with their term lists and compiled patterns, and the policy."""

    def __init__(self, rules: RuleSet, policy: Policy, terms: dict[str, re.Pattern[str]]) -> None:
        self.rules = rules
        self.policy = policy
        self.terms = terms
        self.patterns = {
            rule.id: re.compile(rule.pattern, re.IGNORECASE) for rule in rules.rules if rule.pattern
        }
        self.unless = {
            rule.id: re.compile(rule.unless_pattern, re.IGNORECASE)
            for rule in rules.rules
            if rule.unless_pattern
        }

    @property
    def version(self) -> str:
        return f"rules-v{self.rules.version}"


def load_policy(policy_path: Path = DEFAULT_POLICY) -> Policy:
    """The policy clauses, validated; raise ``RulesError`` naming the field."""
    return load_validated(policy_path, Policy, RulesError)


def load_rules(rules_path: Path = DEFAULT_RULES, policy_path: Path = DEFAULT_POLICY) -> LoadedRules:
    """Read, validate and compile; raise ``RulesError`` naming the rule and field."""
    rules = load_validated(
        rules_path, RuleSet, RulesError, item_labels={"rules": "rule", "patterns": "pattern"}
    )
    policy = load_policy(policy_path)
    named = {rule.clause for rule in (*rules.rules, *rules.patterns)}
    missing = sorted(named - set(policy.clauses))
    if missing:
        raise RulesError(f"{rules_path}: clauses not described in {policy_path}: {missing}")
    terms = {}
    for rule in rules.rules:
        if rule.terms_file:
            path = (rules_path.parent / rule.terms_file).resolve()
            if not path.is_file():
                raise RulesError(f"{rules_path}: rule {rule.id}: terms_file {path} does not exist")
            words = [
                line.strip()
                for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.lstrip().startswith("#")
            ]
            if not words:
                raise RulesError(f"{path}: no terms")
            alternatives = "|".join(
                re.escape(word) for word in sorted(words, key=len, reverse=True)
            )
            terms[rule.id] = re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)
    return LoadedRules(rules, policy, terms)
