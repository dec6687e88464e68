"""Escalation: an alert nobody acknowledged in time goes to the next step of its chain.

Run by each ``socmon notify`` (and so each ``socmon run``) before anything is sent. An
account's chain is its owner and line manager (the alert's own recipients), then its head
of communications, then a duty address (``[alerts.escalation]``, or the account's own
``head_of_comms_email`` / ``duty_email``). Each step has ``acknowledge_within_minutes`` of
its severity, counted from when that step's email was accepted by the mail server: around
the clock for critical alerts, within ``working_hours`` on ``working_days`` (in
``alerts.timezone``) for the rest. When it has passed and the alert is still ``open``, one
immediate delivery to the next step is added to the outbox (see
:mod:`pipelines.warehouse.escalations`: once per alert and step, audited), and the same
notifier run sends it. An acknowledgement or a verdict cancels it while it waits.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from pipelines.config import Settings
from pipelines.settings.escalation import EscalationSettings
from schemas.escalations import OpenAlertSteps

log = logging.getLogger(__name__)


class Escalations(Protocol):
    """The escalation role of the warehouse (``Warehouse.escalations``)."""

    def open_alerts(self, severities: Sequence[str]) -> list[OpenAlertSteps]: ...

    def add(
        self,
        alert_id: str,
        step: int,
        recipient: str,
        escalated_from: Sequence[str],
        since: datetime,
        moment: datetime,
    ) -> bool: ...


@dataclass(frozen=True)
class EscalationPlan:
    """The settings of escalation, and each account's chain beyond its own recipients."""

    settings: EscalationSettings
    zone: ZoneInfo
    chains: Mapping[str, tuple[str, ...]]
    #: For alerts on an account no longer configured (they went to the fallback address).
    default_chain: tuple[str, ...]

    def chain(self, account: str) -> tuple[str, ...]:
        """The addresses after the alert's own recipients, step 1 first."""
        return self.chains.get(account, self.default_chain)


def escalation_plan(settings: Settings) -> EscalationPlan:
    """The plan these settings describe."""
    escalation = settings.alerts.escalation
    head, duty = escalation.head_of_comms_email, escalation.duty_email
    return EscalationPlan(
        settings=escalation,
        zone=ZoneInfo(settings.alerts.timezone),
        chains={account.key: account.escalation_chain(head, duty) for account in settings.accounts},
        default_chain=tuple(dict.fromkeys(a.lower() for a in (head, duty) if a)),
    )


def escalate_due(plan: EscalationPlan, store: Escalations, now: datetime) -> int:
    """Add the escalations whose time has come; return how many were added."""
    if not plan.settings.enabled:
        return 0
    windows = plan.settings.acknowledge_within_minutes
    added = 0
    for alert in store.open_alerts(sorted(windows)):
        if alert.step_told_at is None:
            continue  # this step's email has not gone out: its clock has not started
        chain = plan.chain(alert.account)
        if alert.step >= len(chain):
            continue  # the end of the chain
        window = timedelta(minutes=windows[alert.severity])
        waited = counted_time(alert.step_told_at, now, alert.severity, plan)
        if waited < window:
            continue
        recipient = chain[alert.step]
        if store.add(
            alert.alert_id, alert.step + 1, recipient, alert.told, alert.step_told_at, now
        ):
            added += 1
            log.warning(
                "alert %s (%s) not acknowledged within %d minutes: escalated to step %d",
                alert.alert_id[:16],
                alert.severity,
                windows[alert.severity],
                alert.step + 1,
            )
    return added


def counted_time(start: datetime, end: datetime, severity: str, plan: EscalationPlan) -> timedelta:
    """The time between ``start`` and ``end`` that counts towards a severity's window:
    all of it for critical alerts, only working hours on working days for the rest."""
    if end <= start:
        return timedelta(0)
    if severity == "critical":
        return end - start
    first_hour, last_hour = plan.settings.working_hours
    days = set(plan.settings.working_days)
    local_start, local_end = start.astimezone(plan.zone), end.astimezone(plan.zone)
    counted = timedelta(0)
    day = local_start.date()
    while day <= local_end.date():
        if day.isoweekday() in days:
            # Wall-clock hours of that day in the zone (a day of a clock change keeps them).
            opens = datetime(day.year, day.month, day.day, tzinfo=plan.zone) + timedelta(
                hours=first_hour
            )
            closes = datetime(day.year, day.month, day.day, tzinfo=plan.zone) + timedelta(
                hours=last_hour
            )
            begin, finish = max(opens, local_start), min(closes, local_end)
            if finish > begin:
                counted += finish - begin
        day += timedelta(days=1)
    return counted
