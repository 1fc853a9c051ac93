"""A round run from the console alone: its settings on the jurisdiction's clock, the app's own schedule (driven
here by moving the clock), the confirmations before steps that cannot be undone, and a round started from an
earlier one."""
import datetime as dt

import pytest
import time_machine
from sqlalchemy import func, select

from app import create_app
from assessment import catalog, local_time
from assessment.db import db
from assessment.models import AuditEvent, Email, EmailTemplate, Invitation, Job, Round
from assessment.people import contacts, mailings
from assessment.rounds import rounds
from assessment.services import ServiceError, clock, jobs
from assessment.survey import service as survey
from assessment.vocabulary import EmailKind, RoundStatus
from tests.conftest import serve
from tests.console.conftest import csrf, sign_in
from tests.console.test_people_and_messages import texts, upload

CONTACTS = ("email,agency,role_level\n" + "".join(f"p{n}@probation.test,alpha-probation,line_staff\n"
                                                   for n in range(3)))


@pytest.fixture
def app(database, tmp_path):
    yield from serve(create_app({
        "TESTING": True, "SECRET_KEY": "test", "PUBLIC_URL": "http://survey.test",
        "SQLALCHEMY_DATABASE_URI": database("console", tables=True), "CHROMIUM_PATH": "/nonexistent/chromium",
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1", "MAIL_OUTBOX": str(tmp_path / "outbox"), "MAIL_RATE": 0}))


@pytest.fixture
def signed_in(client, world):
    sign_in(client, "alpha@test.org")
    return client


def post(client, url, **data):
    return client.post(url, data={**data, "csrf_token": csrf(client)})


def test_times_are_set_and_read_on_the_jurisdiction_s_clock():
    closes = local_time.to_utc(dt.datetime(2026, 12, 19, 0, 0), "America/Chicago")
    assert closes == dt.datetime(2026, 12, 19, 6, 0)  # CST is UTC-6
    assert local_time.last_day(closes, "America/Chicago") == dt.date(2026, 12, 18)
    assert local_time.describe_close(closes, "America/Chicago") == "the end of 2026-12-18 (CST)"
    at_five = local_time.to_utc(dt.datetime(2026, 12, 19, 17, 0), "America/Chicago")
    assert local_time.last_day(at_five, "America/Chicago") == dt.date(2026, 12, 19)
    assert local_time.describe(at_five, "America/Chicago") == "2026-12-19 17:00 CST"
    assert local_time.describe(dt.datetime(2026, 7, 1, 16, 0), "America/Los_Angeles") == "2026-07-01 09:00 PDT"
    assert local_time.zones()[0] == "America/New_York" and local_time.is_zone("Europe/Madrid")
    assert not local_time.is_zone("Mars/Olympus")


def test_settings_change_while_they_make_sense_and_each_change_is_audited(signed_in, world):
    url = f"/console/rounds/{world['round']}/settings"
    post(signed_in, f"/console/jurisdictions/{world['a']}/time-zone", time_zone="America/Chicago")
    saved = post(signed_in, url, title="Alpha round, spring", closes_on="2027-03-19", closes_time="17:00",
                 invite_on="2027-03-01", invite_time="09:00", min_group_size="3")
    assert saved.status_code == 302
    round_ = db.session.get(Round, world["round"])
    assert round_.title == "Alpha round, spring"
    assert round_.closes_at == dt.datetime(2027, 3, 19, 22, 0)  # 17:00 CDT
    assert round_.invite_at == dt.datetime(2027, 3, 1, 15, 0)  # 09:00 CST
    page = texts(signed_in.get(url).get_data(as_text=True))
    assert "open until 2027-03-19 17:00 CDT" in page
    assert "2027-03-01 09:00 CST : invitations to everyone not yet invited" in page
    assert "title: 'Alpha round' -> 'Alpha round, spring'" in page  # the change history
    assert "closes: not set -> 2027-03-19 17:00 CDT" in page
    # the round is open, so its opening date is no longer a field; its minimum group size still is (no one started)
    assert 'name="opens_on"' not in signed_in.get(url).get_data(as_text=True)
    refused = post(signed_in, url, title="Alpha round, spring", closes_on="2020-01-01", min_group_size="3")
    assert refused.status_code == 400
    assert "has passed: close the round instead" in texts(refused.get_data(as_text=True))
    assert db.session.get(Round, world["round"]).closes_at == dt.datetime(2027, 3, 19, 22, 0)  # nothing changed
    events = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "round_changed")).all()
    assert len(events) == 1 and "invitations sent: by hand -> 2027-03-01 09:00 CST" in events[0]


def test_the_minimum_group_size_is_fixed_once_anyone_started(app, world):
    round_ = db.session.get(Round, world["round"])
    assert "min_group_size" in rounds.editable(round_)
    rounds.edit_round(round_, min_group_size=5)
    survey.start(db.session.get(Invitation, world["invitation"]), catalog.of_round(round_), "en")
    assert "min_group_size" not in rounds.editable(round_)
    with pytest.raises(ServiceError, match="stays 5: 1 response"):
        rounds.edit_round(round_, min_group_size=3)
    rounds.close_round(round_)
    assert rounds.editable(round_) == {"title"}
    with pytest.raises(ServiceError, match="closing date stays"):
        rounds.edit_round(round_, closes_at=dt.datetime(2030, 1, 1))


def test_the_app_sends_the_scheduled_invitations_and_reminders_and_closes_the_round_without_cron(signed_in, world):
    """No send-due, no cron: the clock's job (run as the app's job thread would) does it all as the clock moves."""
    url = f"/console/rounds/{world['round']}"
    round_ = db.session.get(Round, world["round"])
    round_.status = RoundStatus.DRAFT  # scheduled invitations open a draft round
    db.session.commit()
    assert upload(signed_in, world["round"], CONTACTS).status_code == 302
    with time_machine.travel(dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.timezone.utc), tick=False) as traveller:
        sign_in(signed_in, "alpha@test.org")  # a session from months before has ended
        post(signed_in, f"{url}/messages/settings", sender_name="Dana Facilitator", reply_to="dana@alpha.test",
             reminder_days="7", max_reminders="2", closes_itself="y")
        post(signed_in, f"{url}/settings", title="Alpha round", closes_on="2027-03-20", closes_time="00:00",
             invite_on="2027-03-02", invite_time="09:00", min_group_size="3")
        settings = texts(signed_in.get(f"{url}/settings").get_data(as_text=True))
        assert "invitations to everyone not yet invited (the round opens then)" in settings
        assert "reminders (7 days before the close)" in settings and "the round closes itself" in settings
        jobs.run_pending()
        assert db.session.scalar(select(func.count(Email.id))) == 0  # nothing yet

        traveller.move_to(dt.datetime(2027, 3, 2, 14, 1, tzinfo=dt.timezone.utc))  # 09:01 in New York
        jobs.run_pending()
        db.session.expire_all()
        assert db.session.get(Round, world["round"]).status == RoundStatus.OPEN
        assert db.session.scalar(select(func.count(Email.id)).where(Email.kind == EmailKind.INVITATION)) == 3
        sign_in(signed_in, "alpha@test.org")
        assert "invitations to everyone" not in texts(signed_in.get(f"{url}/settings").get_data(as_text=True))

        traveller.move_to(dt.datetime(2027, 3, 13, 5, 0, tzinfo=dt.timezone.utc))  # 7 days before 00:00 on the 20th
        jobs.run_pending()
        assert db.session.scalar(select(func.count(Email.id)).where(Email.kind == EmailKind.REMINDER)) == 3

        traveller.move_to(dt.datetime(2027, 3, 20, 4, 10, tzinfo=dt.timezone.utc))  # 00:10 on the 20th, New York
        jobs.run_pending()
        db.session.expire_all()
        closed = db.session.get(Round, world["round"])
        assert closed.status == RoundStatus.CLOSED and closed.contacts_purged_at is not None


