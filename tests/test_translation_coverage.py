"""Every interface text is translated: the catalogs hold every message the code and templates have now, and a walk
through every page a respondent can reach, in Spanish, finds no word that the Spanish catalog, the Spanish
questionnaire or the data typed by people (names, titles, answers) does not account for."""
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from sqlalchemy import select

from assessment import catalog, languages
from assessment.db import db
from assessment.mail import compose
from assessment.models import Contact
from assessment.people import contacts, invitations, mailings
from assessment.rounds import rounds
from assessment.survey.forms import Target
from assessment.vocabulary import EmailKind, RoleLevel
from tests.support.survey import page_answers, post_page, start
from tests.support.web import csrf_from
from tests.test_questionnaire_translations import respondent_texts

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
CATALOGS = ("en", "es")
WORD = re.compile(r"[^\W\d_]+")
#: A field name quoted in a refusal ('info_progress'): an identifier, not English.
IDENTIFIER = re.compile(r"'[a-z][a-z0-9_]*'")
#: A placeholder of a catalog message (%(survey)s): a name in the code, not a word of the translation.
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[a-z]")


def extracted() -> set:
    """The messages the code and templates mark for translation now (as `make translations-update` extracts)."""
    with open(ROOT / "babel.cfg") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = extract_from_dir(str(ROOT), method_map, options_map, keywords={**DEFAULT_KEYWORDS, "_l": None})
    return {hashable(message) for _file, _line, message, _comments, _context in found}


def hashable(message):
    """A message's id or string: text, or (singular, plural) as a tuple (Babel gives lists in places)."""
    return message if isinstance(message, str) else tuple(message)


def read_catalog(path: Path):
    with open(path, "rb") as file:
        return read_po(file)


def test_the_template_holds_what_the_code_marks_now():
    messages = extracted()
    template = {m.id for m in read_catalog(TRANSLATIONS / "messages.pot") if m.id}
    assert messages == template, "run `make translations-update`, then translate what is new"


@pytest.mark.parametrize("language", CATALOGS)
def test_every_message_is_translated_in_every_catalog(language):
    po = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    messages = read_catalog(po)
    missing = [m.id for m in messages if m.id and (not all(m.string if isinstance(m.string, tuple) else [m.string])
                                                   or m.fuzzy)]
    assert missing == [], f"{po}: translate these (and clear `fuzzy`)"
    assert {m.id for m in messages if m.id} == extracted()
    assert not messages.fuzzy
    problems = [(m.id, [str(e) for e in errors]) for m, errors in messages.check()]
    assert problems == []  # every %(placeholder)s kept
    with open(po.with_suffix(".mo"), "rb") as file:
        compiled = read_mo(file)
    strings = lambda found: {hashable(m.id): hashable(m.string) for m in found if m.id}  # noqa: E731
    assert strings(compiled) == strings(messages), "the compiled catalog is older than messages.po: run `make install`"


class Visible(HTMLParser):
    """The text of a page a person reads or hears: text, the title, labels in attributes; not scripts, not form
    values (tokens, links)."""

    SKIP = {"script", "style"}

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        self.skipping += tag in self.SKIP
        self.texts += [value for name, value in attrs if name in ("title", "aria-label", "alt", "placeholder")
                       and value]

    def handle_endtag(self, tag):
        self.skipping -= tag in self.SKIP

    def handle_data(self, data):
        if not self.skipping:
            self.texts.append(data)


def words(*texts: str) -> set[str]:
    return {w.lower() for text in texts for w in WORD.findall(IDENTIFIER.sub(" ", text or ""))}


def foreign_words(html: str, vocabulary: set[str]) -> set[str]:
    reader = Visible()
    reader.feed(html)
    return words(*reader.texts) - vocabulary


