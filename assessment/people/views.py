"""A round's people: its links grouped by agency with counts, filters and search; contacts added from a file or
pasted; actions on a selection (invite, remind, revoke); deleting the addresses. Status only, never answers."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from .. import access, catalog
from ..console import bp, confirm_page, confirmed
from ..db import MAX_INTEGER
from ..services import ServiceError
from ..vocabulary import EmailKind, RoundStatus
from . import contact_file_views, contacts, mailings
from .forms import ContactsFileForm, ContactsPasteForm, InviteForm
from .message_views import confirm_send

#: With more people than this and no filter, each agency shows its counts and a link to its people, rather than
#: all of them on one page.
FOLDED_ABOVE = 60


def _invite_form(round_) -> InviteForm:
    form = InviteForm()
    form.agency.choices = [(a.id, a.name) for a in round_.jurisdiction.agencies]
    return form


def _paste_form(round_) -> ContactsPasteForm:
    """Its fields carry a prefix (`paste-agency`): the page has another form with an agency and a role level."""
    form = ContactsPasteForm(prefix="paste")
    form.agency.choices = [(a.id, a.name) for a in round_.jurisdiction.agencies]
    form.language.choices = [(code, code) for code in catalog.of_round(round_).languages]
    return form


def _filters() -> dict:
    status = request.args.get("status", "all")
    agency = request.args.get("agency", type=int)
    return {"status": status if status in contacts.FILTERS else "all",
            "q": request.args.get("q", "").strip()[:254], "agency": agency}


def _people_page(round_, invite_form=None, file_form=None, paste_form=None, problems=(), good=0, file_text=None,
                 mapping_json=None, status=200):
    chosen = _filters()
    listed = contacts.people(round_, chosen["status"], chosen["q"], chosen["agency"])
    filtered = chosen["status"] != "all" or bool(chosen["q"]) or chosen["agency"] is not None
    query = {k: v for k, v in chosen.items() if v not in (None, "", "all")}
    return render_template(
        "console/round_people.html", round=round_, tab="people", people=listed, chosen=chosen, filtered=filtered,
        unfolded=filtered or listed.total <= FOLDED_ABOVE, filters=contacts.FILTERS, query=query,
        back=url_for("console.people_page", round_id=round_.id, **query),
        filter_url=lambda **change: url_for("console.people_page", round_id=round_.id,
                                            **{k: v for k, v in {**query, **change}.items() if v not in (None, "",
                                                                                                          "all")}),
        form=invite_form or _invite_form(round_), file_form=file_form or ContactsFileForm(),
        paste_form=paste_form or _paste_form(round_), problems=problems, good=good, file_text=file_text,
        mapping_json=mapping_json, held=contacts.held(round_),
        ready=mailings.ready_problem(round_), closed=round_.status == RoundStatus.CLOSED), status


@bp.get("/rounds/<int:round_id>/people")
def people_page(round_id: int):
    return _people_page(access.round_or_404(round_id))


def _back(round_) -> str:
    """Where an action on the people page returns: the page with the filters it was sent from."""
    back = request.form.get("back", "")
    page = url_for("console.people_page", round_id=round_.id)
    plain = back.isprintable() and back.isascii()  # a line break would end the Location header
    return back if plain and (back == page or back.startswith(page + "?")) else page


@bp.post("/rounds/<int:round_id>/contacts")
def add_contacts(round_id: int):
    """Contacts pasted (checked whole; with problems, added only when asked to add the good ones and leave out the
    others), or from a file (`contact_files`: matched to Continuum's columns first when it has others)."""
    round_ = access.round_or_404(round_id)
    pasted = "paste-addresses" in request.form
    form = _paste_form(round_) if pasted else ContactsFileForm()
    if not form.validate_on_submit():
        return (_people_page(round_, paste_form=form, status=400) if pasted
                else _people_page(round_, file_form=form, status=400))
    try:
        if not pasted:
            return contact_file_views.from_file(round_, form.file.data.read(), lambda **shown: _people_page(
                round_, status=400, **shown))
        read = contacts.read_pasted(round_, form.addresses.data, access.agency_or_404(form.agency.data),
                                    form.role.data, form.language.data)
        return contact_file_views.add_checked(round_, read)
    except contacts.ContactsRefused as exc:
        good = contacts.Read(exc.good) if pasted and exc.good and request.form.get("keep_good") == "yes" else None
        if good is not None:
            return contact_file_views.add_checked(round_, good, problems=exc.problems)
        return _people_page(round_, paste_form=form if pasted else None, problems=exc.problems,
                            good=len(exc.good) if pasted else 0, status=400)
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("console.people_page", round_id=round_id))


ACTIONS = {"invite": "invitation", "remind": "reminder", "revoke": None}


@bp.post("/rounds/<int:round_id>/people")
def act_on_people(round_id: int):
    """An action on the people chosen on the page (their invitations' ids)."""
    round_ = access.round_or_404(round_id)
    action = request.form.get("action", "")
    chosen = [int(v) for v in request.form.getlist("chosen") if v.isascii() and v.isdigit()
              and len(v) <= 10 and int(v) <= MAX_INTEGER]
    if action not in ACTIONS:
        flash("Choose what to do with the people you selected.", "error")
    elif not chosen:
        flash("Select at least one person first.", "error")
    elif not confirmed():
        if action == "revoke":
            return confirm_page(f"Revoke {len(chosen)} link(s)?",
                                [f"The {len(chosen)} link(s) stop opening the survey at once, and no more messages "
                                 "go to them. Answers already submitted stay. This cannot be undone: a person who "
                                 "still should answer needs a new link."], f"Revoke {len(chosen)} link(s)",
                                _back(round_))
        page = confirm_send(round_, EmailKind.INVITATION if action == "invite" else EmailKind.REMINDER,
                            _back(round_), chosen)
        if page is not None:
            return page
    if action in ACTIONS and chosen:
        try:
            if action == "revoke":
                flash(f"Revoked {contacts.revoke(round_, chosen)} link(s): they no longer open the survey, and no "
                      "more messages go to them.", "success")
            else:
                queued = (mailings.queue_invitations(round_, chosen) if action == "invite" else
                          mailings.queue_reminders(round_, chosen, leave_out_recent=request.form.get("confirmed") ==
                                                   "yes-leave-out-recent"))
                flash(queued.describe(ACTIONS[action]).capitalize() + ". The Messages tab shows their progress.",
                      "success")
        except ServiceError as exc:
            flash(str(exc), "error")
    return redirect(_back(round_))


@bp.post("/rounds/<int:round_id>/contacts/purge")
def purge_contacts(round_id: int):
    round_ = access.round_or_404(round_id)
    if not confirmed():
        held = contacts.held(round_)
        return confirm_page(f"Delete the {held} address(es) of {round_.title}?",
                            [f"The {held} address(es) and their personal links' keys are deleted now; messages "
                             "still queued will not be sent, and no more can go. Who was invited and who submitted "
                             "stay counted. This cannot be undone."], "Delete the addresses",
                            url_for("console.people_page", round_id=round_id))
    count = contacts.purge(round_, "on demand")
    flash(f"Deleted {count} address(es). Their statuses and the counts stay; messages still queued will not be "
          "sent.", "success")
    return redirect(url_for("console.people_page", round_id=round_id))
