"""Alert emails: immediate (one alert, or a burst on one thread) and digests, HTML plus text.

Composed from Jinja2 templates (``pipelines/alerts/templates/``, autoescaped HTML and a
plain-text part carrying the same facts and links). An immediate email opens with a
severity banner, says what happened in one sentence, when the post was made and found (in
the university's time zone), every policy clause concerned with what to do, and buttons
that are signed links for this recipient (open, acknowledge, false alarm; opening one
changes nothing). A digest is a compact table, one line per alert, identical excerpts
collapsed into one line with a count. Scores, versions and ids go to the small print.

Each recipient gets their own copy (the outbox is exactly once per delivery, and each
copy's links name its recipient), but an immediate email's headers show the whole
incident: To the account owners, Cc everyone else on the alert (the line managers), with
the same subject for everyone. Only what is already in the ``alerts`` table goes into an
email: the masked, redacted excerpt and context, the link, the clauses and actions. The
Message-ID is derived from the deliveries the email carries, so a repeat after a crash
has the same id and mail systems can drop it. An email that lists only part of a burst
or digest (the notifier caps emails by alert count and size) says how many more follow.
An escalation (the alert went unacknowledged at an earlier step of its chain) says so in
its subject and above the alert: who was told and did not acknowledge, and since when.
"""

from __future__ import annotations

import email.policy
import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from pipelines.alerts import wording
from pipelines.alerts.links import LinkSigner
from pipelines.alerts.rules import Policy
from schemas.alerts import Alert, DueDelivery
from schemas.escalations import EscalationNote
from schemas.vocabulary import CATEGORY_NAMES, SEVERITY_ORDER

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Headers are not folded below SMTP's limit of 998 characters: Python folds a subject that
#: fits on a line of its own right after "Subject:", and readers then see it start with a
#: space. Body lines longer than this are still encoded (quoted-printable or base64).
EMAIL_POLICY = email.policy.default.clone(max_line_length=998)
#: A digest line shows at most this much of the excerpt.
DIGEST_EXCERPT_CHARACTERS = 100


@dataclass(frozen=True)
class EmailContext:
    """What every email needs besides its alerts: who sends it, the policy's clauses, the
    accounts' handles, owners and line managers, the time zone, and the link signer (None:
    no key is configured, and emails carry no buttons)."""

    sender: str
    policy: Policy
    handles: Mapping[str, str]
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/London"))
    owners: Mapping[str, str] = field(default_factory=dict)
    managers: Mapping[str, str] = field(default_factory=dict)
    signer: LinkSigner | None = None

    def role(self, address: str, account: str) -> str:
        """What ``address`` is to ``account``'s alert: its owner, its line manager, or ""."""
        if self.owners.get(account) == address:
            return "account owner"
        if self.managers.get(account) == address:
            return "line manager"
        return "account owner" if address in self.owners.values() else ""


@dataclass(frozen=True)
class Card:
    """One alert as an immediate email shows it."""

    alert_id: str
    banner: wording.Banner
    sentence: str
    excerpt: str
    context: str
    posted: str
    found: str
    platform_url: str | None
    clauses: list[wording.ClauseAction]
    fact_check: str | None
    buttons: list[tuple[str, str]]
    told: list[tuple[str, str]]
    details: list[str]
    #: "Escalated: not acknowledged by ... since HH:MM zone", when this copy is an escalation.
    escalation: str | None = None


@dataclass(frozen=True)
class Row:
    """One line of a digest: an alert, or several with the same excerpt (``count``)."""

    banner: wording.Banner
    account: str
    category: str
    clause: str
    excerpt: str
    found: str
    open_url: str | None
    fact_check: str | None
    count: int
    alert_ids: tuple[str, ...]


def message_id(delivery_ids: Sequence[str]) -> str:
    """The Message-ID of the email carrying these deliveries: the same set, the same id."""
    digest = hashlib.sha256("|".join(sorted(delivery_ids)).encode()).hexdigest()[:32]
    return f"<{digest}@socmon.invalid>"