def test_the_console_warns_when_nothing_has_run_the_schedule(signed_in, world):
    url = f"/console/rounds/{world['round']}/settings"
    with time_machine.travel(dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.timezone.utc), tick=False) as traveller:
        sign_in(signed_in, "alpha@test.org")
        post(signed_in, url, title="Alpha round", closes_on="2027-03-20", min_group_size="3")
        assert clock.clock_state().job is not None
        jobs.run_pending()
        assert "Carried out by the app itself" in texts(signed_in.get(url).get_data(as_text=True))
        traveller.move_to(dt.datetime(2027, 3, 1, 13, 0, tzinfo=dt.timezone.utc))  # an hour: no job thread, no worker
        page = texts(signed_in.get(url).get_data(as_text=True))
        assert "Nothing has carried out the schedule since" in page and "flask --app app worker" in page


def test_closing_asks_first_and_says_how_many_addresses_go(signed_in, world):
    assert upload(signed_in, world["round"], CONTACTS).status_code == 302
    asked = post(signed_in, f"/console/rounds/{world['round']}/close")
    page = texts(asked.get_data(as_text=True))
    assert asked.status_code == 200 and "Closing deletes the 3 addresses this round holds" in page
    assert "4 invited people have not submitted" in page and "It has no closing time set." in page
    assert db.session.get(Round, world["round"]).status == RoundStatus.OPEN
    done = post(signed_in, f"/console/rounds/{world['round']}/close", confirmed="yes")
    assert done.status_code == 302 and db.session.get(Round, world["round"]).status == RoundStatus.CLOSED


