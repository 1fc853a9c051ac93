"""Console accounts: create users, grant jurisdictions, check passwords."""
from __future__ import annotations

import re
from typing import Optional

from sqlalchemy import func, select

from ..db import db
from ..models import Grant, Jurisdiction, User
from ..vocabulary import Role
from . import ServiceError

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 12


def find_user(email: str) -> Optional[User]:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def user_of_session(session_token: str) -> Optional[User]:
    """The account a session cookie names, while that session has not been ended and the account is enabled."""
    return db.session.scalar(select(User).where(User.session_token == session_token, User.disabled_at.is_(None)))


def create_user(email: str, password: str, role: str | Role) -> User:
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise ServiceError(f"{email!r} is not an email address")
    if find_user(email):
        raise ServiceError(f"a user {email} already exists")
    if len(password) < MIN_PASSWORD:
        raise ServiceError(f"the password must have at least {MIN_PASSWORD} characters")
    try:
        role = Role.parse(role) if isinstance(role, str) else role
    except ValueError as exc:
        raise ServiceError(str(exc)) from None
    user = User(email=email, role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def set_password(user: User, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ServiceError(f"the password must have at least {MIN_PASSWORD} characters")
    user.set_password(password)
    db.session.commit()


def grant(user: User, jurisdiction: Jurisdiction) -> bool:
    """Give a user access to a jurisdiction; False when they had it already."""
    if any(g.jurisdiction_id == jurisdiction.id for g in user.grants):
        return False
    user.grants.append(Grant(jurisdiction=jurisdiction))
    db.session.commit()
    return True


def authenticate(email: str, password: str) -> Optional[User]:
    user = find_user(email) if email else None
    if user is None or not user.check_password(password):
        return None
    return user
