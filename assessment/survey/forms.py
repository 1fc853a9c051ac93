"""Survey forms built from questionnaire data.

Each item's question type (questionnaires/types.py) knows its fields, the raw values each field may carry, and
how form data turns into stored answers and back. A new form class is made per questionnaire section (and
roster), so no field ever leaks between two questionnaires.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

from flask_babel import gettext as _
from flask_wtf import FlaskForm

from questionnaires import types
from questionnaires.schema import Item, Questionnaire, Section
from questionnaires.types import AnswerKey, AnswerValue, Target

__all__ = ["AnswerKey", "AnswerValue", "CONTROL_FIELDS", "TamperedInput", "Target", "answers_from_form",
           "check_posted", "fields_of", "form_data", "section_form_class"]

from ..text import CleanForm

#: Form fields that a survey page posts besides the items: the page's action, or the language it switches to.
CONTROL_FIELDS = frozenset({"csrf_token", "action", "lang"})


class TamperedInput(ValueError):
    """The posted form holds fields or values that the page never offered."""


@lru_cache(maxsize=256)
def section_form_class(q: Questionnaire, section_index: int, targets: tuple[Target, ...]) -> type[FlaskForm]:
    """A new FlaskForm subclass holding the fields of one section, in questionnaire order."""
    section = q.sections[section_index]
    form_class = type(f"{q.id}_v{q.version}_{section.id}_Form", (CleanForm,), {})
    for item in section.items:
        for name, field in types.of(item).fields(item, q, targets).items():
            setattr(form_class, name, field)
    return form_class


def fields_of(section: Section, q: Questionnaire, targets: tuple[Target, ...]) -> list[tuple[Item, list[str]]]:
    """Each item of a section with its field names, for the template to lay out."""
    return [(item, list(types.of(item).allowed(item, q, targets))) for item in section.items]


def check_posted(section: Section, q: Questionnaire, targets: tuple[Target, ...], formdata) -> None:
    """Refuse a post that holds a field or a value that the page never offered, or an over-long text."""
    allowed: dict[str, Optional[set[str]]] = {}
    limits: dict[str, int] = {}
    repeatable = {item.id for item in section.items if isinstance(types.of(item), types.Multi)}
    for item in section.items:
        for name, values in types.of(item).allowed(item, q, targets).items():
            allowed[name] = values
            limits[name] = item.max_length
    problems = []
    for name in formdata:
        if name in CONTROL_FIELDS:
            continue
        if name not in allowed:
            problems.append(_("unknown field %(name)r", name=name))
            continue
        raw_values = formdata.getlist(name)
        values = allowed[name]
        if values is None:
            if len(raw_values) > 1:
                problems.append(_("%(name)r was sent more than once", name=name))
            elif any(len(v.replace("\r\n", "\n")) > limits[name] for v in raw_values):
                problems.append(_("%(name)r is longer than %(limit)d characters", name=name, limit=limits[name]))
        elif any(v not in values for v in raw_values):
            problems.append(_("%(name)r holds a value that is not one of its choices", name=name))
        elif len(raw_values) > 1 and name not in repeatable:
            problems.append(_("%(name)r was sent more than once", name=name))
    if problems:
        raise TamperedInput("; ".join(problems))


def answers_from_form(section: Section, form: FlaskForm, targets: tuple[Target, ...]) -> dict[AnswerKey, AnswerValue]:
    data = form.data
    found: dict[AnswerKey, AnswerValue] = {}
    for item in section.items:
        found.update(types.of(item).to_answers(item, data, targets))
    return found


def form_data(section: Section, answers: dict[AnswerKey, AnswerValue], targets: tuple[Target, ...]) -> dict:
    data: dict = {}
    for item in section.items:
        data.update(types.of(item).to_data(item, answers, targets))
    return data
