"""The form of an open answer's review. Each takes control characters out of what is typed (CleanForm)."""
from __future__ import annotations

from wtforms import (
    RadioField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..text import CleanForm


class OpenAnswerForm(CleanForm):
    decision = RadioField("Decision", choices=[SelectChoice("published", "Publish these words"),
                                               SelectChoice("withheld", "Withhold it")],
                          validators=[DataRequired("Choose to publish or withhold the answer.")])
    words = TextAreaField("Words to publish", validators=[Length(max=2000)],
                          description="As written, or with whatever could identify someone taken out.")
