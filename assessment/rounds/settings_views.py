"""A round's settings tab: its title, dates and times on the jurisdiction's clock, the scheduled invitations and
the minimum group size, what the schedule will do next, and every change made so far."""
from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, url_for

from .. import access, local_time
from ..console import bp
from ..services import ServiceError, audit, clock
from . import rounds, schedule
from .forms import RoundSettingsForm

#: The audit entries the tab lists as the round's history.
HISTORY = ("round_created", "round_changed", "mail_settings_changed", "round_opened", "round_closed",
           "round_reopened", "email_template_changed")


def _split(at, zone: str) -> tuple:
    if at is None:
        return None, None
    local = local_time.to_local(at, zone)
    return local.date(), local.time().replace(second=0, microsecond=0, tzinfo=None)


def _form(round_) -> RoundSettingsForm:
    zone = round_.jurisdiction.time_zone
    data = {"title": round_.title, "min_group_size": round_.min_group_size}
    for name, at in (("opens", round_.opens_at), ("closes", round_.closes_at), ("invite", round_.invite_at)):
        data[f"{name}_on"], data[f"{name}_time"] = _split(at, zone)
    return RoundSettingsForm(formdata=None, data=data)


def _joined(day, time, zone: str):
    """The day and time typed, in the jurisdiction's zone, as the database keeps it (midnight when no time)."""
    return local_time.to_utc(dt.datetime.combine(day, time or dt.time()), zone) if day else None


def settings_page(round_, form=None, status=200):
    target = f"round {round_.id}"
    return render_template("console/round_settings.html", round=round_, tab="settings", form=form or _form(round_),
                           planned=schedule.planned(round_), clock=clock.clock_state(),
                           history=audit.events(target=target, actions=HISTORY, limit=100),
                           zone=round_.jurisdiction.time_zone, editable=rounds.editable(round_)), status


@bp.get("/rounds/<int:round_id>/settings")
def round_settings(round_id: int):
    return settings_page(access.round_or_404(round_id))


@bp.post("/rounds/<int:round_id>/settings")
def save_round_settings(round_id: int):
    round_ = access.round_or_404(round_id)
    form = RoundSettingsForm()
    if form.validate_on_submit():
        zone, editable = round_.jurisdiction.time_zone, rounds.editable(round_)
        try:
            typed = {"title": form.title.data, "min_group_size": form.min_group_size.data,
                     "opens_at": _joined(form.opens_on.data, form.opens_time.data, zone),
                     "closes_at": _joined(form.closes_on.data, form.closes_time.data, zone),
                     "invite_at": _joined(form.invite_on.data, form.invite_time.data, zone)}
            changed = rounds.edit_round(round_, **{k: v for k, v in typed.items() if k in editable})
            if round_.invite_at is not None or round_.reminder_days or round_.closes_at is not None:
                clock.ensure_clock()
        except (ServiceError, ValueError) as exc:
            form.form_errors.append(str(exc)[:1].upper() + str(exc)[1:] + ".")
        else:
            flash("Saved: " + "; ".join(changed) + "." if changed else "Nothing was changed.", "success")
            return redirect(url_for("console.round_settings", round_id=round_id))
    return settings_page(round_, form=form, status=400)
