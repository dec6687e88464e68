"""What reviewers see and do: the queue's filters and rows, an alert's history and recipients.

Typed records that cross from the warehouse's review store to the review app and the
command line; reviewers are email addresses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from schemas.alerts import Alert


@dataclass(frozen=True)
class QueueFilter:
    """Which alerts a queue shows. ``accounts`` None: every account (an admin's view)."""

    accounts: tuple[str, ...] | None = None
    severities: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    clauses: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ("open", "acknowledged")
    #: Only alerts raised at most this many hours ago.
    max_age_hours: int | None = None
    assigned_to: str | None = None
    #: Also alerts handed to this person, whatever their account ("everything I am
    #: responsible for": my accounts, or assigned to me).
    also_assigned_to: str | None = None


@dataclass(frozen=True)
class QueuePage:
    """One page of a queue, most severe first then oldest first, with the counts behind it."""

    alerts: tuple[Alert, ...]
    total: int
    #: Matching alerts per severity, per status and per account (before paging).
    by_severity: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    by_account: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class AlertEventRow:
    """One entry of an alert's history."""

    event: str
    actor: str
    detail: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class DeliveryRow:
    """Who was told of an alert, how and when."""

    recipient: str
    mode: str
    status: str
    due_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True)
class AlertDetail:
    """An alert with its history, its deliveries and what the record says about the post."""

    alert: Alert
    events: tuple[AlertEventRow, ...]
    deliveries: tuple[DeliveryRow, ...]
    #: When the post was made and first seen, its kind and whether it is still there.
    posted_at: datetime | None = None
    observed_at: datetime | None = None
    record_deleted: bool = False
