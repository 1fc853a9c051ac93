"""Invitations and reminders by email, against a real SMTP server (aiosmtpd on a loopback port, STARTTLS or TLS
with a login): the right people, one message each, links that work and belong to their contact, the headers
(Reply-To, List-Unsubscribe), both parts, retries of temporary refusals, failures with the server's reason,
reminders that skip the submitted and the opted out, and no address anywhere once answers are in."""
import datetime as dt
import io
import os
import re
import subprocess
import sys
import threading
from urllib.parse import urlsplit

import openpyxl
import pytest
from sqlalchemy import func, select

from app import create_app
from assessment.db import db
from assessment.models import Contact, Email, EmailTemplate, utcnow
from assessment.people import contacts, mailings
from assessment.rounds import schedule
from assessment.services import ServiceError, jobs
from assessment.vocabulary import EmailKind, EmailStatus, InvitationStatus, JobStatus, RoundStatus
from tests.conftest import serve
from tests.support.smtp import mail_server
from tests.support.survey import complete, start
from tests.support.web import csrf_from

PEOPLE = ["ana@probation.test", "ben@probation.test", "cy@treatment.test", "dee@treatment.test",
          "eve@advocates.test"]


@pytest.fixture(params=["starttls"])
def smtp(request, tmp_path):
    with mail_server(tmp_path, request.param) as (handler, settings):
        yield handler, settings


