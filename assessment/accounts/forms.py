"""Forms of the accounts pages: an account, its password, its grants. Each takes control characters out of what is typed
(CleanForm)."""
from __future__ import annotations

from wtforms import (
    EmailField,
    PasswordField,
    SelectField,
)
from wtforms.validators import DataRequired, Length

from ..text import CleanForm, choices
from ..vocabulary import Role
from .accounts import MAX_PASSWORD, PASSWORD_RULE


class AccountForm(CleanForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    role = SelectField("Role", choices=choices(Role),
                       description="An administrator sees every jurisdiction and manages accounts; a facilitator "
                                   "runs the rounds of the jurisdictions granted; a viewer only reads their "
                                   "published results and report.")
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_PASSWORD)],
                             description=PASSWORD_RULE)


class PasswordForm(CleanForm):
    password = PasswordField("New password", validators=[DataRequired(), Length(max=MAX_PASSWORD)],
                             description=PASSWORD_RULE + " The account's sessions end.")


class GrantForm(CleanForm):
    jurisdiction = SelectField("Jurisdiction", coerce=int)
