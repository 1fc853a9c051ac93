"""Rate limits that count people: behind the README's reverse proxy each client is counted on its own, a valid
survey link is never refused, a refusal says when to come back, and the PDF is limited per user."""
import pytest

from app import create_app
from assessment.accounts import accounts
from assessment.db import db
from assessment.models import Agency, Round
from assessment.people import invitations
from assessment.vocabulary import RoleLevel
from tests.conftest import serve
from tests.console.conftest import PASSWORD, sign_in
from tests.support.survey import start, submit_through_services

PROXY = "127.0.0.1"  # the reverse proxy, on the same machine as gunicorn


@pytest.fixture
def proxied(database):
    """The app as deployed behind one reverse proxy (FLASK_PROXY_COUNT=1), with two facilitators."""
    for app in serve(create_app({
            "TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": database("proxied", tables=True),
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1", "PROXY_COUNT": 1})):
        accounts.create_user("alpha@test.org", PASSWORD, "facilitator")
        accounts.create_user("beta@test.org", PASSWORD, "facilitator")
        yield app


def client_at(app, forwarded_for: str):
    """A browser whose requests reach the app through the proxy, which adds the client's address."""
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)
    return client


def test_behind_the_proxy_one_clients_wrong_passwords_do_not_lock_out_another(proxied):
    """The guesser's address is refused; a colleague at another address signs in to their own account. (The
    account guessed at waits out its own window: see test_two_factor's per-account limit.)"""
    guesser, colleague = client_at(proxied, "203.0.113.9"), client_at(proxied, "198.51.100.4")
    statuses = [sign_in(guesser, "alpha@test.org", "wrong password!").status_code for _ in range(11)]
    assert statuses[-1] == 429
    assert sign_in(colleague, "beta@test.org", PASSWORD).status_code == 302
    assert sign_in(guesser, "beta@test.org", PASSWORD).status_code == 429  # the address itself is refused


def test_only_the_address_the_proxy_adds_is_believed(proxied):
    """A client that sends its own X-Forwarded-For only adds to the front of the list; the proxy appends the
    address it saw, and only that one (one proxy) counts."""
    guesser = client_at(proxied, "203.0.113.9")
    statuses = []
    for n in range(11):
        guesser.environ_base["HTTP_X_FORWARDED_FOR"] = f"192.0.2.{n}, 203.0.113.9"
        statuses.append(sign_in(guesser, "alpha@test.org", "wrong password!").status_code)
    assert statuses[-1] == 429


def test_without_a_proxy_setting_forwarded_addresses_are_ignored(app, world):
    guesser = app.test_client()
    statuses = []
    for n in range(11):
        guesser.environ_base["HTTP_X_FORWARDED_FOR"] = f"192.0.2.{n}"
        statuses.append(sign_in(guesser, "alpha@test.org", "wrong password!").status_code)
    assert statuses[-1] == 429


def test_behind_the_proxy_https_is_seen_from_the_forwarded_scheme(proxied):
    browser = client_at(proxied, "203.0.113.9")
    assert "Strict-Transport-Security" not in browser.get("/login").headers
    browser.environ_base["HTTP_X_FORWARDED_PROTO"] = "https"
    assert browser.get("/login").headers["Strict-Transport-Security"].startswith("max-age=")


def test_wrong_survey_links_never_lock_an_office_out_of_its_real_ones(app, world):
    round_ = db.session.get(Round, world["round"])
    token = invitations.issue_invitations(round_, db.session.get(Agency, world["agency"]), "line_staff", 1)[0]
    open_link = invitations.enable_open_link(round_)
    office = app.test_client()  # one address for everyone behind the county's NAT
    statuses = [office.get(f"/s/not-a-real-link-{n}").status_code for n in range(21)]
    assert statuses[:20] == [404] * 20 and statuses[20] == 429
    assert office.get(f"/s/{token}").status_code == 200
    assert start(office, token).status_code == 302
    assert office.get(f"/s/{token}/page/1").status_code == 200
    assert office.get(f"/s/open/{open_link}").status_code == 200
    assert office.get("/s/open/not-the-open-link").status_code == 429
    assert office.get(f"/s/{token}x/review").status_code == 429


def test_a_refusal_says_when_to_try_again(app, world):
    guesser = app.test_client()
    for _ in range(10):
        sign_in(guesser, "alpha@test.org", "wrong password!")
    refused = sign_in(guesser, "alpha@test.org", "wrong password!")
    # the address's minute and the account's 15 minutes are both spent: the longer wait is said
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 15 * 60
    for n in range(20):
        guesser.get(f"/s/not-a-real-link-{n}")
    refused = guesser.get("/s/not-a-real-link")
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60


def test_reports_are_limited_per_user_not_per_address(app, world):
    round_ = db.session.get(Round, world["round"])
    agency = db.session.get(Agency, world["agency"])
    for token in invitations.issue_invitations(round_, agency, RoleLevel.LINE_STAFF, 3):
        submit_through_services(token)  # a report needs the minimum group size of respondents
    app.config["REPORT_LIMIT"] = "2 per minute"
    url = f"/console/rounds/{world['round']}/report.pdf"
    alpha, admin = app.test_client(), app.test_client()  # one address
    sign_in(alpha, "alpha@test.org")
    sign_in(admin, "admin@test.org")
    answers = [alpha.get(url) for _ in range(3)]
    assert [a.status_code for a in answers] == [302, 302, 429]  # (the report is being prepared: 302 to its page)
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60
    assert admin.get(url).status_code == 302


def test_the_database_s_limit_counter_starts_again_when_its_window_ends(app):
    import datetime as dt

    import time_machine

    from assessment.ratelimits import DatabaseStorage

    storage = DatabaseStorage("continuum+db://")
    with time_machine.travel(dt.datetime(2027, 1, 1, 12, 0, tzinfo=dt.timezone.utc), tick=False) as clock:
        assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3] and storage.get("k") == 3
        assert storage.get_expiry("k") == dt.datetime(2027, 1, 1, 12, 1, tzinfo=dt.timezone.utc).timestamp()
        clock.shift(61)
        assert storage.get("k") == 0 and storage.incr("k", 60) == 1  # a new window
        storage.clear("k")
        assert storage.get("k") == 0 and storage.check()


def test_limit_keys_with_a_nul_or_of_any_length_are_counted_not_refused(app):
    """PostgreSQL's text holds no NUL and the key column is bounded: such keys are stored as their stand-ins."""
    from assessment.ratelimits import DatabaseStorage

    storage = DatabaseStorage("continuum+db://")
    for key in ("account:alpha@test.org\x00", "account:" + "a" * 400 + "@test.org"):
        assert [storage.incr(key, 60) for _ in range(2)] == [1, 2] and storage.get(key) == 2
        storage.clear(key)
        assert storage.get(key) == 0
