"""Text normalisation before features: the same for training and scoring.

Social-media text hides the words that matter behind noise and on purpose:
mentions and links carry no meaning of their own, letters are stretched
("sooooo"), and abuse is disguised ("f*ck", "sh1t", "b i t c h"). The
normaliser splits hashtags into their words ("#BuildThatWall" → "build that
wall"), lowercases, replaces links and mentions by placeholders, caps
repeated letters at two (or one, when that makes a known word: "fuuuuck"),
undoes leetspeak inside words that mix letters and digits, joins runs of
single letters ("b i t c h") and dotted letters that make a known word,
and resolves masked words (letters with ``*``, ``#`` or ``$`` in them, or
an ``@`` that leetspeak does not explain: "f@ck") against a vocabulary
learned from the training data: the most frequent known word of the same
length that fits the mask.
Last, with ``mask_topics``, the words that say whom or what a text is about
are masked (``classifiers.masks``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from classifiers import quick_scans
from classifiers.masks import LETTERS, mask, mask_with_letters

_URL = re.compile(r"https?://\S+|www\.\S+|\burl\b", re.IGNORECASE)
#: A mention: "@" not inside a word ("f@ck" is a disguise, not a mention).
_WORD_AT = re.compile(r"\w@")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MENTION = re.compile(r"(?<![\w@])@\w+")
_ENTITY = re.compile(r"&(amp|lt|gt|quot|#39);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "#39": "'"}
_REPEATS = re.compile(r"(.)\1{2,}")
#: Whether ``_REPEATS`` has anything to do (a shorter expression: a faster search).
_THREE_IN_A_ROW = re.compile(r"(.)\1\1")
_STRETCHED = re.compile(r"[^\s]*\x00[^\s]*")
_MARKED_PAIR = re.compile(r"(.)\1\x00")
_HASHTAG = re.compile(r"(?<!\S)#(\w+)")
_CAMEL_PART = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
#: A word with a disguise in it: letters mixed with digits or mask characters.
_DISGUISED = re.compile(r"(?<![\w*#$@])[a-z][a-z0-9*#$@]*[0-9*#$@][a-z0-9*#$@]*[a-z*](?![\w*#$@])")
#: Spaced letters ("b i t c h"), possibly followed by punctuation.
_SPACED = re.compile(r"(?<!\S)(?:[a-z] ){2,}[a-z](?![\w*#$@])")
#: Dotted letters ("b.i.t.c.h").
_DOTTED = re.compile(r"(?<![\w.])(?:[a-z]\.){2,}[a-z](?![\w])")
_SUSPICIOUS = re.compile(f"{_DISGUISED.pattern}|{_SPACED.pattern}|{_DOTTED.pattern}")
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_MASK_CHARS = "*#"
#: A word's leading punctuation, the word (letters and stretch marks), its trailing punctuation.
_EDGES = re.compile(r"([^a-z\x00]*)(.*?)([^a-z\x00]*)", re.DOTALL)
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
        self.counts_ = {word: counts[word] for word in vocabulary}
        return self

    def __call__(self, text: str) -> str:
        return self.normalize(text)

    def normalize(self, text: str) -> str:
        """The normalised text (single spaces, no leading or trailing space)."""
        text = self.readable(text)
        return mask(text) if self.mask_topics else text

    def normalize_for_scoring(self, texts: Sequence[str]) -> list[tuple[str, str, set[str]]]:
        """For each text: the normalised text, its readable form and the normalised text's
        runs of letters (``classifiers.masks.LETTERS``, which the threat patterns and group
        statements look words up by) — what scoring needs, each found once, for a batch."""
        result = []
        for readable in self.readable_many(texts):
            if self.mask_topics:
                masked, letters = mask_with_letters(readable)
                result.append((masked, readable, letters))
            else:
                result.append((readable, readable, set(LETTERS.findall(readable))))
        return result

    def readable(self, text: str) -> str:
        """The normalised text before masking: word for word the same words as
        ``normalize`` gives, with the masked ones as they were (for explanations)."""
        text = self._unstretched(self._basic(text))
        return self._undisguised(text) if _might_be_disguised(text) else text

    def readable_many(self, texts: Sequence[str]) -> list[str]:
        """``readable`` of each text, the same strings, faster for a batch: the scans for
        repeated and disguised characters, which few texts pass, are done for the whole batch
        at once (``classifiers.quick_scans``) and rule most texts out of the expressions."""
        prepared = [_prepared(text) for text in texts]
        repeats = quick_scans.three_in_a_row(prepared).tolist()
        basic = [
            self._unstretched(_collapsed(text, repeated))
            for text, repeated in zip(prepared, repeats, strict=True)
        ]
        suspects = quick_scans.might_be_disguised(basic).tolist()
        return [
            self._undisguised(text) if suspect else text
            for text, suspect in zip(basic, suspects, strict=True)
        ]

    def _unstretched(self, text: str) -> str:
        if "\x00" in text:  # a stretched word: two letters, or one if that makes a known word
            text = _STRETCHED.sub(self._unstretch, text)
        return text

    def _undisguised(self, text: str) -> str:
        if _SUSPICIOUS.search(text):
            text = _DISGUISED.sub(self._undisguise, text)
            text = _SPACED.sub(self._unspace, text)
            text = _DOTTED.sub(self._undot, text)
        return text

    @staticmethod
    def _basic(text: str) -> str:
        """Entities, hashtags, case, links, mentions, repeats and spaces (no vocabulary)."""
        text = _prepared(text)
        return _collapsed(text, _THREE_IN_A_ROW.search(text) is not None)

    def _unstretch(self, match: re.Match[str]) -> str:
        """A stretched word with its letters two, or one if that makes a known word that is
        more common: "fuuuuck" → "fuck" (even though a few writers spell "fuuck"); "goooood"
        → "good" (more common than "god"); "zzzzz" → "zz" (punctuation around the word is
        kept: "fuuuuck!" → "fuck!"). Without counts (older model files), a known doubled
        form wins."""
        edges = _EDGES.fullmatch(match.group(0))
        assert edges is not None  # the expression matches any text
        head, word, tail = edges.groups()
        doubled = word.replace("\x00", "")
        single = _MARKED_PAIR.sub(r"\1", word)
        known = self._known_words()
        if single in known and (
            doubled not in known or self.word_count(single) > self.word_count(doubled)
        ):
            return head + single + tail
        return head + doubled + tail

    def word_count(self, word: str) -> int:
        """How often the training texts spell ``word`` (0 when the counts were not kept)."""
        counts: dict[str, int] = getattr(self, "counts_", {})
        return counts.get(word, 0)

    def _unspace(self, match: re.Match[str]) -> str:
        """ "b i t c h" → "bitch"; a leading article stays apart when the rest is a known word
        and the whole is not ("a b i t c h" → "a bitch")."""
        joined = match.group(0).replace(" ", "")
        known = self._known_words()
        if joined[0] in "ai" and joined not in known and joined[1:] in known:
            return f"{joined[0]} {joined[1:]}"
        return joined

    def _undot(self, match: re.Match[str]) -> str:
        """ "b.i.t.c.h" → "bitch" when that is a known word ("e.g" stays)."""
        joined = match.group(0).replace(".", "")
        return joined if joined in self._known_words() else match.group(0)

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
        plain = token.translate(_LEET)
        if "@" in token and plain not in self._known_words():
            # "f@ck": not "fack"; the "@" stands for a letter, as a "*" would.
            resolved = self._resolve_mask(token.replace("@", "*").translate(_LEET))
            if resolved:
                return resolved
        return plain

    def _resolve_mask(self, token: str) -> str | None:
        """The most frequent learned word of the same length that fits the mask."""
        candidates = getattr(self, "by_length_", {}).get(len(token), [])
        pattern = re.compile("".join("[a-z]" if c in _MASK_CHARS else re.escape(c) for c in token))
        return next((word for word in candidates if pattern.fullmatch(word)), None)


#: Simple expressions, each a superset of one of ``_SUSPICIOUS``'s parts: a letter, a disguise
#: and a letter or mask; three single letters; two dotted letters. Three fast scans decide
#: whether the slow one (with its look-behinds at every position) is needed.
#: Each starts with a rare character, which the expression engine finds quickly.
_QUICK_DISGUISED = re.compile(r"(?<=[a-z])[0-9*#$@]+[a-z*]")
_QUICK_SPACED = re.compile(r" [a-z] [a-z] ")
_QUICK_DOTTED = re.compile(r"\.[a-z]\.")


def _prepared(text: str) -> str:
    """Entities decoded, hashtags split, lowercase, placeholders for links and mentions."""
    # Each substitution only runs when its tell-tale character is there (most texts
    # have no entity, link, mention or hashtag): this is the hot path of scoring.
    if "\x00" in text:  # NUL marks stretched letters (``_cap_repeat``)
        text = text.replace("\x00", "")
    if "&" in text:
        text = _ENTITY.sub(lambda m: _ENTITIES[m.group(1)], text)
    if "#" in text:
        text = _HASHTAG.sub(_split_hashtag, text)
    text = text.lower()
    if "http" in text or "www." in text or "url" in text:
        text = _URL.sub(" url ", text)
    if "@" in text:
        if _WORD_AT.search(text):  # an "@" after a letter: an address, or a disguise
            text = _EMAIL.sub(" @user ", text)
        text = _MENTION.sub(" @user ", text)
    return text


def _collapsed(text: str, repeated: bool) -> str:
    """Runs of a character capped at two (``repeated``: the text has one), single spaces.
    A stretched letter's pair is marked with NUL for ``readable``."""
    if repeated:
        text = _REPEATS.sub(_cap_repeat, text)
    return " ".join(text.split())


def _might_be_disguised(text: str) -> bool:
    """False only for a text that none of ``_SUSPICIOUS``'s parts can match (most texts)."""
    return bool(
        _QUICK_DISGUISED.search(text)
        or _QUICK_SPACED.search(" " + text)
        or _QUICK_DOTTED.search(text)
    )


def _cap_repeat(match: re.Match[str]) -> str:
    """Three or more of a character become two; a letter's pair is marked for ``_unstretch``."""
    character = match.group(1)
    return character * 2 + ("\x00" if character.isalpha() else "")


def _split_hashtag(match: re.Match[str]) -> str:
    """``#BuildThatWall`` → ``Build That Wall``; a tag without capitals stays one word."""
    tag = match.group(1)
    parts = _CAMEL_PART.findall(tag)
    return " ".join(parts) if "".join(parts) == tag else tag
