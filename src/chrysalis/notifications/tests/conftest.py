"""A real SMTP server (aiosmtpd, in a thread of the test process) and the product's real SMTP
backend pointed at it; what it receives is parsed with the `email` package."""

import email
import email.policy
import re
import socket
import threading

import pytest
from aiosmtpd.controller import Controller

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


class Inbox:
    """What the SMTP server received: (envelope sender, recipients, parsed message)."""

    def __init__(self):
        self.received: list[tuple[str, list[str], email.message.EmailMessage]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self._lock:
            self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        with self._lock:
            return [m for _, _, m in self.received]

    def to(self, address: str) -> list[email.message.EmailMessage]:
        with self._lock:
            return [m for _, rcpts, m in self.received if address in rcpts]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def smtp(smtp_server, settings):
    """The real SMTP backend sends to the test's SMTP server; returns its (emptied) inbox."""
    controller, inbox = smtp_server
    with inbox._lock:
        inbox.received.clear()
    settings.MAILERS = {
        "default": {"BACKEND": SMTP_BACKEND, "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5}}
    }
    inbox.port = controller.port
    return inbox


@pytest.fixture
def smtp_down(settings):
    """The SMTP backend points at a port where nothing listens."""
    settings.MAILERS = {
        "default": {"BACKEND": SMTP_BACKEND, "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2}}
    }


def parts(message) -> tuple[str, str]:
    """(plain text, HTML) of a multipart/alternative message."""
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text.replace("\r\n", "\n"), html.replace("\r\n", "\n")  # SMTP lines end in CRLF


def links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)
