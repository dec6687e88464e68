"""What the bullying patterns read: stored hostile replies by members of the public, and
the windows of the pattern alerts already raised.

A row per (record, hostile category) that still stands: the detection not superseded by an
edit, the record not deleted, its author not an official account; with the author of the
item it answers when that is a member of the public (the person a reply is aimed at). A
pattern alert's window is read from its evidence, so a window overlapping it is not raised
again (:mod:`pipelines.alerts.patterns`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from pipelines.warehouse.connection import Connection

_STANDING = """
FROM detections d
JOIN records r ON r.id = d.record_id
LEFT JOIN records p ON p.id = r.parent_id
WHERE d.superseded_at IS NULL AND NOT r.deleted AND NOT r.author_is_official
  AND d.category IN ({categories})
"""


class PatternStore:
    """Hostile items for :mod:`pipelines.alerts.patterns`, by time."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def recent_span(
        self, categories: Sequence[str], stored_since: datetime
    ) -> tuple[datetime, datetime] | None:
        """When the earliest and latest hostile items whose detection was stored since
        ``stored_since`` were posted; None if there are none."""
        marks = ", ".join("?" for _ in categories)
        [(first, last)] = self.connection.execute(
            "SELECT min(r.created_at), max(r.created_at) "
            + _STANDING.format(categories=marks)
            + " AND d.created_at >= ?",
            (*categories, stored_since),
        )
        return None if first is None else (first, last)

    def hostile_items(
        self, categories: Sequence[str], posted_from: datetime, posted_until: datetime
    ) -> list[dict[str, Any]]:
        """Hostile rows posted in [from, until): record fields, the category, score and
        evidence of the detection, when it was stored, and the answered person's pseudonym."""
        marks = ", ".join("?" for _ in categories)
        return self.connection.query_dicts(
            "SELECT r.id AS record_id, r.account, r.conversation_id, r.author_id, r.kind, "
            "r.url, r.text, r.created_at, d.category, d.score, d.evidence, "
            "d.created_at AS stored_at, "
            "CASE WHEN p.author_is_official THEN NULL ELSE p.author_id END AS target "
            + _STANDING.format(categories=marks)
            + " AND r.created_at >= ? AND r.created_at < ? ORDER BY r.created_at, r.id",
            (*categories, posted_from, posted_until),
        )

    def raised_windows(
        self, pattern_ids: Sequence[str], ending_after: datetime
    ) -> list[dict[str, Any]]:
        """Pattern alerts of these patterns whose window ends after ``ending_after``: the
        pattern (``rule_id``), and the ``subject``, ``window_start`` and ``window_end`` as
        written in the evidence (ISO 8601 text, UTC)."""
        if not pattern_ids:
            return []
        marks = ", ".join("?" for _ in pattern_ids)
        # The evidence holds isoformat() text of UTC times: compared as text from a bound
        # cut to whole seconds, a later time is never smaller (a fraction's "." sorts after
        # the "+" of "+00:00"); the caller checks overlaps exactly.
        moment = ending_after if ending_after.tzinfo else ending_after.replace(tzinfo=UTC)
        bound = (moment.astimezone(UTC).replace(microsecond=0) - timedelta(seconds=1)).isoformat()
        return self.connection.query_dicts(
            "SELECT rule_id, evidence->'pattern'->>'subject' AS subject, "
            "evidence->'pattern'->>'window_start' AS window_start, "
            "evidence->'pattern'->>'window_end' AS window_end "
            f"FROM alerts WHERE record_id LIKE ? AND rule_id IN ({marks}) "
            "AND evidence->'pattern'->>'window_end' >= ?",
            ("pattern:%", *pattern_ids, bound),
        )
