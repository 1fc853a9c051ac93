"""A section's questions as markup, laid out once per questionnaire version, section, language and roster, and
kept: a page then fills in what the respondent chose (an option's `checked`, a text box's text) instead of laying
out every field again through WTForms (the first section's page: 2.9 to 2.4 ms of CPU). A page with errors shows
them beside the fields: it is laid out in full (`templates/survey/_questions.html`, the same template).

The layout is cut where an answer goes: right after `<input` of each radio button and check box (WTForms writes
`checked` as the first attribute, its attributes being in order) and at the start of each text box's text. A test
holds the filled layout to the full one, character for character, for every section and language."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from flask import render_template
from markupsafe import Markup, escape

from .. import memo

#: Where a chosen option says so: after `<input` of a radio button or check box, named by its field and value.
OPTION = re.compile(r'<input(?= [^>]*\bname="([^"]*)")(?= [^>]*\btype="(?:radio|checkbox)")(?= [^>]*\bvalue="([^"]*)")')
#: Where a text box's text goes: after its opening tag and the line break WTForms writes.
TEXT = re.compile(r'<textarea [^>]*\bname="([^"]*)"[^>]*>\r\n')
#: How many section layouts each process keeps (questionnaire versions x sections x languages x rosters).
KEPT = 512


@dataclass(frozen=True)
class Layout:
    pieces: tuple[str, ...]  # the markup, cut where answers go: one more piece than slots
    slots: tuple[tuple[str, str | None], ...]  # at each cut: (field name, option value as written, or None: text)

    def fill(self, chosen: set[tuple[str, str]], texts: dict[str, str]) -> Markup:
        out = [self.pieces[0]]
        for (name, value), piece in zip(self.slots, self.pieces[1:]):
            if value is not None:
                out.append(" checked" if (name, value) in chosen else "")
            else:
                out.append(str(escape(texts.get(name, ""))))
            out.append(piece)
        return Markup("".join(out))


def lay_out(markup: str) -> Layout:
    cuts = sorted([(m.end(), m.group(1), m.group(2)) for m in OPTION.finditer(markup)]
                  + [(m.end(), m.group(1), None) for m in TEXT.finditer(markup)], key=lambda cut: cut[0])
    bounds = [0] + [at for at, _, _ in cuts] + [len(markup)]
    return Layout(tuple(markup[a:b] for a, b in zip(bounds, bounds[1:])),
                  tuple((name, value) for _, name, value in cuts))


def questions(key: tuple, empty_form: Callable, q, items) -> Layout:
    """The section's layout kept under `key` (everything it depends on: questionnaire and version, section,
    language, roster), laid out on first use from the form `empty_form()` makes."""
    return memo.kept("questions", key, lambda: lay_out(render_template("survey/_questions.html", q=q,
                                                                        form=empty_form(), items=items)), KEPT)


def answers_in(form) -> tuple[set[tuple[str, str]], dict[str, str]]:
    """What a bound form shows as chosen (field name and option value, as written in the page) and typed."""
    chosen: set[tuple[str, str]] = set()
    texts: dict[str, str] = {}
    for field in form:
        if hasattr(field, "iter_choices"):
            chosen.update((field.name, str(escape(value))) for value, _label, selected, *_ in field.iter_choices()
                          if selected)
        elif field.type == "TextAreaField":
            texts[field.name] = field._value()
    return chosen, texts