@pytest.fixture
def app(database, smtp):
    yield from serve(create_app({
        "TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": database(tables=True),
        "PUBLIC_URL": "http://survey.test", "MAIL_RATE": 0, "MAIL_RETRY_SECONDS": 0,
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1", **smtp[1]}))


@pytest.fixture
def server(smtp):
    return smtp[0]


def contacts_file(rows) -> bytes:
    return ("email,agency,role_level\n" + "".join(f"{e},{a},{r}\n" for e, a, r in rows)).encode()


@pytest.fixture
def people(county):
    """Five contacts of the county's open round, with the facilitator's name and reply-to set."""
    round_ = county["round"]
    slugs = [a.slug for a in county["agencies"]]
    rows = [(PEOPLE[0], slugs[0], "line_staff"), (PEOPLE[1], slugs[0], "supervisor"),
            (PEOPLE[2], slugs[1], "line_staff"), (PEOPLE[3], slugs[1], "executive"),
            (PEOPLE[4], slugs[2], "line_staff")]
    contacts.add(round_, contacts.read_file(round_, contacts_file(rows)))
    mailings.save_settings(round_, "Dana Facilitator", "dana@county.test", "", 2, True)
    db.session.commit()
    return {c.email: c for c in db.session.scalars(select(Contact))}


def token_in(link: str) -> str:
    return urlsplit(link).path.split("/s/")[1].split("/")[0]


def link_of(received) -> str:
    return re.search(r"(http://survey\.test/s/[\w-]+)", received.part("plain")).group(1)


def send_all() -> None:
    db.session.commit()
    jobs.run_pending()
    db.session.expire_all()


@pytest.mark.parametrize("smtp", ["starttls", "tls"], indirect=True)
def test_each_contact_gets_one_invitation_with_a_link_of_their_own(app, client, county, people, server):
    queued = mailings.queue_invitations(county["round"])
    assert queued.count == 5
    send_all()
    assert sorted(r.to for r in server.received) == sorted(PEOPLE)  # the right people, one message each
    for received in server.received:
        message, contact = received.message, people[received.to]
        link = link_of(received)
        assert link in received.part("html")
        # the link opens the survey, and it is this contact's
        assert contacts.by_token(token_in(link)).id == contact.invitation_id
        assert client.get(urlsplit(link).path).status_code == 200
        assert message["Reply-To"] == "dana@county.test"
        assert message["From"].addresses[0].display_name == "Dana Facilitator"
        assert message["From"].addresses[0].addr_spec == received.sender == "surveys@continuum.test"
        stop = message["List-Unsubscribe"][1:-1]  # its own token: the survey's is nowhere in it
        assert stop.startswith("http://survey.test/s/stop/") and token_in(link) not in stop
        assert stop in received.part("plain") and link + "/opt-out" not in received.part("plain")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message.get_content_type() == "multipart/alternative"
        assert message["Content-Language"] == "en" and message["Message-ID"]
        for part in ("plain", "html"):
            text = received.part(part)
            assert "Dana Facilitator" in text and "Spring survey" in text
            assert "no longer linked to your email address" in text and "groups of at least 3 people" in text
    emails = db.session.scalars(select(Email)).all()
    assert {e.status for e in emails} == {EmailStatus.SENT} and all(e.tries == 1 for e in emails)
    again = mailings.queue_invitations(county["round"])  # no one is invited twice
    assert again.count == 0 and again.skipped == {"already invited": 5}


def test_a_temporary_refusal_is_retried_and_a_permanent_one_is_marked_failed_with_the_reason(app, county,
                                                                                             people, server):
    server.temporary[PEOPLE[0]] = 2  # greylisted twice, then taken
    server.temporary[PEOPLE[1]] = 99  # never taken
    server.refuse[PEOPLE[2]] = f"550 5.1.1 <{PEOPLE[2]}>: Recipient address rejected: User unknown"
    mailings.queue_invitations(county["round"])
    send_all()
    by_address = {e.contact.email: e for e in db.session.scalars(select(Email))}
    assert len(server.to(PEOPLE[0])) == 1 and by_address[PEOPLE[0]].status == EmailStatus.SENT
    assert by_address[PEOPLE[0]].tries == 3
    assert not server.to(PEOPLE[1]) and by_address[PEOPLE[1]].status == EmailStatus.FAILED
    assert by_address[PEOPLE[1]].tries == app.config["MAIL_MAX_TRIES"]
    assert "451 4.7.1 Greylisted" in by_address[PEOPLE[1]].reason and "still refused after 5 tries" in \
        by_address[PEOPLE[1]].reason
    refused = by_address[PEOPLE[2]]
    assert not server.to(PEOPLE[2]) and refused.status == EmailStatus.FAILED and refused.tries == 1
    # the server's reason, without the address (addresses live in the contacts table only)
    assert refused.reason == "550 5.1.1 <<the address>>: Recipient address rejected: User unknown"
    assert {len(server.to(p)) for p in PEOPLE[3:]} == {1}


def test_reminders_skip_the_submitted_and_the_opted_out_and_tell_who_started_to_carry_on(app, client, county,
                                                                                         people, server):
    round_ = county["round"]
    mailings.queue_invitations(round_)
    send_all()
    links = {r.to: link_of(r) for r in server.received}
    targets = tuple(sorted(((a.id, a.slug, a.name) for a in county["agencies"][1:]), key=lambda t: t[2]))
    from assessment.survey.forms import Target
    targets = tuple(Target(*t) for t in targets)
    assert complete(client, token_in(links[PEOPLE[0]]), targets).status_code == 302  # submitted
    stops = {r.to: r.message["List-Unsubscribe"][1:-1] for r in server.received}
    one_click = client.post(urlsplit(stops[PEOPLE[1]]).path,
                            data={"List-Unsubscribe": "One-Click"})  # as a mail program sends it: no session
    assert one_click.status_code == 200
    start(client, token_in(links[PEOPLE[2]]))  # started, not finished
    invitation = db.session.get(Contact, people[PEOPLE[4]].id).invitation
    contacts.revoke(round_, [invitation.id])
    db.session.commit()
    server.received.clear()

    queued = mailings.queue_reminders(round_)
    assert queued.count == 2
    assert queued.skipped == {"submitted": 1, "opted out": 1, "link revoked": 1}
    send_all()
    assert sorted(r.to for r in server.received) == sorted([PEOPLE[2], PEOPLE[3]])
    started, fresh = server.to(PEOPLE[2])[0], server.to(PEOPLE[3])[0]
    for part in ("plain", "html"):
        assert "takes you back to where you left off" in started.part(part)
        assert "Carry on with the survey" in started.part(part)
        assert "where you left off" not in fresh.part(part) and "Open the survey" in fresh.part(part)
    assert link_of(started) == links[PEOPLE[2]]  # the same personal link
    assert mailings.queue_reminders(round_).count == 2
    send_all()
    assert mailings.queue_reminders(round_).skipped["reminded 2 time(s) already"] == 2  # at most two each
    db.session.expire_all()
    assert db.session.get(Contact, people[PEOPLE[0]].id).invitation.status == InvitationStatus.SUBMITTED
    assert {e.kind for e in db.session.scalars(select(Email).where(Email.contact_id == people[PEOPLE[0]].id))} \
        == {EmailKind.INVITATION}


def test_the_opt_out_link_asks_first_then_stops_the_messages(app, client, county, people, server):
    mailings.queue_invitations(county["round"])
    send_all()
    received = server.to(PEOPLE[3])[0]
    path = urlsplit(received.message["List-Unsubscribe"][1:-1]).path
    page = client.get(path)
    assert page.status_code == 200 and "Stop messages about this survey" in page.get_data(as_text=True)
    # it opens nothing else: not the survey, not the agency's name, and no way from it to the survey
    agency = db.session.get(Contact, people[PEOPLE[3]].id).invitation.agency.name
    assert agency not in page.get_data(as_text=True) and "/s/" + token_in(link_of(received)) not in page.get_data(
        as_text=True)
    assert client.get(path.rsplit("/", 1)[0]).status_code == 404  # the link's start is no survey
    token = path.rsplit("/", 1)[1]
    assert client.get(f"/s/stop/{token[:-2]}xx").status_code == 404 and client.get(f"/s/{token}").status_code == 404
    assert db.session.get(Contact, people[PEOPLE[3]].id).opted_out_at is None  # opening the page changes nothing
    done = client.post(path)  # the page's button
    assert "You will get no more messages" in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Contact, people[PEOPLE[3]].id).opted_out_at is not None
    old = urlsplit(link_of(received)).path + "/opt-out"  # the link of messages sent before: still stops them
    assert client.get(old).status_code == 200


def worker(app, settings) -> subprocess.Popen:
    """`flask worker` in a process of its own, on the test's database and mail server (as on another server)."""
    env = {**os.environ, "FLASK_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
           "FLASK_ENVIRONMENT": "development", "FLASK_JOBS": "worker", "FLASK_SECRET_KEY": app.secret_key,
           "FLASK_PUBLIC_URL": app.config["PUBLIC_URL"], "FLASK_MAIL_RATE": "0",
           **{f"FLASK_{name}": str(value) for name, value in settings.items()}}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker", "--poll", "0.2"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.parametrize("cut_at", ["rcpt", "data"])
def test_a_send_killed_midway_resumes_and_sends_the_rest_exactly_once(app, county, people, smtp, cut_at):
    """The worker is killed while the third message is with the server: at RCPT (nothing of it has gone, so it
    is sent on resuming) or after its content went (it may have arrived: it is marked unconfirmed, not sent
    twice). Every other contact gets exactly one message."""
    server, settings = smtp
    round_, third = county["round"], PEOPLE[2]
    (server.hold_rcpt if cut_at == "rcpt" else server.hold_data)[third] = threading.Event()
    mailings.queue_invitations(round_)
    db.session.commit()
    process = worker(app, settings)
    try:
        assert server.reached.wait(60), "the worker never reached the third message"
    finally:
        process.kill()
        process.wait(30)
    (server.hold_rcpt if cut_at == "rcpt" else server.hold_data).pop(third).set()
    sent_before = sorted(r.to for r in server.received)
    assert sent_before == (PEOPLE[:2] if cut_at == "rcpt" else PEOPLE[:3])
    job = jobs.unfinished(mailings.KIND, mailings.key(round_))
    assert job.status == JobStatus.RUNNING  # its worker is dead; once its heartbeat is stale another takes it up
    job.heartbeat_at = utcnow() - jobs.STALE_AFTER - dt.timedelta(seconds=1)
    send_all()
    assert sorted(r.to for r in server.received) == sorted(PEOPLE)  # everyone exactly once
    statuses = {e.contact.email: e.status for e in db.session.scalars(select(Email))}
    assert statuses.pop(third) == (EmailStatus.SENT if cut_at == "rcpt" else EmailStatus.UNCONFIRMED)
    assert set(statuses.values()) == {EmailStatus.SENT}
    if cut_at == "data":  # the facilitator may send it again, knowing it may arrive twice
        assert mailings.queue_retries(round_).count == 1


def every_stored_value() -> str:
    """Every value of every row of every table, as text."""
    db.session.expire_all()
    values = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(table.select()):
            values += [str(v) for v in row]
    return "\n".join(values)


def test_no_address_in_any_export_or_backup_once_answers_are_in_and_none_at_all_after_the_close(
        app, client, runner, county, people, server, tmp_path):
    from assessment.accounts import accounts
    from assessment.models import Invitation, Response
    from assessment.survey.forms import Target

    round_ = county["round"]
    mailings.queue_invitations(round_)
    send_all()
    for address in PEOPLE[:3]:
        invitation = people[address].invitation
        targets = tuple(Target(a.id, a.slug, a.name) for a in sorted(county["agencies"], key=lambda a: a.name)
                        if a.id != invitation.agency_id)
        assert complete(client, token_in(link_of(server.to(address)[0])), targets).status_code == 302
    db.session.expire_all()
    submitted = db.session.scalars(select(Invitation).where(Invitation.status == InvitationStatus.SUBMITTED)).all()
    assert len(submitted) == 3 and all(i.response_id is None for i in submitted)
    assert db.session.scalar(select(Response.id).where(Response.id.in_(select(Invitation.response_id)))) is None
    assert not [a for a in PEOPLE if a in every_other_table_but_contact()]  # the contacts table is the only place

    accounts.create_user("admin@county.test", "a long enough passphrase", "admin")
    db.session.commit()
    client.post("/login", data={"email": "admin@county.test", "password": "a long enough passphrase",
                                "csrf_token": csrf_from(client.get("/login").data)})
    published = [client.get(f"/api/rounds/{round_.id}/scores").get_data(as_text=True),
                 client.get(f"/api/rounds/{round_.id}/coverage").get_data(as_text=True)]
    published += exported(client, round_.id, "scores")
    for kind in ("responses-long", "responses-wide"):  # raw responses only once the round is closed
        assert client.get(f"/console/rounds/{round_.id}/export/{kind}.csv?confirmed=yes").status_code == 409
    backup = tmp_path / "round.json"
    assert runner.invoke(args=["export-round", str(round_.id), "-o", str(backup)]).exit_code == 0
    published.append(backup.read_text())
    assert "Probation Department" in "\n".join(published)  # the exports were read
    assert not [a for a in PEOPLE if a in "\n".join(published)]
    assert "@" not in backup.read_text().replace("admin@county.test", "")

    assert runner.invoke(args=["round", "close", str(round_.id)]).exit_code == 0
    everything = every_stored_value()
    assert not [a for a in PEOPLE if a in everything]  # deleted with the close: counts stay
    assert db.session.scalar(select(func.count(Contact.id))) == 5
    raw = exported(client, round_.id, "responses-long", "responses-wide")
    assert "line_staff" in "\n".join(raw) and not [a for a in PEOPLE if a in "\n".join(raw)]


def exported(client, round_id: int, *kinds: str) -> list[str]:
    """The text of every cell of the round's exports of `kinds`, CSV and XLSX."""
    out = []
    for kind in kinds:
        answer = client.get(f"/console/rounds/{round_id}/export/{kind}.csv?confirmed=yes")
        assert answer.status_code == 200, kind
        out.append(answer.get_data(as_text=True))
        workbook = openpyxl.load_workbook(io.BytesIO(
            client.get(f"/console/rounds/{round_id}/export/{kind}.xlsx?confirmed=yes").data))
        out += [str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row]
    return out


def every_other_table_but_contact() -> str:
    db.session.expire_all()
    return "\n".join(str(v) for table in db.metadata.sorted_tables if table.name != "contact"
                     for row in db.session.execute(table.select()) for v in row)


def test_send_due_sends_the_scheduled_reminders_then_closes_the_round_and_deletes_its_addresses(
        app, runner, county, people, server):
    round_ = county["round"]
    closes = (utcnow() + dt.timedelta(days=10)).replace(microsecond=0)
    round_.closes_at = closes
    mailings.save_settings(round_, "Dana Facilitator", "dana@county.test", "2, 7", 2, True)
    assert round_.reminder_days == "7,2"
    mailings.queue_invitations(round_)
    send_all()
    assert schedule.send_due(now=closes - dt.timedelta(days=8)) == []
    result = runner.invoke(args=["send-due"])  # now: nothing is due yet
    assert result.exit_code == 0 and "Nothing is due" in result.output, result.output
    done = schedule.send_due(now=closes - dt.timedelta(days=7))
    assert done == [f"round {round_.id} (Spring survey): 7 day(s) before the close, 5 reminders queued"]
    send_all()
    assert {len(server.to(p)) for p in PEOPLE} == {2}
    assert schedule.send_due(now=closes - dt.timedelta(days=6)) == []  # that date's reminders are sent
    assert len(schedule.send_due(now=closes - dt.timedelta(days=1))) == 1  # the 2-day one, late but not missed
    send_all()
    assert {len(server.to(p)) for p in PEOPLE} == {3}
    assert schedule.send_due(now=closes - dt.timedelta(hours=1)) == []  # two reminders each: no more
    done = schedule.send_due(now=closes + dt.timedelta(minutes=1))
    assert done == [f"round {round_.id} (Spring survey): closed on its closing date, its addresses deleted. "
                    "0 unsubmitted draft(s) are left out of its results."]
    db.session.expire_all()
    assert round_.status == RoundStatus.CLOSED and round_.contacts_purged_at is not None
    assert [c.email for c in db.session.scalars(select(Contact))] == [None] * 5


def test_the_command_line_does_what_the_console_does(app, runner, county, server, tmp_path):
    round_id = county["round"].id
    bad = tmp_path / "bad.csv"
    bad.write_text("email,agency,role_level\nana@probation.test,probation-department,line_staff\n"
                   "ana@probation.test,probation-department,boss\n")
    refused = runner.invoke(args=["contacts", "import", str(round_id), str(bad)])
    assert refused.exit_code == 1
    assert "no contact was added; 2 problem(s)" in refused.output
    assert "row 3, column email: ana@probation.test is also on row 2" in refused.output
    assert "row 3, column role_level: unknown role level 'boss'" in refused.output
    good = tmp_path / "good.csv"
    good.write_text("email,agency,role_level,phone\nana@probation.test,probation-department,line_staff,555\n"
                    "ben@probation.test,Probation Department,supervisor,556\n")
    added = runner.invoke(args=["contacts", "import", str(round_id), str(good)])
    assert "Added 2 contact(s)" in added.output and "Columns left out (not stored): phone." in added.output
    pasted = tmp_path / "pasted.txt"
    pasted.write_text("Cy <cy@treatment.test>; dee@treatment.test\n")
    added = runner.invoke(args=["contacts", "import", str(round_id), str(pasted), "--agency", "treatment-center",
                                "--role", "executive"])
    assert "Added 2 contact(s)" in added.output, added.output
    unready = runner.invoke(args=["contacts", "send", str(round_id)])
    assert unready.exit_code == 1 and "say who the messages come from first" in unready.output
    settings = runner.invoke(args=["contacts", "settings", str(round_id), "--facilitator", "Dana Facilitator",
                                   "--reply-to", "dana@county.test", "--reminder-days", "7,2"])
    assert "From: Dana Facilitator; reply-to: dana@county.test; reminders 7,2 day(s)" in settings.output
    body = tmp_path / "body.txt"
    body.write_text("Hello {agency}.\n\n{facilitator}")
    wording = runner.invoke(args=["contacts", "template", str(round_id), "--subject", "Survey for {agency}",
                                  "--body", str(body)])
    assert "Invitation (en, this round)" in wording.output and "Subject: Survey for {agency}" in wording.output
    sent = runner.invoke(args=["contacts", "send", str(round_id), "--wait"])
    assert sent.exit_code == 0 and "4 invitations queued" in sent.output and "sent 4 of 4" in sent.output
    assert sorted(r.to for r in server.received) == sorted(["ana@probation.test", "ben@probation.test",
                                                            "cy@treatment.test", "dee@treatment.test"])
    assert {r.message["Subject"] for r in server.received} == {"Survey for Probation Department",
                                                               "Survey for Treatment Center"}
    revoked = runner.invoke(args=["contacts", "revoke", str(round_id), "BEN@probation.test"])
    assert "Revoked 1 link(s)" in revoked.output
    reminded = runner.invoke(args=["contacts", "remind", str(round_id), "ana@probation.test", "--wait"])
    assert "1 reminder queued" in reminded.output and len(server.to("ana@probation.test")) == 2
    listed = runner.invoke(args=["contacts", "list", str(round_id)])
    assert "Sending: sent 1 of 1 (done)" in listed.output
    assert re.search(r"ana@probation\.test\s+Line staff\s+not started\s+sent", listed.output)
    assert re.search(r"ben@probation\.test\s+Supervisor\s+revoked", listed.output)
    assert "4 of 4 shown." in listed.output

    dsn = tmp_path / "bounce.eml"
    message_id = db.session.scalar(select(Email.message_id).join(Contact).where(Contact.email == "dee@treatment.test"))
    dsn.write_text(DSN.format(message_id=message_id))
    bounced = runner.invoke(args=["contacts", "bounces", str(dsn)])
    assert "1 message(s) marked bounced" in bounced.output, bounced.output
    dee = db.session.scalar(select(Email).join(Contact).where(Contact.email == "dee@treatment.test"))
    assert dee.status == EmailStatus.BOUNCED
    assert dee.reason == "bounced: smtp; 550 5.1.1 <<the address>>: Recipient address rejected: User unknown"
    # anyone can mail the sending mailbox: a 1,200-level nested message beside a real report stops nothing
    nested = "From: x@evil.test\nMIME-Version: 1.0\n"
    for depth in range(1200):
        nested += f'Content-Type: multipart/mixed; boundary="b{depth}"\n\n--b{depth}\n'
    box = tmp_path / "sending.mbox"
    ana = db.session.scalar(select(Email.message_id).join(Contact).where(Contact.email == "ana@probation.test"))
    box.write_text("From MAILER-DAEMON Mon Dec  7 00:00:00 2026\n" + nested + "\n\n"
                   "From MAILER-DAEMON Mon Dec  7 00:00:01 2026\n" + DSN.format(message_id=ana) + "\n")
    hostile = runner.invoke(args=["contacts", "bounces", str(box)])
    assert hostile.exit_code == 0, hostile.output
    assert "1 message(s) marked bounced" in hostile.output and "1 skipped" in hostile.output
    assert "message 1: its parts nest more than 8 deep" in hostile.output

    purged = runner.invoke(args=["contacts", "purge", str(round_id)])
    assert "Deleted 4 address(es)" in purged.output
    assert runner.invoke(args=["contacts", "list", str(round_id)]).output.count("(no address)") == 4
    # a report read after the addresses went does not bring one back
    assert "1 message(s) marked bounced" in runner.invoke(args=["contacts", "bounces", str(dsn)]).output
    db.session.expire_all()
    assert "treatment.test" not in db.session.get(Email, dee.id).reason


DSN = """From: Mail Delivery System <MAILER-DAEMON@mx.county.test>
To: surveys@continuum.test
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

Your message could not be delivered.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.county.test

Final-Recipient: rfc822; dee@treatment.test
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <dee@treatment.test>: Recipient address rejected: User unknown

--b1
Content-Type: text/rfc822-headers

From: Dana Facilitator <surveys@continuum.test>
To: dee@treatment.test
Message-ID: {message_id}

--b1--
"""


@pytest.mark.parametrize("settings, message", [
    ({"MAIL_SERVER": "smtp.test"}, "FLASK_MAIL_FROM must be the address messages are sent from"),
    ({"MAIL_SERVER": "smtp.test", "MAIL_FROM": "s@x.test", "MAIL_USERNAME": "u", "MAIL_SECURITY": "none"},
     "would send the mail login in clear"),
    ({"MAIL_SECURITY": "ssl"}, "FLASK_MAIL_SECURITY must be one of starttls, tls, none"),
])
def test_mail_settings_that_cannot_work_stop_the_app_with_the_reason(settings, message):
    with pytest.raises(mailings.MailConfigurationError, match=message):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", **settings})


def test_a_message_not_sent_because_the_round_had_closed_to_answers_can_be_queued_again(app, county, people, server):
    round_ = county["round"]
    mailings.queue_invitations(round_)
    round_.closes_at = utcnow() - dt.timedelta(minutes=1)  # its closing date passed before the job ran
    send_all()
    assert not server.received
    assert {(e.status, e.reason) for e in db.session.scalars(select(Email))} == {
        (EmailStatus.CANCELLED, "not sent: the round is not open")}
    round_.closes_at = utcnow() + dt.timedelta(days=3)  # a later date
    assert mailings.queue_invitations(round_).count == 5
    send_all()
    assert sorted(r.to for r in server.received) == sorted(PEOPLE)


def test_a_copy_of_the_database_taken_during_a_draft_does_not_recognise_the_submitted_answers(
        app, client, county, people, server):
    from assessment.models import Answer, Response
    from assessment.survey.forms import Target
    from tests.support.survey import complete_but_submit

    round_ = county["round"]
    mailings.queue_invitations(round_)
    send_all()
    contact = people[PEOPLE[0]]
    token = token_in(link_of(server.to(PEOPLE[0])[0]))
    targets = tuple(Target(a.id, a.slug, a.name) for a in sorted(county["agencies"], key=lambda a: a.name)
                    if a.id != contact.invitation.agency_id)
    complete_but_submit(client, token, targets)
    db.session.expire_all()
    draft = db.session.get(Response, contact.invitation.response_id)  # what a dump taken now would show
    seen = {"id": draft.id, "answers": {a.id for a in draft.answers}, "started": draft.started_at}
    assert contact.language == "en" and len(seen["answers"]) > 30
    assert complete(client, token, targets).status_code == 302  # submit (the pages again, then submit)
    db.session.expire_all()
    submitted = db.session.scalars(select(Response)).all()
    assert len(submitted) == 1 and submitted[0].status.value == "submitted"
    assert submitted[0].id != seen["id"] and submitted[0].started_at != seen["started"]
    assert len(submitted[0].answers) == len(seen["answers"])
    assert not seen["answers"] & set(db.session.scalars(select(Answer.id)))
    assert db.session.get(Contact, contact.id).language == ""  # agency, role level and language single people out


@pytest.mark.parametrize("what", ["invitations", "reminders"])
def test_two_clicks_at_once_queue_each_message_once(app, county, people, server, what):
    from assessment.accounts import accounts

    round_ = county["round"]
    accounts.grant(accounts.create_user("dana@county.test", "a long enough passphrase", "facilitator"),
                   round_.jurisdiction)
    round_.max_reminders = 1
    db.session.commit()
    if what == "reminders":
        mailings.queue_invitations(round_)
        send_all()
    clients = [app.test_client() for _ in range(2)]
    tokens = []
    for one in clients:
        one.post("/login", data={"email": "dana@county.test", "password": "a long enough passphrase",
                                 "csrf_token": csrf_from(one.get("/login").data)})
        tokens.append(csrf_from(one.get(f"/console/rounds/{round_.id}/messages").data))
    barrier, answers, url = threading.Barrier(2), [], f"/console/rounds/{round_.id}/messages/send"

    def click(one, token):
        barrier.wait()
        answers.append(one.post(url,
                                data={"what": what, "confirmed": "yes", "csrf_token": token}).status_code)

    threads = [threading.Thread(target=click, args=pair) for pair in zip(clients, tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [302, 302]
    db.session.expire_all()
    kind = EmailKind.INVITATION if what == "invitations" else EmailKind.REMINDER
    queued = db.session.execute(select(Email.contact_id, func.count(Email.id)).where(Email.kind == kind)
                                .group_by(Email.contact_id)).all()
    assert len(queued) == 5 and {n for _, n in queued} == {1}
    send_all()
    assert {len(server.to(p)) for p in PEOPLE} == {1 if what == "invitations" else 2}


def test_the_message_names_the_last_day_that_takes_answers_and_keeps_a_long_subject_short(app, county):
    from assessment.mail import compose

    round_ = county["round"]
    round_.closes_at = dt.datetime(2026, 12, 20)  # closed from the start of that day (UTC): the 19th in the US
    round_.title = "A long round title " * 10  # 190 characters, three times in the subject
    letter = mailings.letter(round_, EmailKind.INVITATION, "en", "Probation Department", "http://survey.test/s/x",
                             "http://survey.test/s/x/opt-out", subject="{round} {round} {round}",
                             body="Hello.")
    written = compose.write(letter)
    assert "December 19, 2026" in written.text and "December 20" not in written.text
    assert len(written.subject) == compose.MAX_SUBJECT and written.subject.endswith("…")


HOSTILE_NAME = "=?utf-8?q?Boss_=3Cboss=40evil=2Etest=3E?="
HOSTILE_SUBJECT = ("Survey =?utf-8?q?x=0D=0AX-Injected:_yes=0D=0AReply-To:_evil=40evil.test=0D=0A=0D=0Abody?= "
                   "for {agency}")


def test_encoded_words_are_refused_on_save_and_never_decoded_into_headers_when_sent(app, county, people, server):
    """A name, subject or agency name holding an RFC 2047 encoded word reaches the mail program as the text typed:
    no other address in From, no header of its own, nothing ending the header block early (an outside test)."""
    round_ = county["round"]
    with pytest.raises(ServiceError, match="facilitator's name holds"):
        mailings.save_settings(round_, HOSTILE_NAME, "dana@county.test", "", 2, True)
    with pytest.raises(ServiceError, match="which mail programs decode as other text"):
        mailings.save_template(round_, EmailKind.INVITATION, "en", HOSTILE_SUBJECT, "Hello {agency}.")
    # as an earlier version could have stored them, and an agency's name brought in through {agency}
    round_.sender_name = HOSTILE_NAME
    db.session.add(EmailTemplate(round_id=round_.id, kind=EmailKind.INVITATION, language="en",
                                 subject=HOSTILE_SUBJECT, body="Hello {agency}."))
    county["agencies"][0].name = "=?utf-8?q?Police=0D=0ABcc:_spy=40evil.test?="
    mailings.queue_invitations(round_)
    send_all()
    assert len(server.received) == 5
    for received in server.received:
        message = received.message
        assert [a.addr_spec for a in message["From"].addresses] == ["surveys@continuum.test"]
        assert "evil.test" not in message["From"].addresses[0].addr_spec
        assert message["Reply-To"] == "dana@county.test" and "X-Injected" not in message and "Bcc" not in message
        assert message["List-Unsubscribe"] and message.get_content_type() == "multipart/alternative"
        assert "\n" not in str(message["Subject"]) and str(message["Subject"]).startswith("Survey = ?utf-8?q?x")


def test_a_message_that_cannot_be_written_fails_alone_with_a_reason(app, county, people, server):
    round_ = county["round"]
    round_.reply_to = "not an address\r\nBcc: x@evil.test"  # as a broken earlier version could have stored it
    mailings.queue_invitations(round_)
    send_all()
    emails = db.session.scalars(select(Email)).all()
    assert {e.status for e in emails} == {EmailStatus.FAILED} and len(server.received) == 0
    assert all("the message could not be written" in e.reason and "Messages tab" in e.reason for e in emails)
