"""Escalation records: how far an open alert's routing chain has been told, and what an
escalation email says about who did not acknowledge it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class OpenAlertSteps:
    """An open alert and how far its routing chain has been told.

    ``step`` is 0 while only its own recipients were told, N after the Nth escalation;
    ``told`` lists every address told so far (sent deliveries), ``step_told_at`` when the
    current step was told (None while its email has not gone out yet).
    """

    alert_id: str
    account: str
    severity: str
    step: int
    told: tuple[str, ...]
    step_told_at: datetime | None


@dataclass(frozen=True, slots=True)
class EscalationNote:
    """What an escalation email says: who did not acknowledge, and since when."""

    step: int
    escalated_from: tuple[str, ...]
    since: datetime
