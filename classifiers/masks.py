"""Words that say whom or what a text is about, masked before features.

A model trained on one data set learns its news cycle: HatEval's hateful
tweets were about a wall, DACA and the president, so the first model took
"#maga" and "potus" for hate and labelled 98 % of a later sample hateful.
Whom a text is about must not decide whether it is abusive; how it speaks
of them must. So the normaliser replaces

* names of protected groups (women, immigrants, Muslims, gay people, …) by
  one placeholder, ``_group_``: "<group> are animals" is learned once for
  every group, and a hateful sentence stays hateful when the target changes;
* political and news-cycle words (parties, politicians, countries, the
  border) by ``_topic_``;
* stand-alone numbers by ``0``.

Slurs are not masked: they are how a text speaks, not whom it names. The
lists are short and explicit on purpose (a reader can see every word), and
each mask replaces one word by one word, so an explanation can name the
original word at the same position.
"""

from __future__ import annotations

import functools
import re

GROUP_PLACEHOLDER = "_group_"
TOPIC_PLACEHOLDER = "_topic_"
NUMBER_PLACEHOLDER = "0"

#: Protected groups, as people name them (slurs excluded: see the module docstring).
GROUP_WORDS = frozenset(
    """
    women woman girls girl females female ladies lady feminists feminist
    immigrants immigrant migrants migrant refugees refugee illegals foreigners foreigner
    asylum aliens
    muslims muslim islam islamic jews jewish christians christian hindus hindu sikhs
    black blacks white whites africans african mexicans mexican asians asian arabs arab
    latinos latino latinas
    hispanics hispanic indians chinese pakistanis somalis syrians romanians
    gays gay lesbians lesbian homosexuals homosexual bisexual lgbt lgbtq lgbtq+ queer queers
    trans transgender transgenders transsexual transsexuals
    disabled autistic deaf
    """.split()
)
#: Politics and the news cycle of the training data: who governs, parties, places.
TOPIC_WORDS = frozenset(
    """
    trump trumps maga kag potus obama hillary clinton biden pence sanders
    democrats democrat dems liberals liberal libs leftists leftist conservatives conservative
    republicans republican gop tories tory labour congress senate government president
    election elections vote votes voted voting brexit antifa nra nfl
    wall border borders immigration daca amnesty deportation
    europe european usa america american americans country countries eu uk britain british
    germany german sweden italy france french spain mexico syria libya africa
    """.split()
)
_PLACEHOLDERS = {word: GROUP_PLACEHOLDER for word in GROUP_WORDS} | {
    word: TOPIC_PLACEHOLDER for word in TOPIC_WORDS
}
_NUMBER = re.compile(r"(?<![\w.,:])\d+(?:[.,:]\d+)*(?!\w)")
_WORD = re.compile(r"[a-z]+\+?")
_DIGIT = re.compile(r"\d")
_KEYS = frozenset(_PLACEHOLDERS)


@functools.lru_cache(maxsize=4096)
def _expression(words: tuple[str, ...]) -> re.Pattern[str]:
    """Whole words only; longest first so that "transgenders" is not read as "trans"."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w+])(?:{alternatives})(?![\w+])")


def mask(text: str) -> str:
    """``text`` (normalised: lowercase, single spaces) with groups, topics and numbers masked."""
    # Most texts name no group or topic: a set intersection finds out faster than the
    # alternation of every listed word would (this is the hot path of scoring).
    found = _KEYS.intersection(_WORD.findall(text))
    if found:
        text = _expression(tuple(sorted(found))).sub(lambda m: _PLACEHOLDERS[m.group(0)], text)
    if _DIGIT.search(text):
        text = _NUMBER.sub(NUMBER_PLACEHOLDER, text)
    return text