def spanish_vocabulary(q, data: list[str]) -> set[str]:
    """The words a Spanish page may show: the Spanish catalog's, the Spanish questionnaire's, the month names
    Babel writes dates with, the languages' own names, and what people typed."""
    po = read_catalog(TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po")
    strings = [PLACEHOLDER.sub(" ", s) for m in po if m.id
               for s in (m.string if isinstance(m.string, tuple) else (m.string,))]
    months = Locale("es").months["format"]["wide"].values()
    names = [languages.name(code) for code in q.languages]
    return words(*strings, *respondent_texts(q.in_language("es")).values(), *months, *names, *data, "Continuum")


def every_respondent_page(client, county, targets) -> dict[str, str]:
    """Every page a respondent can reach, by name: the open link, the welcome, each section (also refused and
    saved), the review (incomplete and complete), thanks, submitted, not open yet, closed, and the error pages."""
    pages = {}

    def keep(name, response, status):
        assert response.status_code == status, (name, response.status_code)
        pages[name] = response.get_data(as_text=True)
        return pages[name]

    q = catalog.latest("collaboration_readiness")
    link = invitations.enable_open_link(county["round"])
    form = keep("open link", client.get(f"/s/open/{link}"), 200)
    keep("open link, nothing chosen", client.post(f"/s/open/{link}", data={"csrf_token": csrf_from(form)}), 400)
    joined = client.post(f"/s/open/{link}", data={"agency": county["agencies"][0].id, "role": "line_staff",
                                                   "csrf_token": csrf_from(form)})
    token = joined.headers["Location"].split("/s/")[1].split("?")[0]
    keep("welcome with the personal link", client.get(joined.headers["Location"]), 200)
    start(client, token)
    for number, section in enumerate(q.sections, start=1):
        keep(f"section {number}", client.get(f"/s/{token}/page/{number}"), 200)
        if number == 2:
            keep("section 2, an answer needed", post_page(client, token, 2, {"info_progress": "3"}), 422)
            saved = post_page(client, token, 2, page_answers(q, section, targets), action="save")
            keep("section 2, saved", client.get(saved.headers["Location"]), 200)
        if number != 3:  # left for later: the review has a required answer missing
            post_page(client, token, number, page_answers(q, section, targets))
    keep("welcome, to resume", client.get(f"/s/{token}"), 200)
    review = keep("review, incomplete", client.get(f"/s/{token}/review"), 200)
    refused = client.post(f"/s/{token}/submit", data={"csrf_token": csrf_from(review)})
    keep("review, after a refused submit", client.get(refused.headers["Location"]), 200)
    keep("tampered post", client.post(f"/s/{token}/page/1", data={"role_level": "boss",
                                                                    "csrf_token": csrf_from(review)}), 400)
    keep("expired page", client.post(f"/s/{token}/page/1", data={"role_level": "supervisor"}), 400)
    keep("too much", client.post(f"/s/{token}/page/8", data={"open_change": "x" * 300_000}), 413)
    keep("wrong method", client.get(f"/s/{token}/start"), 405)
    post_page(client, token, 3, page_answers(q, q.sections[2], targets))
    review = keep("review, complete", client.get(f"/s/{token}/review"), 200)
    done = client.post(f"/s/{token}/submit", data={"csrf_token": csrf_from(review)})
    keep("thanks", client.get(done.headers["Location"]), 200)
    keep("submitted", client.get(f"/s/{token}"), 200)
    keep("submitted again", client.post(f"/s/{token}/submit", data={"csrf_token": csrf_from(review)}), 409)
    keep("unknown link", client.get("/s/not-a-link"), 404)

    language = "es" if "es" in client.environ_base.get("HTTP_ACCEPT_LANGUAGE", "") else "en"
    round_ = county["round"]
    contacts.add(round_, contacts.read_file(round_, f"email,agency,role_level,language\nana@probation.test,"
                                                    f"{county['agencies'][0].slug},line_staff,{language}\n".encode()))
    contact = db.session.scalar(select(Contact))
    opt_out = f"/s/{contacts.token_of(contact)}/opt-out"
    keep("opt-out", client.get(opt_out), 200)
    keep("opted out", client.post(opt_out), 200)

    later = rounds.create_round(county["jurisdiction"], "Fall survey", opens_at=dt.datetime(2031, 3, 5))
    dated = invitations.issue_invitations(later, county["agencies"][0], RoleLevel.SUPERVISOR, 1)[0]
    keep("not open yet, with a date", client.get(f"/s/{dated}"), 403)
    undated = rounds.create_round(county["jurisdiction"], "Winter survey")
    waiting = invitations.issue_invitations(undated, county["agencies"][0], "executive", 1)[0]
    keep("not open yet", client.get(f"/s/{waiting}"), 403)
    keep("open link, not open yet", client.get(f"/s/open/{invitations.enable_open_link(undated)}"), 403)
    draft = invitations.issue_invitations(county["round"], county["agencies"][1], RoleLevel.SUPERVISOR, 1)[0]
    start(client, draft)
    rounds.close_round(county["round"])
    keep("closed, with a draft", client.get(f"/s/{draft}"), 403)
    keep("open link, closed", client.get(f"/s/open/{link}"), 403)
    return pages


@pytest.fixture
def targets(county):
    return tuple(Target(a.id, a.slug, a.name) for a in sorted(county["agencies"][1:], key=lambda a: a.name))


def test_no_english_is_left_on_any_spanish_page(app, county, targets):
    q = catalog.latest("collaboration_readiness")
    data = [county["jurisdiction"].name, "Spring survey", "Fall survey", "Winter survey",
            *(a.name for a in county["agencies"]), *(f"Answer to {i.id}" for i in q.items if i.type == "text")]
    vocabulary = spanish_vocabulary(q, data)

    spanish = app.test_client()
    spanish.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    pages = every_respondent_page(spanish, county, targets)
    assert len(pages) == 32
    assert {name: foreign_words(html, vocabulary) for name, html in pages.items()} == {name: set() for name in pages}
    assert {name for name, html in pages.items() if 'lang="es"' not in html[:60]} == set()


def test_the_walk_finds_english_where_there_is_english(app, county, targets):
    """The same walk in English: were the check blind, this would pass too."""
    q = catalog.latest("collaboration_readiness")
    vocabulary = spanish_vocabulary(q, [])
    pages = every_respondent_page(app.test_client(), county, targets)
    assert all(foreign_words(html, vocabulary) for html in pages.values())
    assert {"survey", "answers", "the"} <= foreign_words(pages["welcome, to resume"], vocabulary)


@pytest.mark.parametrize("kind, started", [(EmailKind.INVITATION, False), (EmailKind.REMINDER, False),
                                           (EmailKind.REMINDER, True)])
def test_a_spanish_contact_gets_messages_wholly_in_spanish(app, county, kind, started):
    """Every part of a message (the built-in wording, the link's button, the closing date, the privacy promise, the
    signature and the opt-out) in Spanish; the same message in English is caught."""
    q = catalog.latest("collaboration_readiness")
    round_ = county["round"]
    round_.closes_at = dt.datetime(2031, 5, 1)  # closed from the start of May 1: the last day is April 30
    mailings.save_settings(round_, "Dana Facilitadora", "dana@county.test", "", 2, True)
    link = "https://encuestas.example/s/ABCdef"
    data = [county["jurisdiction"].name, round_.title, county["agencies"][0].name, "Dana Facilitadora", link,
            link + "/opt-out"]  # addresses, not prose
    vocabulary = spanish_vocabulary(q, data)
    for language, foreign in (("es", False), ("en", True)):
        written = compose.write(mailings.letter(round_, kind, language, county["agencies"][0].name, link,
                                                link + "/opt-out", started=started))
        found = foreign_words(written.html, vocabulary) | (words(written.text, written.subject) - vocabulary)
        assert bool(found) == foreign, (language, found)
        if language == "es":
            assert "30 de abril de 2031" in written.text and 'lang="es"' in written.html
