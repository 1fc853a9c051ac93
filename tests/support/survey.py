"""Taking the survey: through the test client page by page, as a browser without JavaScript does, or through the
survey's services where the pages are not what is tested."""
import re

from assessment import catalog
from assessment.db import db
from tests.support.web import csrf_from


def page_answers(q, section, targets, likert="4"):
    """A complete, valid post for one section."""
    data = {}
    for item in section.items:
        if item.type == "likert":
            data[item.id] = likert
        elif item.type == "choice":
            data[item.id] = item.options[0].value
        elif item.type == "multi":
            data[item.id] = [item.options[0].value, item.options[-1].value]
        elif item.type == "text":
            data[item.id] = f"Answer to {item.id}"
        elif item.type == "roster":
            for target in targets:
                data[f"{item.id}__{target.slug}"] = "2"
    return data


def post_page(client, token, number, data, action="next"):
    page = client.get(f"/s/{token}/page/{number}")
    return client.post(f"/s/{token}/page/{number}",
                       data={"action": action, **data, "csrf_token": csrf_from(page.data)})


def is_checked(html: str, name: str, value: str) -> bool:
    """Whether the radio or checkbox `name`=`value` is rendered checked."""
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return " checked" in tag
    raise AssertionError(f"no input {name}={value} on the page")


def start(client, token):
    welcome = client.get(f"/s/{token}")
    return client.post(f"/s/{token}/start", data={"csrf_token": csrf_from(welcome.data)})


def complete_but_submit(client, token, targets):
    """Answer every page; the response is left a complete draft, ready to submit."""
    q = catalog.latest("collaboration_readiness")
    start(client, token)
    for number, section in enumerate(q.sections, start=1):
        response = post_page(client, token, number, page_answers(q, section, targets))
        assert response.status_code == 302, (number, response.status_code)


def complete(client, token, targets):
    complete_but_submit(client, token, targets)
    review = client.get(f"/s/{token}/review")
    return client.post(f"/s/{token}/submit", data={"csrf_token": csrf_from(review.data)})





def fill_through_services(token: str, likert: float | dict = 4.0, roster: float = 2.0, language: str = "en"):
    """Answer every section through the survey's services rather than page by page over HTTP (the survey pages
    have their own tests), leaving a complete draft in `language`. `likert` is one answer for every Likert item,
    or item id -> answer (a value, or "DK" for don't know; items left out stay unanswered). Returns what `submit`
    needs."""
    from assessment.survey import service as survey
    from assessment.survey.forms import AnswerValue

    invitation = survey.find_invitation(token)
    q = catalog.get(invitation.round.questionnaire_id, invitation.round.questionnaire_version)
    response = survey.start(invitation, q, language)
    targets = survey.roster_targets(invitation.round, invitation.agency_id)
    for index, section in enumerate(q.sections):
        answers = {}
        for item in section.items:
            if item.type == "likert":
                value = likert.get(item.id) if isinstance(likert, dict) else likert
                if value is not None:
                    answers[(item.id, None)] = (AnswerValue(dont_know=True) if value == "DK"
                                                else AnswerValue(value=float(value)))
            elif item.sets == "role_level":
                answers[(item.id, None)] = AnswerValue(text=invitation.role_level.value)
            elif item.type == "choice":
                answers[(item.id, None)] = AnswerValue(text=item.options[0].value)
            elif item.type == "multi":
                answers[(item.id, None)] = AnswerValue(text=item.options[0].value)
            elif item.type == "text":
                answers[(item.id, None)] = AnswerValue(text=f"Answer to {item.id}")
            elif item.type == "roster":
                answers.update({(item.id, t.id): AnswerValue(value=roster) for t in targets})
        survey.save_section(response, q, index, answers, index + 1)
    db.session.commit()  # as the requests that saved each page would have
    return invitation, response, q, targets


def submit_through_services(token: str, likert: float | dict = 4.0, roster: float = 2.0,
                            language: str = "en") -> None:
    """`fill_through_services`, then submit."""
    from assessment.survey import service as survey

    assert survey.submit(*fill_through_services(token, likert, roster, language))
