"""Forms of the jurisdiction and agency pages. Each takes control characters out of what is typed (CleanForm)."""
from __future__ import annotations

from wtforms import (
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional

from ..text import CleanForm, choices
from ..vocabulary import Sector


class JurisdictionForm(CleanForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])


class AgencyForm(CleanForm):
    name = StringField("Agency name", validators=[DataRequired(), Length(max=200)])
    sector = SelectField("Sector", choices=choices(Sector))
    slug = StringField("Short name for links and files", validators=[Optional(), Length(max=80)],
                       description="Letters, digits and dashes; made from the name when left empty.")