def test_a_second_reminder_asks_first_and_can_leave_out_the_recently_emailed(signed_in, world):
    url = f"/console/rounds/{world['round']}"
    assert upload(signed_in, world["round"], CONTACTS).status_code == 302
    post(signed_in, f"{url}/messages/settings", sender_name="Dana", reply_to="dana@alpha.test", reminder_days="7, 2",
         max_reminders="2", closes_itself="y")
    post(signed_in, f"{url}/messages/send", what="invitations", confirmed="yes")
    jobs.run_pending(kinds=[mailings.KIND])
    asked = post(signed_in, f"{url}/messages/send", what="reminders")
    page = texts(asked.get_data(as_text=True))
    assert "3 of them were emailed in the last 3 days" in page and "Remind only the other 0" in page
    left_out = post(signed_in, f"{url}/messages/send", what="reminders", confirmed="yes-leave-out-recent")
    assert "3 emailed in the last 3 days" in texts(signed_in.get(left_out.headers["Location"]).get_data(as_text=True))
    assert db.session.scalar(select(func.count(Email.id)).where(Email.kind == EmailKind.REMINDER)) == 0


def test_a_language_left_with_the_built_in_wording_is_flagged_before_sending(signed_in, world):
    url = f"/console/rounds/{world['round']}"
    assert upload(signed_in, world["round"], CONTACTS + "es@probation.test,alpha-probation,line_staff,es\n"
                  .replace(",es\n", "\n")).status_code == 302
    upload(signed_in, world["round"], "email,agency,role_level,language\nlu@probation.test,alpha-probation,"
                                      "supervisor,es\n")
    post(signed_in, f"{url}/messages/settings", sender_name="Dana", reply_to="dana@alpha.test", reminder_days="",
         max_reminders="2", closes_itself="y")
    post(signed_in, f"{url}/messages/template", kind="invitation", language="en", action="save",
         subject="Your turn, {agency}", body="Hello from {round}.")
    page = texts(post(signed_in, f"{url}/messages/send", what="invitations").get_data(as_text=True))
    assert "1 of them get the built-in wording in es" in page


def test_a_failed_save_of_the_wording_keeps_the_saved_settings_as_they_are(signed_in, world):
    url = f"/console/rounds/{world['round']}/messages"
    post(signed_in, f"{url}/settings", sender_name="Dana", reply_to="dana@alpha.test", reminder_days="7",
         max_reminders="2", closes_itself="y")
    refused = post(signed_in, f"{url}/template", kind="invitation", language="en", action="save", subject="Hi {",
                   body="x")
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    box = html[html.index('id="closes_itself"') - 80:html.index('id="closes_itself"') + 80]
    assert "checked" in box and 'value="Dana"' in html


def test_a_new_round_starts_from_the_earlier_one_without_its_addresses(signed_in, world):
    url = f"/console/rounds/{world['round']}"
    assert upload(signed_in, world["round"], CONTACTS).status_code == 302
    post(signed_in, f"{url}/messages/settings", sender_name="Dana", reply_to="dana@alpha.test", reminder_days="7, 2",
         max_reminders="3", closes_itself="")
    post(signed_in, f"{url}/messages/template", kind="reminder", language="en", action="save",
         subject="Still time, {agency}", body="Please answer for {round}.")
    form = signed_in.get(f"/console/jurisdictions/{world['a']}").get_data(as_text=True)
    assert f'<option selected value="{world["round"]}">' in form or f'value="{world["round"]}" selected' in form
    made = post(signed_in, f"/console/jurisdictions/{world['a']}/rounds", title="Alpha, second round",
                questionnaire="collaboration_readiness:1", copy_from=str(world["round"]), min_group_size="3")
    assert made.status_code == 302
    said = texts(signed_in.get(made.headers["Location"]).get_data(as_text=True))
    assert "From Alpha round it took: messages from Dana, replies to dana@alpha.test" in said
    assert "Its contacts were not kept" in said
    second = db.session.scalars(select(Round).order_by(Round.id.desc())).first()
    assert (second.sender_name, second.reminder_days, second.max_reminders, second.closes_itself) == (
        "Dana", "7,2", 3, False)
    copied = db.session.scalars(select(EmailTemplate).where(EmailTemplate.round_id == second.id)).all()
    assert [(t.kind, t.subject) for t in copied] == [(EmailKind.REMINDER, "Still time, {agency}")]
    assert mailings.waiting(second) == 0 and not second.contacts_purged_at
    assert contacts.held(second) == 0


