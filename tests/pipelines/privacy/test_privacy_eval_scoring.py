"""Scoring of the privacy evaluation: the overlap rule, verbatim values, false redactions."""

from __future__ import annotations

import pytest

from testing.privacy_eval.labelled import LabelledText
from testing.privacy_eval.scoring import Span, score

TEXT = "Call Ada Obi on 07700 900123 today"
ADA = ("PERSON", 5, 12)
PHONE = ("PHONE", 16, 28)
LABELLED = LabelledText(TEXT, (ADA, PHONE))

# predicted spans -> (person found, person verbatim, phone found, phone verbatim)
CASES: list[tuple[list[Span], tuple[int, int, int, int]]] = [
    ([ADA, PHONE], (1, 0, 1, 0)),
    ([("PERSON", 5, 8), PHONE], (1, 0, 1, 0)),  # "Ada" alone: found; "Ada Obi" no longer whole
    ([("PERSON", 9, 12)], (1, 0, 0, 1)),  # "Obi": overlap counts; the phone stays
    ([("STREET_ADDRESS", 5, 12), ("POSTCODE", 16, 28)], (0, 0, 0, 0)),  # wrong types: not found,
    ([], (0, 1, 0, 1)),  # yet redacted, so not verbatim
    ([("PERSON", 0, 4)], (0, 1, 0, 1)),  # "Call": no overlap
]


@pytest.mark.parametrize(("predicted", "expected"), CASES)
def test_found_means_overlap_of_the_same_type_and_verbatim_means_whole_and_unredacted(
    predicted: list[Span], expected: tuple[int, int, int, int]
) -> None:
    result = score([LABELLED], [predicted])
    person, phone = result.by_type["PERSON"], result.by_type["PHONE"]
    assert (person.found, person.verbatim, phone.found, phone.verbatim) == expected


def test_precision_counts_predictions_that_overlap_a_true_span_of_their_type() -> None:
    result = score([LABELLED], [[ADA, ("PERSON", 0, 4), ("PHONE", 16, 28)]])
    assert result.by_type["PERSON"].precision == 0.5
    assert result.by_type["PHONE"].precision == 1.0
    assert result.group(["PERSON", "PHONE"]).recall == 1.0


def test_overlapping_predictions_are_settled_as_the_detector_settles_them() -> None:
    # A card-shaped phone prediction under a card prediction is dropped, not counted twice.
    result = score([LABELLED], [[PHONE, ("CARD", 16, 28)]])
    assert result.by_type["CARD"].predicted == 1
    assert result.by_type["PHONE"].predicted == 0
    assert result.by_type["PHONE"].verbatim == 0


def test_every_span_in_a_text_without_personal_data_is_a_false_redaction() -> None:
    ordinary = LabelledText("Taylor Swift plays Leeds on 4 May", (), "ordinary")
    demo = LabelledText("Open day this Saturday", (), "demo")
    result = score(
        [LABELLED, ordinary, ordinary, demo],
        [[ADA], [("PERSON", 0, 12), ("STREET_ADDRESS", 19, 24)], [], []],
    )
    assert result.false_redactions_per_1000("ordinary") == 1000.0
    assert result.false_redactions_per_1000("demo") == 0.0
    assert result.by_type["PERSON"].precision == 0.5


def test_a_value_inside_a_longer_word_is_not_left_verbatim() -> None:
    item = LabelledText("Emer? emergency", (("PERSON", 0, 4),))
    assert score([item], [[("PERSON", 0, 4)]]).by_type["PERSON"].verbatim == 0


def test_predictions_must_match_the_texts_one_to_one() -> None:
    with pytest.raises(ValueError, match="2 texts but 1 predictions"):
        score([LABELLED, LABELLED], [[]])
