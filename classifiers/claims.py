"""Matching texts against the communications team's list of known false claims.

The list (``known_false_claims.yaml``) is data, not a model: the team edits
it and the next run uses it. A claim and a text are compared as the same
hashed n-gram vectors the models use (character and word parts each of unit
length), so the similarity is their cosine, between 0 and 1; rewording,
typos and extra words lower it gracefully.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, field_validator
from scipy import sparse

from classifiers.features import HashedNgrams
from classifiers.normalize import TextNormalizer
from schemas.config_files import load_validated
from schemas.errors import SocmonError

DEFAULT_CLAIMS_FILE = Path(__file__).with_name("known_false_claims.yaml")


class ClaimsFileError(SocmonError, ValueError):
    """The claims file is missing or malformed; the message names the entry."""


class KnownClaim(BaseModel):
    """A false claim and the page that refutes it."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: str = Field(min_length=1, description="Unique name of the claim (lowercase, dashes).")
    claim: str = Field(min_length=1, description="The claim, short and neutral.")
    fact_check: str = Field(description="Link to a public page that refutes the claim.")
    added: date | None = Field(default=None, description="When the claim was added.")

    @field_validator("fact_check")
    @classmethod
    def _is_a_link(cls, fact_check: str) -> str:
        if not fact_check.startswith(("https://", "http://")):
            raise ValueError("must be a link (https://...)")
        return fact_check


class ClaimsFile(BaseModel):
    """The claims file: its format version and the claims."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1] = Field(default=1, description="Format of the file.")
    claims: tuple[KnownClaim, ...] = Field(description="The known false claims.")

    @field_validator("claims")
    @classmethod
    def _unique_ids(cls, claims: tuple[KnownClaim, ...]) -> tuple[KnownClaim, ...]:
        ids = [claim.id for claim in claims]
        repeated = sorted({claim_id for claim_id in ids if ids.count(claim_id) > 1})
        if repeated:
            raise ValueError(f"claim ids must be unique; repeated: {', '.join(repeated)}")
        return claims


def load_claims(path: Path = DEFAULT_CLAIMS_FILE) -> list[KnownClaim]:
    """Read and check the claims file."""
    document = load_validated(path, ClaimsFile, ClaimsFileError, item_labels={"claims": "claim"})
    return list(document.claims)


class ClaimMatcher:
    """Finds, for each text, the most similar known claim and the similarity."""

    def __init__(
        self,
        claims: Sequence[KnownClaim],
        normalizer: TextNormalizer,
        features: HashedNgrams,
        threshold: float = 0.5,
    ) -> None:
        self.claims = tuple(claims)
        self.features = features
        self.threshold = threshold
        vectors = _unit_rows(features.transform([normalizer(claim.claim) for claim in self.claims]))
        # A short list is faster as a dense (features x claims) array; a long one stays sparse.
        transposed = sparse.csc_matrix(vectors.T, dtype=np.float32)
        self._matrix: Any = (
            np.ascontiguousarray(transposed.toarray()) if len(self.claims) <= 64 else transposed
        )

    @property
    def dense_columns(self) -> npt.NDArray[np.float32] | None:
        """The claims as a dense (features x claims) array, or None for a long list (kept
        sparse): a caller that multiplies the texts' matrices by other dense columns too can
        do both in one product and pass the claims' part to ``similarities``."""
        return self._matrix if isinstance(self._matrix, np.ndarray) else None

    def similarities(
        self,
        matrices: Sequence[sparse.csr_matrix],
        products: npt.NDArray[np.float64] | None = None,
    ) -> npt.NDArray[np.float64]:
        """Texts x claims cosine similarities, from the texts' feature matrices (and, when
        the caller has them, the sum of their products with ``dense_columns``).

        Both sides are scaled to unit length after repeated n-grams are summed, so a
        similarity lies in [0, 1] however often a text repeats itself. Summing a batch's
        matrices is the slow part, so it is done only for the texts that could reach the
        threshold: each part (characters, words) of a text is at least of unit length (the
        features scale the squares of its occurrences to one; repeats only add), so the
        products divided by that lower bound are upper bounds of the similarities.
        """
        n_texts = matrices[0].shape[0] if matrices else 0
        if not self.claims or not n_texts:
            return np.zeros((n_texts, len(self.claims)))
        if products is None:
            products = np.zeros((n_texts, len(self.claims)))
            for matrix in matrices:
                products += _dense(matrix @ self._matrix)
        parts = self.features.char_max - self.features.char_min + 1
        has_characters = sum(np.diff(m.indptr) for m in matrices[:parts]) > 0
        has_words = sum(np.diff(m.indptr) for m in matrices[parts:]) > 0
        lower_norm = np.sqrt(np.maximum(has_characters.astype(int) + has_words, 1))
        result: npt.NDArray[np.float64] = np.asarray(products, np.float64) / lower_norm[:, None]
        candidates = np.flatnonzero(result.max(axis=1) >= self.threshold)
        if len(candidates):
            rows = [matrix[candidates] for matrix in matrices]
            texts = _unit_rows(sparse.csr_matrix(sum(rows[1:], rows[0])))
            result[candidates] = _dense(texts @ self._matrix)
        clipped: npt.NDArray[np.float64] = np.clip(result, 0.0, 1.0)  # float rounding only
        return clipped

    def best(self, similarities: npt.NDArray[np.float64]) -> list[tuple[KnownClaim, float] | None]:
        """Per text, the best claim at or above the threshold, or None."""
        if not self.claims:
            return [None] * len(similarities)
        indexes = similarities.argmax(axis=1)
        return [
            (self.claims[index], float(row[index])) if row[index] >= self.threshold else None
            for index, row in zip(indexes.tolist(), similarities, strict=True)
        ]


def _dense(product: Any) -> npt.NDArray[np.float64]:
    return np.asarray(product.toarray() if sparse.issparse(product) else product, np.float64)


def _unit_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """Each row scaled to unit length (repeated columns summed first); empty rows stay empty."""
    matrix = sparse.csr_matrix(matrix, dtype=np.float64)
    matrix.sum_duplicates()
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)
