"""Security keys (WebAuthn, through py_webauthn) as a second factor beside the authenticator app.

A key is added to an account whose authenticator app is on (so that its recovery codes stand behind a lost key),
and signing in then takes the key or a code. The relying party is the host of PUBLIC_URL and the origin its scheme,
host and port, so a key made for one deployment answers no other. Each ceremony's challenge is made here, kept by
the caller (in the session) and used once. A signature counter that does not move forward (a cloned key) is refused.
py_webauthn is imported by the ceremonies only (it is slow to import, and most requests need none).
"""
from __future__ import annotations

import json
from typing import Optional
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from ..db import db
from ..models import SecurityKey, User, utcnow
from ..services import ServiceError, audit
from ..text import clean
from . import two_factor

MAX_KEYS = 10
MAX_NAME = 100
#: The largest credential a browser sends back (keys' answers are a few hundred bytes to a few KiB).
MAX_RESPONSE = 64 * 1024


def relying_party() -> tuple[str, str]:
    """The relying party's id (PUBLIC_URL's host) and the origin answers must come from."""
    parts = urlsplit(current_app.config["PUBLIC_URL"])
    return parts.hostname or "localhost", f"{parts.scheme}://{parts.netloc}"


def keys_of(user: User) -> list[SecurityKey]:
    return list(db.session.scalars(select(SecurityKey).where(SecurityKey.user_id == user.id)
                                   .order_by(SecurityKey.id)))


def registration_options(user: User) -> tuple[str, bytes]:
    """The options for the browser to make a new key (JSON), and the challenge to keep for `register`."""
    from webauthn import generate_registration_options, options_to_json
    from webauthn.helpers.structs import (
        AuthenticatorSelectionCriteria,
        PublicKeyCredentialDescriptor,
        ResidentKeyRequirement,
        UserVerificationRequirement,
    )

    if not two_factor.enabled(user):
        raise ServiceError("set up the authenticator app first: its recovery codes stand behind a lost key")
    if len(keys_of(user)) >= MAX_KEYS:
        raise ServiceError(f"an account holds at most {MAX_KEYS} security keys: remove one first")
    rp_id, _origin = relying_party()
    options = generate_registration_options(
        rp_id=rp_id, rp_name="Continuum", user_name=user.email, user_id=f"continuum-user-{user.id}".encode(),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=k.credential_id) for k in keys_of(user)],
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement.PREFERRED))
    return options_to_json(options), options.challenge


def register(user: User, response: str, challenge: Optional[bytes], name: str) -> SecurityKey:
    """Keep the key the browser made, once its answer checks out against the challenge."""
    from webauthn import verify_registration_response
    from webauthn.helpers.exceptions import WebAuthnException

    name = clean(name or "").strip()[:MAX_NAME] or "Security key"
    if not challenge:
        raise ServiceError("the key was not asked for on this page, or the page is too old: try again")
    rp_id, origin = relying_party()
    try:
        verified = verify_registration_response(credential=_parsed(response), expected_challenge=challenge,
                                                expected_rp_id=rp_id, expected_origin=origin)
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise ServiceError(f"the key's answer does not check out ({_short(exc)})") from None
    if db.session.scalar(select(SecurityKey.id).where(SecurityKey.credential_id == verified.credential_id)):
        raise ServiceError("this key is registered already")
    key = SecurityKey(user_id=user.id, credential_id=verified.credential_id,
                      public_key=verified.credential_public_key, sign_count=verified.sign_count, name=name)
    db.session.add(key)
    audit.record("two_factor_changed", user.email, f"security key added: {name}")
    db.session.flush()
    return key


def authentication_options(user: User) -> tuple[str, bytes]:
    """The options for the browser to sign with one of the account's keys (JSON), and the challenge to keep."""
    from webauthn import generate_authentication_options, options_to_json
    from webauthn.helpers.structs import PublicKeyCredentialDescriptor, UserVerificationRequirement

    keys = keys_of(user)
    if not keys:
        raise ServiceError("this account has no security key")
    rp_id, _origin = relying_party()
    options = generate_authentication_options(
        rp_id=rp_id, allow_credentials=[PublicKeyCredentialDescriptor(id=k.credential_id) for k in keys],
        user_verification=UserVerificationRequirement.PREFERRED)
    return options_to_json(options), options.challenge


def authenticate(user: User, response: str, challenge: Optional[bytes]) -> Optional[SecurityKey]:
    """The account's key that signed the challenge, or None (wrong key, wrong challenge, a cloned key)."""
    from webauthn import verify_authentication_response
    from webauthn.helpers import base64url_to_bytes
    from webauthn.helpers.exceptions import WebAuthnException

    if not challenge:
        return None
    try:
        parsed = _parsed(response)
        credential_id = base64url_to_bytes(parsed["rawId"])
    except (ValueError, KeyError, TypeError, ServiceError):
        return None
    key = db.session.scalar(select(SecurityKey).where(SecurityKey.user_id == user.id,
                                                      SecurityKey.credential_id == credential_id))
    if key is None:
        return None
    rp_id, origin = relying_party()
    try:
        verified = verify_authentication_response(
            credential=parsed, expected_challenge=challenge, expected_rp_id=rp_id, expected_origin=origin,
            credential_public_key=key.public_key, credential_current_sign_count=key.sign_count)
    except (WebAuthnException, ValueError, KeyError, TypeError):
        return None
    key.sign_count, key.last_used_at = verified.new_sign_count, utcnow()
    return key


def remove(user: User, key_id: int) -> SecurityKey:
    key = db.session.get(SecurityKey, key_id)
    if key is None or key.user_id != user.id:
        raise ServiceError("no such security key on this account")
    db.session.delete(key)
    audit.record("two_factor_changed", user.email, f"security key removed: {key.name}")
    db.session.flush()
    return key


def _parsed(response: str) -> dict:
    if not response or len(response) > MAX_RESPONSE:
        raise ServiceError("no answer from the key")
    try:
        parsed = json.loads(response)
    except RecursionError:  # nested deeper than any key's answer
        raise ValueError("nested too deep") from None
    if not isinstance(parsed, dict):
        raise ValueError("not an object")
    return parsed


def _short(exc: Exception) -> str:
    return (str(exc) or type(exc).__name__)[:200]
