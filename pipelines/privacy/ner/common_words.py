"""Word lists for the name pre-filter: common English words, and words that may be names.

* English words: wordfreq's English list (code Apache-2.0, word lists CC-BY-SA 4.0: used as
  a lookup, not redistributed).
* Given names and surnames: the US Census 1990 lists (package ``names``), with romanised
  Chinese, Korean and Vietnamese name syllables written here, since a UK university's
  students carry them and the census lists hardly do.

A text made only of common English words cannot hide a name, unless one of them is also a
name: a name that is one of the most frequent English words ("will", "may", "mark") says
little on its own, a rarer one ("parker", "zhou", "siobhan") is worth a look.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

#: How many of the most frequent English words count as common.
VOCABULARY_SIZE = 20_000
#: A name among this many most frequent English words is not worth a look on its own.
FREQUENT_WORDS = 3_000
#: How many of the census surnames (by frequency) count as names.
SURNAMES = 20_000

#: Capitalised inside a sentence but not names, although the census lists hold some of them.
CALENDAR_WORDS = frozenset(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december spring summer autumn winter season
    easter christmas
    """.split()
)
EAST_ASIAN_NAME_SYLLABLES = frozenset(
    """
    an bai bao bin bo cai cao chang chao chen cheng chun cui dai deng ding dong du fang fei
    feng fu gang gao gu guang guo hai han hao hong hua huang hui jia jian jiang jie jin jing
    jun kai kang lan lei li liang lin ling liu long lu luo mei meng min ming na ning peng
    ping qi qian qiang qin qing rong ru rui shan shen sheng shi shu song su sun tang tao
    tian ting wang wei wen wu xi xia xiang xiao xie xin xiu xu xuan ya yan yang yao ye yi
    yin ying yong yu yuan yun zhang zhao zhen zheng zhi zhong zhou zhu zi
    ahn bae cho choi chung hwang jang jeon jeong jo jung kang kim kwon lee lim moon oh park
    seo shin song yoo yoon
    bui dang dao dinh do duong ha hoang huynh le ly mai ngo nguyen pham phan quang thanh
    thi tran trinh truong van vo vu
    """.split()
)


@cache
def census_words(file_name: str, limit: int | None = None) -> tuple[str, ...]:
    """The first ``limit`` lower-case names of one US Census 1990 list of ``names``, by
    frequency (``dist.male.first``, ``dist.female.first``, ``dist.all.last``)."""
    text = resources.files("names").joinpath(file_name).read_text(encoding="utf-8")
    return tuple(line.split()[0].lower() for line in text.splitlines()[:limit] if line.strip())


@cache
def given_names() -> frozenset[str]:
    """Lower-case given names from the US Census 1990 lists."""
    return frozenset(census_words("dist.male.first") + census_words("dist.female.first"))


@cache
def _ranked_english() -> tuple[str, ...]:
    from wordfreq import top_n_list

    return tuple(word for word in top_n_list("en", VOCABULARY_SIZE) if word.isalpha())


@cache
def common_words() -> frozenset[str]:
    """Lower-case alphabetic English words, the most frequent ``VOCABULARY_SIZE``."""
    return frozenset(_ranked_english())


@cache
def names() -> frozenset[str]:
    """Given names, surnames and name syllables, lower case."""
    surnames = census_words("dist.all.last", SURNAMES)
    return given_names() | frozenset(surnames) | EAST_ASIAN_NAME_SYLLABLES


@cache
def telling_names() -> frozenset[str]:
    """Names that are not among the most frequent English words: worth a look on their own."""
    return names() - frozenset(_ranked_english()[:FREQUENT_WORDS])
