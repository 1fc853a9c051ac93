"""Email addresses as people type them: checked for the mistakes that lists are full of (no @, a space, a comma
between two addresses, a domain without a dot), with the reason in words. No DNS look-up: a mistyped but valid
domain is found when the mail server refuses it."""
from __future__ import annotations

import re
from typing import Optional

MAX_LENGTH = 254
MAX_LOCAL = 64
#: What may stand before the @ without quotes (RFC 5322's dot-atom), ASCII only.
LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+")
LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def problem(address: str) -> Optional[str]:
    """Why `address` cannot be sent to, or None when it can."""
    if not address:
        return "the address is empty"
    if len(address) > MAX_LENGTH:
        return f"longer than {MAX_LENGTH} characters"
    odd = next((c for c in address if not c.isascii()), None)
    if odd is not None:
        return f"it holds {odd!r}, which Continuum cannot send to (addresses are sent in plain ASCII)"
    if any(c.isspace() for c in address):
        return "it holds a space"
    if address.count("@") != 1:
        return "an address holds one @" if "@" in address else "it has no @"
    local, domain = address.split("@")
    if not local:
        return "nothing before the @"
    if not domain:
        return "nothing after the @"
    if len(local) > MAX_LOCAL:
        return f"more than {MAX_LOCAL} characters before the @"
    if not LOCAL.fullmatch(local):
        odd = next(c for c in local if not LOCAL.fullmatch(c))
        return f"{odd!r} cannot stand before the @"
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return "a dot at the start or end of the name, or two in a row"
    labels = domain.split(".")
    if len(labels) < 2:
        return f"{domain!r} is not a domain name (it has no dot)"
    if not all(LABEL.fullmatch(label) for label in labels) or labels[-1].isdigit():
        return f"{domain!r} is not a domain name"
    return None


def normal(address: str) -> str:
    """The address as stored: without surrounding spaces, the domain in lower case."""
    address = address.strip()
    local, at, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}" if at else address


def same(address: str) -> str:
    """What two addresses compare by: mail systems treat the name before the @ without regard to case."""
    return normal(address).lower()