def compose(
    items: Sequence[DueDelivery],
    digest: bool,
    context: EmailContext,
    now: datetime | None = None,
    *,
    more: int = 0,
    fixed_id: str | None = None,
    escalations: Mapping[str, EscalationNote] | None = None,
) -> EmailMessage:
    """One email for ``items`` (all to the same recipient).

    ``more``: alerts of the same burst or digest left for the next emails.
    ``fixed_id``: the Message-ID recorded when the email was first begun (a resend).
    ``escalations``: by delivery id, the notes of the items that are escalations.
    """
    notes = escalations or {}
    now = now or datetime.now(UTC)
    recipient = items[0].recipient
    ordered = _ordered(items, digest)
    top = _most_severe(ordered)
    to, cc = ([recipient], []) if digest else _headers(ordered, recipient, context)
    subject = _subject(ordered, digest, context) + (f" (+{more} more)" if more else "")
    if any(item.delivery_id in notes for item in ordered):
        subject = "[socmon] ESCALATED" + subject.removeprefix("[socmon]")
    values = {
        "subject": subject,
        "banner": wording.BANNERS[top.severity],
        "headline": _headline(top.severity, digest),
        "more": more,
        "shown": len(ordered),
        "policy_url": context.policy.document_url,
        "has_links": context.signer is not None,
        "alert_ids": [item.alert.alert_id for item in ordered],
    }
    if digest:
        rows = _rows(ordered, context, recipient, now)
        accounts = {item.alert.account for item in ordered}
        counts = Counter(item.severity for item in ordered)
        by_severity = [(s, counts[s]) for s in sorted(counts, key=lambda s: -SEVERITY_ORDER[s])]
        values |= {
            "rows": rows,
            "total": _count(len(ordered), "alert"),
            "accounts": _count(len(accounts), "account"),
            "by_severity": by_severity,
        }
    else:
        cards = [
            _card(item.alert, recipient, context, now, notes.get(item.delivery_id))
            for item in ordered
        ]
        where = wording.handle(top.account, dict(context.handles))
        values |= {"cards": cards, "where": where, "to": to, "cc": cc}
    kind = "digest" if digest else "immediate"
    message = EmailMessage(policy=EMAIL_POLICY)
    message["From"] = context.sender
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = fixed_id or message_id([i.delivery_id for i in items])
    message["Subject"] = subject
    message["X-Socmon-Alerts"] = ",".join(i.alert.alert_id[:16] for i in ordered)
    message.set_content(_environment().get_template(f"{kind}.txt").render(values))
    message.add_alternative(
        _environment().get_template(f"{kind}.html").render(values), subtype="html"
    )
    return message


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _ordered(items: Sequence[DueDelivery], digest: bool) -> list[DueDelivery]:
    """Digests by account, then most severe first; bursts most severe first. The alert id
    breaks ties, so every recipient's copy lists (and names) the same alert first."""

    def rank(item: DueDelivery) -> tuple[int, datetime, str]:
        created = item.alert.created_at or datetime.min.replace(tzinfo=UTC)
        return -SEVERITY_ORDER[item.severity], created, item.alert.alert_id

    if digest:
        return sorted(items, key=lambda item: (item.alert.account, *rank(item)))
    return sorted(items, key=rank)


def _headers(
    ordered: Sequence[DueDelivery], recipient: str, context: EmailContext
) -> tuple[list[str], list[str]]:
    """To: the account owners told of the incident; Cc: everyone else told of it."""
    told = list(dict.fromkeys(r for item in ordered for r in item.alert.recipients))
    if recipient not in told:
        told.append(recipient)
    account = ordered[0].alert.account
    to = [address for address in told if context.role(address, account) == "account owner"]
    cc = [address for address in told if address not in to]
    return (to, cc) if to else (cc, [])


def _most_severe(ordered: Sequence[DueDelivery]) -> Alert:
    """The first of the most severe alerts (a digest lists by account first)."""
    return max(ordered, key=lambda item: SEVERITY_ORDER[item.severity]).alert


