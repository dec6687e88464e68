"""Which texts could hold a person's name: the NER models run only on those.

A text passes when one of its words is not a common English word (any case: names are often
written in lower case) or is a capitalised given name inside a sentence ("thanks Mark").
Web addresses, email addresses and @handles are set aside first: their own recognizers find
them. The evaluation checks that no text holding a name is dropped.
"""

from __future__ import annotations

import re

from pipelines.privacy.ner.common_words import common_words, given_names

_SET_ASIDE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|@\w+|#\w+")
_WORD = re.compile(r"[^\W\d_]{2,}")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n)\W*$")


class NamePrefilter:
    """A cheap test, with the word lists loaded once."""

    def __init__(self) -> None:
        self.common = common_words()
        self.given = given_names()

    def could_hold_name(self, text: str) -> bool:
        """False only when every word is common and no given name is capitalised mid-sentence."""
        plain = _SET_ASIDE.sub(" ", text)
        for match in _WORD.finditer(plain):
            word = match.group()
            lower = word.lower()
            if lower not in self.common:
                return True
            if (
                word[0].isupper()
                and lower in self.given
                and not _SENTENCE_START.search(plain, 0, match.start())
            ):
                return True
        return False
