"""A second factor for console accounts: time-based one-time codes (TOTP, RFC 6238, as authenticator apps make
them, through pyotp), with ten single-use recovery codes for a lost device.

The secret is kept encrypted under a key made from the app's secret key (Fernet), so a copy of the database alone
gives no one the codes. A code is accepted once (the time step it was made for is recorded) and one step either
side of now (clocks drift). Enrolment is two steps: a secret is made and shown (as a QR code and as text), and it
is in use only once a code made from it is typed back. Whether accounts must have one is TWO_FACTOR_REQUIRED:
"admin" (the default: administrators), "all", or "none".
"""
from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Optional

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from sqlalchemy import select

from ..db import db
from ..models import RecoveryCode, SecurityKey, User, utcnow
from ..services import ServiceError, audit
from ..vocabulary import Role

ISSUER = "Continuum"
#: What an account that must have a second factor, and has none, is told until it sets one up.
NEEDED = "This account needs a second factor: set up an authenticator app before going on."
RECOVERY_CODES = 10


def _fernet() -> Fernet:
    secret = current_app.secret_key
    secret = secret.encode() if isinstance(secret, str) else secret
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"continuum totp\0" + secret).digest()))


def _secret_of(user: User) -> Optional[str]:
    if not user.totp_secret:
        return None
    try:
        return _fernet().decrypt(user.totp_secret.encode()).decode()
    except InvalidToken:  # the app's secret key changed since: the factor must be enrolled again
        return None


def enabled(user: User) -> bool:
    return user.totp_enabled_at is not None and _secret_of(user) is not None


def pending_secret(user: User) -> Optional[str]:
    """The secret being set up (shown again after a mistyped code), or None."""
    return None if user.totp_enabled_at is not None else _secret_of(user)


def required(user: User) -> bool:
    """Whether the account must have a second factor before it may use the console."""
    setting = current_app.config.get("TWO_FACTOR_REQUIRED", "admin")
    return setting == "all" or (setting == "admin" and user.role == Role.ADMIN)


def begin(user: User) -> str:
    """A new secret for the account, not yet in use (a factor already in use stays until this one is confirmed:
    see `confirm`). Returns the secret, for the QR code and to type in."""
    secret = pyotp.random_base32()
    user.totp_secret = _fernet().encrypt(secret.encode()).decode()
    if user.totp_enabled_at is not None:
        user.totp_enabled_at = None  # re-enrolling: the old secret is gone; a code of the new one confirms it
    db.session.flush()
    return secret


def uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(text: str) -> str:
    """The QR code of `text` as inline SVG (dark on white, with its quiet zone)."""
    return segno.make(text, error="m").svg_inline(scale=5, dark="#1d2430", light="#ffffff")


def _accept_code(user: User, secret: str, code: str) -> bool:
    totp = pyotp.TOTP(secret)
    now = utcnow()
    for offset in (0, -1, 1):
        step = int(now.timestamp() // totp.interval) + offset
        if user.totp_last_step is not None and step <= user.totp_last_step:
            continue  # a code already used (or older) is never accepted again
        if secrets.compare_digest(totp.at(step * totp.interval), code):
            user.totp_last_step = step
            return True
    return False


def _hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").lower().encode()).hexdigest()


def confirm(user: User, code: str) -> list[str]:
    """Put the secret being enrolled in use, once a code made from it is typed back; returns new recovery codes
    (shown once: only their hashes are kept)."""
    secret = _secret_of(user)
    code = "".join(code.split())
    if secret is None:
        raise ServiceError("start again: no secret is being set up")
    if not (code.isdigit() and len(code) == 6 and _accept_code(user, secret, code)):
        raise ServiceError("that code does not match: type the 6 digits the app shows now")
    user.totp_enabled_at = utcnow()
    codes = _new_recovery_codes(user)
    audit.record("two_factor_enabled", user.email, "an authenticator app, with recovery codes")
    db.session.flush()
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    for old in db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        db.session.delete(old)
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(c)) for c in codes)
    return codes


def new_recovery_codes(user: User) -> list[str]:
    if not enabled(user):
        raise ServiceError("set up the authenticator app first")
    codes = _new_recovery_codes(user)
    audit.record("two_factor_changed", user.email, "new recovery codes (the earlier ones no longer work)")
    db.session.flush()
    return codes


def check(user: User, code: str) -> Optional[str]:
    """How `code` signs the account in ("code" or "recovery code"), or None when it does not."""
    secret = _secret_of(user)
    code = "".join(code.split())
    if secret is None or not code:
        return None
    if code.isdigit() and len(code) == 6:
        return "code" if _accept_code(user, secret, code) else None
    found = db.session.scalar(select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                         RecoveryCode.code_hash == _hash(code),
                                                         RecoveryCode.used_at.is_(None)))
    if found is None:
        return None
    found.used_at = utcnow()
    audit.record("recovery_code_used", user.email, "a recovery code signed the account in", actor=user.email)
    return "recovery code"


def recovery_codes_left(user: User) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).where(RecoveryCode.user_id == user.id,
                                                                RecoveryCode.used_at.is_(None))).all())


def reset(user: User, why: str) -> None:
    """No second factor on the account any more, its security keys included (a lost device, by an administrator;
    or its owner turning it off where it is not required): the next sign-in enrols again where one is required."""
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = None, None, None
    for model in (RecoveryCode, SecurityKey):
        for old in db.session.scalars(select(model).where(model.user_id == user.id)):
            db.session.delete(old)
    user.end_sessions()
    audit.record("two_factor_reset", user.email, why)
    db.session.flush()
