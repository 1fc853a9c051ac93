"""Handing a message to a mail server (SMTP with STARTTLS or TLS and a login), or, with no server set, writing it
to an outbox folder as an `.eml` file (the embedded default: real messages, no mail server).

A send goes MAIL FROM, RCPT TO, then DATA, and calls `before_data` between the last two: until DATA the server
holds nothing to deliver, so a send cut off earlier can simply be made again; once DATA has begun, only the
server's answer says whether the message was taken. The caller records the message as being sent in
`before_data` (which may also say no: then nothing is sent) and the outcome after, which is what lets a send cut
off by a crash resume without repeating one.
"""
from __future__ import annotations

import os
import smtplib
import ssl
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Callable, Optional, Protocol

SECURITY = ("starttls", "tls", "none")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}


class SendFailure(Exception):
    """The message was not taken; `reason` is the server's answer or what went wrong."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Temporary(SendFailure):
    """The server said "not now" (a 4xx reply): the same message may be tried again later."""


class Refused(SendFailure):
    """The server refused it for good (a 5xx reply)."""


class Unreachable(SendFailure):
    """No conversation with the server before the message's content (it is down, refused the login, dropped
    the connection): nothing was sent, and the rest of the send should wait."""


class Interrupted(SendFailure):
    """The connection broke while the message's content was on its way: the server may or may not have taken it."""


class Transport(Protocol):
    def send(self, message: EmailMessage, sender: str, recipient: str, before_data: Callable[[], bool],
             name: str) -> bool:
        """Hand over one message (True), or not when `before_data` says no (False), or raise a SendFailure;
        `name` says which message it is (an outbox's file name)."""

    def close(self) -> None:
        ...


def _reply(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {' '.join(text.split())}"


def _failure(code: int, reply: bytes | str) -> SendFailure:
    reason = _reply(code, reply)
    if 400 <= code < 500:
        return Temporary(reason)
    return Refused(reason)


class SmtpTransport:
    """One connection, opened at the first message and kept for the rest of a step."""

    def __init__(self, host: str, port: Optional[int] = None, security: str = "starttls",
                 username: Optional[str] = None, password: Optional[str] = None, timeout: float = 30.0,
                 ca_file: Optional[str] = None):
        if security not in SECURITY:
            raise ValueError(f"MAIL_SECURITY must be one of {', '.join(SECURITY)}, not {security!r}")
        self.host, self.port, self.security = host, port or DEFAULT_PORTS[security], security
        self.username, self.password, self.timeout = username, password, timeout
        self.context = ssl.create_default_context(cafile=ca_file)
        self.smtp: Optional[smtplib.SMTP] = None

    def _connect(self) -> smtplib.SMTP:
        try:
            if self.security == "tls":
                smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self.context)
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            smtp.ehlo()
            if self.security == "starttls":
                smtp.starttls(context=self.context)
                smtp.ehlo()
            if self.username:
                smtp.login(self.username, self.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise Unreachable(f"the mail server refused the login: {_reply(exc.smtp_code, exc.smtp_error)}") from None
        except smtplib.SMTPNotSupportedError as exc:
            raise Unreachable(f"the mail server at {self.host}:{self.port} does not offer it: {exc}") from None
        except smtplib.SMTPResponseException as exc:
            raise Unreachable(f"the mail server at {self.host}:{self.port} said "
                              f"{_reply(exc.smtp_code, exc.smtp_error)}") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise Unreachable(f"cannot reach the mail server at {self.host}:{self.port}: {exc}") from None
        return smtp

    def send(self, message: EmailMessage, sender: str, recipient: str, before_data: Callable[[], bool],
             name: str) -> bool:
        if self.smtp is None:
            self.smtp = self._connect()
        smtp = self.smtp
        try:
            code, reply = smtp.mail(sender)
            if code != 250:
                smtp.rset()
                raise _failure(code, reply)
            code, reply = smtp.rcpt(recipient)
            if code not in (250, 251):
                smtp.rset()
                raise _failure(code, reply)
        except (OSError, smtplib.SMTPServerDisconnected) as exc:
            self._drop()
            raise Unreachable(f"the connection to the mail server broke: {exc}") from None
        if not before_data():
            self._reset()
            return False
        try:
            code, reply = smtp.data(message.as_bytes())
        except smtplib.SMTPDataError as exc:  # DATA itself was refused: no content went
            self._reset()
            raise _failure(exc.smtp_code, exc.smtp_error) from None
        except (OSError, smtplib.SMTPServerDisconnected) as exc:
            self._drop()
            raise Interrupted(f"the connection broke while the message was being sent: {exc}") from None
        if code != 250:
            self._reset()
            raise _failure(code, reply)
        return True

    def _reset(self) -> None:
        try:
            self.smtp.rset()
        except (OSError, smtplib.SMTPException):
            self._drop()

    def _drop(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.close()
            finally:
                self.smtp = None

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self._drop()


class OutboxTransport:
    """Each message as an `.eml` file in a folder (written whole, then renamed into place), for a machine without
    a mail server: open one in any mail program to see exactly what would have been sent."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        #: The file name of the last message written.
        self.written: str | None = None

    def send(self, message: EmailMessage, sender: str, recipient: str, before_data: Callable[[], bool],
             name: str) -> bool:
        self.folder.mkdir(parents=True, exist_ok=True)
        if not before_data():
            return False
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        with tempfile.NamedTemporaryFile("wb", dir=self.folder, suffix=".part", delete=False) as out:
            out.write(message.as_bytes())
        self.written = f"{stamp}-{name}.eml"
        os.replace(out.name, self.folder / self.written)
        return True

    def close(self) -> None:
        pass


def from_config(config) -> Transport:
    """SMTP when MAIL_SERVER is set, the outbox otherwise."""
    if not config.get("MAIL_SERVER"):
        return OutboxTransport(config["MAIL_OUTBOX"])
    port = config.get("MAIL_PORT")
    return SmtpTransport(str(config["MAIL_SERVER"]), int(port) if port else None,
                         str(config.get("MAIL_SECURITY") or "starttls"),
                         str(config["MAIL_USERNAME"]) if config.get("MAIL_USERNAME") else None,
                         str(config["MAIL_PASSWORD"]) if config.get("MAIL_PASSWORD") is not None else None,
                         float(config.get("MAIL_TIMEOUT") or 30), config.get("MAIL_CA_FILE") or None)
