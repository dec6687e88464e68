"""Which texts could hold a person's name: the NER models run only on those.

A text passes when one of its words is not a common English word, or is a name that is not
among the most frequent English words (in any case: names are often written in lower case),
or is a capitalised name inside a sentence ("thanks Mark", but not "on Monday"). A common
word with an English ending ("refunded", "fails", "internships") that is no name counts as
common, and so do a few words of British student life that wordfreq's list lacks. Web
addresses, email addresses, @handles and hashtags are set aside first: their own recognizers
find them. The evaluation counts the texts holding a name that the pre-filter drops.
"""

from __future__ import annotations

import re

from pipelines.privacy.ner.common_words import CALENDAR_WORDS, common_words, names, telling_names

_SET_ASIDE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|@\w+|#\w+")
_WORD = re.compile(r"[^\W\d_]{2,}")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n)\W*$")
#: Endings that make a common word into another common word, longest first.
_ENDINGS = (
    "ments",
    "ment",
    "ness",
    "ings",
    "ing",
    "ers",
    "er",
    "ied",
    "ies",
    "ed",
    "es",
    "ly",
    "s",
)
#: Words of British student life that are not among wordfreq's most frequent English words.
CAMPUS_WORDS = frozenset(
    """
    resit resits matric postcode postcodes freshers fresher ucas viva vivas subwarden
    timetabled lanyard lanyards
    """.split()
)


def opens_sentence(text: str, index: int) -> bool:
    """Whether the word at ``index`` starts a sentence (so its capital says nothing)."""
    return _SENTENCE_START.search(text, 0, index) is not None


class NamePrefilter:
    """A cheap test, with the word lists loaded once."""

    def __init__(self) -> None:
        self.common = common_words() | CAMPUS_WORDS
        self.names = names() - CALENDAR_WORDS
        self.telling = telling_names()
        self.all_names = names()

    def could_hold_name(self, text: str) -> bool:
        """False only when no word could be (part of) a name."""
        plain = _SET_ASIDE.sub(" ", text)
        for match in _WORD.finditer(plain):
            word = match.group()
            lower = word.lower()
            if lower in self.telling or (
                lower not in self.common and not self._plain_inflected(plain, match)
            ):
                return True
            if (
                word[0].isupper()
                and lower in self.names
                and not opens_sentence(plain, match.start())
            ):
                return True
        return False

    def _plain_inflected(self, text: str, match: re.Match[str]) -> bool:
        """An inflected common word in lower case or opening a sentence ("Thanks Nils" may
        be a name: a capital inside a sentence keeps the text)."""
        word = match.group()
        if word[0].isupper() and not opens_sentence(text, match.start()):
            return False
        return self._inflected(word.lower())

    def _inflected(self, lower: str) -> bool:
        """A common word with an English ending ("refunded", "internships"); neither the
        word nor its stem is a name."""
        if lower in self.all_names:
            return False
        for ending in _ENDINGS:
            stem = lower[: -len(ending)]
            if not lower.endswith(ending) or len(stem) < 3:
                continue
            stems = [stem, stem + "e"]
            if ending in ("ied", "ies"):
                stems = [stem + "y"]
            elif len(stem) > 3 and stem[-1] == stem[-2]:
                stems.append(stem[:-1])  # "planned", "stopping"
            # "edgars" is Edgar's: the stem must be no name either.
            if any(c in self.common and c not in self.all_names for c in stems):
                return True
        return False
