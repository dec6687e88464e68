"""Masking offensive words in alert emails: ``f*cking`` → ``f******``.

A word is masked when the offensive model, given that word alone, is sure it
is offensive (0.8), or fairly sure (0.5) and it was among the top terms of an
offensive or hate detection on the record. Disguised spellings are compared after the same
normalisation the models use, so ``sh1t`` is masked like ``shit``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from classifiers.model_set import ClassifierSet

_TOKEN = re.compile(r"\S+")
_EDGES = ".,!?;:'\"()[]{}"
#: How sure the offensive model must be about a word on its own to mask it; a lower bar
#: for the words that drove the record's offensive or hate detection.
WORD_THRESHOLD = 0.8
FLAGGED_WORD_THRESHOLD = 0.5


class OffensiveMasker:
    """Masks offensive words in redacted excerpts (callable)."""

    def __init__(self, classifiers: ClassifierSet | None, enabled: bool = True) -> None:
        self.classifiers = classifiers
        self.enabled = enabled and classifiers is not None
        self._scores: dict[str, float] = {}

    def __call__(self, text: str, flagged_terms: Sequence[str] = ()) -> str:
        if not self.enabled or not text:
            return text
        assert self.classifiers is not None
        normalize = self.classifiers.normalizer
        flagged = {normalize(term) for term in flagged_terms}
        cores = {m.group(0).strip(_EDGES) for m in _TOKEN.finditer(text)}
        self._judge(sorted(core for core in cores if core and core not in self._scores))

        def mask(match: re.Match[str]) -> str:
            token = match.group(0)
            core = token.strip(_EDGES)
            if not core or "<" in core:  # redaction placeholders stay readable
                return token
            score = self._scores.get(core, 0.0)
            bar = FLAGGED_WORD_THRESHOLD if normalize(core) in flagged else WORD_THRESHOLD
            if score >= bar:
                start = token.index(core)
                hidden = core[0] + "*" * (len(core) - 1)
                return token[:start] + hidden + token[start + len(core) :]
            return token

        return _TOKEN.sub(mask, text)

    def _judge(self, words: list[str]) -> None:
        if not words:
            return
        assert self.classifiers is not None
        for word, result in zip(words, self.classifiers.score(words, explain=False), strict=True):
            self._scores[word] = result.scores["offensive"]
