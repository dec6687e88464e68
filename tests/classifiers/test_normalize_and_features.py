"""Normalisation and hashed features: disguises undone, fast path equal to the plain one."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from classifiers.features import HashedNgrams
from classifiers.normalize import TextNormalizer

VOCABULARY = ["fuck you", "this is shit", "such a bitch", "what an idiot"] * 3


@pytest.fixture(scope="module")
def normalizer() -> TextNormalizer:
    return TextNormalizer(min_count=2).fit(VOCABULARY)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("@someone Look at THIS https://t.co/x #Exams", "@user look at this url exams"),
        ("#BuildThatWall and #MAGA2020 #exams", "build that wall and maga 2020 exams"),
        ("soooooo goooood", "soo good"),  # neither "so" nor "god" is in the vocabulary
        ("fuuuuuck you", "fuck you"),  # "fuck" is, "fuuck" is not
        ("f*ck you", "fuck you"),
        ("this is sh1t", "this is shit"),
        ("what an id10t", "what an idiot"),
        ("such a b*tch", "such a bitch"),
        ("f u c k off", "fuck off"),
        ("fish &amp; chips", "fish & chips"),
        ("f@ck you", "fuck you"),  # an "@" inside a word is a disguise, not a mention
        ("mail me@example.ac.uk or @someone", "mail @user or @user"),
        ("what an i.d.i.o.t!", "what an idiot!"),  # dotted letters that make a known word
        ("e.g. this", "e.g. this"),  # ... and only those
        ("such a b i t c h.", "such a bitch."),  # spaced letters before punctuation
        ("a b i t c h", "a bitch"),  # the article stays apart when the rest is a word
        ("fuuuuuck!", "fuck!"),  # a stretched word with punctuation after it
        ("room 101 at 10am", "room 101 at 10am"),  # numbers that are not disguises stay
        # A tag that ASCII camel case cannot split stays one word.
        ("caf\u00e9 #Caf\u00e9Cr\u00e8me", "caf\u00e9 caf\u00e9cr\u00e8me"),
    ],
)
def test_disguises_are_undone(normalizer: TextNormalizer, raw: str, expected: str) -> None:
    assert normalizer(raw) == expected


def test_a_mask_without_a_known_word_is_kept(normalizer: TextNormalizer) -> None:
    assert normalizer("z*zz") == "z*zz"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Women are great", "_g_ are great"),
        ("#BuildThatWall say the Trump fans", "build that _t_ say the _t_ fans"),
        ("transgenders and trans people", "_g_ and _g_ people"),
        ("the LGBTQ+ society meets at 6", "the _g_ society meets at 0"),
        ("room 101 at 10am, 2,500 seats", "room 0 at 10am, 0 seats"),
        ("womens wallet", "womens wallet"),  # whole words only
    ],
)
def test_topics_groups_and_numbers_are_masked(raw: str, expected: str) -> None:
    masking = TextNormalizer(mask_topics=True).fit(VOCABULARY)
    assert masking(raw) == expected
    # Word for word aligned with the readable form, which keeps the writer's words.
    readable = masking.readable(raw)
    assert len(readable.split()) == len(expected.split())
    assert "_g_" not in readable and "_t_" not in readable


TEXTS = ["you are great", "what an idiot", "good luck with the exams!", "", "été à paris 🎉"]


@pytest.fixture(scope="module")
def features() -> HashedNgrams:
    return HashedNgrams(n_features=2**12).fit(TEXTS)


def test_fast_scores_equal_the_matrix_product(features: HashedNgrams) -> None:
    weights = np.random.default_rng(1).normal(size=(features.n_features, 3)).astype(np.float32)
    expected = features.transform(TEXTS) @ weights
    assert np.allclose(features.scores(TEXTS, weights), expected, atol=1e-5)


def test_character_and_word_parts_are_scaled_separately(features: HashedNgrams) -> None:
    matrices = features.matrices(TEXTS)
    n_char = features.char_max - features.char_min + 1
    for part in (matrices[:n_char], matrices[n_char:]):
        # Each occurrence counts once: the squares of a part's weights add up to one.
        squares = sum(
            np.bincount(
                np.repeat(np.arange(len(TEXTS)), np.diff(m.indptr)),
                weights=m.data.astype(np.float64) ** 2,
                minlength=len(TEXTS),
            )
            for m in part
        )
        assert np.allclose(np.delete(squares, 3), 1.0, atol=1e-5)
    assert all(matrix[3].nnz == 0 for matrix in matrices)  # the empty text has no features


def test_word_shares_add_up_to_the_score(features: HashedNgrams) -> None:
    weights = np.random.default_rng(2).normal(size=features.n_features).astype(np.float32)
    shares = features.word_shares(TEXTS, features.matrices(TEXTS), weights)
    scores = features.scores(TEXTS, weights[:, None])[:, 0]
    for text_shares, score in zip(shares, scores, strict=True):
        assert sum(text_shares.values()) == pytest.approx(score, abs=1e-4)
    assert set(shares[1]) == {"what", "an", "idiot"}


def test_word_shares_name_the_displayed_words(features: HashedNgrams) -> None:
    texts = ["_g_ are great", "what an idiot"]
    weights = np.random.default_rng(3).normal(size=features.n_features).astype(np.float32)
    matrices = features.matrices(texts)
    shown = features.word_shares(texts, matrices, weights, display=["women are great", "x"])
    plain = features.word_shares(texts, matrices, weights)
    assert set(shown[0]) == {"women", "are", "great"}
    assert shown[0]["women"] == pytest.approx(plain[0]["_g_"])
    assert set(shown[1]) == {"what", "an", "idiot"}  # word counts differ: not renamed


def test_hashes_do_not_depend_on_the_process() -> None:
    """Models are stored as hashed columns: they must mean the same in every process."""
    program = (
        "from classifiers.features import HashedNgrams;"
        "f = HashedNgrams(2**20); f.idf_ = __import__('numpy').ones(2**20, 'float32');"
        "print(sorted(f.matrices(['stable hashing'])[0].indices.tolist())[:5])"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", program],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1


@pytest.mark.parametrize(
    "text",
    ["f*ck", "sh1t", "a55hole", "f**", "x b i t c h", "b i t c h", "i.d.i.o.t", "s#1t", "sh1*"],
)
def test_the_quick_scan_never_misses_a_disguise(text: str) -> None:
    from classifiers.normalize import _SUSPICIOUS, _might_be_disguised

    assert _SUSPICIOUS.search(text) and _might_be_disguised(text)


def test_the_quick_scan_skips_plain_text() -> None:
    from classifiers.normalize import _might_be_disguised

    assert not _might_be_disguised("covid19 cases rose 20% in 2020, says the who")


#: Pieces that the normaliser's expressions care about, for random texts.
_PIECES = [
    *"abcfkstuz0134*#$@.",
    " ",
    "  ",
    "\n",
    "\t",
    "A",
    "B",
    "\u00e9",
    "\U0001f602",
    "\x00",
    "&amp;",
    "#Tag",
    "@user",
    "http://x",
    "\u0130",
    "\u03a3",
    "\ud800",
]


def test_a_batch_is_normalised_as_each_text_alone(normalizer: TextNormalizer) -> None:
    """``readable_many`` rules texts out of expressions by whole-batch scans; the strings
    must still be those of ``readable``, for any text (random texts of the pieces above)."""
    import random

    rng = random.Random(14)
    for _ in range(200):
        texts = [
            "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 25)))
            for _ in range(rng.randint(0, 40))
        ]
        assert normalizer.readable_many(texts) == [normalizer.readable(t) for t in texts]


@pytest.mark.parametrize(
    "texts",
    [
        ["plain words", "room 101 at 10am"],
        ["f*ck", "plain"],
        ["plain", "sh1t", "x b i t c h"],
        ["i.d.i.o.t", "soooo", ""],
        ["@user   @user", "!!!"],
    ],
)
def test_the_batch_scans_flag_what_the_expressions_match(texts: list[str]) -> None:
    from classifiers import quick_scans
    from classifiers.normalize import _THREE_IN_A_ROW, _might_be_disguised

    assert quick_scans.might_be_disguised(texts).tolist() == [_might_be_disguised(t) for t in texts]
    assert quick_scans.three_in_a_row(texts).tolist() == [
        _THREE_IN_A_ROW.search(t.replace(" ", "")) is not None for t in texts
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lgbtq+wall 12 women", "lgbtq+_t_ 0 _g_"),  # "lgbtq+" is not a word of its own here
        ("the lgbtq+ society and lgbtq folk", "the _g_ society and _g_ folk"),
        ("gay+women", "gay+_g_"),
        ("women's 2,500 trump-voters x1 3.5", "_g_'s 0 _t_-voters x1 0"),
        ("women and womens", "_g_ and womens"),  # one occurrence left as it was
    ],
)
def test_masking_gives_the_letters_of_the_masked_text(text: str, expected: str) -> None:
    from classifiers.masks import LETTERS, mask_with_letters

    masked, letters = mask_with_letters(text)
    assert masked == expected
    assert letters == set(LETTERS.findall(masked))


def test_a_stretched_word_becomes_the_more_common_spelling() -> None:
    counted = TextNormalizer(min_count=1).fit(["fuck"] * 5 + ["fuuck"] * 2 + ["good"] * 4 + ["god"])
    assert counted("fuuuuuck you") == "fuck you"  # both known, "fuck" more common
    assert counted("goooood") == "good"  # "god" is known too, but rarer
    del counted.counts_  # a model file from before the counts were kept
    assert counted("fuuuuuck you") == "fuuck you"
