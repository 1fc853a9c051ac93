"""The form that makes a share link. Each takes control characters out of what is typed (CleanForm)."""
from __future__ import annotations

from wtforms import (
    IntegerField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ..text import CleanForm


class ShareLinkForm(CleanForm):
    label = StringField("Who it is for", validators=[DataRequired(), Length(max=200)],
                        description="As you will recognise it in the list below: “Policy team, March meeting”.")
    days = IntegerField("Days it works", default=14, validators=[InputRequired(), NumberRange(min=1, max=90)],
                        description="From 1 to 90 days. You can withdraw it sooner at any time.")
