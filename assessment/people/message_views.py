"""A round's messages: who they come from and the reminder schedule, the wording of each message with a live
preview, sending (with its progress) and, on a machine without a mail server, the outbox."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for

from .. import access, local_time
from ..console import bp, confirm_page, confirmed
from ..mail import compose
from ..ratelimits import limiter
from ..services import ServiceError, clock, jobs
from ..vocabulary import EmailKind
from . import contacts, mailings, outbox
from .forms import MailSettingsForm, TemplateForm


@bp.app_context_processor
def mail_context():
    """What every console page may warn of: a round whose schedule cannot be kept, jobs nothing runs."""
    return {"schedule_problem": mailings.schedule_problem, "jobs_waiting": jobs.waiting_too_long}

def _kind_and_language(round_, source) -> tuple[EmailKind, str]:
    try:
        kind = EmailKind(source.get("kind", "invitation"))
    except ValueError:
        abort(404)
    offered = mailings.languages_of(round_)
    language = source.get("language") or offered[0]
    if language not in offered:
        abort(404)
    return kind, language


def _settings_form(round_) -> MailSettingsForm:
    from flask_login import current_user

    # formdata=None: on a failed save of the wording, the posted form is the template's, and reading it would
    # untick "closes itself" (absent from that form) though the saved value is ticked.
    return MailSettingsForm(formdata=None, data={"sender_name": round_.sender_name or "",
                                  "reply_to": round_.reply_to or current_user.email,
                                  "reminder_days": round_.reminder_days.replace(",", ", "),
                                  "max_reminders": round_.max_reminders, "closes_itself": round_.closes_itself})


def _template_form(round_, kind, language) -> TemplateForm:
    template = mailings.template_of(round_, kind, language)
    return TemplateForm(formdata=None, data={"kind": kind.value, "language": language, "subject": template.subject,
                              "body": template.body})


def _preview(round_, kind, language, subject: str, body: str):
    """The message as a contact of the round would get it (a sample contact, or the first one), or the problems
    of the wording."""
    problems = compose.template_problems(subject, body)
    if problems:
        return None, problems
    agency = round_.jurisdiction.agencies[0].name if round_.jurisdiction.agencies else "Your agency"
    link = url_for("survey.welcome", token="your-personal-link", _external=False)
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    letter = mailings.letter(round_, kind, language, agency, base + link, base + link + "/opt-out",
                             started=kind == EmailKind.REMINDER, subject=subject, body=body)
    return compose.write(letter), []


def _outbox(round_) -> list[dict]:
    """The round's newest messages in the outbox, written by any server: when, to whom, what."""
    if not mailings.outbox_in_use():
        return []
    return [{"name": m.name, "to": m.recipient, "subject": m.subject,
             "date": m.written_at.strftime("%Y%m%d %H%M%S")} for m in outbox.listed(round_)]


def _messages_page(round_, settings_form=None, template_form=None, preview_of=None, status=200):
    kind, language = _kind_and_language(round_, request.values)
    template_form = template_form or _template_form(round_, kind, language)
    subject, body = preview_of or (template_form.subject.data, template_form.body.data)
    written, problems = _preview(round_, kind, language, subject or "", body or "")
    people = contacts.people(round_)
    return render_template(
        "console/round_messages.html", round=round_, tab="messages", kind=kind, language=language,
        kinds=list(EmailKind), languages=mailings.languages_of(round_), sending=mailings.sending(round_),
        waiting=mailings.waiting(round_), counts=people.counts, held=contacts.held(round_),
        ready=mailings.ready_problem(round_), settings_form=settings_form or _settings_form(round_),
        template_form=template_form, template=mailings.template_of(round_, kind, language), written=written,
        preview_problems=problems, placeholders=compose.PLACEHOLDERS, outbox=_outbox(round_),
        outbox_in_use=mailings.outbox_in_use(), retryable=people.counts.get("problem", 0)), status


@bp.get("/rounds/<int:round_id>/messages")
def messages_page(round_id: int):
    return _messages_page(access.round_or_404(round_id))


@bp.post("/rounds/<int:round_id>/messages/settings")
def mail_settings(round_id: int):
    round_ = access.round_or_404(round_id)
    form = MailSettingsForm()
    if form.validate_on_submit():
        try:
            mailings.save_settings(round_, form.sender_name.data, form.reply_to.data, form.reminder_days.data,
                                   form.max_reminders.data, form.closes_itself.data)
            clock.ensure_clock()
        except ServiceError as exc:
            form.sender_name.errors.append(str(exc))
        else:
            flash("Saved who the messages come from and when reminders go.", "success")
            return redirect(url_for("console.messages_page", round_id=round_id))
    return _messages_page(round_, settings_form=form, status=400)


@bp.post("/rounds/<int:round_id>/messages/template")
def mail_template(round_id: int):
    """Save the wording (or go back to the built-in one), or, without JavaScript, show the preview of it."""
    round_ = access.round_or_404(round_id)
    kind, language = _kind_and_language(round_, request.form)
    form = TemplateForm()
    action = request.form.get("action", "save")
    back = url_for("console.messages_page", round_id=round_id, kind=kind.value, language=language)
    if not form.validate_on_submit():
        return _messages_page(round_, template_form=form, status=400)
    if action == "preview":
        return _messages_page(round_, template_form=form, preview_of=(form.subject.data or "", form.body.data or ""))
    try:
        if action == "reset":
            mailings.reset_template(round_, kind, language)
            flash(f"The {kind.label.lower()} ({language}) is back to the built-in wording.", "success")
        else:
            mailings.save_template(round_, kind, language, form.subject.data or "", form.body.data or "")
            flash(f"Saved the wording of the {kind.label.lower()} ({language}).", "success")
    except ServiceError as exc:
        form.body.errors.append(str(exc))
        return _messages_page(round_, template_form=form, status=400)
    return redirect(back + "#wording")


