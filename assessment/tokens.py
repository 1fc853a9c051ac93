"""Invitation tokens: random, URL-safe, stored only as a SHA-256 hash; and bytes as URL-safe text."""
import base64
import binascii
import hashlib
import secrets

TOKEN_BYTES = 24


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def to_text(data: bytes) -> str:
    """Bytes as unpadded URL-safe base64 (to keep in a session)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def from_text(text: str) -> bytes:
    """`to_text` undone; empty for anything that is not its output."""
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)) if text else b""
    except (binascii.Error, ValueError):
        return b""
