"""Two offline ways to find person names, compared in the README.

* :class:`NameListPersonRecognizer` — capitalised words where the first is a
  known given name (US Census 1990 frequency lists, public domain, shipped in
  the PyPI package ``names``, MIT) followed by a capitalised surname, or a
  given name right after a cue ("thanks", "my name is"), or any capitalised
  words after a title (Mr, Dr, Prof, …).
* :class:`ContextPersonRecognizer` — no list: titles and cues, plus pairs of
  capitalised words that are not common English or university words.

Both run beside the statistical NER models of :mod:`pipelines.privacy.recognizers.ner`,
which find the names no list holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from pipelines.privacy.findings import PERSON, Finding
from pipelines.privacy.ner.common_words import census_words
from pipelines.privacy.recognizers.base import Recognizer
from pipelines.privacy.recognizers.not_people import NOT_PEOPLE

TITLES = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Lord|Lady|Rev|Revd)\.?"
_NAME_WORD = r"[A-Z][a-z]+(?:['\u2019-][A-Z]?[a-z]+)?"
_TITLED = re.compile(rf"\b{TITLES}\s+(?:{_NAME_WORD}\s+){{0,2}}{_NAME_WORD}\b")
_CUE = re.compile(
    r"\b(?:[Mm]y name is|I am|I'm|[Tt]hanks?(?: to)?|[Tt]hank you(?: to)?|[Hh]i|[Hh]ello|[Dd]ear|"
    r"[Cc]ongrats(?: to)?|[Cc]ongratulations(?: to)?|[Aa]sk(?: for)?|[Cc]all|[Ee]mail|"
    r"[Mm]essage|[Cc]c|[Ww]ell done|[Ss]hout out to|"
    r"[Mm]y (?:daughter|son|child|friend|tutor|lecturer|supervisor|mum|mom|dad|wife|husband|"
    r"partner|sister|brother|flatmate|housemate|colleague|manager))[,!]?\s+"
    rf"({_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}})"
)
_SINGLE_WORD = re.compile(rf"\b{_NAME_WORD}\b")
_CAPITALISED_RUN = re.compile(rf"\b{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,2}}\b")

# Capitalised words that are common in comments on university posts but are not names.
COMMON_WORDS = frozenset(
    """
    a about after all also am an and any are as at be because been before being best but by
    can could did do does done down each even every few for from get got great had has have
    he her here hers him his how i if in into is it its just last like made make many may me
    more most much must my never new next no not now of off on once one only or other our out
    over own please same she should so some such than that the their them then there these
    they this those through to too under until up very was we well were what when where which
    while who why will with would yes yet you your thanks thank hi hello dear congrats
    congratulations good well done happy lovely nice amazing brilliant awesome sorry hope
    monday tuesday wednesday thursday friday saturday sunday january february march april
    june july august september october november december today tomorrow yesterday
    university uni college school faculty department student students staff union hall
    library campus open day week term exam exams graduation ceremony research news team
    science sciences computer engineering medicine law arts business history english maths
    physics chemistry biology psychology lecture lectures centre center park building room
    road street lane avenue city town london manchester birmingham leeds glasgow edinburgh
    cardiff bristol liverpool oxford cambridge york england scotland wales ireland britain
    british uk us europe european covid twitter facebook instagram tiktok youtube google
    apple microsoft wifi cafe summer winter spring autumn christmas easter new year free
    public global international national official online live first second third final
    sports club society festival fair tour tours guide guides visit alumni master masters
    phd bachelor degree course courses module modules class year years semester timetable
    ask call email message cc services service support office desk admissions accommodation
    will may mark dean grace hope rose bill art chase page lane major sunny joy faith
    carol wade bishop price king queen prince duke earl baron rich penny sterling
    christian norman german frank august june april hunter mason major miles
    see join read find watch check come look apply book learn meet follow share welcome
    click sign register keep stay enjoy start bring take tell give let help want need love
    note save win miss reach contact discover explore hear watch try order pay post
    """.split()
) | frozenset(
    # Countries and regions that the census lists also hold as given names.
    """
    africa america asia australia brazil canada chad china egypt france georgia germany
    ghana greece holland india iran israel italy jamaica japan jordan kenya korea lebanon
    malaysia mexico nigeria pakistan paris peru poland russia spain sudan syria turkey
    uganda vietnam virginia carolina dakota florida
    """.split()
)


@cache
def _census_names(file_name: str, limit: int) -> frozenset[str]:
    return frozenset(
        word.capitalize()
        for word in census_words(file_name, limit)
        if word not in COMMON_WORDS and word not in NOT_PEOPLE
    )


def given_names() -> frozenset[str]:
    """Given names from the US Census 1990 lists (male and female)."""
    return _census_names("dist.male.first", 1219) | _census_names("dist.female.first", 4275)


def surnames() -> frozenset[str]:
    """Surnames from the US Census 1990 list."""
    return _census_names("dist.all.last", 88799)


class ContextPersonRecognizer(Recognizer):
    """Person names from context alone: titles, cues, uncommon capitalised pairs."""

    name = "person_context"
    entity_type = PERSON
    needs = "upper"

    def find(self, text: str) -> Iterator[Finding]:
        yield from _titled_and_cued(text)
        for match in _CAPITALISED_RUN.finditer(text):
            words = match.group().split()
            if not any(word.lower() in COMMON_WORDS for word in words):
                yield Finding(PERSON, match.start(), match.end(), 0.6)


class NameListPersonRecognizer(Recognizer):
    """Person names anchored on a known given name (or a title)."""

    name = "person_namelist"
    entity_type = PERSON
    needs = "upper"

    def __init__(self) -> None:
        self.given = given_names()
        self.family = surnames()

    def find(self, text: str) -> Iterator[Finding]:
        yield from _titled_and_cued(text)
        # One pass over capitalised words; runs of up to three form candidate full names.
        words = [(m.group(), m.start(), m.end()) for m in _SINGLE_WORD.finditer(text)]
        for word, start, end in words:
            if word in self.given:  # a known given name on its own: weaker evidence
                yield Finding(PERSON, start, end, 0.6)
        for run in _runs(text, words):
            # Drop leading words until one is a given name; the rest must look like surnames.
            while run and run[0][0] not in self.given:
                run = run[1:]
            if len(run) >= 2 and all(
                word in self.family or word.lower() not in COMMON_WORDS for word, _, _ in run[1:]
            ):
                yield Finding(PERSON, run[0][1], run[-1][2], 0.85)


Word = tuple[str, int, int]


def _runs(text: str, words: list[Word], longest: int = 3) -> Iterator[list[Word]]:
    """Consecutive capitalised words separated by whitespace only, in chunks of ``longest``."""
    run: list[Word] = []
    for word in words:
        joined = run and len(run) < longest and text[run[-1][2] : word[1]].isspace()
        if joined:
            run.append(word)
            continue
        if len(run) >= 2:
            yield run
        run = [word]
    if len(run) >= 2:
        yield run


def _titled_and_cued(text: str) -> Iterator[Finding]:
    """Names after a title, or right after a cue such as "thanks" or "my name is"."""
    for match in _TITLED.finditer(text):
        yield Finding(PERSON, match.start(), match.end(), 0.9)
    for match in _CUE.finditer(text):
        words = match.group(1).split()
        kept = []
        for word in words:
            if word.lower() in COMMON_WORDS:
                break
            kept.append(word)
        if kept:
            end = match.start(1) + len(" ".join(kept))
            if text[match.start(1) : end] == " ".join(kept):
                yield Finding(PERSON, match.start(1), end, 0.75)