@bp.post("/rounds/<int:round_id>/messages/preview")
def mail_preview(round_id: int):
    """The preview of what is typed (for the page's script): the message, or what is wrong with the wording."""
    round_ = access.round_or_404(round_id)
    kind, language = _kind_and_language(round_, request.form)
    form = TemplateForm()
    if not form.validate_on_submit():
        abort(400)
    written, problems = _preview(round_, kind, language, form.subject.data or "", form.body.data or "")
    return render_template("console/_preview.html", round=round_, written=written, preview_problems=problems)


def confirm_send(round_, kind: EmailKind, back: str, invitation_ids=None):
    """The confirmation before a send: how many get the message, who is left out and why, who was emailed lately
    (a reminder then uses up one of theirs), and the languages that would get the built-in wording while the
    round's own was written for another. None when no one would get it: the send then only says who was left
    out and why, with nothing to confirm."""
    if (problem := mailings.ready_problem(round_)) is not None:  # nothing to confirm: it could not go
        flash(f"Nothing was sent: to send, {problem}.", "error")
        return redirect(back)
    seen = mailings.preview(round_, kind, invitation_ids)
    if not seen.count:
        return None
    what = "invitation" if kind == EmailKind.INVITATION else "reminder"
    zone = round_.jurisdiction.time_zone
    facts = [f"{seen.count} {what}(s) will go from {round_.sender_name} (replies to {round_.reply_to}), each to one "
             "person with their own link.",
             f"They say the survey is open until {local_time.describe_close(round_.closes_at, zone)}." if
             round_.closes_at else "The round has no closing time: the messages say so. Set one on the Settings tab "
                                   "first if it should."]
    if seen.skipped:
        facts.append("Left out: " + ", ".join(f"{n} {reason}" for reason, n in sorted(seen.skipped.items())) + ".")
    if kind == EmailKind.REMINDER:
        facts.append(f"Each counts toward the round's most of {round_.max_reminders} reminder(s) per person, by "
                     "schedule and by hand together.")
    warnings, alternative = [], None
    if seen.recent:
        warnings.append(f"{seen.recent} of them were emailed in the last {mailings.RECENT.days} days (the latest "
                        f"{local_time.describe(seen.recent_latest, round_.jurisdiction.time_zone)}); a reminder now "
                        "uses up one of theirs, which the schedule may need later.")
        alternative = (f"Remind only the other {seen.count - seen.recent}", "yes-leave-out-recent")
    for language, n in sorted(seen.built_in_beside_custom.items()):
        warnings.append(f"{n} of them get the built-in wording in {language}: this round's own wording was written "
                        "only for another language. Change it on the Messages tab first if that matters.")
    return confirm_page(f"Send {seen.count} {what}(s)?", facts, f"Send {seen.count} {what}(s)", back,
                        tuple(warnings), alternative)


@bp.post("/rounds/<int:round_id>/messages/test")
@limiter.limit("10 per minute;60 per hour")
def send_test(round_id: int):
    """The message as it stands, sent now to the signed-in facilitator, marked as a test."""
    from flask_login import current_user

    round_ = access.round_or_404(round_id)
    kind, language = _kind_and_language(round_, request.form)
    back = url_for("console.messages_page", round_id=round_id, kind=kind.value, language=language) + "#wording"
    try:
        where = mailings.send_test(round_, kind, language, current_user.email)
    except ServiceError as exc:
        flash(str(exc)[:1].upper() + str(exc)[1:] + ".", "error")
    else:
        flash(f"A test of the {kind.label.lower()} ({language}) went to {current_user.email} through {where}: the "
              "wording as saved, with a link that opens no survey.", "success")
    return redirect(back)


@bp.post("/rounds/<int:round_id>/messages/send")
def send_messages(round_id: int):
    round_ = access.round_or_404(round_id)
    what = request.form.get("what", "")
    back = url_for("console.messages_page", round_id=round_id) + "#sending"
    if what in ("invitations", "reminders") and not confirmed():
        kind = EmailKind.INVITATION if what == "invitations" else EmailKind.REMINDER
        if (page := confirm_send(round_, kind, back)) is not None:
            return page
    try:
        if what == "invitations":
            done = mailings.queue_invitations(round_).describe("invitation")
        elif what == "reminders":
            done = mailings.queue_reminders(round_, leave_out_recent=request.form.get("confirmed") ==
                                            "yes-leave-out-recent").describe("reminder")
        elif what == "retry":
            done = mailings.queue_retries(round_).describe("message")
        elif what == "resume":
            done = f"Sending resumed: {mailings.resume(round_)} message(s)"
        else:
            abort(400)
    except ServiceError as exc:
        flash(str(exc), "error")
    else:
        flash(done[:1].upper() + done[1:] + ".", "success")
    return redirect(url_for("console.messages_page", round_id=round_id) + "#sending")


@bp.get("/rounds/<int:round_id>/outbox/<name>")
def outbox_message(round_id: int, name: str):
    """One message of the outbox as its contact got it, with the personal links left out. Not once the round's
    addresses are deleted (the message names its contact)."""
    round_ = access.round_or_404(round_id)
    kept = outbox.found(round_, name)
    if kept is None:
        abort(404)
    return Response(kept.text, mimetype="text/plain",
                    headers={"Content-Disposition": f'inline; filename="{kept.name}.txt"'})
