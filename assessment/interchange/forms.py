"""The form that uploads responses collected elsewhere; it takes control characters out of what is typed
(CleanForm)."""
from __future__ import annotations

from flask_wtf.file import FileField, FileRequired

from ..text import CleanForm


class ImportForm(CleanForm):
    file = FileField("CSV file", validators=[FileRequired("Choose a CSV file to import.")],
                     description="One row per respondent: agency, role_level, one column per item id and "
                                 "roster:<agency-slug>. Blank is unanswered, DK is don't know.")
