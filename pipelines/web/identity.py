"""Who is asking, and what they may see: sessions from signed links or single sign-on, CSRF.

A reviewer is an email address. It comes from one of two places:

* a signed link from an alert email (:mod:`pipelines.alerts.links`): the app checks it,
  then sets a signed session cookie naming the link's recipient and redirects to the same
  page without the token, so the token does not stay in the address bar or history;
* a header set by the university's reverse proxy after single sign-on
  (``review.sso_header``), trusted as it is when configured.

The session cookie also carries a random value that every form's CSRF token is signed
over, so a form posted from another site (which cannot read the cookie) is refused, and
the alerts this browser was sent links for: a link opens *that* alert even for someone not
routed for its account (an escalation's recipient), never the account's queue.
"""

from __future__ import annotations

import hmac
import json
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from pipelines.alerts.links import LinkSigner
from pipelines.config import Settings
from pipelines.settings.alerts import EMAIL_PATTERN
from schemas.alerts import Alert

SESSION_COOKIE = "socmon_session"
#: Alerts opened by a link that one session remembers (the newest; a cookie holds ~4 KB).
MAX_GRANTS = 20
_PURPOSE_SESSION = "session"
_PURPOSE_CSRF = "csrf"


@dataclass(frozen=True)
class Session:
    """A signed-in reviewer: who, how they proved it, until when, and their links' alerts."""

    reviewer: str
    via: str  # "link" or "sso"
    nonce: str
    expires: int  # Unix seconds
    grants: tuple[str, ...] = ()

    def granting(self, alert_id: str) -> Session:
        """This session, remembering that a link for ``alert_id`` was opened in it."""
        kept = [granted for granted in self.grants if granted != alert_id]
        return replace(self, grants=(*kept, alert_id)[-MAX_GRANTS:])


class Sessions:
    """Makes and reads session cookies and the CSRF tokens bound to them."""

    def __init__(self, signer: LinkSigner, hours: int) -> None:
        self._signer = signer
        self.seconds = hours * 3600

    def new(self, reviewer: str, via: str, now: datetime) -> Session:
        """A fresh session for ``reviewer``, valid for the configured hours."""
        expires = int(now.timestamp()) + self.seconds
        return Session(reviewer.lower(), via, secrets.token_urlsafe(16), expires)

    def cookie(self, session: Session) -> str:
        """The cookie's value: the session, signed."""
        value = {
            "r": session.reviewer,
            "v": session.via,
            "n": session.nonce,
            "e": session.expires,
            "g": list(session.grants),
        }
        return self._signer.sign(json.dumps(value, separators=(",", ":")), _PURPOSE_SESSION)

    def read(self, cookie: str | None, now: datetime) -> Session | None:
        """The session a genuine, unexpired cookie holds, or None."""
        if not cookie:
            return None
        value = self._signer.unsign(cookie, _PURPOSE_SESSION)
        if value is None:
            return None
        try:
            data = json.loads(value)
            session = Session(
                str(data["r"]),
                str(data["v"]),
                str(data["n"]),
                int(data["e"]),
                tuple(str(granted) for granted in data["g"]),
            )
        except (ValueError, KeyError, TypeError):
            return None
        return session if now.timestamp() < session.expires else None

    def csrf_token(self, session: Session) -> str:
        """The token every form of this session carries."""
        return self._signer.sign(session.nonce, _PURPOSE_CSRF)

    def csrf_ok(self, session: Session, token: str | None) -> bool:
        """Whether ``token`` was made for this session."""
        if not token:
            return False
        nonce = self._signer.unsign(token, _PURPOSE_CSRF)
        return nonce is not None and hmac.compare_digest(nonce, session.nonce)


def sso_reviewer(header_value: str | None) -> str | None:
    """The email address in the single sign-on header, if it holds one."""
    if not header_value:
        return None
    address = header_value.strip().lower()
    return address if re.fullmatch(EMAIL_PATTERN, address) else None


def is_address(text: str) -> bool:
    """Whether ``text`` is an email address (assignees, escalation recipients)."""
    return re.fullmatch(EMAIL_PATTERN, text.strip()) is not None


@dataclass(frozen=True)
class Access:
    """What one reviewer may see: the accounts they are routed for, or all of them."""

    reviewer: str
    admin: bool
    accounts: tuple[str, ...]
    grants: tuple[str, ...] = ()

    def sees_account(self, key: str) -> bool:
        """Whether the reviewer may open this account's queue."""
        return self.admin or key in self.accounts

    def sees(self, alert: Alert, told: Iterable[str] = ()) -> bool:
        """Whether the reviewer may open this alert: their account's, handed to them,
        emailed to them (``told``: every delivery's recipient), or opened by their link."""
        return (
            self.sees_account(alert.account)
            or alert.assigned_to == self.reviewer
            or self.reviewer in (address.lower() for address in (*alert.recipients, *told))
            or alert.alert_id in self.grants
        )

    @property
    def queue_accounts(self) -> tuple[str, ...] | None:
        """The accounts of "everything I am responsible for" (None: every account)."""
        return None if self.admin else self.accounts


def access_for(settings: Settings, session: Session) -> Access:
    """The reviewer's routing: accounts whose owner or line manager they are; admins see all."""
    reviewer = session.reviewer
    routed = tuple(
        account.key
        for account in settings.accounts
        if reviewer in (account.owner_email.lower(), account.line_manager_email.lower())
    )
    return Access(reviewer, reviewer in settings.review.admins, routed, session.grants)


def line_managers(settings: Settings, accounts: Sequence[str]) -> tuple[str, ...]:
    """The line managers of these accounts: where an escalation goes by default."""
    wanted = set(accounts)
    return tuple(
        dict.fromkeys(
            account.line_manager_email.lower()
            for account in settings.accounts
            if account.key in wanted
        )
    )
