"""Profanity that only intensifies praise: "this is fucking amazing", "so damn good".

OLID's annotators label any profanity offensive, and the offensive model
learned that; but a line manager reading "just saw them live, fucking
brilliant" sees a happy fan, not abuse. Most offensive false alarms on
ordinary positive tweets are of this kind (``benchmarks/false_alarms.py``).

``praise_intensifiers`` finds, in a normalised text, swear words used as
an adverb before a word of praise ("fucking amazing", "damn good",
"fucking love it"), "the shit" praised ("that shit is lit") and "holy
shit" as an exclamation, when
nobody is addressed or named: no second person and no protected group. A
text with one is scored again without those swear words
(``ClassifierSet``): if the rest is still offensive (an insult, a threat)
it stays flagged, so "fucking amazing, you idiot" is not excused.

The lists are short and explicit on purpose (a reader can see every word).
"""

from __future__ import annotations

import re

from classifiers.masks import GROUP_PLACEHOLDER

#: Swear words that work as an adverb ("fucking great"), as the normaliser spells them.
_INTENSIFIERS = r"(?:fucking|fuckin'?|fkn|fking|freaking|frickin'?|effing|damn|damned|bloody|hella)"
#: Words of praise or delight that an intensifier can stand before.
_PRAISE = (
    r"(?:amazing|awesome|brilliant|great|good|excellent|fantastic|incredible|beautiful|"
    r"gorgeous|lovely|perfect|wonderful|cool|rad|epic|lit|dope|fun|funny|hilarious|cute|"
    r"adorable|delicious|tasty|happy|excited|exciting|proud|blessed|grateful|thankful|"
    r"love|loved|loving|lav|luv|stoked|pumped|best|talented|beautifully|insane|unreal)"
)
#: "fucking amazing", "so damn good": the intensifier and the word of praise.
_BEFORE_PRAISE = re.compile(rf"(?<![\w'])(?P<swear>{_INTENSIFIERS})\s+(?={_PRAISE}(?![\w']))")
#: "that shit is lit", "the shit!": "shit" as the thing praised.
_THE_SHIT = re.compile(
    rf"(?<![\w'])(?:this|that|the)\s+(?P<swear>shit)"
    rf"(?=\s*!|\s+(?:is|was)\s+(?:so\s+)?{_PRAISE}(?![\w']))"
)
#: "holy shit": surprise or delight, not aimed at anyone.
_EXCLAMATION = re.compile(r"(?<![\w'])holy\s+(?P<swear>shit|fuck|crap)(?![\w'])")
#: Whom a text may be aimed at: the second person.
_SECOND_PERSON = re.compile(r"(?<![\w'])(?:you|your|youre|you're|yours|u|ur|ya|yall|y'all)(?!\w)")
#: Words that say a text has any of these phrases (a quick test before the expressions).
_CUE_WORDS = frozenset(
    "fucking fuckin fkn fking freaking frickin effing damn damned bloody hella shit".split()
)


def praise_intensifiers(text: str, letters: set[str] | frozenset[str]) -> list[tuple[int, int]]:
    """The character spans of the swear words in ``text`` (normalised, masked) that only
    intensify praise; none when the text addresses someone or names a protected group.
    ``letters`` are the text's runs of letters (``classifiers.masks.LETTERS``)."""
    if _CUE_WORDS.isdisjoint(letters) or GROUP_PLACEHOLDER in text:
        return []
    if _SECOND_PERSON.search(text):
        return []
    return [
        match.span("swear")
        for expression in (_BEFORE_PRAISE, _THE_SHIT, _EXCLAMATION)
        for match in expression.finditer(text)
    ]


def without_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the spans cut out, spaces collapsed."""
    kept, position = [], 0
    for start, end in sorted(spans):
        kept.append(text[position:start])
        position = end
    kept.append(text[position:])
    return " ".join("".join(kept).split())
