"""Question types: everything a kind of item does, in one class per type.

A type knows how its items are checked when a questionnaire loads, which form fields they become and which raw
values those fields may carry, how form data turns into stored answers and back, when a required item counts as
answered, how an answer reads on the review page, how it is written to a spreadsheet cell and read back from one
(paper imports), how a restored answer is checked, and what the codebook says of its values. A new type is one
new class in `TYPES`.

Answers are plain values: a number on a scale, a don't-know, or text (an option's value, several values one per
line, or free text). A roster item asks once per other agency of the jurisdiction (`Target`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from .schema import Item, Questionnaire, Scale

#: The radio value of "Don't know" on a survey page.
DONT_KNOW_FIELD = "dk"
#: "Don't know" in a spreadsheet cell (exports write it, imports read it in any case).
DONT_KNOW_CELL = "DK"
#: Between the choices of a multiple-choice answer in a spreadsheet cell.
MULTI_SEPARATOR = "|"
REQUIRED_MESSAGE = _l("Please choose an answer (\"Don't know\" is fine).")


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


class QuestionType:
    """The behaviour of one kind of item. Subclasses override what differs."""

    name: str = ""
    #: Answered on one of the questionnaire's scales (else on options, or as free text).
    on_scale = False
    #: Asked once per other agency (a column per agency in the wide export).
    per_target = False
    #: Answered by choosing among the item's own options.
    takes_options = False

    # --- loading ------------------------------------------------------------------------------------------------

    def check(self, spec: dict, scales: dict[str, Scale], note: Callable[[str], None]) -> None:
        """What the loader refuses in a raw item of this type (each problem told to `note`)."""
        if spec.get("reverse") is True:
            note(f"reverse is only allowed on likert items, not on a {self.name} item")
        if spec.get("dimension") is not None or spec.get("condition") is not None:
            note(f"only likert items are scored; a {self.name} item cannot have a dimension or condition")
        scale_id = spec.get("scale")
        if self.on_scale:
            if scale_id not in scales:
                known = ", ".join(scales) or "none defined"
                note(f"a {self.name} item needs a scale defined under scales (found {scale_id!r}; known: {known})")
        elif scale_id is not None:
            note(f"a {self.name} item takes options, not a scale")

    # --- the survey page ----------------------------------------------------------------------------------------

    def fields(self, item: Item, q: Questionnaire, targets: tuple[Target, ...]) -> dict[str, object]:
        raise NotImplementedError

    def allowed(self, item: Item, q: Questionnaire, targets: tuple[Target, ...]) -> dict[str, Optional[set[str]]]:
        """Field name -> the raw values it may carry (None: free text, checked for length)."""
        return {item.id: {o.value for o in item.options}}

    def to_answers(self, item: Item, data: dict, targets: tuple[Target, ...]) -> dict[AnswerKey, AnswerValue]:
        raise NotImplementedError

    def to_data(self, item: Item, answers: dict[AnswerKey, AnswerValue], targets: tuple[Target, ...]) -> dict:
        raise NotImplementedError

    def answered(self, item: Item, answers: dict[AnswerKey, AnswerValue], targets: tuple[Target, ...]) -> bool:
        return (item.id, None) in answers

    def describe(self, item: Item, q: Questionnaire, answer: AnswerValue) -> str:
        """An answer as the respondent chose it, for the review page."""
        return answer.text or ""

    # --- files --------------------------------------------------------------------------------------------------

    def cell(self, answer: AnswerValue) -> Any:
        """An answer in a spreadsheet cell."""
        return answer.text or ""

    def parse(self, item: Item, q: Questionnaire, cell: str) -> AnswerValue:
        """A cell of a paper-import file as an answer; ValueError saying what is wrong."""
        raise NotImplementedError

    def invalid(self, item: Item, q: Questionnaire, answer: AnswerValue) -> Optional[str]:
        """Why a stored (restored) answer is not one the survey could have given, or None."""
        if answer.value is not None or answer.dont_know:
            return f"item {item.id!r} takes text, not a number or a don't-know"
        if not answer.text:
            return "text is missing"
        return None

    def codebook(self, item: Item, q: Questionnaire) -> str:
        return "free text"


def _scale_choices(scale: Scale) -> list[SelectChoice]:
    choices = [SelectChoice(o.value, o.label) for o in scale.options]
    if scale.dont_know:
        choices.append(SelectChoice(DONT_KNOW_FIELD, scale.dont_know))
    return choices


def _option_choices(item: Item) -> list[SelectChoice]:
    return [SelectChoice(o.value, o.label) for o in item.options]


def _required(item: Item, message=REQUIRED_MESSAGE) -> list:
    return [InputRequired(message=message)] if item.required else []


class Scaled(QuestionType):
    """Answered with a number on a scale, or "Don't know"."""

    on_scale = True

    @staticmethod
    def radio_to_answer(raw: Optional[str]) -> Optional[AnswerValue]:
        if raw in (None, ""):
            return None
        if raw == DONT_KNOW_FIELD:
            return AnswerValue(dont_know=True)
        return AnswerValue(value=float(raw))

    @staticmethod
    def answer_to_radio(answer: Optional[AnswerValue]) -> Optional[str]:
        if answer is None:
            return None
        return DONT_KNOW_FIELD if answer.dont_know else str(int(answer.value))

    def describe(self, item, q, answer):
        scale = q.scales[item.scale]
        if answer.dont_know:
            return scale.dont_know
        wanted = str(int(answer.value))
        return next(o.label for o in scale.options if o.value == wanted)

    def cell(self, answer):
        if answer.dont_know:
            return DONT_KNOW_CELL
        return int(answer.value) if float(answer.value).is_integer() else answer.value

    def parse(self, item, q, cell):
        scale = q.scales[item.scale]
        if cell.lower() == DONT_KNOW_CELL.lower():
            return AnswerValue(dont_know=True)
        if cell.lstrip("-").isdigit() and scale.min <= int(cell) <= scale.max:
            return AnswerValue(value=float(int(cell)))
        raise ValueError(f"{cell!r} is not a whole number from {scale.min} to {scale.max}, nor {DONT_KNOW_CELL}")

    def invalid(self, item, q, answer):
        scale = q.scales[item.scale]
        if answer.text is not None:
            return f"text should be empty: item {item.id!r} takes a number"
        if answer.dont_know and not scale.dont_know:
            return f"item {item.id!r} offers no don't-know"
        if answer.dont_know and answer.value is not None:
            return "value should be empty in a don't-know answer"
        if not answer.dont_know and answer.value is None:
            return "value is missing"
        if not answer.dont_know and answer.value not in {float(o.value) for o in scale.options}:
            return f"value {answer.value:g} is not on the scale of item {item.id!r} ({scale.min} to {scale.max})"
        return None

    def codebook(self, item, q):
        scale = q.scales[item.scale]
        values = "; ".join(f"{o.value}={o.label}" for o in scale.options)
        return values + (f"; {DONT_KNOW_CELL}={scale.dont_know}" if scale.dont_know else "")


class Likert(Scaled):
    """An agreement statement, scored on a dimension or a condition (reverse-coded when negatively worded)."""

    name = "likert"

    def check(self, spec, scales, note):
        if spec.get("dimension") is None and spec.get("condition") is None:
            note("a likert item needs a dimension or a condition")
        scale_id = spec.get("scale")
        if scale_id not in scales:
            known = ", ".join(scales) or "none defined"
            note(f"a likert item needs a scale defined under scales (found {scale_id!r}; known: {known})")

    def fields(self, item, q, targets):
        return {item.id: RadioField(item.text, choices=_scale_choices(q.scales[item.scale]),
                                    validators=_required(item), validate_choice=False, description=item.help)}

    def allowed(self, item, q, targets):
        return {item.id: {c.value for c in _scale_choices(q.scales[item.scale])}}

    def to_answers(self, item, data, targets):
        answer = self.radio_to_answer(data.get(item.id))
        return {(item.id, None): answer} if answer else {}

    def to_data(self, item, answers, targets):
        return {item.id: self.answer_to_radio(answers.get((item.id, None)))}


class Roster(Scaled):
    """The relationship with each other agency of the jurisdiction, one rating per agency."""

    name = "roster"
    per_target = True

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
            answer = self.radio_to_answer(data.get(self.field_name(item, target)))
            if answer:
                found[(item.id, target.id)] = answer
        return found

    def to_data(self, item, answers, targets):
        return {self.field_name(item, t): self.answer_to_radio(answers.get((item.id, t.id))) for t in targets}

    def answered(self, item, answers, targets):
        return all((item.id, t.id) in answers for t in targets)


class Choice(QuestionType):
    """One option of several."""

    name = "choice"
    takes_options = True

    def fields(self, item, q, targets):
        return {item.id: RadioField(item.text, choices=_option_choices(item),
                                    validators=_required(item), validate_choice=False, description=item.help)}

    def to_answers(self, item, data, targets):
        raw = data.get(item.id)
        return {(item.id, None): AnswerValue(text=raw)} if raw else {}

    def to_data(self, item, answers, targets):
        answer = answers.get((item.id, None))
        return {item.id: answer.text if answer else None}

    def describe(self, item, q, answer):
        return {o.value: o.label for o in item.options}.get(answer.text or "", "")

    def parse(self, item, q, cell):
        for option in item.options:
            if cell.lower() in (option.value, option.label.lower()):
                return AnswerValue(text=option.value)
        raise ValueError(f"{cell!r} is not one of {', '.join(o.value for o in item.options)}")

    def invalid(self, item, q, answer):
        options = {o.value for o in item.options}
        if (problem := super().invalid(item, q, answer)) is not None:
            return problem
        return None if answer.text in options else f"{answer.text!r} is not one of {', '.join(sorted(options))}"

    def codebook(self, item, q):
        return "; ".join(f"{o.value}={o.label}" for o in item.options)


class Multi(Choice):
    """Any number of options; stored one value per line, in a cell separated by `MULTI_SEPARATOR`."""

    name = "multi"

    def fields(self, item, q, targets):
        validators = _required(item, _l("Please choose at least one."))
        return {item.id: SelectMultipleField(item.text, choices=_option_choices(item),
                                             validators=validators, validate_choice=False, description=item.help,
                                             widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())}

    def to_answers(self, item, data, targets):
        chosen = [o.value for o in item.options if o.value in (data.get(item.id) or [])]
        return {(item.id, None): AnswerValue(text="\n".join(chosen))} if chosen else {}

    def to_data(self, item, answers, targets):
        answer = answers.get((item.id, None))
        return {item.id: answer.text.split("\n") if answer and answer.text else []}

    def describe(self, item, q, answer):
        labels = {o.value: o.label for o in item.options}
        return "; ".join(labels[v] for v in (answer.text or "").split("\n") if v in labels)

    def cell(self, answer):
        return (answer.text or "").replace("\n", MULTI_SEPARATOR)

    def parse(self, item, q, cell):
        values = {o.value: o.value for o in item.options} | {o.label.lower(): o.value for o in item.options}
        chosen = []
        for part in (p.strip() for p in cell.split(MULTI_SEPARATOR)):
            if part.lower() not in values:
                raise ValueError(f"{part!r} is not one of {', '.join(o.value for o in item.options)} "
                                 f"(separate several with {MULTI_SEPARATOR})")
            chosen.append(values[part.lower()])
        return AnswerValue(text="\n".join(o.value for o in item.options if o.value in chosen))

    def invalid(self, item, q, answer):
        if (problem := QuestionType.invalid(self, item, q, answer)) is not None:
            return problem
        options = {o.value for o in item.options}
        chosen = answer.text.split("\n")
        if set(chosen) - options or len(set(chosen)) != len(chosen):
            return f"the choices should be different lines from {', '.join(sorted(options))}"
        return None


class Text(QuestionType):
    """Free text, up to the item's `max_length`."""

    name = "text"

    def fields(self, item, q, targets):
        return {item.id: TextAreaField(item.text, validators=_required(item, _l("Please write an answer.")),
                                       description=item.help, render_kw={"maxlength": item.max_length, "rows": 5})}

    def allowed(self, item, q, targets):
        return {item.id: None}

    def to_answers(self, item, data, targets):
        text = (data.get(item.id) or "").replace("\r\n", "\n").strip()
        return {(item.id, None): AnswerValue(text=text)} if text else {}

    def to_data(self, item, answers, targets):
        answer = answers.get((item.id, None))
        return {item.id: answer.text if answer else ""}

    def parse(self, item, q, cell):
        if len(cell) > item.max_length:
            raise ValueError(f"the text is longer than {item.max_length} characters")
        return AnswerValue(text=cell)

    def invalid(self, item, q, answer):
        if (problem := super().invalid(item, q, answer)) is not None:
            return problem
        if len(answer.text) > item.max_length:
            return f"text is longer than item {item.id!r} allows ({item.max_length} characters)"
        return None


TYPES: dict[str, QuestionType] = {t.name: t for t in (Likert(), Choice(), Multi(), Text(), Roster())}


def of(item: Item) -> QuestionType:
    return TYPES[item.type]
