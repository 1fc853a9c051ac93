"""Console accounts: create them, grant and take back jurisdictions, disable and enable them, set passwords, and
check a sign-in. Every change is audited; ending an account's sessions takes effect on its next request."""
from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Optional

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from ..db import db
from ..models import Grant, HeldOnce, Jurisdiction, User, utcnow
from ..services import ServiceError, audit
from ..text import clean
from ..tokens import new_token
from ..vocabulary import Role

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 12
MAX_PASSWORD = 1000
#: zxcvbn's score from 0 to 4: 3 and up ("safely unguessable") resists guessing online, and slows an attacker who
#: holds the hashes; below it are common passwords, words with digits tacked on, repeats, sequences, keyboard runs.
MIN_STRENGTH = 3
#: zxcvbn reads at most this many characters; a longer password is judged by its beginning.
STRENGTH_READ = 72
#: Shown wherever a password is chosen: what is refused, and why.
PASSWORD_RULE = (f"At least {MIN_PASSWORD} characters. Common passwords, repeats and sequences are refused, and so "
                 "is anything built from the email address: they are the first an attacker tries. A few unusual "
                 "words make a good one.")
#: zxcvbn keeps the words of the account it checks in a module-level table; one check at a time.
_strength_lock = threading.Lock()


class AccountDisabled(ServiceError):
    """The password was right, but the account is disabled."""


class PasswordRefused(ServiceError):
    """A password too easy to guess; the message says why."""


def find_user(email: str) -> Optional[User]:
    return db.session.scalar(select(User).where(func.lower(User.email) == clean(email).strip().lower()))


def get_user(email: str) -> User:
    user = find_user(email)
    if user is None:
        raise ServiceError(f"no user {email.strip()}")
    return user


def user_of_session(session_token: str) -> Optional[User]:
    """The account a session cookie names, while that session has not been ended and the account is enabled."""
    return db.session.scalar(select(User).where(User.session_token == session_token, User.disabled_at.is_(None)))


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).options(selectinload(User.grants).joinedload(Grant.jurisdiction))
                                   .order_by(User.email)))


def create_user(email: str, password: str, role: str | Role) -> User:
    email = clean(email).strip().lower()
    if not EMAIL.match(email):
        raise ServiceError(f"{email!r} is not an email address")
    if find_user(email):
        raise ServiceError(f"a user {email} already exists")
    _check_password(password, email)
    try:
        role = Role.parse(role) if isinstance(role, str) else role
    except ValueError as exc:
        raise ServiceError(str(exc)) from None
    user = User(email=email, role=role)
    user.set_password(password)
    db.session.add(user)
    audit.record("user_created", email, role.label.lower())
    db.session.flush()
    return user


def _check_password(password: str, email: str) -> None:
    """Refuse a password that is short or easy to guess, saying why (zxcvbn's advice)."""
    if len(password) < MIN_PASSWORD:
        raise PasswordRefused(f"the password must have at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise PasswordRefused(f"the password must have at most {MAX_PASSWORD} characters")
    with _strength_lock:
        verdict = zxcvbn(password[:STRENGTH_READ], user_inputs=[email, email.split("@")[0], "continuum"])
    if verdict["score"] < MIN_STRENGTH:
        advice = " ".join(filter(None, [verdict["feedback"]["warning"], *verdict["feedback"]["suggestions"]]))
        raise PasswordRefused(f"the password is too easy to guess. {advice}".strip())


def set_password(user: User, password: str) -> None:
    """A new password; every session of the account ends, so whoever knew the old one is out."""
    _check_password(password, user.email)
    user.set_password(password)
    user.end_sessions()
    audit.record("password_changed", user.email)
    db.session.flush()


def grant(user: User, jurisdiction: Jurisdiction) -> bool:
    """Give a user access to a jurisdiction; False when they had it already. A state coordinator reads states, not
    jurisdictions (`states.grant`): a jurisdiction would open its rounds' full results to it."""
    if user.role == Role.STATE:
        raise ServiceError(f"{user.email} is a state coordinator: it reads the states granted to it "
                           "(flask state grant), never a jurisdiction")
    if any(g.jurisdiction_id == jurisdiction.id for g in user.grants):
        return False
    user.grants.append(Grant(jurisdiction=jurisdiction))
    db.session.flush()
    if db.session.scalar(select(HeldOnce.id).where(HeldOnce.user_id == user.id,
                                                   HeldOnce.jurisdiction_id == jurisdiction.id)) is None:
        db.session.add(HeldOnce(user_id=user.id, jurisdiction_id=jurisdiction.id))  # kept when the grant goes
    audit.record("access_granted", user.email, jurisdiction.name)
    db.session.flush()
    return True


def revoke(user: User, jurisdiction: Jurisdiction) -> bool:
    """Take a jurisdiction away from a user, from their next request on; False when they did not have it."""
    held = [g for g in user.grants if g.jurisdiction_id == jurisdiction.id]
    if not held:
        return False
    user.grants.remove(held[0])
    audit.record("access_revoked", user.email, jurisdiction.name)
    db.session.flush()
    return True


def disable(user: User) -> None:
    """The account can no longer sign in and its sessions end at once; its grants stay for when it is enabled."""
    if user.disabled_at is not None:
        raise ServiceError(f"{user.email} is already disabled")
    if user.is_admin and _enabled_admins() == 1:
        raise ServiceError(f"{user.email} is the last enabled administrator; enable or create another first")
    user.disabled_at = utcnow()
    user.end_sessions()
    audit.record("user_disabled", user.email)
    db.session.flush()


def enable(user: User) -> None:
    if user.disabled_at is None:
        raise ServiceError(f"{user.email} is already enabled")
    user.disabled_at = None
    audit.record("user_enabled", user.email)
    db.session.flush()


def _enabled_admins() -> int:
    return db.session.scalar(select(func.count(User.id)).where(User.role == Role.ADMIN, User.disabled_at.is_(None)))


def authenticate(email: str, password: str) -> Optional[User]:
    """The account these credentials open, or None; AccountDisabled when they are right but it is disabled.

    An address that matches no account is checked against a stand-in hash made the same way, so that it takes as
    long as a wrong password and the time of an answer does not tell which addresses have accounts."""
    user = find_user(email) if email else None
    stored = user.password_hash if user is not None else _stand_in_hash(current_app.config["PASSWORD_HASH_METHOD"])
    if not check_password_hash(stored, password) or user is None:
        return None
    if not user.is_active:
        raise AccountDisabled("This account is disabled. Ask an administrator to enable it.")
    return user


@lru_cache(maxsize=4)
def _stand_in_hash(method: str) -> str:
    return generate_password_hash(new_token(), method=method)
