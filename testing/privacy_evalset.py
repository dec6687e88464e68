"""The labelled evaluation set for the personal-data filter (see ``testing.privacy_eval``).

Kept as the short import the benchmarks use: ``generate(count, seed, split)`` and
``LabelledText``.
"""

from __future__ import annotations

from testing.privacy_eval import FAMILIES, LabelledText, Split, demo_ordinary_texts, generate

__all__ = ["FAMILIES", "LabelledText", "Split", "demo_ordinary_texts", "generate"]
