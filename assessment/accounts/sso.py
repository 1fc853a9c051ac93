"""Single sign-on with the agency's identity provider over OpenID Connect (Authlib's client).

Turned on by `SSO_ISSUER` (the provider's issuer URL; its discovery document is read from
`<issuer>/.well-known/openid-configuration`), `SSO_CLIENT_ID` and `SSO_CLIENT_SECRET`; `SSO_NAME` names the provider
on the sign-in page. The code flow with state, nonce and PKCE; the ID token's signature, issuer, audience, nonce and
expiry are checked, and so is the discovery document's issuer. The provider's answer is mapped to an existing
account by its verified email address: single sign-on creates no account and enables none.
"""
from __future__ import annotations

import re

from flask import current_app, request, session, url_for

from ..models import User
from . import accounts

#: Where Authlib keeps its registry on the app.
EXTENSION = "authlib.integrations.flask_client"
#: The `amr` value (RFC 8176) by which a provider says the person used more than one factor.
MULTI_FACTOR = "mfa"
TIMEOUT_SECONDS = 10
#: An OAuth error code as RFC 6749 spells them (access_denied); anything else is not shown.
ERROR_CODE = re.compile(r"[a-z_]{1,40}")
#: The addresses matched to accounts: printable ASCII without spaces, one @, a dotted domain.
PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?"
                           r"\.[A-Za-z]{2,63}")


class Refused(Exception):
    """Single sign-on did not give an account; the message says why, for the person signing in."""


def configured(app=None) -> bool:
    config = (app or current_app).config
    return bool(config.get("SSO_ISSUER") and config.get("SSO_CLIENT_ID"))


def init_app(app) -> None:
    app.config.setdefault("SSO_NAME", "your agency's sign-in")
    if not configured(app):
        return
    issuer = app.config["SSO_ISSUER"].rstrip("/")
    from authlib.integrations.flask_client import OAuth  # here: only a deployment with SSO imports Authlib

    OAuth(app).register(
        "sso", client_id=app.config["SSO_CLIENT_ID"], client_secret=app.config.get("SSO_CLIENT_SECRET"),
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256",
                       "timeout": TIMEOUT_SECONDS})


def _client():
    return current_app.extensions[EXTENSION].sso


def redirect_uri() -> str:
    """The address the provider sends people back to (register it with the provider)."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + url_for("auth.sso_callback")


def start():
    """The redirect to the provider's sign-in."""
    from requests import RequestException

    try:
        return _client().authorize_redirect(redirect_uri())
    except (RequestException, ValueError, RuntimeError) as exc:
        raise Refused(f"the identity provider could not be reached ({type(exc).__name__})") from None


def finish() -> tuple[User, bool]:
    """The account the provider's answer (the request to the callback) signs in, and whether the provider says the
    person used a second factor; Refused otherwise."""
    from authlib.common.errors import AuthlibBaseError
    from authlib.integrations.base_client import MismatchingStateError, OAuthError
    from joserfc.errors import JoseError
    from requests import RequestException

    client = _client()
    state = request.args.get("state", "")
    if not state or client.framework.get_state_data(session, state) is None:
        # Checked before anything the answer says is believed or shown: an "error" in a link anyone can make
        # must not put words on this site's sign-in page.
        raise Refused("the answer does not belong to a sign-in started here, or it was used already: start again "
                      "from the sign-in page")
    try:
        token = client.authorize_access_token()
        metadata = client.load_server_metadata()
    except MismatchingStateError:
        raise Refused("the answer does not belong to a sign-in started here, or it was used already: start again "
                      "from the sign-in page") from None
    except OAuthError as exc:
        said = exc.error if exc.error and ERROR_CODE.fullmatch(exc.error) else "no"
        raise Refused(f"the identity provider said {said}") from None
    except (AuthlibBaseError, JoseError) as exc:
        raise Refused(f"the identity provider's token does not check out ({_why(exc)})") from None
    except RequestException as exc:
        raise Refused(f"the identity provider could not be reached ({type(exc).__name__})") from None
    if metadata.get("issuer", "").rstrip("/") != current_app.config["SSO_ISSUER"].rstrip("/"):
        raise Refused("the identity provider's discovery document names another issuer")
    claims = token.get("userinfo")
    if not claims:
        raise Refused("the identity provider sent no ID token")
    email = claims.get("email")
    if not email or not isinstance(email, str):
        raise Refused("the identity provider gave no email address")
    if not PLAIN_ADDRESS.fullmatch(email):
        # Matched as given, never tidied: no spaces or control characters stripped, no Unicode case folding
        # (the Kelvin sign lowercases to "k"), so that only the very address the provider verified matches.
        raise Refused("the identity provider gave an address Continuum does not match to accounts (only plain "
                      "ASCII addresses are)")
    if not (claims.get("email_verified") is True or claims.get("email_verified") == "true"):
        raise Refused(f"the identity provider has not verified {email}: ask its administrator to")
    user = accounts.find_user(email)
    if user is None or not user.is_active:
        raise Refused(f"Continuum has no enabled account for {email}: an administrator can create or enable one")
    amr = claims.get("amr") or []
    return user, MULTI_FACTOR in (amr if isinstance(amr, list) else [amr])


def _why(exc: Exception) -> str:
    claim = getattr(exc, "claim", None) or getattr(exc, "claim_name", None)
    if claim:
        return {"iss": "wrong issuer", "aud": "issued for another application", "nonce": "wrong nonce",
                "exp": "expired"}.get(claim, f"its {claim} claim")
    return getattr(exc, "description", None) or getattr(exc, "error", None) or type(exc).__name__
