"""Replaces findings with their type in angle brackets, e.g. ``<EMAIL>``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipelines.privacy.findings import Finding


def redact(text: str, findings: Sequence[Finding]) -> str:
    """The text with every finding replaced by ``<TYPE>`` (findings must not overlap)."""
    parts: list[str] = []
    position = 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.start < position:
            raise ValueError("findings overlap; resolve them first")
        parts.append(text[position : finding.start])
        parts.append(f"<{finding.entity_type}>")
        position = finding.end
    parts.append(text[position:])
    return "".join(parts)


def entities_json(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """Types and offsets into the ORIGINAL text; never the values."""
    return [{"type": f.entity_type, "start": f.start, "end": f.end} for f in findings]
