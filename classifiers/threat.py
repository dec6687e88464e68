"""Threats of violence or harm: patterns over normalised text, since no data set labels threats.

A threat here is someone announcing harm to a person or a place: a first- or
second-person intent ("I'm going to …", "you're going to …") joined to a
violent verb and a target, or a known form ("I know where you live", "watch
your back", "shoot up the campus", "kill yourself"). Each pattern carries a
score that says how sure it is; a text gets the highest score of the patterns
it matches. Idioms that use the same verbs without a target ("this exam is
killing me", "we killed it", "I'd kill for a coffee") match nothing, because
every pattern needs a person or place as the object.

How good it is, honestly: precision and recall on the hand-written tables in
``classifiers/robustness.py`` (tested in ``tests/classifiers``) and the rate
at which it fires on the labelled sets are in the model card and the README.
It cannot see a threat phrased in a way no pattern anticipates, it takes
hyperbole ("I'd kill that guy if he spoilt the film") at its word, and it
fires on quoted threats ("he said 'I will kill you'"), which a reviewer
then dismisses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from classifiers.base import TextClassifier
from classifiers.normalize import TextNormalizer

VERSION = "threat-patterns-1"

_INTENT = (
    r"(?:i|we|im|i'm|ima|imma)\s*(?:'ll|will|wil|am going to|'m going to|m going to|are going to|"
    r"'re going to|re going to|gonna|gon|going to|shall|would|'d|wanna|want to|will personally)"
)
_HARM = (
    r"(?:kill|murder|shoot|stab|hurt|bash|punch|bomb|burn|strangle|choke|rape|slit|behead|"
    r"attack|hunt|end|cut|hang|lynch|slap|knock out|fuck up|beat up|torch|smack|stomp|skin)"
)
_PEOPLE = (
    r"(?:person|people|guy|guys|girl|girls|man|men|woman|women|kid|kids|staff|students?|"
    r"lecturers?|teachers?|professors?|admins?|family|mum|mom|dad|wife|husband|children|"
    r"bastards?|bitch|bitches|idiots?|pricks?|twats?|cunts?|fuckers?|scum|lot|_g_)"
)
#: Whom the harm is aimed at: a pronoun, or a determiner with a word for people.
_PERSON = (
    r"(?:you|u|ya|him|her|them|yourself|everyone|everybody|somebody|someone|anyone|y'all|yall|"
    r"_g_|"  # a protected group, masked by the normaliser (classifiers.masks)
    rf"(?:the|this|that|these|those|every|all|each|your|ur|his|their)\s+(?:\w+\s+)?{_PEOPLE})"
)
_PLACE = (
    r"(?:campus|uni|university|school|college|building|office|library|lecture|class|"
    r"hall|halls|department|event|ceremony|place)"
)


@dataclass(frozen=True)
class ThreatPattern:
    """A named regular expression, how sure a match is (0-1), and the words it needs:
    a text with none of them is not searched (most texts have none: that keeps it fast)."""

    name: str
    score: float
    expression: re.Pattern[str]
    needs: frozenset[str]


def _pattern(name: str, score: float, expression: str, needs: str) -> ThreatPattern:
    return ThreatPattern(name, score, re.compile(expression), frozenset(needs.split()))


_WORDS = re.compile(r"[a-z]+")
_HARM_WORDS = (
    "kill murder shoot stab hurt bash punch bomb burn strangle choke rape slit behead attack "
    "hunt end cut hang lynch slap knock fuck beat torch smack stomp skin"
)


PATTERNS: tuple[ThreatPattern, ...] = (
    _pattern(
        "intent to harm a person",
        0.9,
        rf"\b{_INTENT}\s+(?:\w+\s+){{0,2}}?{_HARM}\s+{_PERSON}\b",
        _HARM_WORDS,
    ),
    _pattern(
        "you will be harmed",
        0.85,
        r"\b(?:you|u|ya)\s*(?:'re|are|r|re|will|'ll|ll)\s+(?:going to|gonna|gon)?\s*"
        r"(?:die|be dead|be killed|get (?:shot|stabbed|hurt|killed|beaten|what's coming))\b",
        "die dead killed shot stabbed hurt beaten coming",
    ),
    _pattern(
        "attack on a place",
        0.95,
        rf"\b(?:shoot|shooting|bomb|bombing|blow)\s+up\s+(?:the|this|that|your|ur)\s+{_PLACE}\b",
        "shoot shooting bomb bombing blow",
    ),
    _pattern(
        "attack on a place",
        0.9,
        rf"\b(?:bomb|torch|burn down|attack)\s+(?:the|this|that|your|ur)\s+{_PLACE}\b",
        "bomb torch burn attack",
    ),
    _pattern(
        "knows where you live",
        0.85,
        r"\b(?:i|we)\s+know\s+where\s+(?:you|u|ya|he|she|they)\s+(?:live|lives|work|works|sleep)\b",
        "know",
    ),
    _pattern("watch your back", 0.75, r"\bwatch\s+(?:your|ur|yo)\s+back\b", "watch"),
    _pattern(
        "coming for you",
        0.7,
        rf"\b{_INTENT}\s+(?:come|coming)\s+for\s+(?:you|u|ya|him|her|them)\b",
        "come coming",
    ),
    _pattern(
        "find you",
        0.75,
        rf"\b{_INTENT}\s+(?:find|hunt down|track down|track)\s+(?:you|u|ya|him|her|them)\b"
        r"(?!\s+(?:a|an|some|the|one)\b)",  # "I'll find you a ride" is help, not a threat
        "find hunt track",
    ),
    _pattern(
        "urging self-harm",
        0.8,
        r"\b(?:kill|hang|shoot)\s+(?:yourself|urself|yourselves|your self)\b",
        "yourself urself yourselves self",
    ),
    _pattern(
        "wishing death",
        0.6,
        rf"\b(?:they|he|she|{_PERSON})\s+(?:should|deserves? to|needs? to|ought to)\s+(?:be\s+)?"
        r"(?:die|be killed|be shot|be hanged|hang|be hung|get shot|get killed)\b",
        "die killed shot hanged hang hung",
    ),
    _pattern(
        "beating",
        0.8,
        r"\bbeat\s+the\s+(?:shit|crap|hell|life)\s+out\s+of\s+(?:you|u|ya|him|her|them)\b",
        "beat",
    ),
    _pattern(
        "breaking bones",
        0.8,
        r"\b(?:break|snap)\s+(?:your|ur|his|her|their)\s+"
        r"(?:legs?|neck|face|arms?|jaw|skull|bones)\b",
        "break snap",
    ),
    _pattern(
        "you'll pay",
        0.5,
        r"\b(?:you|u)\s*(?:'ll|will|ll)\s+(?:pay for (?:this|that)|regret (?:this|that|it))\b",
        "pay regret",
    ),
)


class ThreatClassifier(TextClassifier):
    """The highest score of the threat patterns a text matches (0 if none)."""

    name = "threat"
    version = VERSION

    def __init__(
        self, normalizer: TextNormalizer, patterns: Sequence[ThreatPattern] = PATTERNS
    ) -> None:
        self.normalizer = normalizer
        self.patterns = tuple(patterns)

    def predict_proba(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        return np.array([self.score_normalized(self.normalizer(text)) for text in texts])

    def score_normalized(self, text: str, words: set[str] | None = None) -> float:
        """The score of an already normalised text; ``words``, when given, are its runs of
        letters (``[a-z]+``), computed once by the caller."""
        if words is None:
            words = set(_WORDS.findall(text))
        return max(
            (p.score for p in self.patterns if p.needs & words and p.expression.search(text)),
            default=0.0,
        )

    def explain(self, text: str, top: int = 5) -> list[str]:
        return self.explain_normalized(self.normalizer(text), top)

    def explain_normalized(self, text: str, top: int = 5) -> list[str]:
        """The matched phrases, strongest pattern first."""
        matches = []
        for pattern in sorted(self.patterns, key=lambda p: -p.score):
            found = pattern.expression.search(text)
            if found:
                matches.append(found.group(0))
        return matches[:top]
