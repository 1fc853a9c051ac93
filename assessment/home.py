"""The site's front door (`/`): the way to the console for facilitators, and a word for respondents who lost
their link (which is personal, so the site cannot find it for them)."""
from __future__ import annotations

from flask import Blueprint, render_template

from . import languages

bp = Blueprint("home", __name__)

#: The languages the front door speaks (the interface's catalogs).
OFFERED = ("en", "es")


@bp.get("/")
def index():
    languages.use(languages.choose(OFFERED))
    return render_template("home.html", offered=OFFERED, names={lang: languages.name(lang) for lang in OFFERED})
