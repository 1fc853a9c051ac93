"""A hypothesis-driven fuzz of every form, survey and console: random fields, values, encodings and sizes. Whatever
arrives, the answer is a page (2xx, 3xx or 4xx), never a server error. In testing, an unhandled exception would
propagate to the test client and fail the test, so this also proves no view raises."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment import catalog
from assessment.people import invitations
from assessment.vocabulary import RoleLevel
from tests.console.conftest import csrf, sign_in
from tests.support.survey import start
from tests.support.web import csrf_from

FUZZ = settings(max_examples=120, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

#: Text a person or a script might send: any character a browser can encode, long or short, with the shapes
#: that break parsers (numbers at the edges, dates, NULs, formulas, markup).
texts = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40),
    st.sampled_from(["", " ", "0", "-1", "1e309", "NaN", "99999999999999999999", "2027-02-30", "1900-01-01",
                     "\x00", "=1+1", "<script>", "collaboration_readiness:999", "line_staff", "treatment",
                     "capacity", "next", "back", "save", "x" * 5000]),
)
CONSOLE_FORMS = {
    "/console/jurisdictions": ["name"],
    "/console/jurisdictions/{a}/agencies": ["name", "sector", "slug"],
    "/console/agencies/{agency}/edit": ["name", "sector", "slug"],
    "/console/jurisdictions/{a}/rounds": ["title", "questionnaire", "min_group_size", "opens_at", "closes_at"],
    "/console/rounds/{round}/invitations": ["agency", "role", "count", "output"],
    "/console/rounds/{round}/commitments": ["dimension", "what", "owner", "due"],
    "/console/rounds/{round}/open-link": ["action"],
    "/console/rounds/{round}/import": ["file"],
    "/console/invitations/{invitation}/revoke": [],
    "/console/rounds/{round}/open": [],
    "/console/rounds/{round}/close": [],
    "/console/agencies/{spare}/delete": [],
    "/logout": [],
}
CONSOLE_PAGES = ["/console/rounds/{round}/results", "/console/rounds/{round}/compare", "/console/audit",
                 "/console/rounds/{round}/export/scores.csv", "/api/rounds/{round}/scores"]
QUERY_KEYS = ["sector", "role", "with", "action", "actor", "since", "until", "page"]


def form_data(names):
    """Known field names (sometimes repeated) and unknown ones, each with one or more random values."""
    keys = st.one_of(st.sampled_from(names), texts) if names else texts
    return st.dictionaries(keys, st.lists(texts, min_size=1, max_size=3), max_size=8)


@pytest.fixture
def fuzz_app(app):
    app.config["RATELIMIT_ENABLED"] = False  # the fuzz is about input, not about limits (tested elsewhere)
    return app


def signed_in_again(client) -> None:
    """The admin signs in when not signed in (at first, or after a fuzzed logout)."""
    if client.get("/login").status_code == 200:
        sign_in(client, "admin@test.org")


def server_error(response) -> bool:
    return response.status_code >= 500


@given(data=st.data())
@FUZZ
def test_console_forms_never_answer_with_a_server_error(fuzz_app, client, world, data):
    signed_in_again(client)
    url = data.draw(st.sampled_from(sorted(CONSOLE_FORMS)))
    fields = data.draw(form_data(CONSOLE_FORMS[url]))
    if data.draw(st.booleans()):
        fields["csrf_token"] = csrf(client)
    response = client.post(url.format(**world), data=fields)
    assert not server_error(response), (url, fields, response.status_code)


@given(data=st.data())
@FUZZ
def test_console_pages_never_answer_with_a_server_error(fuzz_app, client, world, data):
    signed_in_again(client)
    url = data.draw(st.sampled_from(CONSOLE_PAGES)).format(**world)
    query = data.draw(st.dictionaries(st.one_of(st.sampled_from(QUERY_KEYS), texts), texts, max_size=4))
    response = client.get(url, query_string=query)
    assert not server_error(response), (url, query, response.status_code)


@given(data=st.data())
@FUZZ
def test_survey_pages_never_answer_with_a_server_error(fuzz_app, client, county, data):
    token = getattr(client, "fuzz_token", None)
    if token is None:
        token = client.fuzz_token = invitations.issue_invitations(county["round"], county["agencies"][0],
                                                            RoleLevel.LINE_STAFF, 1)[0]
        client.fuzz_csrf = csrf_from(client.get(f"/s/{token}").data)  # valid for the whole session
        start(client, token)
    q = catalog.latest("collaboration_readiness")
    number = data.draw(st.integers(min_value=0, max_value=len(q.sections) + 1))
    names = ["action"] + ([f"{i.id}__{a.slug}" if i.type == "roster" else i.id
                           for i in q.sections[number - 1].items for a in county["agencies"]]
                          if 1 <= number <= len(q.sections) else [])
    fields = data.draw(form_data(names))
    if data.draw(st.booleans()):
        fields["csrf_token"] = client.fuzz_csrf
    url = data.draw(st.sampled_from([f"/s/{token}/page/{number}", f"/s/{token}/submit", f"/s/{token}/start",
                                     f"/s/open/{token}"]))
    response = client.post(url, data=fields)
    assert not server_error(response), (url, fields, response.status_code)


@given(body=st.binary(max_size=3000), content_type=st.sampled_from([
    "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=latin-1",
    "multipart/form-data; boundary=xyz", "multipart/form-data", "text/plain", "application/json"]),
    url=st.sampled_from(["/login", "/console/jurisdictions", "/console/rounds/{round}/import",
                         "/console/rounds/{round}/commitments", "/s/open/x"]))
@FUZZ
def test_raw_bodies_in_any_encoding_never_answer_with_a_server_error(fuzz_app, client, world, body, content_type,
                                                                   url):
    signed_in_again(client)
    response = client.post(url.format(**world), data=body, content_type=content_type)
    assert not server_error(response), (url, content_type, body[:80], response.status_code)
