"""Forms of the facilitator console; each takes control characters out of what is typed (CleanForm)."""
from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ..services.accounts import MAX_PASSWORD, PASSWORD_RULE
from ..services.invitations import MAX_INVITATIONS_AT_ONCE
from ..text import CleanForm
from ..vocabulary import Role, RoleLevel, Sector


def _choices(enum) -> list[SelectChoice]:
    return [SelectChoice(m.value, m.label) for m in enum]


class JurisdictionForm(CleanForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])


class AgencyForm(CleanForm):
    name = StringField("Agency name", validators=[DataRequired(), Length(max=200)])
    sector = SelectField("Sector", choices=_choices(Sector))
    slug = StringField("Short name for links and files", validators=[Optional(), Length(max=80)],
                       description="Letters, digits and dashes; made from the name when left empty.")


class RoundForm(CleanForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    questionnaire = SelectField("Questionnaire", description="The version is fixed for the life of the round.")
    copy_from = SelectField("Start from", coerce=int, default=0,
                            description="An earlier round's sender, reply-to address, reminder schedule and wording "
                                        "(never its addresses, dates or results). The agencies are the "
                                        "jurisdiction's, shared by every round.")
    min_group_size = IntegerField("Smallest group shown on its own", default=3,
                                  validators=[DataRequired(), NumberRange(min=1, max=50)])
    opens_at = DateField("Opens on", validators=[Optional()], description="At 00:00 on the jurisdiction's clock.")
    closes_at = DateField("Closes on", validators=[Optional()],
                          description="At 00:00, so the day before is the last one; set a time on the round's "
                                      "Settings tab.")

    def validate_closes_at(self, field):
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError("The closing date must come after the opening date.")


class RoundSettingsForm(CleanForm):
    """A round's settings after it was created (`rounds.edit_round` says which may still change); times are on the
    jurisdiction's clock."""

    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    opens_on = DateField("Opens on", validators=[Optional()],
                         description="The app opens the round then (its links start working). Empty: it opens when "
                                     "you open it, or when its invitations are sent.")
    opens_time = TimeField("Opening time", validators=[Optional()], default=None)
    closes_on = DateField("Closes on", validators=[Optional()],
                          description="00:00 closes at the start of that day (the messages then name the day before "
                                      "as the last one); 17:00 closes at the end of a working day.")
    closes_time = TimeField("Closing time", validators=[Optional()])
    invite_on = DateField("Send the invitations on", validators=[Optional()],
                          description="Everyone not yet invited gets theirs then (no one gets a second). Empty: you "
                                      "send them from the Messages tab. The round opens then if it is still a draft.")
    invite_time = TimeField("Time to send them", validators=[Optional()])
    min_group_size = IntegerField("Smallest group shown on its own",
                                  validators=[Optional(), NumberRange(min=1, max=50)],
                                  description="Can change only before anyone starts the survey.")

    def validate_opens_time(self, field):
        if field.data and not self.opens_on.data:
            raise ValidationError("Give the day as well as the time.")

    def validate_closes_time(self, field):
        if field.data and not self.closes_on.data:
            raise ValidationError("Give the day as well as the time.")

    def validate_invite_time(self, field):
        if field.data and not self.invite_on.data:
            raise ValidationError("Give the day as well as the time.")


class InviteForm(CleanForm):
    agency = SelectField("Agency", coerce=int)
    role = SelectField("Role level", choices=_choices(RoleLevel))
    count = IntegerField("How many links", default=5,
                         validators=[DataRequired(), NumberRange(min=1, max=MAX_INVITATIONS_AT_ONCE)])
    output = SelectField("Show the links", choices=[SelectChoice("page", "on the next page"),
                                                    SelectChoice("csv", "as a CSV download")])


class ImportForm(CleanForm):
    file = FileField("CSV file", validators=[FileRequired("Choose a CSV file to import.")],
                     description="One row per respondent: agency, role_level, one column per item id and "
                                 "roster:<agency-slug>. Blank is unanswered, DK is don't know.")


class OpenAnswerForm(CleanForm):
    decision = RadioField("Decision", choices=[SelectChoice("published", "Publish these words"),
                                               SelectChoice("withheld", "Withhold it")],
                          validators=[DataRequired("Choose to publish or withhold the answer.")])
    words = TextAreaField("Words to publish", validators=[Length(max=2000)],
                          description="As written, or with whatever could identify someone taken out.")


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
    role = SelectField("Their role level", choices=_choices(RoleLevel))
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


class CommitmentForm(CleanForm):
    dimension = SelectField("Dimension")
    what = TextAreaField("What the agencies will do", validators=[DataRequired(), Length(max=2000)])
    owner = StringField("Who owns it", validators=[DataRequired(), Length(max=200)])
    due = DateField("Due by", validators=[Optional()])


class AccountForm(CleanForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    role = SelectField("Role", choices=_choices(Role),
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


class ReopenForm(CleanForm):
    reason = TextAreaField("Why reopen it?", validators=[DataRequired(), Length(max=500)],
                           description="Recorded in the audit log with your name.")


class ShareLinkForm(CleanForm):
    label = StringField("Who it is for", validators=[DataRequired(), Length(max=200)],
                        description="As you will recognise it in the list below: “Policy team, March meeting”.")
    days = IntegerField("Days it works", default=14, validators=[InputRequired(), NumberRange(min=1, max=90)],
                        description="From 1 to 90 days. You can withdraw it sooner at any time.")
