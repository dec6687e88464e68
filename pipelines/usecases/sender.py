"""How an alert email leaves: SMTP, or an ``.eml`` file in the outbox folder without a host.

The SMTP transaction is written out (MAIL, RCPT, DATA, the dot-stuffed message, the final
dot) instead of ``smtplib.SMTP.send_message`` so the notifier can record, just before the
final dot, that the server may from now on accept the email: that moment divides what a
restart may safely resend from what it must not (see :mod:`pipelines.usecases.notify`).
"""

from __future__ import annotations

import re
import smtplib
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path

from pipelines.settings.alerts import SmtpSettings


class Sender:
    """SMTP, or .eml files in the outbox folder when no host is configured."""

    def __init__(self, smtp: SmtpSettings, outbox_dir: Path) -> None:
        self.smtp = smtp
        self.outbox = Path(outbox_dir)

    @property
    def destination(self) -> str:
        """Where emails go, as the notifier reports it."""
        if self.smtp.host:
            return f"the SMTP server {self.smtp.host}:{self.smtp.port}"
        return f".eml files in {self.outbox} (no [smtp] host configured)"

    @property
    def drops_repeats(self) -> bool:
        """Whether sending one Message-ID twice leaves one email (files; a deduplicating relay)."""
        return not self.smtp.host or self.smtp.relay_drops_repeated_message_ids

    def send(
        self, message: EmailMessage, recipient: str, before_final_dot: Callable[[], None]
    ) -> None:
        """Deliver ``message`` to ``recipient`` alone; return only once the server accepted
        it (or the file is written).

        The envelope names only ``recipient``, whatever the To and Cc headers say: they show
        everyone told of an incident, each of whom gets their own copy. A file starts with a
        ``Delivered-To`` line naming whose copy it is, as a mailbox would.
        ``before_final_dot`` runs when everything but the end of the message is sent:
        up to then the server cannot accept it, from then on it may.
        """
        if "\r" in recipient or "\n" in recipient:
            raise ValueError("a recipient address cannot hold a line break")
        if not self.smtp.host:
            self.outbox.mkdir(parents=True, exist_ok=True)
            name = str(message["Message-ID"]).strip("<>").split("@")[0]
            path = self.outbox / f"alert-{name}.eml"
            temporary = path.with_suffix(".tmp")
            temporary.write_bytes(f"Delivered-To: {recipient}\n".encode() + bytes(message))
            before_final_dot()
            temporary.replace(path)  # the same email twice is the same file
            return
        server = smtplib.SMTP(self.smtp.host, self.smtp.port, timeout=self.smtp.timeout_s)
        try:
            if self.smtp.starttls:
                server.starttls()
            if self.smtp.username:
                password = self.smtp.password.get_secret_value() if self.smtp.password else ""
                server.login(self.smtp.username, password)
            _transmit(server, message, recipient, before_final_dot)
        except BaseException:
            server.close()
            raise
        try:  # accepted: saying goodbye is a courtesy, and its failure changes nothing
            server.quit()
        except (smtplib.SMTPException, OSError):
            server.close()


def _transmit(
    server: smtplib.SMTP,
    message: EmailMessage,
    recipient: str,
    before_final_dot: Callable[[], None],
) -> None:
    """MAIL, RCPT (``recipient`` only), DATA, the dot-stuffed message, then (after the hook)
    the final dot."""
    server.ehlo_or_helo_if_needed()
    [(_, sender)] = getaddresses([str(message["From"])])
    code, reply = server.mail(sender)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    code, reply = server.rcpt(recipient)
    if code not in (250, 251):
        raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    code, reply = server.docmd("DATA")
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    content = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
    lines = re.split(rb"\r\n|\r|\n", content)
    if lines[-1] == b"":
        lines.pop()
    stuffed = b"".join((b"." + line if line.startswith(b".") else line) + b"\r\n" for line in lines)
    server.send(stuffed)
    before_final_dot()
    server.send(b".\r\n")
    code, reply = server.getreply()
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)  # refused: the server did not take it
