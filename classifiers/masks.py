"""Words that say whom or what a text is about, masked before features.

A model trained on one data set learns its news cycle: HatEval's hateful
tweets were about a wall, DACA and the president, so the first model took
"#maga" and "potus" for hate and labelled 98 % of a later sample hateful.
Whom a text is about must not decide whether it is abusive; how it speaks
of them must. So the normaliser replaces

* names of protected groups (women, immigrants, Muslims, gay people, …) by
  one placeholder, ``_g_``: "<group> are animals" is learned once for every
  group, and a hateful sentence stays hateful when the target changes;
* political and news-cycle words (parties, politicians, countries, the
  border) by ``_t_``;
* stand-alone numbers by ``0``.

The placeholders alone carry no weight: training gives the n-grams that lie
wholly inside one (``placeholder_texts``) a naive-Bayes ratio of zero, so
mentioning a group or a topic is no evidence of anything; the words around
it ("<group> are vermin", "welcome <group>") still are.

Slurs are not masked: they are how a text speaks, not whom it names. The
lists are short and explicit on purpose (a reader can see every word), and
each mask replaces one word by one word, so an explanation can name the
original word at the same position.
"""

from __future__ import annotations

import re

#: Written with characters no word has, so that none of their n-grams is also part of a word
#: and the models can be kept from using them alone (``placeholder_texts``).
GROUP_PLACEHOLDER = "_g_"
TOPIC_PLACEHOLDER = "_t_"
NUMBER_PLACEHOLDER = "0"

#: Protected groups, as people name them (slurs excluded: see the module docstring).
GROUP_WORDS = frozenset(
    """
    women woman girls girl females female ladies lady feminists feminist
    immigrants immigrant migrants migrant refugees refugee illegals foreigners foreigner
    asylum aliens
    muslims muslim islam islamic jews jew jewish christians christian hindus hindu sikhs sikh
    roma romani gypsies gypsy
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
#: A stand-alone number: ``_NUMBER`` where ``_AFTER_WORD`` does not match the character before
#: it. (Written as two expressions, as one with the look-behind first would be tried at every
#: position of a text; this one starts with a digit, which the engine finds quickly.)
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*(?!\w)")
_AFTER_WORD = re.compile(r"[\w.,:]")
#: A run of letters: what the threat patterns and the group statements look words up by.
LETTERS = re.compile(r"[a-z]+")
_DIGIT = re.compile(r"\d")
_KEYS = frozenset(_PLACEHOLDERS)
#: The run of letters each placeholder brings ("g" of "_g_").
_PLACEHOLDER_RUNS = {word: placeholder.strip("_") for word, placeholder in _PLACEHOLDERS.items()}
#: Listed words that end in "+" ("lgbtq+"), under their letters ("lgbtq").
_WITH_PLUS = {word[:-1]: word for word in _PLACEHOLDERS if word.endswith("+")}
#: Each listed word where it stands as a word of its own: not inside a longer run of letters,
#: and without a "+" after it unless the "+" is part of the word ("women's" holds "women").
_WHOLE_WORD = {
    # The word first and the look-behind after it: the engine then looks for the word's
    # letters, which is fast, rather than trying the look-behind at every position.
    word: re.compile(
        rf"{re.escape(word)}(?<![a-z]{re.escape(word)})(?![a-z{'' if word.endswith('+') else '+'}])"
    )
    for word in _PLACEHOLDERS
}


def placeholder_texts() -> list[str]:
    """The placeholders as texts, whose n-gram features the models must not use alone."""
    return [GROUP_PLACEHOLDER, TOPIC_PLACEHOLDER]


def mask(text: str) -> str:
    """``text`` (normalised: lowercase, single spaces) with groups, topics and numbers masked."""
    return mask_with_letters(text)[0]


def mask_with_letters(text: str) -> tuple[str, set[str]]:
    """``mask(text)``, and the runs of letters (``LETTERS``) of the masked text.

    Scoring needs both, and the runs are found once. Each replacement takes a whole run
    of letters (with a "+" after it for "lgbtq+") and puts a placeholder with a run of
    its own ("g" of "_g_") in its place; masking numbers changes no run of letters. So the
    runs after masking are those before, less the masked words with no occurrence left,
    plus the placeholders' runs.
    """
    runs = LETTERS.findall(text)
    letters = set(runs)
    # Most texts name no group or topic, and those that do name one or two: a set
    # intersection finds them, and one small expression per word found replaces it (this
    # is the hot path of scoring).
    found = _KEYS.intersection(letters)
    if found:
        replaced: dict[str, int] = {}  # occurrences replaced, by run of letters
        # Words with a "+" first: whether one stands alone ("lgbtq+" but not "lgbtq+wall")
        # is decided before a neighbour is masked (otherwise it would depend on set order).
        with_plus = [_WITH_PLUS[w] for w in found if w in _WITH_PLUS]
        for word in [*with_plus, *found]:
            text, count = _WHOLE_WORD[word].subn(_PLACEHOLDERS[word], text)
            if count:
                run = word.rstrip("+")
                replaced[run] = replaced.get(run, 0) + count
                letters.add(_PLACEHOLDER_RUNS[word])
        for run, count in replaced.items():
            if runs.count(run) == count:
                letters.discard(run)
    if _DIGIT.search(text):
        text = _NUMBER.sub(lambda number: _number_placeholder(number, text), text)
    return text, letters


def _number_placeholder(number: re.Match[str], text: str) -> str:
    """The placeholder for a number that does not go on from a word, a number or a separator."""
    start = number.start()
    stands_alone = start == 0 or _AFTER_WORD.match(text, start - 1) is None
    return NUMBER_PLACEHOLDER if stands_alone else number.group(0)
