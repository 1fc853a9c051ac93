"""Survey forms built from questionnaire data.

A registry maps each item type to a builder that knows the item's fields, the raw values each field may carry,
and how to turn form data into stored answers and back. A new form class is made per questionnaire section (and
roster), so no field ever leaks between two questionnaires.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from questionnaires.schema import Item, Questionnaire, Scale, Section

from .text import CleanForm

DONT_KNOW = "dk"
REQUIRED_MESSAGE = _l("Please choose an answer (\"Don't know\" is fine).")
#: Form fields that a survey page posts besides the items: the page's action, or the language it switches to.
CONTROL_FIELDS = frozenset({"csrf_token", "action", "lang"})


@dataclass(frozen=True)
class Target:
    """An agency that a roster item asks about."""

    id: int
    slug: str
    name: str


@dataclass(frozen=True)
class AnswerValue:
    value: Optional[float] = None
    dont_know: bool = False
    text: Optional[str] = None


#: (item id, target agency id or None) -> answer
AnswerKey = tuple[str, Optional[int]]


class TamperedInput(ValueError):
    """The posted form holds fields or values that the page never offered."""


def _scale_choices(scale: Scale) -> list[SelectChoice]:
    choices = [SelectChoice(o.value, o.label) for o in scale.options]
    if scale.dont_know:
        choices.append(SelectChoice(DONT_KNOW, scale.dont_know))
    return choices


def _option_choices(item: Item) -> list[SelectChoice]:
    return [SelectChoice(o.value, o.label) for o in item.options]


def _radio_to_answer(raw: Optional[str]) -> Optional[AnswerValue]:
    if raw in (None, ""):
        return None
    if raw == DONT_KNOW:
        return AnswerValue(dont_know=True)
    return AnswerValue(value=float(raw))


def _answer_to_radio(answer: Optional[AnswerValue]) -> Optional[str]:
    if answer is None:
        return None
    return DONT_KNOW if answer.dont_know else str(int(answer.value))


def _required(item: Item) -> list:
    return [InputRequired(message=REQUIRED_MESSAGE)] if item.required else []


class Builder:
    """How one item type becomes fields, and how those fields' data becomes answers."""

    def fields(self, item: Item, q: Questionnaire, targets: tuple[Target, ...]) -> dict[str, object]:
        raise NotImplementedError

    def allowed(self, item: Item, q: Questionnaire, targets: tuple[Target, ...]) -> dict[str, Optional[set[str]]]:
        """Field name -> the raw values it may carry (None: free text, checked for length)."""
        raise NotImplementedError

    def to_answers(self, item: Item, data: dict, targets: tuple[Target, ...]) -> dict[AnswerKey, AnswerValue]:
        raise NotImplementedError

    def to_data(self, item: Item, answers: dict[AnswerKey, AnswerValue], targets: tuple[Target, ...]) -> dict:
        raise NotImplementedError


class LikertBuilder(Builder):
    def fields(self, item, q, targets):
        return {item.id: RadioField(item.text, choices=_scale_choices(q.scales[item.scale]),
                                    validators=_required(item), validate_choice=False, description=item.help)}

    def allowed(self, item, q, targets):
        return {item.id: {c.value for c in _scale_choices(q.scales[item.scale])}}

    def to_answers(self, item, data, targets):
        answer = _radio_to_answer(data.get(item.id))
        return {(item.id, None): answer} if answer else {}

    def to_data(self, item, answers, targets):
        return {item.id: _answer_to_radio(answers.get((item.id, None)))}


class ChoiceBuilder(Builder):
    def fields(self, item, q, targets):
        return {item.id: RadioField(item.text, choices=_option_choices(item),
                                    validators=_required(item), validate_choice=False, description=item.help)}

    def allowed(self, item, q, targets):
        return {item.id: {o.value for o in item.options}}

    def to_answers(self, item, data, targets):
        raw = data.get(item.id)
        return {(item.id, None): AnswerValue(text=raw)} if raw else {}

    def to_data(self, item, answers, targets):
        answer = answers.get((item.id, None))
        return {item.id: answer.text if answer else None}


