"""Forms of a round's pages: creating it, its settings, reopening it, its commitments. Each takes control characters out
of what is typed (CleanForm)."""
from __future__ import annotations

from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..text import CleanForm


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


class CommitmentForm(CleanForm):
    dimension = SelectField("Dimension")
    what = TextAreaField("What the agencies will do", validators=[DataRequired(), Length(max=2000)])
    owner = StringField("Who owns it", validators=[DataRequired(), Length(max=200)])
    due = DateField("Due by", validators=[Optional()])


class ReopenForm(CleanForm):
    reason = TextAreaField("Why reopen it?", validators=[DataRequired(), Length(max=500)],
                           description="Recorded in the audit log with your name.")
