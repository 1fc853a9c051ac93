"""A real OpenID Connect provider for tests, kept in memory.

It runs Authlib's authorization server in a background thread on 127.0.0.1 (a free port), so that code under test
signs in through it over HTTP as it would through an agency's identity provider: discovery, the authorization code
flow (state, nonce, PKCE), RS256-signed ID tokens, JWKS and userinfo. The authorization endpoint asks nothing: it
approves at once for `next_user`, or denies access when `next_user` is None.
"""

import hmac
import threading
import time
from dataclasses import dataclass, field

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin, grants
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin, UserInfo, UserInfoEndpoint
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.discovery import OpenIDProviderMetadata
from flask import Flask, jsonify, request
from joserfc.jwk import RSAKey
from werkzeug.serving import WSGIRequestHandler, make_server

SCOPES = ["openid", "email", "profile"]
AUTH_METHODS = ["client_secret_basic", "client_secret_post"]
CODE_LIFETIME = 600
TOKEN_LIFETIME = 3600
USER_CLAIMS = ["email", "email_verified", "name"]
STANDARD_CLAIMS = {claim for claims in UserInfo.SCOPES_CLAIMS_MAPPING.values() for claim in claims}


def user_claims(user, scope):
    """The claims about `user` that `scope` grants (claims outside the standard scopes always pass)."""
    extra = {key: value for key, value in user.items() if key not in STANDARD_CLAIMS}
    return UserInfo({**extra, **UserInfo(user).filter(scope)})


@dataclass
class Client(ClientMixin):
    """The one registered (confidential) client."""

    client_id: str
    client_secret: str
    redirect_uri: str
    client_metadata: dict = field(default_factory=dict)

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uri

    def get_allowed_scope(self, scope):
        return scope or ""

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri == self.redirect_uri

    def check_client_secret(self, client_secret):
        return hmac.compare_digest(client_secret.encode(), self.client_secret.encode())

    def check_endpoint_auth_method(self, method, endpoint):
        return method in AUTH_METHODS

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class AuthorizationCode(AuthorizationCodeMixin):
    """A code issued by /authorize, with what the token request needs to check and to put in the ID token."""

    code: str
    client_id: str
    redirect_uri: str | None
    scope: str
    user: dict
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time


@dataclass
class Token(TokenMixin):
    """An access token, for /userinfo."""

    client: Client
    user: dict
    scope: str
    expires_at: float

    def get_scope(self):
        return self.scope

    def is_expired(self):
        return time.time() >= self.expires_at

    def is_revoked(self):
        return False

    def get_user(self):
        return self.user

    def get_client(self):
        return self.client


class CodeGrant(grants.AuthorizationCodeGrant):
    """The authorization code grant, over the provider's in-memory codes (each taken once)."""

    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

    def save_authorization_code(self, code, request):
        data = request.payload.data
        self.server.provider.nonces.add(data.get("nonce"))
        self.server.provider.codes[code] = AuthorizationCode(
            code=code, client_id=request.client.client_id, redirect_uri=request.payload.redirect_uri,
            scope=request.scope, user=dict(request.user), nonce=data.get("nonce"),
            code_challenge=data.get("code_challenge"), code_challenge_method=data.get("code_challenge_method"))

    def query_authorization_code(self, code, client):
        item = self.server.provider.codes.pop(code, None)
        if item and item.client_id == client.client_id and time.time() - item.auth_time < CODE_LIFETIME:
            return item

    def delete_authorization_code(self, authorization_code):
        self.server.provider.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code):
        return authorization_code.user


class IDTokenExtension(OpenIDCode):
    """Adds an RS256 ID token to the token response, signed with the provider's key."""

    def __init__(self, provider):
        super().__init__(require_nonce=False)
        self.provider = provider

    def resolve_client_private_key(self, client):
        return self.provider.key

    def get_client_algorithm(self, client):
        return "RS256"

    def get_encode_header(self, client):
        return {"alg": "RS256", "kid": self.provider.key.kid}

    def get_client_claims(self, client):
        return {"iss": self.provider.id_token_issuer or self.provider.issuer, "aud": client.client_id}

    def exists_nonce(self, nonce, request):
        return nonce in self.provider.nonces

    def generate_user_info(self, user, scope):
        return user_claims(user, scope)


