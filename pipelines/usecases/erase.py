"""`socmon erase`: remove everything about one record or one person, for good.

A person is named by their pseudonym (``socmon pseudonym`` computes it from a
platform user id), since the warehouse holds nothing else about them. The
erasure is recorded in ``erasures`` so a later re-read of the same messages
does not bring the data back.
"""

from __future__ import annotations

from pipelines.config import ConfigError, Settings
from pipelines.privacy.pseudonyms import PSEUDONYM_PATTERN
from pipelines.usecases.process import audit_entry
from pipelines.warehouse import open_warehouse


def erase(
    settings: Settings, *, record_id: str | None, author: str | None, reason: str
) -> dict[str, int]:
    """Erase one record or every record of one author; return what was deleted."""
    if (record_id is None) == (author is None):
        raise ConfigError("give exactly one of --record and --author")
    if author is not None and not PSEUDONYM_PATTERN.match(author):
        raise ConfigError("--author takes a pseudonym (64 hex characters); see `socmon pseudonym`")
    warehouse = open_warehouse(settings.warehouse)
    try:
        kind, subject = ("record", record_id) if record_id is not None else ("author", author)
        assert subject is not None
        return warehouse.erase(kind, subject, reason, audit_entry(settings, f"erase {kind}"))
    finally:
        warehouse.close()
