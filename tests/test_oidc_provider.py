"""The test OpenID Connect provider works end to end with a standard client, without the app."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session, OAuthError
from authlib.oidc.core import CodeIDToken
from authlib.oidc.discovery import OpenIDProviderMetadata
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.oidc_provider import OIDCProvider

CLIENT_ID = "continuum"
SECRET = "s3cret"
REDIRECT_URI = "http://localhost/login/sso/callback"
USER = {"sub": "u-1", "email": "dana@county.example", "email_verified": True, "name": "Dana"}


@pytest.fixture
def provider():
    with OIDCProvider(client_id=CLIENT_ID, client_secret=SECRET, redirect_uri=REDIRECT_URI) as provider:
        provider.next_user = dict(USER)
        yield provider


def session(secret=SECRET):
    return OAuth2Session(CLIENT_ID, secret, scope="openid email profile", redirect_uri=REDIRECT_URI,
                         code_challenge_method="S256")


def sign_in(provider, client):
    """Run the authorization request; return the metadata, the callback URL, the nonce and the code verifier."""
    metadata = requests.get(provider.metadata_url, timeout=5).json()
    nonce, verifier = generate_token(20), generate_token(48)
    url, state = client.create_authorization_url(metadata["authorization_endpoint"], nonce=nonce,
                                                 code_verifier=verifier)
    response = requests.get(url, allow_redirects=False, timeout=5)
    assert response.status_code == 302
    callback = response.headers["Location"]
    query = parse_qs(urlsplit(callback).query)
    assert callback.startswith(REDIRECT_URI + "?")
    assert query["state"] == [state] and query["code"]
    return metadata, callback, nonce, verifier


def test_code_flow_gives_a_verifiable_id_token(provider):
    metadata = OpenIDProviderMetadata(requests.get(provider.metadata_url, timeout=5).json())
    metadata.validate()
    assert metadata["issuer"] == provider.issuer and not provider.issuer.endswith("/")
    assert {"client_secret_basic", "client_secret_post"} <= set(metadata["token_endpoint_auth_methods_supported"])

    client = session()
    metadata, callback, nonce, verifier = sign_in(provider, client)
    token = client.fetch_token(metadata["token_endpoint"], authorization_response=callback, code_verifier=verifier)

    jwks = KeySet.import_key_set(requests.get(metadata["jwks_uri"], timeout=5).json())
    decoded = jwt.decode(token["id_token"], jwks, algorithms=["RS256"])
    claims = CodeIDToken(decoded.claims, decoded.header,
                         options={"iss": {"essential": True, "value": provider.issuer},
                                  "aud": {"essential": True, "value": CLIENT_ID}},
                         params={"nonce": nonce, "client_id": CLIENT_ID, "access_token": token["access_token"]})
    claims.validate()
    assert claims["nonce"] == nonce and isinstance(claims["auth_time"], int)
    assert {key: claims[key] for key in USER} == USER

    userinfo = client.get(metadata["userinfo_endpoint"], timeout=5)
    assert userinfo.status_code == 200 and userinfo.json() == USER
    assert requests.get(metadata["userinfo_endpoint"], timeout=5).status_code == 401
    assert ("POST", "/token") in provider.requests and ("GET", "/authorize") in provider.requests


def test_id_token_issuer_can_be_forged(provider):
    provider.id_token_issuer = "http://evil.example"
    client = session()
    metadata, callback, _nonce, verifier = sign_in(provider, client)
    token = client.fetch_token(metadata["token_endpoint"], authorization_response=callback, code_verifier=verifier)
    assert jwt.decode(token["id_token"], KeySet([provider.key])).claims["iss"] == "http://evil.example"


def test_a_code_is_single_use(provider):
    client = session()
    metadata, callback, _nonce, verifier = sign_in(provider, client)
    client.fetch_token(metadata["token_endpoint"], authorization_response=callback, code_verifier=verifier)
    with pytest.raises(OAuthError) as error:
        session().fetch_token(metadata["token_endpoint"], authorization_response=callback, code_verifier=verifier)
    assert error.value.error == "invalid_grant"


def test_a_wrong_client_secret_is_refused(provider):
    metadata, callback, _nonce, verifier = sign_in(provider, session())
    with pytest.raises(OAuthError) as error:
        session("wrong").fetch_token(metadata["token_endpoint"], authorization_response=callback,
                                     code_verifier=verifier)
    assert error.value.error == "invalid_client"


def test_authorization_errors_follow_oauth(provider):
    metadata, *_ = sign_in(provider, session())
    provider.next_user = None
    url, state = session().create_authorization_url(metadata["authorization_endpoint"])
    denied = requests.get(url, allow_redirects=False, timeout=5)
    query = parse_qs(urlsplit(denied.headers["Location"]).query)
    assert query["error"] == ["access_denied"] and query["state"] == [state] and "code" not in query

    wrong_redirect = requests.get(url.replace("localhost", "elsewhere.example"), allow_redirects=False, timeout=5)
    assert wrong_redirect.status_code == 400 and wrong_redirect.json()["error"] == "invalid_request"
    unknown = requests.get(url.replace(CLIENT_ID, "stranger"), allow_redirects=False, timeout=5)
    assert unknown.status_code == 400 and unknown.json()["error"] == "invalid_client"