def test_a_test_message_goes_to_the_signed_in_facilitator_marked_as_a_test(signed_in, world, app):
    from email import message_from_bytes, policy
    from pathlib import Path

    url = f"/console/rounds/{world['round']}/messages"
    refused = post(signed_in, f"{url}/test", kind="reminder", language="en")
    assert "say who the messages come from first" in texts(
        signed_in.get(refused.headers["Location"]).get_data(as_text=True))
    post(signed_in, f"{url}/settings", sender_name="Dana", reply_to="dana@alpha.test", reminder_days="",
         max_reminders="2", closes_itself="y")
    sent = post(signed_in, f"{url}/test", kind="reminder", language="en")
    assert "A test of the reminder (en) went to alpha@test.org through the outbox" in texts(
        signed_in.get(sent.headers["Location"]).get_data(as_text=True))
    [written] = Path(app.config["MAIL_OUTBOX"]).glob(f"*round{world['round']}-0*-reminder.eml")
    message = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert message["To"] == "alpha@test.org" and str(message["Subject"]).startswith("[Test] ")
    assert "/s/this-is-a-test-link" in message.get_body(("plain",)).get_content()
    assert db.session.scalar(select(func.count(Email.id))) == 0  # a test is no message of the round


def test_coverage_says_how_many_more_an_agency_needs_before_it_can_be_shown(signed_in, world):
    page = texts(signed_in.get(f"/console/rounds/{world['round']}").get_data(as_text=True))
    assert "At least 3 more submissions from it (answering every part) before its figures can be shown." in page


def test_whatever_runs_jobs_starts_the_schedule_s_clock(app, world):
    """A deployment upgraded with rounds already scheduled: the job thread or a worker starts the clock as it starts,
    before anyone saves anything."""
    assert clock.clock_state().job is None
    jobs.start()
    assert clock.clock_state().job is not None
    jobs.start()  # once, however many runners start
    assert db.session.scalar(select(func.count()).select_from(Job).where(Job.kind == clock.KIND)) == 1


def test_a_closing_time_in_the_past_or_out_of_range_is_refused_before_it_can_close_anything(signed_in, world):
    """A wrong year once made the clock close a round as it opened and delete its addresses (an outside test)."""
    made = post(signed_in, f"/console/jurisdictions/{world['a']}/rounds", title="Typo", min_group_size="3",
                questionnaire="collaboration_readiness:1", closes_at="2025-12-20")
    assert made.status_code == 400 and "has passed" in texts(made.get_data(as_text=True))
    far = post(signed_in, f"/console/jurisdictions/{world['a']}/rounds", title="Far", min_group_size="3",
               questionnaire="collaboration_readiness:1", closes_at="0001-01-01")
    assert far.status_code == 400 and "years 2000 to 2200" in texts(far.get_data(as_text=True))
    draft = rounds.create_round(db.session.get(Round, world["round"]).jurisdiction, "Draft")
    db.session.commit()
    for closes in ("2020-01-01", "9999-12-31"):
        refused = post(signed_in, f"/console/rounds/{draft.id}/settings", title="Draft", closes_on=closes,
                       closes_time="23:59", min_group_size="3")
        assert refused.status_code == 400, closes
    draft.closes_at = dt.datetime(2020, 1, 1)  # as an earlier version could have stored it
    with pytest.raises(ServiceError, match="has passed: move it on the round's Settings tab first"):
        rounds.open_round(draft)
    with pytest.raises(ServiceError, match="from 1 to 50"):
        rounds.create_round(draft.jurisdiction, "Huge", min_group_size=100000)


def test_scheduled_invitations_that_cannot_go_say_so_and_leave_the_round_a_draft(signed_in, world):
    round_ = rounds.create_round(db.session.get(Round, world["round"]).jurisdiction, "Later")
    db.session.commit()
    with time_machine.travel(dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.timezone.utc), tick=False) as traveller:
        sign_in(signed_in, "alpha@test.org")
        post(signed_in, f"/console/rounds/{round_.id}/settings", title="Later", invite_on="2027-03-02",
             invite_time="09:00", min_group_size="3")
        page = texts(signed_in.get(f"/console/rounds/{round_.id}").get_data(as_text=True))
        assert "The scheduled invitations will not go unless this changes: no one is named as their sender" in page
        traveller.move_to(dt.datetime(2027, 3, 2, 15, 0, tzinfo=dt.timezone.utc))
        jobs.run_pending(kinds=[clock.KIND])
        db.session.expire_all()
        assert db.session.get(Round, round_.id).status == RoundStatus.DRAFT  # no link went live with nothing sent
        sign_in(signed_in, "alpha@test.org")
        page = texts(signed_in.get(f"/console/rounds/{round_.id}").get_data(as_text=True))
        assert "The scheduled invitations were due and did not go" in page and "invitations were due" in page
