"""Common English words that are not names: what a text made only of them cannot hide.

Built from wordfreq's English list (code Apache-2.0, word lists CC-BY-SA 4.0: used as a
lookup, not redistributed) and the US Census 1990 given-name lists (package ``names``).
A word that is also a given name stays "common" only when it is among the most frequent
English words ("will", "mark", "easter"): rarer ones ("siobhan", "priya") count as possible names.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

#: How many of the most frequent English words count as common.
VOCABULARY_SIZE = 20_000
#: A given name among this many most frequent words is still a common word.
NAME_AS_WORD_RANK = 5_000


@cache
def given_names() -> frozenset[str]:
    """Lower-case given names from the US Census 1990 lists."""
    names: set[str] = set()
    for file_name in ("dist.male.first", "dist.female.first"):
        text = resources.files("names").joinpath(file_name).read_text(encoding="utf-8")
        names.update(line.split()[0].lower() for line in text.splitlines() if line.strip())
    return frozenset(names)


@cache
def common_words() -> frozenset[str]:
    """Lower-case alphabetic English words that are not likely names."""
    from wordfreq import top_n_list

    ranked = [word for word in top_n_list("en", VOCABULARY_SIZE) if word.isalpha()]
    frequent = frozenset(ranked[:NAME_AS_WORD_RANK])
    names = given_names()
    return frozenset(word for word in ranked if word in frequent or word not in names)
