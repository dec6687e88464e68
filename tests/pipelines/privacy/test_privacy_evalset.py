"""The privacy evaluation set: reproducible, two families kept apart, labels on the values."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

import phonenumbers
import pytest

from pipelines.privacy import findings as types
from pipelines.privacy.recognizers.identifiers import luhn_valid
from testing.privacy_eval import FAMILIES, Split, demo_ordinary_texts, generate, pools_of
from testing.privacy_eval.labelled import slots
from testing.privacy_eval.people import family_tokens, fold, shipped_list_tokens, tokens

DEV, REPORT = FAMILIES["dev"], FAMILIES["report"]
SPLITS: tuple[Split, ...] = ("dev", "report")
SAMPLE = {split: generate(600, seed=7, split=split) for split in SPLITS}
STUDENT_NUMBER_CONTEXTS = ("ref", "reference", "no.", "number", "#", "id", "matric", "candidate")
NI = re.compile(r"^[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]$", re.IGNORECASE)
POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$", re.IGNORECASE)


@pytest.mark.parametrize("split", SPLITS)
def test_the_same_seed_gives_the_same_texts_and_another_seed_others(split: Split) -> None:
    first, again = generate(80, seed=3, split=split), generate(80, seed=3, split=split)
    assert first == again
    assert [item.text for item in generate(80, seed=4, split=split)] != [i.text for i in first]


def test_demo_ordinary_texts_are_reproducible_and_hold_no_invented_contact() -> None:
    texts = [item.text for item in demo_ordinary_texts(300, seed=5)]
    assert texts == [item.text for item in demo_ordinary_texts(300, seed=5)]
    assert len(texts) == 300
    assert not any("example.com" in text or "07700" in text for text in texts)


@pytest.mark.parametrize(
    "field", ["name_locales", "address_locales", "iban_locales", "phone_regions", "email_domains"]
)
def test_the_families_share_no_locale_region_or_domain(field: str) -> None:
    assert not set(getattr(DEV, field)) & set(getattr(REPORT, field))


def test_address_and_iban_locales_are_name_locales_of_their_family() -> None:
    for family in (DEV, REPORT):
        assert set(family.address_locales) | set(family.iban_locales) <= set(family.name_locales)


def test_the_families_share_no_template_street_or_filler() -> None:
    def normalised(template: str) -> str:
        return " ".join(template.lower().split())

    for field in ("templates", "ordinary_templates"):
        dev = {normalised(t) for t in getattr(DEV, field)}
        assert not dev & {normalised(t) for t in getattr(REPORT, field)}
    assert not set(DEV.street_stems) & set(REPORT.street_stems)
    for slot, words in REPORT.fillers.items():
        assert not set(words) & set(DEV.fillers.get(slot, ())), slot


def test_no_reported_name_shares_a_token_with_dev_names_or_the_shipped_lists() -> None:
    forbidden = family_tokens(DEV.name_locales) | shipped_list_tokens()
    for pool in pools_of("report"):
        for name in (*pool.given, *pool.family):
            assert not forbidden.intersection(tokens(name)), (pool.locale, name)
    generated = [
        item.text[start:end]
        for item in SAMPLE["report"]
        for kind, start, end in item.spans
        if kind == types.PERSON
    ]
    assert len(generated) > 100
    for name in generated:
        assert not forbidden.intersection(tokens(name)), name


def test_every_reported_locale_still_has_names_after_the_exclusion() -> None:
    for pool in pools_of("report"):
        assert len(pool.given) >= 8 and len(pool.family) >= 8, pool.locale


@pytest.mark.parametrize("split", SPLITS)
def test_every_template_fills_and_every_slot_is_known(split: str) -> None:
    family = FAMILIES[split]
    for template in (*family.templates, *family.ordinary_templates):
        for name, _variant in slots(template):
            assert name in types.PRIORITY or name in family.fillers, (template, name)
    for template in family.ordinary_templates:
        assert not any(name in types.PRIORITY for name, _ in slots(template)), template


@pytest.mark.parametrize("split", SPLITS)
@pytest.mark.parametrize("context", STUDENT_NUMBER_CONTEXTS)
def test_student_numbers_follow_every_context(split: str, context: str) -> None:
    before = [t.lower().split("{student_id}")[0][-18:] for t in FAMILIES[split].templates]
    assert any(context in prefix for prefix in before if prefix)


@pytest.mark.parametrize("split", SPLITS)
def test_labels_point_at_values_of_their_type(split: Split) -> None:
    seen: set[str] = set()
    for item in SAMPLE[split]:
        assert (item.source == "ordinary") == (not item.spans)
        ends = sorted(item.spans, key=lambda span: span[1])
        for (_, _, end), (_, start, _) in itertools.pairwise(ends):
            assert end <= start, item.text
        for kind, start, end in item.spans:
            value = item.text[start:end]
            seen.add(kind)
            assert value == value.strip() and value, (kind, item.text)
            assert looks_like(kind, value), (kind, value)
    assert seen == set(types.PRIORITY)


def looks_like(kind: str, value: str) -> bool:
    compact = re.sub(r"[\s-]", "", value)
    checks: dict[str, Callable[[], object]] = {
        types.EMAIL: lambda: re.fullmatch(r"[a-z0-9._]+@[a-z0-9.-]+\.[a-z]{2,}", value),
        types.PHONE: lambda: phonenumbers.is_valid_number(phonenumbers.parse(value, "GB")),
        types.CARD: lambda: compact.isdigit() and luhn_valid(compact),
        types.IBAN: lambda: mod_97_valid(compact),
        types.NI_NUMBER: lambda: NI.match(value),
        types.POSTCODE: lambda: POSTCODE.match(value),
        types.STUDENT_ID: lambda: value.isdigit() and 7 <= len(value) <= 9,
        types.IP_ADDRESS: lambda: re.fullmatch(r"[\d.]+|[0-9a-f:]+", value),
        types.HANDLE: lambda: re.fullmatch(r"@\w{1,15}", value),
        types.STREET_ADDRESS: lambda: any(char.isdigit() for char in value),
        types.PERSON: lambda: all(
            w.replace("'", "").replace("\u2019", "").isalpha()
            for w in value.replace("-", " ").split()
        ),
    }
    return bool(checks[kind]())


def mod_97_valid(iban: str) -> bool:
    """ISO 13616's check digits, for any country (the detector may know fewer)."""
    rearranged = iban[4:] + iban[:4]
    return 15 <= len(iban) <= 34 and int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def test_reported_names_come_in_every_written_form() -> None:
    names = [
        item.text[start:end]
        for item in SAMPLE["report"]
        for kind, start, end in item.spans
        if kind == types.PERSON
    ]
    assert any(name == name.lower() for name in names)
    assert any("-" in name.split()[-1] for name in names)
    assert any("'" in name or "\u2019" in name for name in names)
    assert any(len(name.split()) == 1 for name in names)
    assert any(len(name.split()) == 3 for name in names)


def test_fold_compares_names_without_case_or_accents() -> None:
    assert fold("José") == fold("jose")
    assert tokens("Colum Ó Mearlaigh-Ó Laoghóg") == ["colum", "o", "mearlaigh", "o", "laoghog"]
