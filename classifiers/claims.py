"""Matching texts against the communications team's list of known false claims.

The list (``known_false_claims.yaml``) is data, not a model: the team edits
it and the next run uses it. A claim and a text are compared as the same
hashed n-gram vectors the models use (character and word parts each of unit
length), so the similarity is their cosine, between 0 and 1; rewording,
typos and extra words lower it gracefully.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from classifiers.features import HashedNgrams
from classifiers.normalize import TextNormalizer
from schemas.errors import SocmonError

DEFAULT_CLAIMS_FILE = Path(__file__).with_name("known_false_claims.yaml")


class ClaimsFileError(SocmonError, ValueError):
    """The claims file is missing or malformed; the message names the entry."""


@dataclass(frozen=True)
class KnownClaim:
    """A false claim and the page that refutes it."""

    id: str
    claim: str
    fact_check: str


def load_claims(path: Path = DEFAULT_CLAIMS_FILE) -> list[KnownClaim]:
    """Read and check the claims file."""
    import yaml

    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ClaimsFileError(f"claims file {path} does not exist") from None
    except yaml.YAMLError as error:
        raise ClaimsFileError(f"{path}: not valid YAML: {error}") from None
    entries = document.get("claims") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ClaimsFileError(f"{path}: expected a top-level 'claims' list")
    claims, seen = [], set()
    for position, entry in enumerate(entries):
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(key), str) and entry[key].strip()
            for key in ("id", "claim", "fact_check")
        ):
            raise ClaimsFileError(f"{path}: claims[{position}] needs id, claim and fact_check")
        if entry["id"] in seen:
            raise ClaimsFileError(f"{path}: claims[{position}]: id {entry['id']!r} is repeated")
        if not entry["fact_check"].startswith(("https://", "http://")):
            raise ClaimsFileError(f"{path}: claims[{position}]: fact_check must be a link")
        seen.add(entry["id"])
        claims.append(KnownClaim(entry["id"], entry["claim"], entry["fact_check"]))
    return claims


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
        vectors = features.transform([normalizer(claim.claim) for claim in self.claims])
        # Character and word parts are each of unit length: the full vector is sqrt(2).
        # A short list is faster as a dense (features x claims) array; a long one stays sparse.
        transposed = sparse.csc_matrix(vectors.T / 2.0, dtype=np.float32)
        self._matrix: Any = (
            np.ascontiguousarray(transposed.toarray()) if len(self.claims) <= 64 else transposed
        )

    def similarities(self, matrices: Sequence[sparse.csr_matrix]) -> npt.NDArray[np.float64]:
        """Texts x claims cosine similarities, from the texts' feature matrices."""
        n_texts = matrices[0].shape[0] if matrices else 0
        result = np.zeros((n_texts, len(self.claims)))
        if self.claims:
            for matrix in matrices:
                product = matrix @ self._matrix
                result += product.toarray() if sparse.issparse(product) else product
        return result

    def best(self, similarities: npt.NDArray[np.float64]) -> list[tuple[KnownClaim, float] | None]:
        """Per text, the best claim at or above the threshold, or None."""
        if not self.claims:
            return [None] * len(similarities)
        indexes = similarities.argmax(axis=1)
        return [
            (self.claims[index], float(row[index])) if row[index] >= self.threshold else None
            for index, row in zip(indexes.tolist(), similarities, strict=True)
        ]
