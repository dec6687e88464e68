"""The kinds of words around a name that say it names a thing or a person."""

from __future__ import annotations

import pytest

from pipelines.privacy.recognizers.name_context import person_cue, thing_cue


def cues(text: str, name: str) -> tuple[bool, bool]:
    start = text.index(name)
    return thing_cue(text, start, start + len(name)), person_cue(text, start, start + len(name))


# (text, name): a thing cue and no person cue, whatever the name.
THINGS = [
    ("Rewatching Zorba for the third time", "Zorba"),
    ("listening to Marigold on repeat", "Marigold"),
    ("Downloaded Quilla for the group project", "Quilla"),
    ("The Ottoline sale starts Friday", "Ottoline"),
    ("My Ottoline keeps forgetting my alarms", "Ottoline"),
    ("Exams are timetabled on Quilla this year", "Quilla"),
    ("Meet outside Bertram at 7", "Bertram"),
    ("Cried three times during Marigold", "Marigold"),
    ("Selling my copy of Zorba, DM me", "Zorba"),
    ("Cheapest way from here to Halvard?", "Halvard"),
    ("Queue at Bertram was out the door", "Bertram"),
    ("Marigold album on repeat", "Marigold"),
    ("Zorba fans, the bar is showing the match", "Zorba"),
    ("Quilla is down again", "Quilla"),
    ("Quilla keeps crashing in the quiz", "Quilla"),
    ("Marigold came on and everyone sang", "Marigold"),
    ("Ottoline has 20% off this week", "Ottoline"),
    ("Our reading of 'Marigold' is on Monday", "Marigold"),
    ("#Zorba trending again", "Zorba"),
    ("Tess of the Valleys is on the reading list", "Tess"),
    ("Zorba night in the SU on Friday", "Zorba"),
    ("Zorba energy in the library today", "Zorba"),
]


@pytest.mark.parametrize(("text", "name"), THINGS)
def test_a_thing_is_told_by_the_kinds_of_words_around_it(text: str, name: str) -> None:
    assert cues(text, name) == (True, False)


# (text, name): a person cue, with or without a thing cue beside it.
PEOPLE = [
    ("Dr Marigold moved the lecture", "Marigold"),
    ("My flatmate Zorba binged the whole series", "Zorba"),
    ("Thanks Marigold for the notes!", "Marigold"),
    ("Congrats to Quilla Brandt on the first!", "Quilla Brandt"),
    ("Emailed Ottoline about the extension", "Ottoline"),
    ("Watched the film with Marigold last night", "Marigold"),
    ("Zorba said the deadline moved", "Zorba"),
    ("Halvard lent me his charger", "Halvard"),
    ("Listening to Marigold rant about the finale, she is not wrong", "Marigold"),
    ("Zorba and I are going to the gig", "Zorba"),
    ("Our tutor Ottoline marked everything in a day", "Ottoline"),
    ("cc Bertram, the projector is broken", "Bertram"),
]


@pytest.mark.parametrize(("text", "name"), PEOPLE)
def test_a_person_cue_is_found(text: str, name: str) -> None:
    assert cues(text, name)[1] is True


# (text, name): no cue either way (the name model's reading stands).
NEITHER = [
    ("Zorba was so rude to me today", "Zorba"),
    ("Does anyone know Marigold Brandt?", "Marigold Brandt"),
    ("Sarah's album launch is on Friday", "Sarah"),
    ("Bumped into Zorba outside the library", "Zorba"),
]


@pytest.mark.parametrize(("text", "name"), NEITHER)
def test_no_cue_leaves_the_name_alone(text: str, name: str) -> None:
    assert cues(text, name) == (False, False)
