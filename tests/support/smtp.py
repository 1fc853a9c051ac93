"""A real SMTP server on a loopback port for the tests and the benchmark: aiosmtpd, with STARTTLS (or implicit
TLS) on a self-signed certificate made for the run, a login, and what it received kept in order. It can be told
to answer "not now" (4xx) or "no" (5xx) for an address, or to hold a conversation at RCPT or after DATA until
released (so that a test can kill the sender mid-message)."""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import ipaddress
import threading
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.support.web import free_port

LOGIN, PASSWORD = "continuum", "a mail password"


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost (it is its own authority) and its key, as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "continuum test mail server")])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
                   .not_valid_after(now + dt.timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                               x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                                  critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "mail-cert.pem", folder / "mail-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def to(self) -> str:
        return self.recipients[0]

    def part(self, subtype: str) -> str:
        return self.message.get_body(preferencelist=(subtype,)).get_content()


@dataclass
class Handler:
    """What the server does with each conversation (aiosmtpd calls handle_RCPT and handle_DATA)."""

    received: list[Received] = field(default_factory=list)
    #: address -> how many more times RCPT answers 451
    temporary: Counter = field(default_factory=Counter)
    #: address -> the 5xx answer RCPT gives it
    refuse: dict[str, str] = field(default_factory=dict)
    #: address -> an event RCPT (or DATA) waits for before answering; `reached` is set when it starts waiting
    hold_rcpt: dict[str, threading.Event] = field(default_factory=dict)
    hold_data: dict[str, threading.Event] = field(default_factory=dict)
    reached: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def _hold(self, holds: dict[str, threading.Event], address: str) -> None:
        if address in holds:
            self.reached.set()
            await asyncio.to_thread(holds[address].wait, 60)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await self._hold(self.hold_rcpt, address)
        with self.lock:
            if self.temporary[address] > 0:
                self.temporary[address] -= 1
                return "451 4.7.1 Greylisted, try again later"
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self.lock:  # received once the content is in, as a real server would deliver it
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        await self._hold(self.hold_data, envelope.rcpt_tos[0])
        return "250 2.0.0 Accepted"

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if address in r.recipients]


def _authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    return AuthResult(success=auth_data.login == LOGIN.encode() and auth_data.password == PASSWORD.encode())


@contextlib.contextmanager
def mail_server(folder: Path, security: str = "starttls"):
    """A server on a free loopback port; yields (its Handler, the app's MAIL_ settings to reach it)."""
    import ssl

    cert, key = self_signed(folder)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    handler = Handler()
    port = free_port()
    options = dict(hostname="127.0.0.1", port=port, authenticator=_authenticate, auth_required=True,
                   auth_require_tls=True, ready_timeout=10)
    if security == "tls":  # aiosmtpd sees TLS only when it came by STARTTLS: the login is over TLS all the same
        controller = Controller(handler, ssl_context=context, **{**options, "auth_require_tls": False})
    else:
        controller = Controller(handler, tls_context=context, require_starttls=True, **options)
    controller.start()
    try:
        yield handler, {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_SECURITY": security,
                        "MAIL_USERNAME": LOGIN, "MAIL_PASSWORD": PASSWORD, "MAIL_CA_FILE": str(cert),
                        "MAIL_FROM": "surveys@continuum.test", "MAIL_TIMEOUT": 10}
    finally:
        for event in (*handler.hold_rcpt.values(), *handler.hold_data.values()):
            event.set()
        controller.stop()
