"""A round's messages, written from its templates in the contact's language.

A facilitator edits the subject and the body of each kind of message (invitation, reminder), with placeholders
(`{round}`, `{agency}`, `{close_date}` ...). The rest is always there, whatever the template says, in the
contact's language: the personal link, the closing date, the privacy promise, who sent it and how to reach them,
and the link that stops further messages. Every message is plain text and HTML (the HTML with inline styles only,
as mail programs need, large type, a real link text and the address written out).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr, formatdate
from typing import Optional

from flask import render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from markupsafe import Markup, escape

from .. import local_time
from ..languages import babel_tag
from ..vocabulary import EmailKind

PLACEHOLDERS = {
    "jurisdiction": "the jurisdiction's name",
    "round": "the round's title",
    "agency": "the contact's agency",
    "close_date": "the closing date, written in the contact's language",
    "facilitator": "the facilitator's name",
}
MAX_SUBJECT = 200
MAX_BODY = 5000
#: `{{` and `}}` stand for braces; `{name}` is a placeholder; a brace on its own is a mistake.
TOKEN = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}|[{}]")
#: An RFC 2047 encoded word (=?charset?q?text?=): a mail program decodes it, so in a header a name or subject
#: holding one could carry a line break or an address of its own.
ENCODED_WORD = re.compile(r"=\?[^?\s]*\?[bBqQ]\?[^?\s]*\?=")
#: SMTP's line endings, with header lines up to RFC 5322's limit, so that the opt-out address is never folded.
HEADERS_UNFOLDED = SMTP.clone(max_line_length=998)


def header_text(value: str) -> str:
    """A value as header text, never parsed: one line (line breaks and tabs as spaces), and "=?" written "= ?", so
    that no encoded word in it is decoded into a line break, a header or an address."""
    return " ".join(value.split()).replace("=?", "= ?")


def encoded_word_problem(value: str, what: str) -> Optional[str]:
    """Why `value` cannot be a header's text as typed, or None."""
    if ENCODED_WORD.search(value):
        return (f"the {what} holds {ENCODED_WORD.search(value).group(0)[:40]!r}, which mail programs decode as other "
                "text (an address, a line break): write it plainly")
    return None


def template_problems(subject: str, body: str) -> list[str]:
    """What is wrong with a template, each with its place, in words a facilitator can act on."""
    problems = []
    if not subject.strip():
        problems.append("The subject is empty.")
    elif "\n" in subject or "\r" in subject:
        problems.append("The subject is one line.")
    elif len(subject) > MAX_SUBJECT:
        problems.append(f"The subject is longer than {MAX_SUBJECT} characters.")
    elif encoded_word_problem(subject, "subject"):
        problem = encoded_word_problem(subject, "subject")
        problems.append(problem[:1].upper() + problem[1:] + ".")
    if not body.strip():
        problems.append("The message is empty.")
    elif len(body) > MAX_BODY:
        problems.append(f"The message is longer than {MAX_BODY} characters.")
    for where, text in (("subject", subject), ("message", body)):
        for match in TOKEN.finditer(text):
            token, name = match.group(0), match.group(1)
            line = text.count("\n", 0, match.start()) + 1
            place = f"In the {where}" + (f", line {line}" if where == "message" else "")
            if token in ("{{", "}}"):
                continue
            if name is None:
                problems.append(f"{place}: a {token} on its own. Write {token}{token} for a brace, or "
                                "{name} for a placeholder.")
            elif name.strip() not in PLACEHOLDERS:
                problems.append(f"{place}: {token} is not a placeholder. Use "
                                + ", ".join("{" + p + "}" for p in PLACEHOLDERS) + ".")
    return problems


def fill(text: str, values: dict[str, str]) -> str:
    """`text` with its placeholders replaced (a checked template: see `template_problems`)."""
    def replace(match):
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        return values[match.group(1).strip()] if match.group(1) is not None else token
    return TOKEN.sub(replace, text)


