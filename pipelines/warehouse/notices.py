"""Operations problems and their notices: what is wrong now, what the team was told, and the
states of each notice's email.

A problem is one row per kind and subject (``operations_problems``), open while
``resolved_at`` is empty. Opening or resolving it and making its notice happen in one
transaction, and the notice's id is ``sha256(kind | subject | opened_at | event)``, inserted
only if absent: a rerun finds the problem already open (or already resolved) and makes
nothing new. Each notice is one email and moves through the same states as an alert
delivery (pending → sending → uncertain → sent; see :mod:`pipelines.usecases.notify`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pipelines.warehouse.connection import Connection

#: The runs a failure streak is looked for in, newest first.
_RECENT_RUNS = 200
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_COVERAGE = """
SELECT c.account, c.stream, c.status, c.reason, c.checked_at, c.ingest_id,
    (SELECT min(g.checked_at) FROM coverage g
     WHERE g.account = c.account AND g.stream = c.stream AND g.status <> 'complete'
       AND g.checked_at > COALESCE(
           (SELECT max(k.checked_at) FROM coverage k
            WHERE k.account = c.account AND k.stream = c.stream AND k.status = 'complete'),
           ?)) AS since
FROM coverage c
WHERE c.checked_at = (SELECT max(m.checked_at) FROM coverage m
                      WHERE m.account = c.account AND m.stream = c.stream)
ORDER BY c.account, c.stream
"""


@dataclass(frozen=True, slots=True)
class Notice:
    """One email to the platform team about one problem opening or clearing."""

    notice_id: str
    recipient: str
    title: str
    body: str
    attempts: int = 0
    message_id: str | None = None


def notice_id_of(kind: str, subject: str, opened_at: datetime, event: str) -> str:
    """The one notice of a problem's opening (or clearing) that began at ``opened_at``."""
    key = f"{kind}|{subject}|{_utc(opened_at).isoformat()}|{event}"
    return hashlib.sha256(key.encode()).hexdigest()


