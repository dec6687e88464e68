"""Scans over a whole batch of texts that rule most of them out of slow regular expressions.

Some of the normaliser's expressions look at every position of a text
(a character repeated three times, a letter next to a digit or a mask
character) and cost microseconds per tweet, although few texts match.
Here the batch is one array of code points, and each scan is a few array
comparisons for all texts at once. A scan may say yes to a text the
expression would not match (it is a superset: its text still goes through
the expression); it never says no to one it would match, so the
normaliser's output is the same as without the scans.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Flags = npt.NDArray[np.bool_]

_SEPARATOR = "\n"
_ASCII = 128
_IS_LETTER = np.zeros(_ASCII, np.bool_)
_IS_LETTER[ord("a") : ord("z") + 1] = True
#: Characters that disguise a letter: digits and ``*#$@`` (``normalize._DISGUISED``).
_IS_DISGUISE = np.zeros(_ASCII, np.bool_)
_IS_DISGUISE[[ord(c) for c in "0123456789*#$@"]] = True
_IS_SPACE = np.zeros(_ASCII, np.bool_)
_IS_SPACE[[ord(c) for c in " \t\n\r\x0b\x0c"]] = True


class _Batch:
    """The texts as one array of code points: a separator before, between and after them."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.count = len(texts)
        joined = _SEPARATOR + _SEPARATOR.join(texts) + _SEPARATOR
        self.codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), np.uint32)
        lengths = np.fromiter(map(len, texts), np.int64, len(texts)) + 1
        #: Where each text starts in ``codes``.
        self.starts = np.cumsum(lengths) - lengths + 1

    def owners(self, positions: npt.NDArray[np.int64]) -> Flags:
        """True for each text that one of ``positions`` falls in (or in the separator after it)."""
        flags = np.zeros(self.count, np.bool_)
        if len(positions) and self.count:
            texts = np.searchsorted(self.starts, positions, side="right") - 1
            flags[texts[texts >= 0]] = True
        return flags

    def of_class(self, table: npt.NDArray[np.bool_]) -> Flags:
        """Per position, whether the character is an ASCII character that ``table`` marks
        (the tables leave the last ASCII character, DEL, unmarked: it stands for the rest)."""
        return table[np.minimum(self.codes, _ASCII - 1)]


def three_in_a_row(texts: Sequence[str]) -> Flags:
    """Texts that may hold a character other than white space three times in a row
    (``(.)\\1\\1``; runs of spaces are left out: every run of white space becomes one space
    later, however long it was)."""
    batch = _Batch(texts)
    codes = batch.codes
    triple = (codes[:-2] == codes[1:-1]) & (codes[1:-1] == codes[2:])
    triple &= ~batch.of_class(_IS_SPACE)[:-2]
    return batch.owners(np.flatnonzero(triple))


def might_be_disguised(texts: Sequence[str]) -> Flags:
    """Normalised texts that may hold a disguised word: a letter before a run of digits or mask
    characters that a letter follows or that has a ``*`` in it ("sh1t", "f**"), spaced single
    letters (" b i ") or dotted ones (".b."): ``normalize._SUSPICIOUS``'s three parts."""
    batch = _Batch(texts)
    codes = batch.codes
    letter = batch.of_class(_IS_LETTER)
    disguise = batch.of_class(_IS_DISGUISE)
    space = (codes == ord(" ")) | (codes == ord(_SEPARATOR))
    dot = codes == ord(".")
    # Runs of disguise characters: first and last position of each.
    before = np.concatenate(([False], disguise[:-1]))
    after = np.concatenate((disguise[1:], [False]))
    run_starts = np.flatnonzero(disguise & ~before)
    run_ends = np.flatnonzero(disguise & ~after)
    stars = np.concatenate(([0], np.cumsum(codes == ord("*"))))
    has_star = stars[run_ends + 1] > stars[run_starts]
    # The separators around the texts are never disguise characters, so a run has a
    # character before and after it.
    disguised = letter[run_starts - 1] & (letter[run_ends + 1] | has_star)
    spaced = space[:-4] & letter[1:-3] & space[2:-2] & letter[3:-1] & space[4:]
    dotted = dot[:-2] & letter[1:-1] & dot[2:]
    return (
        batch.owners(run_starts[disguised])
        | batch.owners(np.flatnonzero(spaced) + 1)  # owned by the first letter's text
        | batch.owners(np.flatnonzero(dotted))
    )