def default_template(kind: EmailKind, language: str) -> tuple[str, str]:
    """The built-in subject and message of `kind`, in `language`."""
    with force_locale(babel_tag(language)):
        if kind == EmailKind.INVITATION:
            return (_("{jurisdiction}: a survey on how our agencies work together"),
                    _("The agencies of {jurisdiction} that manage people convicted of sexual offences in the "
                      "community are looking at how well they work together, and we would like your view as part "
                      "of {agency}.\n\n"
                      "The survey asks how your agency exchanges information, aligns its work, shares resources and "
                      "builds the capacity of the others. Your answers, combined with your colleagues', go into a "
                      "report that the agencies will discuss together.\n\n"
                      "Thank you,\n{facilitator}"))
        return (_("Reminder: {round} closes on {close_date}"),
                _("A reminder: the survey on how the agencies of {jurisdiction} work together closes on "
                  "{close_date}, and the view of {agency} still counts.\n\n"
                  "Thank you,\n{facilitator}"))


@dataclass(frozen=True)
class Letter:
    """Everything one message says, as plain values."""

    kind: EmailKind
    language: str
    subject: str
    body: str
    jurisdiction: str
    round_title: str
    agency: str
    closes_at: Optional[dt.datetime]
    facilitator: str
    min_group_size: int
    link: str
    opt_out_link: str
    #: Whether the contact has started the survey (a reminder then says they can carry on where they left off).
    started: bool = False
    #: The jurisdiction's clock: the day named as the last one is a day there.
    time_zone: str = "UTC"


@dataclass(frozen=True)
class Written:
    subject: str
    text: str
    #: The message's HTML body, as the preview shows it; `html` is the whole document that is sent.
    html_body: Markup
    html: str


def last_day(closes_at: dt.datetime, time_zone: str = "UTC") -> dt.date:
    """The day a message names as the one the survey closes on: the last day it takes answers, on the
    jurisdiction's clock (`local_time.last_day`: a round closing at 00:00 on the 19th is open all of the 18th)."""
    return local_time.last_day(closes_at, time_zone)


def write(letter: Letter) -> Written:
    """The message in the letter's language: its subject, its plain text and its HTML."""
    with force_locale(babel_tag(letter.language)):
        close_date = (format_date(last_day(letter.closes_at, letter.time_zone), "long") if letter.closes_at is not None
                      else _("(no closing date yet)"))
        values = {"jurisdiction": letter.jurisdiction, "round": letter.round_title, "agency": letter.agency,
                  "close_date": close_date, "facilitator": letter.facilitator}
        subject = " ".join(fill(letter.subject, values).split())
        if len(subject) > MAX_SUBJECT:  # placeholders filled in can make a checked subject long
            subject = subject[:MAX_SUBJECT - 1].rstrip() + "…"
        body = fill(letter.body, values).strip()
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
        context = {"letter": letter, "close_date": close_date if letter.closes_at is not None else None,
                   "paragraphs": [Markup("<br>").join(escape(line) for line in p.splitlines()) for p in paragraphs],
                   "text_paragraphs": paragraphs, "subject": subject, "reminder": letter.kind == EmailKind.REMINDER}
        html_body = Markup(render_template("email/body.html", **context))
        return Written(subject=subject, text=render_template("email/message.txt", **context).strip() + "\n",
                       html_body=html_body,
                       html=render_template("email/message.html", body=html_body, **context))


def message(letter: Letter, sender: str, recipient: str, reply_to: str, message_id: str) -> EmailMessage:
    """The message as it goes to the mail server: plain text and HTML alternatives, with Reply-To and the one-click
    opt-out headers (RFC 8058)."""
    written = write(letter)
    mail = EmailMessage(policy=HEADERS_UNFOLDED)
    mail["From"] = formataddr((header_text(letter.facilitator), sender))
    mail["To"] = recipient
    mail["Reply-To"] = reply_to
    mail["Subject"] = header_text(written.subject)
    mail["Date"] = formatdate(usegmt=True)
    mail["Message-ID"] = message_id
    mail["List-Unsubscribe"] = f"<{letter.opt_out_link}>"
    mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.set_content(written.text, cte="quoted-printable")
    mail.add_alternative(written.html, subtype="html", cte="quoted-printable")
    mail["Content-Language"] = letter.language  # after the parts are made: they take the Content-* headers
    return mail