class NoticeStore:
    """What the notices are made from (runs, data quality, coverage), open problems, and the
    states of the notices' emails."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    # -- what is wrong now ----------------------------------------------------------
    def finished_process_runs(self) -> list[dict[str, Any]]:
        """The latest finished process runs, newest first: run_id, status, error, finished_at."""
        return self.connection.query_dicts(
            "SELECT run_id, status, error, started_at, finished_at FROM runs "
            "WHERE command = 'process' AND status IN ('succeeded', 'failed') "
            "ORDER BY started_at DESC LIMIT ?",
            (_RECENT_RUNS,),
        )

    def failed_expectations(self, run_id: str) -> list[dict[str, Any]]:
        """The critical expectations that failed in a run's batch."""
        return self.connection.query_dicts(
            "SELECT suite, expectation, column_name, severity, success, observed_value, "
            "unexpected_count, explains FROM dq_results "
            "WHERE run_id = ? AND NOT success AND severity = 'critical' ORDER BY position",
            (run_id,),
        )

    def coverage_now(self) -> list[dict[str, Any]]:
        """Per account and stream, its latest coverage, with ``since``: the first of the
        checks that failed in a row up to now (empty when the latest is complete)."""
        return self.connection.query_dicts(_COVERAGE, (_EPOCH,))

    # -- problems ---------------------------------------------------------------------
    def open_problems(self) -> list[dict[str, Any]]:
        """Problems not yet resolved: kind, subject, summary, detail, opened_at."""
        return self.connection.query_dicts(
            "SELECT kind, subject, summary, detail, opened_at FROM operations_problems "
            "WHERE resolved_at IS NULL ORDER BY kind, subject"
        )

    def open_problem(
        self,
        kind: str,
        subject: str,
        summary: str,
        detail: dict[str, Any],
        opened_at: datetime,
        notice: Notice | None,
        moment: datetime,
    ) -> bool:
        """Open a problem (or open it again) with its notice; False if it was already open."""
        with self.connection.transaction():
            changed = self.connection.execute(
                "INSERT INTO operations_problems (kind, subject, summary, detail, opened_at, "
                "resolved_at) VALUES (?, ?, ?, ?, ?, NULL) "
                "ON CONFLICT (kind, subject) DO UPDATE SET summary = excluded.summary, "
                "detail = excluded.detail, opened_at = excluded.opened_at, resolved_at = NULL "
                "WHERE operations_problems.resolved_at IS NOT NULL RETURNING 1",
                (kind, subject, summary, json.dumps(detail, sort_keys=True), opened_at),
            )
            if not changed:
                return False
            if notice is not None:
                self._add_notice(kind, subject, "opened", notice, moment)
        return True

    def resolve_problem(
        self, kind: str, subject: str, notice: Notice | None, moment: datetime
    ) -> bool:
        """Mark an open problem cleared, with its notice; False if it was not open."""
        with self.connection.transaction():
            changed = self.connection.execute(
                "UPDATE operations_problems SET resolved_at = ? "
                "WHERE kind = ? AND subject = ? AND resolved_at IS NULL RETURNING 1",
                (moment, kind, subject),
            )
            if not changed:
                return False
            if notice is not None:
                self._add_notice(kind, subject, "resolved", notice, moment)
        return True

    def _add_notice(
        self, kind: str, subject: str, event: str, notice: Notice, moment: datetime
    ) -> None:
        self.connection.execute(
            "INSERT INTO operations_notices (notice_id, kind, subject, event, recipient, title, "
            "body, status, attempts, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?) "
            "ON CONFLICT (notice_id) DO NOTHING",
            (
                notice.notice_id,
                kind,
                subject,
                event,
                notice.recipient,
                notice.title,
                notice.body,
                moment,
            ),
        )

    # -- the notices' emails -------------------------------------------------------------
    def due(self, moment: datetime) -> list[Notice]:
        """Pending notices whose retry (if any) is due, oldest first."""
        return self._notices(
            "status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)", (moment,)
        )

    def started(self, statuses: Sequence[str]) -> list[Notice]:
        """Notices begun and not finished, in these states (``sending``, ``uncertain``)."""
        marks = ", ".join("?" for _ in statuses)
        return self._notices(f"status IN ({marks})", tuple(statuses))

    def begin(self, notice_id: str, message_id: str, moment: datetime) -> bool:
        """pending → sending under ``message_id``; False if it was not pending."""
        return bool(
            self.connection.execute(
                "UPDATE operations_notices SET status = 'sending', message_id = ? "
                "WHERE notice_id = ? AND status = 'pending' RETURNING 1",
                (message_id, notice_id),
            )
        )

    def hand_over(self, notice_id: str) -> None:
        """Just before the final dot: from now on the server may accept it."""
        self.connection.execute(
            "UPDATE operations_notices SET status = 'uncertain' "
            "WHERE notice_id = ? AND status = 'sending'",
            (notice_id,),
        )

    def mark_sent(self, notice_id: str, moment: datetime) -> None:
        """The server accepted it."""
        self.connection.execute(
            "UPDATE operations_notices SET status = 'sent', sent_at = ?, last_error = NULL "
            "WHERE notice_id = ? AND status IN ('sending', 'uncertain')",
            (moment, notice_id),
        )

    def hold(self, notice_id: str, reason: str) -> None:
        """No answer to its final dot: it stays 'uncertain', with the reason."""
        self.connection.execute(
            "UPDATE operations_notices SET last_error = ? WHERE notice_id = ?",
            (reason, notice_id),
        )

    def postpone(self, notice_id: str, attempts: int, when: datetime, reason: str) -> None:
        """Refused or never given to the server: pending again, retried at ``when``."""
        self.connection.execute(
            "UPDATE operations_notices SET status = 'pending', message_id = NULL, attempts = ?, "
            "next_attempt_at = ?, last_error = ? WHERE notice_id = ? AND status <> 'sent'",
            (attempts, when, reason, notice_id),
        )

    def uncertain(self) -> list[dict[str, Any]]:
        """Notices the mail server may or may not have accepted: notice_id, message_id,
        recipient, title, created_at, last_error."""
        return self.connection.query_dicts(
            "SELECT notice_id, message_id, recipient, title, created_at, last_error "
            "FROM operations_notices WHERE status = 'uncertain' ORDER BY created_at, notice_id"
        )

    def settle(self, message_id: str, delivered: bool, moment: datetime) -> int:
        """An operator's answer for an 'uncertain' notice: delivered (sent), or resend it
        (back to 'sending': the next ``socmon notify`` sends it under the same Message-ID).
        How many notices it settled (0 if none is uncertain under that Message-ID)."""
        if delivered:
            statement = "SET status = 'sent', sent_at = ?, last_error = NULL"
            parameters: tuple[Any, ...] = (moment, message_id)
        else:
            statement = "SET status = 'sending'"
            parameters = (message_id,)
        changed = self.connection.execute(
            f"UPDATE operations_notices {statement} "
            "WHERE message_id = ? AND status = 'uncertain' RETURNING 1",
            parameters,
        )
        return len(changed)

    def _notices(self, where: str, parameters: Sequence[Any]) -> list[Notice]:
        rows = self.connection.query_dicts(
            "SELECT notice_id, recipient, title, body, attempts, message_id "
            f"FROM operations_notices WHERE {where} ORDER BY created_at, notice_id",
            parameters,
        )
        return [
            Notice(
                row["notice_id"],
                row["recipient"],
                row["title"],
                row["body"],
                int(row["attempts"]),
                row["message_id"],
            )
            for row in rows
        ]


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
