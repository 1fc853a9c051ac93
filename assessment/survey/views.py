"""Survey views (`/s/<token>`): thin handlers that parse the request, call the survey service and render."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from questionnaires import types
from questionnaires.schema import Questionnaire

from .. import catalog, languages
from ..errors import InvalidSubmission
from ..links import survey_link
from ..models import Invitation, Response, Round
from ..people import contacts, invitations
from ..ratelimits import limiter
from ..vocabulary import InvitationStatus, ResponseStatus, RoleLevel
from . import markup, service
from .forms import (
    AnswerKey,
    AnswerValue,
    TamperedInput,
    Target,
    answers_from_form,
    check_posted,
    fields_of,
    form_data,
    section_form_class,
)

bp = Blueprint("survey", __name__, url_prefix="/s")
ACTIONS = ("next", "back", "save")
#: Role levels as the open link offers them (the console names them in English, `RoleLevel.label`).
ROLE_CHOICES = ((RoleLevel.LINE_STAFF, _l("Line staff")), (RoleLevel.SUPERVISOR, _l("Supervisor")),
                (RoleLevel.EXECUTIVE, _l("Executive or policymaker")))


#: A wrong link answers 404. An address that meets too many of them is refused for a while (429), so guessing
#: tokens (already hopeless: 192 random bits) also costs time. The token is looked up first and a real link is
#: exempt, so respondents are never counted nor refused, however many share one office address.
TOKEN_GUESS_LIMIT = "20 per minute;100 per hour"


def _invitation(token: str) -> Optional[Invitation]:
    """The invitation a token opens, looked up once per request (the limit and the view both ask)."""
    if "invitation" not in g:
        g.invitation = service.find_invitation(token)
    return g.invitation


def _open_round(token: str) -> Optional[Round]:
    if "open_round" not in g:
        g.open_round = invitations.round_by_open_link(token)
    return g.open_round


def _real_link() -> bool:
    token = request.view_args.get("token", "")
    return (_open_round(token) if request.endpoint == "survey.open_link" else _invitation(token)) is not None


token_guard = limiter.shared_limit(TOKEN_GUESS_LIMIT, scope="survey-token", exempt_when=_real_link)


@bp.after_request
def no_referrer(response):
    """The token is in the URL: never send it on to another site."""
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@dataclass
class Visit:
    token: str
    invitation: Invitation
    round: Round
    #: The questionnaire in the language of this page.
    questionnaire: Questionnaire
    targets: tuple[Target, ...]

    @property
    def response(self) -> Optional[Response]:
        return self.invitation.response

    @property
    def submitted(self) -> bool:
        """Submitted through this link: the invitation says so (it no longer names the response)."""
        return (self.invitation.status == InvitationStatus.SUBMITTED
                or (self.response is not None and self.response.status == ResponseStatus.SUBMITTED))

    @property
    def in_progress(self) -> bool:
        """A draft that can still be answered: its language is kept with it, and switching language posts."""
        return (self.response is not None and self.response.status == ResponseStatus.DRAFT
                and self.round.availability() == "open")

    @property
    def language(self) -> str:
        return self.questionnaire.language


@dataclass(frozen=True)
class LanguageSwitch:
    """What a page's language switch offers, and how it switches: inside the page's own form (`method` None, so
    the answers on the page go with it), by posting to `action` (a draft's language), or by reloading `action`
    with `?lang=` (`method` "get", nothing stored)."""

    current: str
    offered: tuple[tuple[str, str], ...]
    method: Optional[str] = None
    action: Optional[str] = None
    hidden: tuple[tuple[str, str], ...] = ()


def _switch(offered: tuple[str, ...], current: str, method: Optional[str] = None, action: Optional[str] = None,
            hidden: tuple[tuple[str, str], ...] = ()) -> Optional[LanguageSwitch]:
    if len(offered) < 2:
        return None
    return LanguageSwitch(current, tuple((code, languages.name(code)) for code in offered), method, action, hidden)


def _visit_switch(visit: Visit, page: str = "welcome", in_form: bool = False) -> Optional[LanguageSwitch]:
    """A survey page's switch: a draft's language is stored with it (posted); otherwise the page reloads in the
    language chosen (`?lang=`), kept in the link the respondent goes on from."""
    offered = visit.questionnaire.languages
    if visit.in_progress:
        if in_form:
            return _switch(offered, visit.language)
        return _switch(offered, visit.language, "post", url_for("survey.language", token=visit.token),
                       (("next", page),))
    kept = (("new", "1"),) if page == "welcome" and request.args.get("new") else ()
    endpoint = "survey.thanks" if page == "thanks" else "survey.welcome"
    return _switch(offered, visit.language, "get", url_for(endpoint, token=visit.token), kept)


def _visit(token: str) -> Visit:
    """The visit of a survey link, in the respondent's language (which the rest of the request is served in)."""
    invitation = _invitation(token)
    if invitation is None:
        abort(404)
    round_ = invitation.round
    response = invitation.response
    questionnaire = catalog.get(response.questionnaire_id if response else round_.questionnaire_id,
                                response.questionnaire_version if response else round_.questionnaire_version)
    visit = Visit(token, invitation, round_, questionnaire, service.roster_targets(round_, invitation.agency_id))
    stored = response.language if response else None
    if visit.in_progress and stored in questionnaire.languages:
        language = stored
    else:
        language = languages.choose(questionnaire.languages, stored)
    visit.questionnaire = questionnaire.in_language(language)
    languages.use(language)
    return visit


def _closed_page(visit: Visit):
    """The page for a survey that cannot be answered now, or None when it can."""
    if visit.submitted:
        return (render_template("survey/submitted.html", visit=visit, switch=_visit_switch(visit)),
                409 if request.method == "POST" else 200)
    availability = visit.round.availability()
    if availability != "open":
        return render_template("survey/unavailable.html", visit=visit, not_yet=availability == "not_yet",
                               switch=_visit_switch(visit)), 403
    return None


def _open_visit(token: str, need_response: bool = True):
    """The visit, and the page to show instead when the survey cannot go on (closed, submitted, not started)."""
    visit = _visit(token)
    instead = _closed_page(visit)
    if instead is None and need_response and visit.response is None:
        instead = redirect(url_for("survey.welcome", token=token))
    return visit, instead


def _page_url(visit: Visit, index: int) -> str:
    if index >= len(visit.questionnaire.sections):
        return url_for("survey.review", token=visit.token)
    if index < 0:
        return url_for("survey.welcome", token=visit.token)
    return url_for("survey.page", token=visit.token, number=index + 1)


@bp.route("/open/<token>", methods=["GET", "POST"])
@token_guard
@limiter.limit("30 per hour", methods=["POST"])
def open_link(token: str):
    """A round's shared link: the respondent chooses agency and role level, then gets a personal link."""
    round_ = _open_round(token)
    if round_ is None:
        abort(404)
    offered = catalog.get(round_.questionnaire_id, round_.questionnaire_version).languages
    chosen = request.form.get("lang")
    language = chosen if chosen in offered else languages.choose(offered)
    languages.use(language)
    switch = _switch(offered, language, "get", url_for("survey.open_link", token=token))
    availability = round_.availability()
    if availability != "open":
        return render_template("survey/open_closed.html", round=round_, not_yet=availability == "not_yet",
                               switch=switch), 403
    agencies = {a.id: a for a in round_.jurisdiction.agencies}
    error = None
    if request.method == "POST":
        agency = agencies.get(request.form.get("agency", type=int))
        try:
            role = RoleLevel(request.form.get("role", ""))
        except ValueError:
            role = None
        if agency is None or role is None:
            error = _("Please choose your agency and your role level.")
        else:
            personal = invitations.join_by_open_link(round_, agency, role)
            return redirect(url_for("survey.welcome", token=personal, new=1, lang=language))
    return render_template("survey/open_link.html", round=round_, agencies=agencies.values(), roles=ROLE_CHOICES,
                           error=error, language=language, switch=switch), 400 if error else 200


@bp.get("/<token>")
@token_guard
def welcome(token: str):
    visit, instead = _open_visit(token, need_response=False)
    if instead:
        return instead
    resume_url = _page_url(visit, visit.response.current_section) if visit.response else None
    personal_link = survey_link(token) if request.args.get("new") else None
    return render_template("survey/welcome.html", visit=visit, resume_url=resume_url, personal_link=personal_link,
                           switch=_visit_switch(visit))


@bp.post("/<token>/start")
@token_guard
def start(token: str):
    """Start in the language the welcome page was read in (posted with the form)."""
    visit, instead = _open_visit(token, need_response=False)
    if instead:
        return instead
    chosen = request.form.get("lang")
    language = chosen if chosen in visit.questionnaire.languages else visit.language
    response = service.start(visit.invitation, visit.questionnaire, language)
    return redirect(_page_url(visit, response.current_section))


#: The pages other than a question page that switch a draft's language (a question page posts its own form).
SWITCHING_PAGES = {"welcome": "survey.welcome", "review": "survey.review"}


@bp.post("/<token>/language")
@token_guard
def language(token: str):
    """Keep another language with a draft, and show the page it was chosen on again in that language."""
    visit, instead = _open_visit(token)
    if instead:
        return instead
    chosen, page = request.form.get("lang"), request.form.get("next", "welcome")
    if page not in SWITCHING_PAGES:
        raise InvalidSubmission(_("This page was sent with a button it does not have. Nothing from it was saved."))
    if chosen not in visit.questionnaire.languages:
        raise InvalidSubmission(_("This survey is not offered in that language."))
    service.set_language(visit.response, chosen)
    return redirect(url_for(SWITCHING_PAGES[page], token=token))


@bp.route("/<token>/page/<int:number>", methods=["GET", "POST"])
@token_guard
def page(token: str, number: int):
    visit, instead = _open_visit(token)
    if instead:
        return instead
    q = visit.questionnaire
    if not 1 <= number <= len(q.sections):
        abort(404)
    index = number - 1
    section = q.sections[index]
    form_class = section_form_class(q, index, visit.targets)

    if request.method == "POST":
        # A browser sends the one button pressed: an action, or a language of the switch (in the same form)
        chosen = request.form.get("lang")
        action = request.form.get("action", "next")
        if action not in ACTIONS or (chosen is not None and ("action" in request.form or chosen not in q.languages)):
            raise InvalidSubmission(_("This page was sent with a button it does not have. Nothing from it was "
                                      "saved."))
        try:
            check_posted(section, q, visit.targets, request.form)
        except TamperedInput as exc:
            raise InvalidSubmission(_("This page was sent with answers it does not offer (%(problems)s). Nothing "
                                      "from it was saved.", problems=exc)) from None
        form = form_class()
        answers = answers_from_form(section, form, visit.targets)
        if chosen is not None:  # switching language keeps what is on the page, as "Save" does, and stays here
            service.save_section(visit.response, q, index, answers, next_section=index, language=chosen)
            return redirect(_page_url(visit, index))
        if action == "next" and not form.validate():
            service.save_section(visit.response, q, index, answers, next_section=index)
            return _render_page(visit, index, form), 422
        target = {"next": index + 1, "back": index - 1, "save": index}[action]
        service.save_section(visit.response, q, index, answers, next_section=max(target, 0))
        if action == "save":
            flash(_("Your answers are saved. You can close this page and come back later with the same link."),
                  "success")
        return redirect(_page_url(visit, target))

    form = form_class(data=form_data(section, service.stored_answers(visit.response), visit.targets))
    return _render_page(visit, index, form)


def _render_page(visit: Visit, index: int, form):
    q = visit.questionnaire
    section = q.sections[index]
    items = fields_of(section, q, visit.targets)
    questions = None
    if not form.errors:  # the kept layout, filled in; a page with errors is laid out in full
        layout = markup.questions((q.id, q.version, q.language, index, visit.targets),
                                  lambda: section_form_class(q, index, visit.targets)(formdata=None), q, items)
        questions = layout.fill(*markup.answers_in(form))
    return render_template("survey/page.html", visit=visit, q=q, section=section, index=index, form=form,
                           items=items, questions=questions, back_url=_page_url(visit, index - 1),
                           switch=_visit_switch(visit, in_form=True))


@bp.get("/<token>/review")
@token_guard
def review(token: str):
    visit, instead = _open_visit(token)
    if instead:
        return instead
    answers = service.stored_answers(visit.response)
    missing = service.missing_required(visit.questionnaire, answers, visit.targets)
    return render_template("survey/review.html", visit=visit, q=visit.questionnaire,
                           sections=_review_rows(visit.questionnaire, answers, visit.targets),
                           missing=missing, page_url=lambda i: _page_url(visit, i),
                           switch=_visit_switch(visit, "review"))


@bp.post("/<token>/submit")
@token_guard
def submit(token: str):
    visit, instead = _open_visit(token)
    if instead:
        return instead
    try:
        submitted = service.submit(visit.invitation, visit.response, visit.questionnaire, visit.targets)
    except service.ServiceError:
        flash(_("Some required questions are not answered yet; they are listed below."), "error")
        return redirect(url_for("survey.review", token=token))
    if not submitted:
        return render_template("survey/submitted.html", visit=visit, switch=_visit_switch(visit)), 409
    # the invitation no longer names the response, so the page after says in which language it was answered
    return redirect(url_for("survey.thanks", token=token, lang=visit.language))


@bp.get("/<token>/thanks")
@token_guard
def thanks(token: str):
    visit = _visit(token)
    if not visit.submitted:
        return redirect(url_for("survey.welcome", token=token))
    return render_template("survey/thanks.html", visit=visit, switch=_visit_switch(visit, "thanks"))


def _real_stop_link() -> bool:
    return contacts.by_opt_out_token(request.view_args.get("token", "")) is not None


@bp.route("/stop/<token>", methods=["GET", "POST"])
@limiter.shared_limit(TOKEN_GUESS_LIMIT, scope="survey-token", exempt_when=_real_stop_link)
def stop_messages(token: str):
    """The opt-out link of messages: its own token, which stops a contact's messages and opens nothing else (no
    survey, no agency named). A page with one button (link scanners open links, so opening changes nothing), or the
    one-click POST of RFC 8058. Exempt from CSRF (see `assessment.init_app`): the link itself is the secret."""
    contact = contacts.by_opt_out_token(token)
    if contact is None:
        abort(404)
    invitation = contact.invitation
    q = catalog.get(invitation.round.questionnaire_id, invitation.round.questionnaire_version)
    language = languages.choose(q.languages, contact.language or None)
    languages.use(language)
    done = contact.opted_out_at is not None
    if request.method == "POST":
        contacts.opt_out(invitation)
        done = True
    here = url_for("survey.stop_messages", token=token)
    return render_template("survey/opt_out.html", round=invitation.round, contact=contact, done=done,
                           switch=_switch(q.languages, language, "get", here), can_answer=False, action=here)


@bp.route("/<token>/opt-out", methods=["GET", "POST"])
@token_guard
def opt_out(token: str):
    """The opt-out link of messages sent before opt-out links had a token of their own (the survey token then
    opened both): they keep working. As `stop_messages`."""
    invitation = contacts.by_token(token)
    if invitation is None:
        abort(404)
    contact = contacts.of_invitation(invitation)
    q = catalog.get(invitation.round.questionnaire_id, invitation.round.questionnaire_version)
    language = languages.choose(q.languages, contact.language if contact else None)
    languages.use(language)
    done = contact is not None and contact.opted_out_at is not None
    if request.method == "POST" and contact is not None:
        contacts.opt_out(invitation)
        done = True
    return render_template("survey/opt_out.html", round=invitation.round, contact=contact, done=done,
                           switch=_switch(q.languages, language, "get", url_for("survey.opt_out", token=token)),
                           can_answer=not invitation.revoked_at and invitation.status != InvitationStatus.SUBMITTED
                           and invitation.round.availability() == "open", token=token,
                           action=url_for("survey.opt_out", token=token))


def _review_rows(q: Questionnaire, answers: dict[AnswerKey, AnswerValue], targets: tuple[Target, ...]):
    """Each section with (question, answer shown as the respondent chose it) rows, for the review page."""
    sections = []
    for index, section in enumerate(q.sections):
        rows = []
        for item in section.items:
            if types.of(item).per_target:
                for target in targets:
                    rows.append((f"{target.name}", _describe(q, item, answers.get((item.id, target.id)))))
            else:
                rows.append((item.text, _describe(q, item, answers.get((item.id, None)))))
        sections.append((index, section, rows))
    return sections


def _describe(q: Questionnaire, item, answer: Optional[AnswerValue]) -> Optional[str]:
    return None if answer is None else types.of(item).describe(item, q, answer)

