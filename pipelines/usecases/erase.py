"""`socmon erase`: remove everything about one record or one person, for good.

A person is named by their pseudonym, or by platform and user id (turned into the pseudonym
with the key from the environment), since the warehouse holds nothing else about them. The
erasure is recorded in ``erasures`` so a later re-read of the same messages does not bring
the data back. Pattern alerts go too: one about the person is deleted, one that lists their
items keeps the others' and says how many were erased.
"""

from __future__ import annotations

from pipelines.audit import AuditEntry
from pipelines.config import ConfigError, Settings
from pipelines.privacy.pseudonyms import PSEUDONYM_PATTERN
from pipelines.warehouse import Warehouse, open_warehouse


def erase(
    settings: Settings,
    *,
    record_id: str | None,
    author: str | None,
    reason: str,
    platform: str | None = None,
    user_id: str | None = None,
) -> dict[str, int]:
    """Erase one record or every record of one author with these settings."""
    from pipelines.usecases.compose import audit_entry
    from pipelines.usecases.sar import pseudonym_of

    if platform is not None or user_id is not None:
        if record_id is not None or author is not None:
            raise ConfigError("give --platform with --user-id, or --record, or --author")
        author = pseudonym_of(platform, user_id, None)
    kind, subject = subject_of(record_id, author)
    with open_warehouse(settings.warehouse, writer="erase") as warehouse:
        return erase_subject(
            warehouse, kind, subject, reason, audit_entry(settings, f"erase {kind}")
        )


def subject_of(record_id: str | None, author: str | None) -> tuple[str, str]:
    """(``record`` or ``author``, the id or pseudonym); a usage error unless exactly one."""
    if (record_id is None) == (author is None):
        raise ConfigError("give exactly one of --record, --author or --platform with --user-id")
    if author is not None and not PSEUDONYM_PATTERN.match(author):
        raise ConfigError("--author takes a pseudonym (64 hex characters); see `socmon pseudonym`")
    return ("record", record_id) if record_id is not None else ("author", str(author))


def erase_subject(
    warehouse: Warehouse, kind: str, subject: str, reason: str, audit: AuditEntry
) -> dict[str, int]:
    """Erase one subject and keep it erased, in one transaction; what was removed, per kind."""
    with warehouse.transaction():
        record_ids = warehouse.privacy.record_ids_of(kind, subject)
        if kind == "record":
            record_ids = sorted({*record_ids, subject})
        patterns = warehouse.privacy.erase_from_patterns(subject, record_ids)
        counts = warehouse.privacy.erase(kind, subject, reason, audit)
    return {**counts, **patterns}
