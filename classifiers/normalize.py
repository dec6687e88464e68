"""Text normalisation before features: the same for training and scoring.

Social-media text hides the words that matter behind noise and on purpose:
mentions and links carry no meaning of their own, letters are stretched
("sooooo"), and abuse is disguised ("f*ck", "sh1t", "b i t c h"). The
normaliser splits hashtags into their words ("#BuildThatWall" → "build that
wall"), lowercases, replaces links and mentions by placeholders, caps
repeated letters at two (or one, when that makes a known word: "fuuuuck"),
undoes leetspeak inside words that mix letters and digits, joins runs of
single letters, and resolves masked words (letters with ``*``, ``#`` or ``$``
in them) against a vocabulary learned from the training data: the most
frequent known word of the same length that fits the mask.
Last, with ``mask_topics``, the words that say whom or what a text is about
are masked (``classifiers.masks``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from classifiers.masks import mask

_URL = re.compile(r"https?://\S+|www\.\S+|\burl\b", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
_ENTITY = re.compile(r"&(amp|lt|gt|quot|#39);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "#39": "'"}
_REPEATS = re.compile(r"(.)\1{2,}")
_STRETCHED = re.compile(r"[^\s]*\x00[^\s]*")
_MARKED_PAIR = re.compile(r"(.)\1\x00")
_HASHTAG = re.compile(r"(?<!\S)#(\w+)")
_CAMEL_PART = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
#: A word with a disguise in it: letters mixed with digits or mask characters.
_DISGUISED = re.compile(r"(?<![\w*#$@])[a-z][a-z0-9*#$@]*[0-9*#$@][a-z0-9*#$@]*[a-z*](?![\w*#$@])")
_SPACED = re.compile(r"(?<!\S)(?:[a-z] ){2,}[a-z](?!\S)")
_SUSPICIOUS = re.compile(f"{_DISGUISED.pattern}|{_SPACED.pattern}")
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_MASK_CHARS = "*#"
_WORD = re.compile(r"[a-z]+")


class TextNormalizer:
    """Lowercase, placeholders for links and mentions, disguises undone.

    ``fit`` learns the vocabulary that masked words are resolved against
    (scikit-learn convention: parameters in ``__init__``, learned state ends in ``_``).
    """

    def __init__(
        self, min_count: int = 3, max_vocabulary: int = 50_000, mask_topics: bool = False
    ) -> None:
        self.min_count = min_count
        self.max_vocabulary = max_vocabulary
        self.mask_topics = mask_topics

    def fit(self, texts: Iterable[str]) -> TextNormalizer:
        counts: Counter[str] = Counter()
        for text in texts:
            # Stretched words ("fuuuck") are left out: the vocabulary is how words are spelt.
            plain = " ".join(w for w in self._basic(text).split() if "\x00" not in w)
            counts.update(_WORD.findall(plain))
        vocabulary = [w for w, n in counts.most_common(self.max_vocabulary) if n >= self.min_count]
        self.by_length_: dict[int, list[str]] = {}
        for word in vocabulary:  # most frequent first
            self.by_length_.setdefault(len(word), []).append(word)
        return self

    def __call__(self, text: str) -> str:
        return self.normalize(text)

    def normalize(self, text: str) -> str:
        """The normalised text (single spaces, no leading or trailing space)."""
        text = self.readable(text)
        return mask(text) if self.mask_topics else text

    def normalize_both(self, text: str) -> tuple[str, str]:
        """The normalised text and its readable form (``readable``), computed once."""
        readable = self.readable(text)
        return (mask(readable) if self.mask_topics else readable), readable

    def readable(self, text: str) -> str:
        """The normalised text before masking: word for word the same words as
        ``normalize`` gives, with the masked ones as they were (for explanations)."""
        text = self._basic(text)
        if "\x00" in text:  # a stretched word: two letters, or one if that makes a known word
            text = _STRETCHED.sub(self._unstretch, text)
        if _SUSPICIOUS.search(text):  # one scan decides whether the two below are needed
            text = _DISGUISED.sub(self._undisguise, text)
            text = _SPACED.sub(lambda m: m.group(0).replace(" ", ""), text)
        return text

    @staticmethod
    def _basic(text: str) -> str:
        # Each substitution only runs when its tell-tale character is there (most texts
        # have no entity, link, mention or hashtag): this is the hot path of scoring.
        if "\x00" in text:  # NUL marks stretched letters below
            text = text.replace("\x00", "")
        if "&" in text:
            text = _ENTITY.sub(lambda m: _ENTITIES[m.group(1)], text)
        if "#" in text:
            text = _HASHTAG.sub(_split_hashtag, text)
        text = text.lower()
        if "http" in text or "www." in text or "url" in text:
            text = _URL.sub(" url ", text)
        if "@" in text:
            text = _MENTION.sub(" @user ", text)
        if _REPEATS.search(text):  # a stretched letter is marked with NUL for ``readable``
            text = _REPEATS.sub(_cap_repeat, text)
        return " ".join(text.split())

    def _unstretch(self, match: re.Match[str]) -> str:
        """ "fuuuuck" → "fuck" (a known word); "soooo" → "soo"; "goooood" → "good"."""
        word = match.group(0)
        doubled = word.replace("\x00", "")
        single = _MARKED_PAIR.sub(r"\1", word)
        known = self._known_words()
        if doubled in known or single not in known:
            return doubled
        return single

    def _known_words(self) -> frozenset[str]:
        """The learned vocabulary as a set (built on first use, also after loading)."""
        known: frozenset[str] | None = getattr(self, "known_", None)
        if known is None:
            lengths: dict[int, list[str]] = getattr(self, "by_length_", {})
            known = self.known_ = frozenset(w for words in lengths.values() for w in words)
        return known

    def _undisguise(self, match: re.Match[str]) -> str:
        token = match.group(0)
        if any(mask in token for mask in _MASK_CHARS):
            resolved = self._resolve_mask(token.translate(_LEET))
            if resolved:
                return resolved
        return token.translate(_LEET)

    def _resolve_mask(self, token: str) -> str | None:
        """The most frequent learned word of the same length that fits the mask."""
        candidates = getattr(self, "by_length_", {}).get(len(token), [])
        pattern = re.compile("".join("[a-z]" if c in _MASK_CHARS else re.escape(c) for c in token))
        return next((word for word in candidates if pattern.fullmatch(word)), None)


def _cap_repeat(match: re.Match[str]) -> str:
    """Three or more of a character become two; a letter's pair is marked for ``_unstretch``."""
    character = match.group(1)
    return character * 2 + ("\x00" if character.isalpha() else "")


def _split_hashtag(match: re.Match[str]) -> str:
    """``#BuildThatWall`` → ``Build That Wall``; a tag without capitals stays one word."""
    tag = match.group(1)
    parts = _CAMEL_PART.findall(tag)
    return " ".join(parts) if "".join(parts) == tag else tag
