"""The languages respondents read Continuum in.

Two sources of text, one choice of language:

- interface text (pages, error pages, and emails) goes through Flask-Babel's gettext, with one catalog per
  language in `translations/` (`messages.po`, compiled to `messages.mo` by `make`);
- questionnaire text comes from the questionnaire itself, which declares its languages and carries a
  translation of every text a respondent reads (`Questionnaire.in_language`).

A respondent's page is in the language of their response once there is one, and before that in the language
chosen on the page (`?lang=`) or the best match for the browser's Accept-Language. The console is in English.
Outside a request (a command, an email job), `flask_babel.force_locale(language)` sets the language.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Optional, Sequence

from babel import Locale
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import Babel, get_locale, refresh

from questionnaires import QuestionnaireError

from . import catalog

#: The language the interface text is written in (the msgids of the catalogs).
SOURCE_LANGUAGE = "en"
#: Where facilitators and administrators work, in English; every other address is a respondent's (the survey,
#: and the error page of a mistyped link).
STAFF_ADDRESSES = ("/console", "/api", "/login", "/logout")
EXTENSION = "continuum.languages"
CATALOG = "LC_MESSAGES/messages"


def init_app(app: Flask) -> None:
    """Set up gettext; refuse to start when a questionnaire offers a language the interface has no catalog for."""
    Babel(app, locale_selector=_selected)
    folder = Path(app.root_path) / "translations"
    compiled = {tag(path.parent.parent.name) for path in folder.glob(f"*/{CATALOG}.mo")}
    app.extensions[EXTENSION] = tuple(sorted(compiled | {SOURCE_LANGUAGE}))
    problems = []
    for q in app.extensions[catalog.EXTENSION].values():
        for language in q.languages:
            if language in app.extensions[EXTENSION]:
                continue
            po = folder / babel_tag(language) / f"{CATALOG}.po"
            fix = ("it is not compiled: run `make install` (or `pybabel compile -d translations`)" if po.exists()
                   else f"add {po.relative_to(app.root_path)} (`pybabel init -i translations/messages.pot "
                        f"-d translations -l {babel_tag(language)}`), translate it and run `make install`")
            problems.append(f"{q.source}: languages: the interface has no {language} catalog: {fix}")
    if problems:
        raise QuestionnaireError(problems)
    app.context_processor(lambda: {"page_language": page_language})


def interface_languages() -> tuple[str, ...]:
    """English and every language whose interface catalog is compiled."""
    return current_app.extensions[EXTENSION]


def babel_tag(language: str) -> str:
    """`pt-BR` -> `pt_BR`: Babel's (and the catalog folders') spelling of a BCP 47 tag."""
    return language.replace("-", "_")


def tag(locale: str | Locale) -> str:
    """`pt_BR` -> `pt-BR`: the BCP 47 tag that HTML's `lang` and the questionnaires use."""
    return str(locale).replace("_", "-")


def name(language: str) -> str:
    """The language's name in the language itself, as a reader looks for it: `English`, `Español`."""
    own = Locale.parse(babel_tag(language)).get_display_name(babel_tag(language)) or language
    return own[:1].upper() + own[1:]


def parse(text: str, offered: Sequence[str]) -> Optional[str]:
    """A language as people write it ("es", "Spanish", "Español", "espanol", "es-MX") -> the one of `offered` it
    names, or None."""
    def plain(value: str) -> str:
        value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
        return " ".join("".join(c if c.isalnum() else " " for c in value).split())

    wanted = plain(text)
    for code in offered:
        locale = Locale.parse(babel_tag(code))
        names = {plain(code), plain(locale.get_language_name("en") or ""),
                 plain(locale.get_language_name(locale) or ""), plain(locale.get_display_name("en") or ""),
                 plain(locale.get_display_name(locale) or "")}
        if wanted in names or (wanted and wanted.split(" ")[0] == plain(code).split(" ")[0]):
            return code
    return None


def choose(offered: Sequence[str], stored: Optional[str] = None) -> str:
    """The language to show a respondent among `offered`: the one asked for on the page (`?lang=`), else the one
    stored with their response, else the best match for the browser's Accept-Language, else the first."""
    asked = request.args.get("lang")
    if asked in offered:
        return asked
    if stored in offered:
        return stored
    return request.accept_languages.best_match(offered, default=offered[0])


def use(language: str) -> None:
    """Serve the rest of this request in `language` (a survey view calls this once it knows the response)."""
    g.language = language
    refresh()


def page_language() -> str:
    """The `lang` of the page being rendered."""
    return tag(get_locale())


def _selected() -> str:
    """Flask-Babel's locale selector: the survey's language when a view chose it, the respondent's on an error
    page, English elsewhere (the console)."""
    language = g.get("language")
    if language is None:
        if not has_request_context() or request.path.startswith(STAFF_ADDRESSES):
            return SOURCE_LANGUAGE
        language = choose(interface_languages())
    return babel_tag(language)
