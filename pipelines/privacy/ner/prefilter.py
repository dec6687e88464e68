"""Which texts could hold a person's name: the NER models run only on those.

A text passes when one of its words is not a common English word, or is a name that is not
among the most frequent English words (in any case: names are often written in lower case),
or is a capitalised name inside a sentence ("thanks Mark", but not "on Monday"). Web
addresses, email addresses, @handles and hashtags are set aside first: their own recognizers
find them. The evaluation counts the texts holding a name that the pre-filter drops.
"""

from __future__ import annotations

import re

from pipelines.privacy.ner.common_words import CALENDAR_WORDS, common_words, names, telling_names

_SET_ASIDE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|@\w+|#\w+")
_WORD = re.compile(r"[^\W\d_]{2,}")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n)\W*$")


def opens_sentence(text: str, index: int) -> bool:
    """Whether the word at ``index`` starts a sentence (so its capital says nothing)."""
    return _SENTENCE_START.search(text, 0, index) is not None


class NamePrefilter:
    """A cheap test, with the word lists loaded once."""

    def __init__(self) -> None:
        self.common = common_words()
        self.names = names() - CALENDAR_WORDS
        self.telling = telling_names()

    def could_hold_name(self, text: str) -> bool:
        """False only when no word could be (part of) a name."""
        plain = _SET_ASIDE.sub(" ", text)
        for match in _WORD.finditer(plain):
            word = match.group()
            lower = word.lower()
            if lower not in self.common or lower in self.telling:
                return True
            if (
                word[0].isupper()
                and lower in self.names
                and not opens_sentence(plain, match.start())
            ):
                return True
        return False
