"""Labelled texts and the templates they are made from.

A template is plain text with slots: ``{PERSON}``, ``{PERSON:first}``, ``{PHONE:intl}``
… (an entity type, optionally a variant) become personal data whose span is recorded;
lower-case slots such as ``{course}`` are filled with ordinary words that are not
personal data and are never labelled.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from pipelines.privacy.findings import PRIORITY

Source = Literal["personal", "ordinary", "demo", "more", "fresh", "unseen"]
_SLOT = re.compile(r"\{([A-Za-z_]+)(?::([a-z_]+))?\}")


@dataclass(frozen=True)
class LabelledText:
    """A text and the true spans of personal data in it (none for ordinary texts).

    ``template`` names where the text came from (``report/B07``, ``dev/ordinary/A03``,
    ``demo``) so a miss can be traced to its sentence shape."""

    text: str
    spans: tuple[tuple[str, int, int], ...]
    source: Source = "personal"
    template: str = ""


def slots(template: str) -> list[tuple[str, str | None]]:
    """The (name, variant) of each slot in ``template``, in order."""
    return [(match.group(1), match.group(2)) for match in _SLOT.finditer(template)]


def is_entity_slot(name: str) -> bool:
    return name in PRIORITY


def fill(
    template: str, value_for: Callable[[str, str | None], str]
) -> tuple[str, tuple[tuple[str, int, int], ...]]:
    """The text of ``template`` with each slot replaced by ``value_for(name, variant)``,
    and the spans of the entity slots."""
    parts: list[str] = []
    spans: list[tuple[str, int, int]] = []
    position = 0
    cursor = 0
    for match in _SLOT.finditer(template):
        literal = template[cursor : match.start()]
        parts.append(literal)
        position += len(literal)
        name, variant = match.group(1), match.group(2)
        value = value_for(name, variant)
        if is_entity_slot(name):
            spans.append((name, position, position + len(value)))
        parts.append(value)
        position += len(value)
        cursor = match.end()
    parts.append(template[cursor:])
    return "".join(parts), tuple(spans)
