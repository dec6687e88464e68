"""`socmon erase`: remove everything about one record or one person, for good.

A person is named by their pseudonym (``socmon pseudonym`` computes it from a
platform user id), since the warehouse holds nothing else about them. The
erasure is recorded in ``erasures`` so a later re-read of the same messages
does not bring the data back.
"""

from __future__ import annotations

from pipelines.audit import AuditEntry
from pipelines.config import ConfigError, Settings
from pipelines.privacy.pseudonyms import PSEUDONYM_PATTERN
from pipelines.warehouse import Warehouse, open_warehouse


def erase(
    settings: Settings, *, record_id: str | None, author: str | None, reason: str
) -> dict[str, int]:
    """Erase one record or every record of one author with these settings."""
    from pipelines.usecases.compose import audit_entry

    kind, subject = subject_of(record_id, author)
    with open_warehouse(settings.warehouse, writer="erase") as warehouse:
        return erase_subject(
            warehouse, kind, subject, reason, audit_entry(settings, f"erase {kind}")
        )


def subject_of(record_id: str | None, author: str | None) -> tuple[str, str]:
    """(``record`` or ``author``, the id or pseudonym); a usage error unless exactly one."""
    if (record_id is None) == (author is None):
        raise ConfigError("give exactly one of --record and --author")
    if author is not None and not PSEUDONYM_PATTERN.match(author):
        raise ConfigError("--author takes a pseudonym (64 hex characters); see `socmon pseudonym`")
    return ("record", record_id) if record_id is not None else ("author", str(author))


def erase_subject(
    warehouse: Warehouse, kind: str, subject: str, reason: str, audit: AuditEntry
) -> dict[str, int]:
    """Erase one subject and keep it erased; return what was deleted per table."""
    return warehouse.privacy.erase(kind, subject, reason, audit)