class UserInfoView(UserInfoEndpoint):
    """/userinfo: the claims the bearer token's scope grants."""

    def generate_user_info(self, user, scope):
        return user_claims(user, scope)


class QuietHandler(WSGIRequestHandler):
    """Serves without logging each request."""

    def log(self, *args):
        pass


class OIDCProvider:
    """An OpenID Connect provider with one client, serving on 127.0.0.1 while the `with` block runs."""

    def __init__(self, client_id="continuum", client_secret="s3cret", redirect_uri="http://localhost/login/sso/callback"):
        self.client = Client(client_id, client_secret, redirect_uri)
        self.next_user = None
        self.id_token_issuer = None
        self.requests = []
        self.codes = {}
        self.nonces = set()
        self.tokens = {}
        self.key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, auto_kid=True)
        self.app = self._create_app()
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True, request_handler=QuietHandler)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self.metadata_url = self.issuer + "/.well-known/openid-configuration"
        self._thread = None

    def metadata(self):
        """The discovery document."""
        return OpenIDProviderMetadata(
            issuer=self.issuer, authorization_endpoint=self.issuer + "/authorize",
            token_endpoint=self.issuer + "/token", jwks_uri=self.issuer + "/jwks",
            userinfo_endpoint=self.issuer + "/userinfo", response_types_supported=["code"],
            subject_types_supported=["public"], id_token_signing_alg_values_supported=["RS256"],
            scopes_supported=SCOPES, grant_types_supported=["authorization_code"],
            token_endpoint_auth_methods_supported=AUTH_METHODS, code_challenge_methods_supported=["S256", "plain"],
            claims_supported=["iss", "aud", "sub", "exp", "iat", "auth_time", "nonce", *USER_CLAIMS])

    def _save_token(self, token, req):
        self.tokens[token["access_token"]] = Token(req.client, req.user, token.get("scope", ""),
                                                   time.time() + token["expires_in"])

    def _create_app(self):
        app = Flask(__name__)
        app.config.update(OAUTH2_SCOPES_SUPPORTED=SCOPES,
                          OAUTH2_TOKEN_EXPIRES_IN={"authorization_code": TOKEN_LIFETIME})
        server = AuthorizationServer(app, query_client=self._query_client, save_token=self._save_token)
        server.provider = self
        server.register_grant(CodeGrant, [IDTokenExtension(self), CodeChallenge(required=False)])
        provider = self

        class TokenValidator(BearerTokenValidator):
            def authenticate_token(self, token_string):
                return provider.tokens.get(token_string)

        protector = ResourceProtector()
        protector.register_token_validator(TokenValidator())
        server.register_endpoint(UserInfoView(resource_protector=protector))

        @app.before_request
        def record():
            self.requests.append((request.method, request.path))

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(self.metadata())

        @app.get("/jwks")
        def jwks():
            return jsonify({"keys": [self.key.as_dict(private=False)]})

        @app.get("/authorize")
        def authorize():
            user = self.next_user
            try:
                grant = server.get_consent_grant(end_user=user)
            except OAuth2Error as error:
                return server.handle_error_response(None, error)
            return server.create_authorization_response(grant_user=user, grant=grant)

        @app.post("/token")
        def token():
            return server.create_token_response()

        @app.route("/userinfo", methods=["GET", "POST"])
        def userinfo():
            return server.create_endpoint_response("userinfo")

        return app

    def _query_client(self, client_id):
        return self.client if client_id == self.client.client_id else None

    def start(self):
        self._thread = threading.Thread(target=self._server.serve_forever, name="oidc-provider", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._thread:
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