def _subject(ordered: Sequence[DueDelivery], digest: bool, context: EmailContext) -> str:
    top = _most_severe(ordered)
    severity = top.severity.upper()
    if digest:
        accounts = len({item.alert.account for item in ordered})
        return (
            f"[socmon] Digest: {_count(len(ordered), 'alert')} on {_count(accounts, 'account')}"
            f" (highest {severity})"
        )
    clauses = list(dict.fromkeys(c for item in ordered for c in item.alert.every_clause))
    policy = ("policy " if len(clauses) == 1 else "policies ") + ", ".join(clauses)
    where = wording.handle(top.account, dict(context.handles))
    burst = f": {len(ordered)} alerts in one thread" if len(ordered) > 1 else ""
    return f"[socmon] {severity} {wording.subject_words(top)} on {where}{burst} ({policy})"


def _headline(severity: str, digest: bool) -> str:
    banner = wording.BANNERS[severity]
    if digest:
        return f"Digest — highest severity {banner.word}"
    return f"{banner.word} — {banner.meaning}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _buttons(
    alert: Alert, recipient: str, context: EmailContext, now: datetime
) -> list[tuple[str, str]]:
    if context.signer is None:
        return []
    return [
        (label, context.signer.url(alert.alert_id, recipient, now, action))
        for label, action in (
            ("Open alert", None),
            ("Acknowledge", "acknowledge"),
            ("False alarm", "false_positive"),
        )
    ]


def escalation_line(note: EscalationNote, zone: ZoneInfo, now: datetime) -> str:
    """The line "Escalated: not acknowledged by a, b since 14:30 GMT" (the day added when it
    was not today)."""
    since = note.since.astimezone(zone)
    when = since.strftime("%H:%M %Z")
    if since.date() != now.astimezone(zone).date():
        when = f"{when} on {since.strftime('%a')} {since.day} {since.strftime('%b')}"
    return f"Escalated: not acknowledged by {', '.join(note.escalated_from)} since {when}"


def _card(
    alert: Alert,
    recipient: str,
    context: EmailContext,
    now: datetime,
    note: EscalationNote | None = None,
) -> Card:
    evidence = alert.evidence
    titles = {
        number: (clause.title, clause.summary) for number, clause in context.policy.clauses.items()
    }
    url = alert.url if alert.url and alert.url.startswith(("https://", "http://")) else None
    return Card(
        alert_id=alert.alert_id,
        banner=wording.BANNERS[alert.severity],
        sentence=wording.sentence(alert, dict(context.handles)),
        excerpt=str(evidence.get("excerpt", "")),
        context=str(evidence.get("context", "")),
        posted=wording.local_time(evidence.get("posted_at"), context.zone, now),
        found=wording.local_time(alert.created_at, context.zone, now),
        platform_url=url,
        clauses=wording.clause_actions(alert, titles, context.zone),
        fact_check=wording.fact_check_url(alert),
        buttons=_buttons(alert, recipient, context, now),
        told=[(address, context.role(address, alert.account)) for address in alert.recipients],
        details=wording.model_details(alert),
        escalation=escalation_line(note, context.zone, now) if note else None,
    )


def _rows(
    ordered: Sequence[DueDelivery], context: EmailContext, recipient: str, now: datetime
) -> list[Row]:
    """One row per alert; alerts with the same excerpt on the same account share a row."""
    groups: dict[tuple[str, str], list[Alert]] = {}
    for item in ordered:
        excerpt = " ".join(str(item.alert.evidence.get("excerpt", "")).split())
        groups.setdefault((item.alert.account, excerpt), []).append(item.alert)
    rows = []
    for (account, excerpt), alerts in groups.items():
        first = alerts[0]
        buttons = _buttons(first, recipient, context, now)
        short = excerpt
        if len(short) > DIGEST_EXCERPT_CHARACTERS:
            short = short[: DIGEST_EXCERPT_CHARACTERS - 1] + "…"
        rows.append(
            Row(
                banner=wording.BANNERS[first.severity],
                account=wording.handle(account, dict(context.handles)),
                category=CATEGORY_NAMES.get(first.category, first.category),
                clause=", ".join(first.every_clause),
                excerpt=short,
                found=wording.local_time(first.created_at, context.zone, now),
                open_url=buttons[0][1] if buttons else None,
                fact_check=wording.fact_check_url(first),
                count=len(alerts),
                alert_ids=tuple(alert.alert_id for alert in alerts),
            )
        )
    return rows
