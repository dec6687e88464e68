"""Hashed word and character n-grams, computed for a whole batch at once with numpy.

scikit-learn's vectorizers build n-grams in Python, about 150 µs per tweet
for character n-grams. Here the batch is one byte array: character n-gram
hashes are rolled over it with a few array operations per n, words are the
runs between spaces, and a word bigram combines two word hashes. Each kind
of n-gram comes out in document order, so it is a CSR matrix without any
sorting; a linear model's score is a sum of sparse products, one per kind.

Hashes are our own (FNV-style multiply, then a mixing step), the same on
every machine and Python process; Python's ``hash`` is salted per process
and could not be stored with a model. N-grams are over UTF-8 bytes, which
for the texts we see is over characters.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy import sparse

_PRIME = np.uint64(1099511628211)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SHIFT = np.uint64(29)
_MAX_WORD_BYTES = 48
_POWERS = np.concatenate(
    ([np.uint64(1)], np.cumprod(np.full(_MAX_WORD_BYTES - 1, _PRIME, dtype=np.uint64)))
)
_WORD_SALT, _BIGRAM_SALT = 101, 102

Block = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]  # documents, columns


class HashedNgrams:
    """Word (1-2) and character (``char_min``-``char_max``) n-grams, hashed, idf-weighted;
    a document's character part and word part each scaled so that the squares of their
    occurrences' weights add up to one (the unit L2 norm when no n-gram repeats).

    ``fit`` learns the inverse document frequency of each column; texts are
    expected to be normalised already (lowercase, single spaces).
    """

    def __init__(self, n_features: int = 2**19, char_min: int = 2, char_max: int = 5) -> None:
        self.n_features = n_features
        self.char_min = char_min
        self.char_max = char_max

    def fit(self, texts: Sequence[str]) -> HashedNgrams:
        blocks = self._blocks(texts)
        keys = np.concatenate([d * self.n_features + c for d, c in blocks])
        document_frequency = np.bincount(
            np.unique(keys) % self.n_features, minlength=self.n_features
        )
        self.idf_ = (np.log((1 + len(texts)) / (1 + document_frequency)) + 1).astype(np.float32)
        return self

    def matrices(self, texts: Sequence[str]) -> list[sparse.csr_matrix]:
        """One document x feature matrix per kind of n-gram; their sum is the features."""
        blocks = self._blocks(texts)
        n = len(texts)
        n_char_kinds = self.char_max - self.char_min + 1
        # Character and word n-grams are scaled to unit length separately, so the few
        # words of a tweet weigh as much as its hundreds of character n-grams.
        groups = [range(n_char_kinds), range(n_char_kinds, len(blocks))]
        weights = [self.idf_[columns] for _, columns in blocks]
        matrices = []
        for group in groups:
            squares = np.zeros(n, np.float64)
            for kind in group:
                squares += np.bincount(blocks[kind][0], weights=weights[kind] ** 2, minlength=n)
            scale = (1.0 / np.sqrt(np.where(squares > 0, squares, 1.0))).astype(np.float32)
            for kind in group:
                documents, columns = blocks[kind]
                indptr = np.zeros(n + 1, np.int64)
                np.cumsum(np.bincount(documents, minlength=n), out=indptr[1:])
                values = weights[kind] * scale[documents]
                matrices.append(
                    sparse.csr_matrix((values, columns, indptr), shape=(n, self.n_features))
                )
        return matrices

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """The document x feature matrix (duplicates summed), for training and evaluation."""
        if not texts:
            return sparse.csr_matrix((0, self.n_features), dtype=np.float32)
        parts = self.matrices(texts)
        total = sparse.csr_matrix(sum(parts[1:], parts[0]))
        total.sum_duplicates()
        return total

    def scores(
        self, texts: Sequence[str], coefficients: npt.NDArray[np.float32]
    ) -> npt.NDArray[np.float64]:
        """``features @ coefficients`` for a (features x models) array, the fast way."""
        result = np.zeros((len(texts), coefficients.shape[1]), np.float64)
        for matrix in self.matrices(texts):
            result += matrix @ coefficients
        return result

    def _blocks(self, texts: Sequence[str]) -> list[Block]:
        encoded = [f" {text} ".encode() if text else b"" for text in texts]
        lengths = np.fromiter((len(b) for b in encoded), np.int64, len(encoded))
        data = np.frombuffer(b"\x00".join(encoded), np.uint8)
        document_of = np.repeat(np.arange(len(texts), dtype=np.int64), lengths + 1)[: len(data)]
        blocks: list[Block] = []
        codes = data.astype(np.uint64)
        codes += np.uint64(1)
        separator = data == 0
        rolling, crosses = codes, separator
        for n in range(2, self.char_max + 1):  # rolling[i] = hash of data[i : i + n]
            rolling = rolling[:-1] * _PRIME
            rolling += codes[n - 1 :]
            crosses = crosses[:-1] | separator[n - 1 :]
            if n >= self.char_min:
                keep = ~crosses
                blocks.append((document_of[: len(rolling)][keep], self._column(rolling[keep], n)))
        word_hashes, word_documents = _word_hashes(data, codes, document_of)
        blocks.append((word_documents, self._column(word_hashes, _WORD_SALT)))
        same = word_documents[:-1] == word_documents[1:]
        bigrams = word_hashes[:-1] * _MIX + word_hashes[1:]
        blocks.append((word_documents[:-1][same], self._column(bigrams[same], _BIGRAM_SALT)))
        return blocks

    def _column(self, hashes: npt.NDArray[np.uint64], salt: int) -> npt.NDArray[np.int64]:
        # In place where the arrays are new: this runs for every n-gram of a batch.
        mixed = hashes ^ np.uint64(salt)
        mixed *= _MIX
        mixed ^= mixed >> _SHIFT
        if self.n_features & (self.n_features - 1) == 0:  # a power of two: a mask, same result
            mixed &= np.uint64(self.n_features - 1)
        else:
            mixed %= np.uint64(self.n_features)
        return mixed.view(np.int64)  # every column is below 2**63: the same numbers

    def word_shares(
        self,
        texts: Sequence[str],
        matrices: Sequence[sparse.csr_matrix],
        coefficients: npt.NDArray[np.floating],
        display: Sequence[str] | None = None,
    ) -> list[dict[str, float]]:
        """For each text, each word's share of a linear score (for explanations).

        ``display``, when given, names the words: per text, a text with as many words in
        the same places (the normalised text before masking), so a share is reported under
        the word the writer used rather than its placeholder.

        A word gets its own unigram, the character n-grams that start in it (or in
        the space before it), and half of each bigram it is part of. The shares of
        a text add up to its score minus the intercept. ``matrices`` are
        ``self.matrices(texts)``: n-grams of each kind are in order of position, so
        an entry's place in its row says where in the text it starts.
        """
        words = [text.split() for text in texts]
        counts = np.fromiter((len(w) for w in words), np.int64, len(words))
        word_offsets = np.concatenate(([0], np.cumsum(counts)))
        padded = [f" {text} ".encode() if text else b"" for text in texts]
        lengths = np.fromiter((len(b) for b in padded), np.int64, len(padded))
        byte_offsets = np.concatenate(([0], np.cumsum(lengths)))
        # Local word index of every byte: spaces seen so far in its text, minus one.
        spaces = np.frombuffer(b"".join(padded), np.uint8) == 32
        before = np.concatenate(([0], np.cumsum(spaces)))
        local_word = np.cumsum(spaces) - before[byte_offsets[:-1]].repeat(lengths) - 1
        shares = np.zeros(int(word_offsets[-1]) + 1)  # the last slot collects the rest
        n_char_kinds = self.char_max - self.char_min + 1
        for kind, matrix in enumerate(matrices):
            rows = np.repeat(np.arange(len(texts)), np.diff(matrix.indptr))
            place = np.arange(matrix.nnz) - matrix.indptr[rows]
            values = matrix.data * coefficients[matrix.indices]
            if kind < n_char_kinds:
                local = local_word[byte_offsets[rows] + place]
                owners = [local]
                values_of = [values]
            elif kind == n_char_kinds:
                owners, values_of = [place], [values]
            else:
                owners, values_of = [place, place + 1], [values / 2, values / 2]
            for local, part in zip(owners, values_of, strict=True):
                valid = (local >= 0) & (local < counts[rows])
                target = np.where(valid, word_offsets[rows] + local, len(shares) - 1)
                shares += np.bincount(target, weights=part, minlength=len(shares))
        result = []
        every_share, offsets = shares.tolist(), word_offsets.tolist()
        for index, text_words in enumerate(words):
            if display is not None:
                shown = display[index].split()
                text_words = shown if len(shown) == len(text_words) else text_words
            own = every_share[offsets[index] : offsets[index + 1]]
            merged: dict[str, float] = {}
            for word, share in zip(text_words, own, strict=True):
                merged[word] = merged.get(word, 0.0) + share
            result.append(merged)
        return result


def _word_hashes(
    data: npt.NDArray[np.uint8], codes: npt.NDArray[np.uint64], document_of: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
    """One hash per word (a run of bytes between spaces), and the word's document."""
    blank = (data == 32) | (data == 0)
    before = np.concatenate(([True], blank[:-1]))
    after = np.concatenate((blank[1:], [True]))
    starts = np.flatnonzero(~blank & before)
    ends = np.flatnonzero(~blank & after) + 1
    lengths = np.minimum(ends - starts, _MAX_WORD_BYTES)
    offsets = np.cumsum(lengths) - lengths
    position = np.arange(int(lengths.sum())) - np.repeat(offsets, lengths)
    weighted = (
        codes[np.repeat(starts, lengths) + position]
        * _POWERS[np.repeat(lengths, lengths) - 1 - position]
    )
    if not len(offsets):
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    return np.add.reduceat(weighted, offsets), document_of[starts]