class MultiBuilder(Builder):
    def fields(self, item, q, targets):
        validators = [InputRequired(message=_l("Please choose at least one."))] if item.required else []
        return {item.id: SelectMultipleField(item.text, choices=_option_choices(item),
                                             validators=validators, validate_choice=False, description=item.help,
                                             widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())}

    def allowed(self, item, q, targets):
        return {item.id: {o.value for o in item.options}}

    def to_answers(self, item, data, targets):
        chosen = [o.value for o in item.options if o.value in (data.get(item.id) or [])]
        return {(item.id, None): AnswerValue(text="\n".join(chosen))} if chosen else {}

    def to_data(self, item, answers, targets):
        answer = answers.get((item.id, None))
        return {item.id: answer.text.split("\n") if answer and answer.text else []}


class TextBuilder(Builder):
    def fields(self, item, q, targets):
        validators = [InputRequired(message=_l("Please write an answer."))] if item.required else []
        return {item.id: TextAreaField(item.text, validators=validators, description=item.help,
                                       render_kw={"maxlength": item.max_length, "rows": 5})}

    def allowed(self, item, q, targets):
        return {item.id: None}

    def to_answers(self, item, data, targets):
        text = (data.get(item.id) or "").replace("\r\n", "\n").strip()
        return {(item.id, None): AnswerValue(text=text)} if text else {}

    def to_data(self, item, answers, targets):
        answer = answers.get((item.id, None))
        return {item.id: answer.text if answer else ""}


class RosterBuilder(Builder):
    """One rating per other agency of the jurisdiction."""

    @staticmethod
    def field_name(item: Item, target: Target) -> str:
        return f"{item.id}__{target.slug}"

    def fields(self, item, q, targets):
        choices = _scale_choices(q.scales[item.scale])
        return {self.field_name(item, t): RadioField(t.name, choices=choices, validators=_required(item),
                                                     validate_choice=False)
                for t in targets}

    def allowed(self, item, q, targets):
        values = {c.value for c in _scale_choices(q.scales[item.scale])}
        return {self.field_name(item, t): values for t in targets}

    def to_answers(self, item, data, targets):
        found = {}
        for target in targets:
            answer = _radio_to_answer(data.get(self.field_name(item, target)))
            if answer:
                found[(item.id, target.id)] = answer
        return found

    def to_data(self, item, answers, targets):
        return {self.field_name(item, t): _answer_to_radio(answers.get((item.id, t.id))) for t in targets}


BUILDERS: dict[str, Builder] = {
    "likert": LikertBuilder(),
    "choice": ChoiceBuilder(),
    "multi": MultiBuilder(),
    "text": TextBuilder(),
    "roster": RosterBuilder(),
}


def _builder(item: Item) -> Builder:
    return BUILDERS[item.type]


@lru_cache(maxsize=256)
def section_form_class(q: Questionnaire, section_index: int, targets: tuple[Target, ...]) -> type[FlaskForm]:
    """A new FlaskForm subclass holding the fields of one section, in questionnaire order."""
    section = q.sections[section_index]
    form_class = type(f"{q.id}_v{q.version}_{section.id}_Form", (CleanForm,), {})
    for item in section.items:
        for name, field in _builder(item).fields(item, q, targets).items():
            setattr(form_class, name, field)
    return form_class


def fields_of(section: Section, q: Questionnaire, targets: tuple[Target, ...]) -> list[tuple[Item, list[str]]]:
    """Each item of a section with its field names, for the template to lay out."""
    return [(item, list(_builder(item).allowed(item, q, targets))) for item in section.items]


def check_posted(section: Section, q: Questionnaire, targets: tuple[Target, ...], formdata) -> None:
    """Refuse a post that holds a field or a value that the page never offered, or an over-long text."""
    allowed: dict[str, Optional[set[str]]] = {}
    limits: dict[str, int] = {}
    repeatable = {item.id for item in section.items if item.type == "multi"}
    for item in section.items:
        for name, values in _builder(item).allowed(item, q, targets).items():
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
        found.update(_builder(item).to_answers(item, data, targets))
    return found


def form_data(section: Section, answers: dict[AnswerKey, AnswerValue], targets: tuple[Target, ...]) -> dict:
    data: dict = {}
    for item in section.items:
        data.update(_builder(item).to_data(item, answers, targets))
    return data
