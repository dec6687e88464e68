"""Alert emails: immediate (one alert, or a burst on one thread) and digests, HTML plus text.

Only what is already in the ``alerts`` table goes into an email: the masked,
redacted excerpt, the thread context, the link, the clause, the action and
the rule and model versions. The Message-ID is derived from the deliveries
the email carries, so a repeat after a crash has the same id and mail
systems can drop it. An email that lists only part of a burst or digest (the
notifier caps emails by alert count and size) says how many more follow.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

from pipelines.alerts.rules import Policy
from schemas.alerts import Alert, DueDelivery
from schemas.vocabulary import CATEGORY_NAMES, SEVERITY_ORDER


def message_id(delivery_ids: Sequence[str]) -> str:
    """The Message-ID of the email carrying these deliveries: the same set, the same id."""
    digest = hashlib.sha256("|".join(sorted(delivery_ids)).encode()).hexdigest()[:32]
    return f"<{digest}@socmon.invalid>"


def compose(
    items: Sequence[DueDelivery],
    digest: bool,
    sender: str,
    policy: Policy,
    handles: dict[str, str],
    now: datetime | None = None,
    *,
    more: int = 0,
    fixed_id: str | None = None,
) -> EmailMessage:
    """One email for ``items`` (all to the same recipient).

    ``more``: alerts of the same burst or digest left for the next emails.
    ``fixed_id``: the Message-ID recorded when the email was first begun (a resend).
    """
    if digest:  # grouped by account, most severe first within each
        ordered = sorted(
            items,
            key=lambda i: (i.alert.account, -SEVERITY_ORDER[i.severity], i.alert.created_at),
        )
    else:
        ordered = sorted(items, key=lambda i: (-SEVERITY_ORDER[i.severity], i.alert.created_at))
    top = ordered[0].alert
    message = EmailMessage()
    message["From"] = sender
    message["To"] = items[0].recipient
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["Message-ID"] = fixed_id or message_id([i.delivery_id for i in items])
    message["Subject"] = _subject(ordered, digest, handles) + (f" (+{more} more)" if more else "")
    message["X-Socmon-Alerts"] = ",".join(i.alert.alert_id[:16] for i in ordered)
    blocks = [_alert_block(item.alert, policy, handles) for item in ordered]
    intro = _intro(ordered, digest, handles, top)
    if more:
        intro += (
            f"\n\nThis email lists {len(ordered)} alert(s); {more} more follow in the next "
            "email(s). `socmon alerts list` shows them all."
        )
    message.set_content(intro + "\n\n" + "\n\n".join(text for text, _ in blocks) + _footer())
    message.add_alternative(_html(intro, [markup for _, markup in blocks]), subtype="html")
    return message


def _handle(account: str, handles: dict[str, str]) -> str:
    handle = handles.get(account, account)
    return handle if " " in handle else f"@{handle}"


def _subject(ordered: Sequence[DueDelivery], digest: bool, handles: dict[str, str]) -> str:
    top = max(ordered, key=lambda i: SEVERITY_ORDER[i.severity]).alert
    if digest:
        accounts = {item.alert.account for item in ordered}
        return (
            f"[socmon] Digest: {len(ordered)} alert(s) on {len(accounts)} account(s)"
            f" — highest {top.severity.upper()}"
        )
    where = _handle(top.account, handles)
    what = CATEGORY_NAMES.get(top.category, top.category)
    if len(ordered) > 1:
        what = f"{len(ordered)} alerts in one thread ({what.lower()})"
    return f"[socmon][{top.severity.upper()}] {what} on {where} — policy {top.policy_clause}"


def _intro(
    ordered: Sequence[DueDelivery], digest: bool, handles: dict[str, str], top: Alert
) -> str:
    if digest:
        counts: dict[tuple[str, str], int] = {}
        for item in ordered:
            key = (_handle(item.alert.account, handles), item.severity)
            counts[key] = counts.get(key, 0) + 1
        lines = [
            f"  {account}: {n} {severity}" for (account, severity), n in sorted(counts.items())
        ]
        return "Alerts since the last digest, by account and severity:\n" + "\n".join(lines)
    if len(ordered) > 1:
        return (
            f"{len(ordered)} alerts were raised on one thread on "
            f"{_handle(top.account, handles)} within minutes; they are listed together."
        )
    return f"An alert was raised on {_handle(top.account, handles)}."


def _alert_block(alert: Alert, policy: Policy, handles: dict[str, str]) -> tuple[str, str]:
    evidence = alert.evidence
    clause = policy.clauses.get(alert.policy_clause)
    clause_line = (
        f"Policy {alert.policy_clause} ({clause.title}): {clause.summary}"
        if clause
        else f"Policy {alert.policy_clause}"
    )
    detection = evidence.get("detection", {})
    if not detection:
        model = f"rule text match: {evidence.get('matched', '')}"
    elif "entity_types" in detection:
        found = ", ".join(f"{kind} {n}" for kind, n in detection["entity_types"].items())
        model = f"privacy filter {detection.get('detector_version')}: found {found}"
    else:
        model = (
            f"{detection.get('detector_version')} — score {detection.get('score')}, "
            f"threshold {detection.get('threshold')}"
        )
    claim = detection.get("matched_claim") if detection else None
    rows = [
        (
            "What",
            f"{CATEGORY_NAMES.get(alert.category, alert.category)} ({alert.severity.upper()})",
        ),
        (
            "Where",
            f"{_handle(alert.account, handles)}, a {evidence.get('kind', 'post')}"
            + (" by the official account" if evidence.get("by_official_account") else ""),
        ),
        ("Excerpt", evidence.get("excerpt", "")),
        ("In reply to", evidence.get("context", "")),
        ("Link", alert.url or "(not available)"),
        ("Clause", clause_line),
        ("Policy document", policy.document_url),
        ("Recommended action", alert.recommended_action),
        ("Fact check", claim["fact_check"] if claim else ""),
        ("Rule", f"{evidence['rule']['id']} ({alert.rule_version})"),
        ("Model", model),
        ("Alert id", alert.alert_id),
    ]
    rows = [(label, value) for label, value in rows if value]
    text = "\n".join(f"{label}: {value}" for label, value in rows)
    cells = []
    for label, value in rows:
        shown = _link(str(value)) if label in _LINKS else html.escape(str(value))
        cells.append(
            f"<tr><th align='left' valign='top'>{html.escape(label)}</th><td>{shown}</td></tr>"
        )
    markup = "<table>" + "".join(cells) + "</table>"
    return text, markup


_LINKS = ("Link", "Policy document", "Fact check")


def _link(url: str) -> str:
    if url.startswith(("https://", "http://")):
        return f"<a href='{html.escape(url)}'>{html.escape(url)}</a>"
    return html.escape(url)


def _html(intro: str, blocks: Sequence[str]) -> str:
    body = "<hr>".join(blocks)
    return (
        "<!doctype html><html><body style='font-family:sans-serif'>"
        f"<p>{html.escape(intro).replace(chr(10), '<br>')}</p>{body}"
        f"<p style='color:#666'>{html.escape(_footer().strip())}</p></body></html>"
    )


def _footer() -> str:
    return (
        "\n\n-- \nsocmon: personal data is redacted and offensive words are masked. Record your "
        "verdict with `socmon alerts resolve ALERT_ID --as confirmed|false_positive|duplicate`."
    )
