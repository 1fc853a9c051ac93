"""The addresses respondents open: a personal link, and a round's open link, on the configured public address
(the same whether a command prints them or a page shows them)."""
from __future__ import annotations

from flask import current_app


def survey_link(token: str) -> str:
    """The address a respondent opens, on the configured public address (the same from a command or a page)."""
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/s/{token}"


def open_link_url(token: str) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/s/open/{token}"
