"""`socmon alerts uncertain|settle`: emails the mail server may or may not have accepted.

An email is 'uncertain' when the connection broke after its final dot and before the
server's answer (see :mod:`pipelines.usecases.notify`). Alert emails and the platform
team's operations notices both end up here; the operator looks each Message-ID up in the
mail server's log and settles it: delivered (marked sent) or resent by the next
``socmon notify`` under the same Message-ID.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from pipelines.audit import operator
from pipelines.warehouse import Warehouse

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UncertainEmail:
    """One email held for an operator's answer."""

    message_id: str
    #: ``alerts`` (an alert email, one or more alerts) or ``notice`` (an operations notice).
    kind: str
    recipient: str
    since: datetime | None
    #: The alerts it carries, or the notice's title.
    about: tuple[str, ...]
    last_error: str | None


def uncertain_emails(warehouse: Warehouse) -> list[UncertainEmail]:
    """Every uncertain email, alert emails first, each group oldest first."""
    alerts = [
        UncertainEmail(
            message_id=email.message_id,
            kind="alerts",
            recipient=email.recipient,
            since=email.since,
            about=tuple(item.alert.alert_id for item in email.items),
            last_error=email.last_error,
        )
        for email in warehouse.alerts.started(("uncertain",))
    ]
    notices = [
        UncertainEmail(
            message_id=row["message_id"],
            kind="notice",
            recipient=row["recipient"],
            since=row["created_at"],
            about=(row["title"],),
            last_error=row["last_error"],
        )
        for row in warehouse.notices.uncertain()
    ]
    return [*alerts, *notices]


def settle(warehouse: Warehouse, message_id: str, delivered: bool) -> int:
    """An operator's answer from the mail server's log; how many deliveries or notices it
    settled. Raises :class:`WarehouseError` when no uncertain email has that Message-ID."""
    wanted = message_id if message_id.startswith("<") else f"<{message_id}>"
    moment = datetime.now(UTC)
    with warehouse.connection.transaction():
        settled = warehouse.notices.settle(wanted, delivered, moment)
        if not settled:
            settled = warehouse.alerts.settle(wanted, delivered, moment)
    log.info(
        "email %s settled as %s by %s", wanted, "delivered" if delivered else "resend", operator()
    )
    return settled
