"""The hand-written SMTP transaction against a real server (aiosmtpd on loopback): the
message arrives byte for byte (dot-stuffing undone), the hook runs before the final dot,
and a refusal of the final dot is an error, never a success."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from connectors.broker import free_loopback_port
from pipelines.settings.alerts import SmtpSettings
from pipelines.usecases.notify import NotifyResult, describe
from pipelines.usecases.sender import Sender

pytestmark = pytest.mark.integration


class Server:
    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.envelopes: list[list[str]] = []
        self.answer = "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.received.append(envelope.content)
        self.envelopes.append(list(envelope.rcpt_tos))
        return self.answer


@pytest.fixture
def server() -> Iterator[tuple[Server, Sender]]:
    handler = Server()
    port = free_loopback_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, Sender(SmtpSettings(host="127.0.0.1", port=port, starttls=False), Path("."))
    finally:
        controller.stop()


def message(body: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = "socmon@university.example"
    email["To"] = "Owner <owner@university.example>"
    email["Message-ID"] = "<one@socmon.invalid>"
    email["Subject"] = "[socmon] test — ünïcode"
    email.set_content(body)
    return email


@pytest.mark.parametrize(
    "body",
    [
        "plain line\n",
        ".a line starting with a dot\n.\nand a lone dot above\n",
        "no newline at the end",
        "ünïcode — and a dash\n",
    ],
)
def test_the_message_arrives_as_written_and_the_hook_runs_before_the_final_dot(
    server: tuple[Server, Sender], body: str
) -> None:
    handler, sender = server
    hooks: list[int] = []
    email = message(body)

    sender.send(email, "owner@university.example", lambda: hooks.append(len(handler.received)))

    assert hooks == [0]  # the server had not received the message when the hook ran
    [received] = handler.received
    assert received.replace(b"\r\n", b"\n") == bytes(email).replace(b"\r\n", b"\n")


def test_a_refused_final_dot_raises_with_the_servers_code(server: tuple[Server, Sender]) -> None:
    handler, sender = server
    handler.answer = "554 5.6.0 message refused"

    with pytest.raises(smtplib.SMTPDataError) as refused:
        sender.send(message("hello\n"), "owner@university.example", lambda: None)

    assert refused.value.smtp_code == 554


def test_the_envelope_names_only_the_recipient_whatever_to_and_cc_say(
    server: tuple[Server, Sender],
) -> None:
    handler, sender = server
    email = message("hello\n")
    email["Cc"] = "head@university.example, other@university.example"

    sender.send(email, "head@university.example", lambda: None)

    assert handler.envelopes == [["head@university.example"]]


def test_an_eml_file_says_whose_copy_it_is(tmp_path: Path) -> None:
    sender = Sender(SmtpSettings(), tmp_path)
    email = message("hello\n")
    email["Cc"] = "head@university.example"

    sender.send(email, "head@university.example", lambda: None)

    [written] = tmp_path.glob("*.eml")
    content = written.read_bytes()
    assert content.startswith(b"Delivered-To: head@university.example\n")
    assert content.endswith(bytes(email))


def test_the_notifier_says_where_emails_went(tmp_path: Path) -> None:
    files = Sender(SmtpSettings(), tmp_path / "outbox")
    server = Sender(SmtpSettings(host="mail.university.example", port=587), tmp_path)
    assert files.destination == f".eml files in {tmp_path / 'outbox'} (no [smtp] host configured)"
    assert server.destination == "the SMTP server mail.university.example:587"
    line = describe(NotifyResult(emails_sent=2, deliveries_sent=3, destination=files.destination))
    assert line.startswith(f"sent 2 email(s) covering 3 delivery(ies) to .eml files in {tmp_path}")
