"""The false-alarm set and the functional tests: reproducible, splits apart, every case labelled."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from classifiers import data, functional, ordinary
from classifiers.ordinary_templates import FAMILY_A, FAMILY_B

SHARED = "A tweet that is in both the sentiment and the emotion set"
TRAINED_ON = "This exact tweet was in the offensive training split"


def write_ordinary(root: Path) -> None:
    """A few tweets in the layout of ``ordinary/`` and one OLID training file."""
    sentiment = [
        ("What a lovely morning on campus", 2),
        ("@someone what a LOVELY morning on campus!!", 2),  # a repeat once normalised
        ("The bus was late again", 0),
        ("Lectures resume on Monday", 1),
        (SHARED, 1),
        (TRAINED_ON, 1),
    ]
    emotion = [("So happy with my results", 1), ("Furious about the fees", 0), (SHARED, 2)]
    for folder, rows in (("tweeteval-sentiment", sentiment), ("tweeteval-emotion", emotion)):
        path = root / "ordinary" / folder
        path.mkdir(parents=True)
        (path / "text.txt").write_text("".join(f"{t}\n" for t, _ in rows), encoding="utf-8")
        (path / "labels.txt").write_text("".join(f"{n}\n" for _, n in rows), encoding="utf-8")
    olid = root / "offensive" / "tweeteval-offensive"
    olid.mkdir(parents=True)
    (olid / "train_text.txt").write_text(f"{TRAINED_ON}\n", encoding="utf-8")
    (olid / "train_labels.txt").write_text("0\n", encoding="utf-8")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write_ordinary(tmp_path)
    return tmp_path


def keys(texts: list[str]) -> set[str]:
    return {data.duplicate_key(text) for text in texts}


# -- the false-alarm set ---------------------------------------------------------------------
@pytest.mark.parametrize("split", ordinary.SPLITS)
def test_ordinary_set_is_built_the_same_way_twice(root: Path, split: str) -> None:
    assert ordinary.build(root, split) == ordinary.build(root, split)


def test_ordinary_splits_share_no_text(root: Path) -> None:
    dev = [item.text for item in ordinary.build(root, "dev")]
    report = [item.text for item in ordinary.build(root, "report")]
    assert not keys(dev) & keys(report)
    assert SHARED in report  # kept where it belongs: the report split
    assert SHARED not in dev


def test_ordinary_set_drops_repeats_and_training_texts(root: Path) -> None:
    dev = [item.text for item in ordinary.build(root, "dev")]
    assert len(dev) == len(keys(dev))
    assert "What a lovely morning on campus" in dev
    assert TRAINED_ON not in dev


@pytest.mark.parametrize(
    ("split", "text", "kind", "group"),
    [
        ("dev", "What a lovely morning on campus", "tweet, positive", ordinary.BENIGN),
        ("dev", "Lectures resume on Monday", "tweet, neutral", ordinary.BENIGN),
        ("dev", "The bus was late again", "tweet, negative", ordinary.NEGATIVE),
        ("report", "So happy with my results", "tweet, joyful", ordinary.BENIGN),
        ("report", "Furious about the fees", "tweet, angry", ordinary.NEGATIVE),
    ],
)
def test_tweets_get_their_kind_and_group(
    root: Path, split: str, text: str, kind: str, group: str
) -> None:
    (item,) = [item for item in ordinary.build(root, split) if item.text == text]
    assert (item.kind, item.group, item.is_ours) == (kind, group, False)


@pytest.mark.parametrize("split", ordinary.SPLITS)
def test_our_texts_cover_every_kind_with_quoted_abuse_apart(root: Path, split: str) -> None:
    ours = [item for item in ordinary.build(root, split) if item.is_ours]
    kinds = {item.kind: item.group for item in ours}
    assert set(kinds) == set(ordinary.TEMPLATE_FAMILIES[split].templates)
    assert kinds["quoted or reported abuse"] == ordinary.QUOTED_OR_COUNTER
    assert kinds["counter-speech"] == ordinary.QUOTED_OR_COUNTER
    assert kinds["announcement"] == ordinary.BENIGN
    assert not any("{" in item.text for item in ours)  # every slot filled


def test_template_families_share_no_text_and_no_filler() -> None:
    family_a = [item.text for item in ordinary.expand(FAMILY_A)]
    family_b = [item.text for item in ordinary.expand(FAMILY_B)]
    assert not keys(family_a) & keys(family_b)
    for slot, fillers in FAMILY_A.fillers.items():
        assert not set(fillers) & set(FAMILY_B.fillers[slot])


def test_unknown_split_and_missing_data_are_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="dev, report"):
        ordinary.build(tmp_path, "test")
    with pytest.raises(data.DataError, match="missing data file"):
        ordinary.build(tmp_path, "dev")


# -- the functional tests --------------------------------------------------------------------
@pytest.mark.parametrize("split", functional.SPLITS)
def test_every_case_has_a_known_function_a_label_and_no_open_slot(split: str) -> None:
    cases = functional.build(split)
    assert cases == functional.build(split)
    assert len({case.id for case in cases}) == len(cases)
    for case in cases:
        function = functional.function_named(case.function)
        assert (case.should_flag, case.flagged_by) == (function.should_flag, function.flagged_by)
        assert case.text.strip()
        assert not re.search(r"\{\w+\}", case.text)


@pytest.mark.parametrize("split", functional.SPLITS)
def test_every_function_has_cases_in_each_split(split: str) -> None:
    functions = {case.function for case in functional.build(split)}
    assert functions == {function.name for function in functional.FUNCTIONS}
    assert {True, False} == {function.should_flag for function in functional.FUNCTIONS}


def test_functional_splits_share_no_text_group_or_slur() -> None:
    dev, report = (functional.build(split) for split in functional.SPLITS)
    assert not keys([c.text for c in dev]) & keys([c.text for c in report])
    assert not set(functional.GROUPS["dev"]) & set(functional.GROUPS["report"])
    assert not set(functional.slurs("dev")) & set(functional.slurs("report"))
    assert not set(functional.NON_PROTECTED["dev"]) & set(functional.NON_PROTECTED["report"])


def test_no_slur_in_the_source_or_in_case_ids() -> None:
    words = [word for split in functional.SPLITS for word in functional.slurs(split)]
    sources = [
        Path(functional.__file__).read_text(encoding="utf-8").lower(),
        Path(functional.__file__).with_name("functional_templates.py").read_text("utf-8").lower(),
    ]
    ids = " ".join(case.id for split in functional.SPLITS for case in functional.build(split))
    for word in words:
        assert all(word not in source for source in sources)
        assert word not in ids.lower()


def test_slur_cases_hold_the_split_slurs_and_their_variants() -> None:
    cases = functional.build("dev")
    plain = [c.text for c in cases if c.function == "slur"]
    variants = [c.text for c in cases if c.function == "slur, spelling variants"]
    for word in functional.slurs("dev"):
        assert any(word in text for text in plain)
        assert not any(word in text for text in variants)


@pytest.mark.parametrize("word", ["shout", "rude", "clown"])
def test_spelling_variants_are_distinct_disguises_of_the_word(word: str) -> None:
    variants = functional.spelling_variants(word)
    assert len(set(variants)) == len(variants) == 5
    assert word not in variants
    assert all(len(variant) >= len(word) for variant in variants)
    assert " ".join(word) in variants


def test_an_unknown_function_lists_the_known_ones() -> None:
    with pytest.raises(KeyError, match="negated hate"):
        functional.function_named("sarcasm")


SHARED_DATA = Path(__file__).parents[2].parent / "shared" / "data"


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED_DATA / "ordinary").is_dir(), reason="no ../shared/data here")
def test_the_real_splits_are_apart_from_each_other_and_from_training_data() -> None:
    dev, report = (ordinary.build(SHARED_DATA, split) for split in ordinary.SPLITS)
    dev_keys = keys([item.text for item in dev])
    report_keys = keys([item.text for item in report])
    assert not dev_keys & report_keys
    assert not (dev_keys | report_keys) & ordinary.training_keys(SHARED_DATA)
    for split in (dev, report):
        groups = Counter(item.group for item in split)
        assert groups[ordinary.BENIGN] > 1000 and groups[ordinary.NEGATIVE] > 1000
        # the headline group mixes real tweets and our own texts
        assert {item.is_ours for item in split if item.group == ordinary.BENIGN} == {True, False}
