"""Forms of a round's people and messages: invitations, contact files and pasted lists, how messages go
out and their wording. Each takes control characters out of what is typed (CleanForm)."""
from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange

from ..text import CleanForm, choices
from ..vocabulary import RoleLevel
from .invitations import MAX_INVITATIONS_AT_ONCE


class InviteForm(CleanForm):
    agency = SelectField("Agency", coerce=int)
    role = SelectField("Role level", choices=choices(RoleLevel))
    count = IntegerField("How many links", default=5,
                         validators=[DataRequired(), NumberRange(min=1, max=MAX_INVITATIONS_AT_ONCE)])
    output = SelectField("Show the links", choices=[SelectChoice("page", "on the next page"),
                                                    SelectChoice("csv", "as a CSV download")])


class ContactsFileForm(CleanForm):
    file = FileField("Contacts file (CSV)", validators=[FileRequired("Choose a CSV file of contacts.")],
                     description="One row per person: email, agency (its short name or name) and role_level "
                                 "(line_staff, supervisor or executive); a language column is optional. UTF-8 or "
                                 "Excel's CSV, comma or semicolon. Other columns are left out, never stored.")


class ContactsPasteForm(CleanForm):
    addresses = TextAreaField("Addresses", validators=[DataRequired("Paste at least one address.")],
                              description="One per line, or separated by commas or semicolons; copied from a mail "
                                          "program (Name <address>) is fine: only the address is kept.")
    agency = SelectField("Their agency", coerce=int)
    role = SelectField("Their role level", choices=choices(RoleLevel))
    language = SelectField("Language of their messages")


class MailSettingsForm(CleanForm):
    sender_name = StringField("Facilitator's name", validators=[DataRequired(), Length(max=200)],
                              description="The messages come from this name and are signed with it.")
    reply_to = EmailField("Reply-to address", validators=[DataRequired(), Length(max=254)],
                          description="Where people's replies go.")
    reminder_days = StringField("Send reminders this many days before the closing date",
                                validators=[Length(max=40)],
                                description="For example 7, 2. Empty: reminders only when you send them. The app "
                                            "sends them itself: the Settings tab shows when.")
    max_reminders = IntegerField("At most this many reminders per person", default=2,
                                 validators=[NumberRange(min=0, max=10)])
    closes_itself = BooleanField("Close the round by itself on its closing date (its addresses are then deleted)")


class TemplateForm(CleanForm):
    kind = HiddenField()
    language = HiddenField()
    subject = StringField("Subject", validators=[Length(max=200)])
    body = TextAreaField("Message", validators=[Length(max=5000)])
