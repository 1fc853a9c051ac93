"""A round's People and Messages tabs through HTTP: contacts from a file or pasted (checked whole), the people
grouped by agency with counts, filters, search and actions on a selection; the sender, the reminder schedule, the
wording with its preview, sending with its progress, and the outbox on a machine without a mail server."""
import re
from html import unescape

import pytest
from sqlalchemy import func, select

from app import create_app
from assessment.db import db
from assessment.models import AuditEvent, Contact, Email, Invitation, OutboxMessage
from assessment.people import contacts, mailings
from assessment.services import jobs
from assessment.vocabulary import EmailStatus
from tests.conftest import serve
from tests.console.conftest import csrf, sign_in


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


def upload(client, round_id, text: str | bytes, filename="contacts.csv"):
    import io

    data = text.encode() if isinstance(text, str) else text
    return client.post(f"/console/rounds/{round_id}/contacts", data={
        "file": (io.BytesIO(data), filename), "csrf_token": csrf(client)}, content_type="multipart/form-data")


def texts(html: str) -> str:
    """The page's text as read, tags out and spaces folded."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_a_list_with_problems_adds_no_one_and_says_every_problem_with_its_place(signed_in, world):
    page = upload(signed_in, world["round"], "email,agency,role_level,name\n"
                                             "ana@probation.test,alpha-probation,line_staff,Ana\n"
                                             "ben@,alpha-probation,supervisor,Ben\n"
                                             "cy@treatment.test,Alpha Nowhere,line_staff,Cy\n"
                                             "dee@treatment.test,alpha-treatment,boss,Dee\n"
                                             "ANA@probation.test,alpha-treatment,executive,Ana again\n")
    assert page.status_code == 400
    shown = texts(page.get_data(as_text=True))
    assert "No one was added: 4 problems" in shown
    for problem in ("row 3, column email: not an email address: nothing after the @",
                    "row 4, column agency: 'Alpha Nowhere' is not an agency of Alpha County",
                    "row 5, column role_level: unknown role level 'boss'",
                    "row 6, column email: ANA@probation.test is also on row 2"):
        assert problem in shown
    assert db.session.scalar(select(func.count(Contact.id))) == 0


def test_excel_csv_and_pasted_addresses_are_added_each_with_a_link_and_other_columns_are_not_kept(signed_in, world):
    excel = "\ufeffE-mail;Agency;Role level;Name\r\nzoë.ana@probation.test;Alpha Probation;Line staff;Zoë\r\n"
    refused = upload(signed_in, world["round"], excel)
    assert "not an email address" in texts(refused.get_data(as_text=True))  # an accent in an address: said so
    excel = "E-mail;Agency;Role level;Name\r\nana@probation.test;Alpha Probation;Line staff;Zoë Müller\r\n"
    added = upload(signed_in, world["round"], excel.encode("cp1252"))  # Excel's plain CSV on Windows
    assert added.status_code == 302
    page = signed_in.get(added.headers["Location"]).get_data(as_text=True)
    assert "Added 1 contact(s), each with a link of their own. Columns left out, not stored: Name." in page
    pasted = signed_in.post(f"/console/rounds/{world['round']}/contacts", data={
        "paste-addresses": '"Doe, Ben" <ben@probation.test>; cy@treatment.test\nnot an address',
        "paste-agency": world["treatment"], "paste-role": "supervisor", "paste-language": "en",
        "csrf_token": csrf(signed_in)})
    assert pasted.status_code == 400
    assert "address 3 ('not'): not an email address: it has no @" in texts(pasted.get_data(as_text=True))
    pasted = signed_in.post(f"/console/rounds/{world['round']}/contacts", data={
        "paste-addresses": '"Doe, Ben" <ben@probation.test>; cy@treatment.test',
        "paste-agency": world["treatment"], "paste-role": "supervisor", "paste-language": "en",
        "csrf_token": csrf(signed_in)})
    assert pasted.status_code == 302
    stored = {c.email: c for c in db.session.scalars(select(Contact))}
    assert sorted(stored) == ["ana@probation.test", "ben@probation.test", "cy@treatment.test"]
    assert stored["ben@probation.test"].invitation.role_level.value == "supervisor"
    assert "Zoë" not in str([(c.email, c.language, c.link_key) for c in stored.values()])
    again = upload(signed_in, world["round"],
                   "email,agency,role_level\nAna@Probation.test,alpha-probation,line_staff\n")
    assert "Ana@Probation.test is already a contact of this round" in texts(again.get_data(as_text=True))
    actions = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "contacts_added")).all()
    assert actions == ["1 contact(s), each with a link of their own", "2 contact(s), each with a link of their own"]


def add_people(world, count: int, agencies=("alpha-probation", "alpha-treatment")):
    from assessment.models import Round

    round_ = db.session.get(Round, world["round"])
    rows = "".join(f"p{n:03d}@agency.test,{agencies[n % len(agencies)]},line_staff\n" for n in range(count))
    contacts.add(round_, contacts.read_file(round_, ("email,agency,role_level\n" + rows).encode()))
    db.session.commit()
    return round_


def test_the_people_are_grouped_by_agency_with_counts_filters_and_search(signed_in, world):
    add_people(world, 8)
    page = texts(signed_in.get(f"/console/rounds/{world['round']}/people").get_data(as_text=True))
    assert "Alpha Probation 5 people: 0 submitted · 0 in progress · 5 not started" in page  # 4 + the world's link
    assert "Alpha Treatment 4 people: 0 submitted · 0 in progress · 4 not started" in page
    assert "Not emailed yet 8" in page and "Link given out by hand 1" in page
    found = texts(signed_in.get(f"/console/rounds/{world['round']}/people?q=p003").get_data(as_text=True))
    assert "p003@agency.test" in found and "p002@agency.test" not in found and "1 of 9 shown" in found
    by_status = signed_in.get(f"/console/rounds/{world['round']}/people?status=no_address").get_data(as_text=True)
    assert "handed out" in by_status and "p001@agency.test" not in by_status


def test_five_hundred_people_show_as_agencies_with_counts_until_a_filter_lists_them(signed_in, world):
    add_people(world, 500)
    html = signed_in.get(f"/console/rounds/{world['round']}/people").get_data(as_text=True)
    assert 'name="chosen"' not in html  # a page of counts, not of 501 rows
    assert "Alpha Probation 251 people: 0 submitted · 0 in progress · 251 not started" in texts(html)
    agency = re.search(r'href="(/console/rounds/\d+/people\?agency=\d+)">Alpha Treatment<', html).group(1)
    listed = signed_in.get(agency).get_data(as_text=True)
    assert listed.count('name="chosen"') == 250 and "250 of 501 shown" in texts(listed)
    searched = signed_in.get(f"/console/rounds/{world['round']}/people?q=p01").get_data(as_text=True)
    assert searched.count('name="chosen"') == 10  # p010 to p019


def test_actions_on_a_selection_invite_remind_and_revoke_and_are_audited(signed_in, world):
    round_ = add_people(world, 4)
    chosen = [c.invitation_id for c in db.session.scalars(select(Contact).order_by(Contact.id))][:2]
    back = f"/console/rounds/{world['round']}/people?status=not_sent"
    refused = signed_in.post(f"/console/rounds/{world['round']}/people", data={"confirmed": "yes",
        "action": "invite", "chosen": chosen, "back": back, "csrf_token": csrf(signed_in)})
    assert refused.headers["Location"].endswith(back)  # back where it was sent from, filters and all
    assert "say who the messages come from first" in signed_in.get(back).get_data(as_text=True)
    mailings.save_settings(round_, "Alpha Facilitator", "facilitator@alpha.test", "", 2, True)
    db.session.commit()
    invited = signed_in.post(f"/console/rounds/{world['round']}/people", data={"confirmed": "yes",
        "action": "invite", "chosen": chosen, "back": "https://elsewhere.test/", "csrf_token": csrf(signed_in)})
    assert invited.headers["Location"].endswith(f"/console/rounds/{world['round']}/people")  # not elsewhere
    assert "2 invitations queued" in signed_in.get(invited.headers["Location"]).get_data(as_text=True)
    jobs.run_pending()
    reminded = signed_in.post(f"/console/rounds/{world['round']}/people", data={"confirmed": "yes",
        "action": "remind", "chosen": chosen + [world["invitation"]], "csrf_token": csrf(signed_in)})
    assert "2 reminders queued" in signed_in.get(reminded.headers["Location"]).get_data(as_text=True)
    revoked = signed_in.post(f"/console/rounds/{world['round']}/people", data={"confirmed": "yes",
        "action": "revoke", "chosen": [chosen[0], world["invitation"]], "csrf_token": csrf(signed_in)})
    assert "Revoked 2 link(s)" in signed_in.get(revoked.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Invitation, world["invitation"]).revoked_at is not None
    cancelled = db.session.scalar(select(Email).where(Email.contact_id == db.session.scalar(
        select(Contact.id).where(Contact.invitation_id == chosen[0])), Email.status == EmailStatus.CANCELLED))
    assert cancelled.reason == "link revoked"  # its queued reminder will not go
    events = dict(db.session.execute(select(AuditEvent.action, AuditEvent.detail).where(AuditEvent.action.in_(
        ["emails_queued", "reminders_queued", "invitation_revoked"]))).all())
    assert events["emails_queued"] == "2 invitations queued"
    assert events["reminders_queued"] == "2 reminders queued (by hand)"  # a link with no address has no reminder
    assert events["invitation_revoked"].startswith("2 link(s): invitation(s)")


def test_the_wording_is_checked_and_previewed_and_sending_writes_to_the_outbox(signed_in, world, app):
    round_ = add_people(world, 3)
    url = f"/console/rounds/{world['round']}/messages"
    page = signed_in.get(url)
    assert page.status_code == 200 and "No mail server is set" in page.get_data(as_text=True)
    refused = signed_in.post(f"{url}/settings", data={"sender_name": "Alpha Facilitator", "reply_to": "nobody",
                                                      "reminder_days": "7, x", "max_reminders": "2",
                                                      "csrf_token": csrf(signed_in)})
    assert refused.status_code == 400
    assert "the reply-to address is not an email address" in refused.get_data(as_text=True)
    assert "such as 7, 2 ('x' is not)" in texts(refused.get_data(as_text=True))
    saved = signed_in.post(f"{url}/settings", data={"sender_name": "Alpha Facilitator", "reply_to":
                                                    "facilitator@alpha.test", "reminder_days": "2, 7",
                                                    "max_reminders": "3", "closes_itself": "y",
                                                    "csrf_token": csrf(signed_in)})
    assert saved.status_code == 302
    db.session.refresh(round_)
    assert (round_.sender_name, round_.reminder_days, round_.max_reminders) == ("Alpha Facilitator", "7,2", 3)

    preview = signed_in.post(f"{url}/preview", data={
        "kind": "invitation", "language": "en", "subject": "Your turn, {agency}", "body": "Hello {nmae}",
        "csrf_token": csrf(signed_in)}).get_data(as_text=True)
    assert "{nmae} is not a placeholder" in preview
    preview = signed_in.post(f"{url}/preview", data={
        "kind": "invitation", "language": "en", "subject": "Your turn, {agency}",
        "body": "Hello from {jurisdiction}.\n\n<b>Thanks</b>", "csrf_token": csrf(signed_in)}).get_data(as_text=True)
    assert "Your turn, Alpha Probation" in preview and "Hello from Alpha County." in preview
    assert "&lt;b&gt;Thanks&lt;/b&gt;" in preview and "<b>Thanks" not in preview  # typed text stays text
    refused = signed_in.post(f"{url}/template", data={"kind": "invitation", "language": "en", "action": "save",
                                                      "subject": "Hi {", "body": "x", "csrf_token": csrf(signed_in)})
    assert refused.status_code == 400 and "a { on its own" in refused.get_data(as_text=True)
    saved = signed_in.post(f"{url}/template", data={"kind": "invitation", "language": "en", "action": "save",
                                                    "subject": "Your turn, {agency}", "body": "Hello from {round}.",
                                                    "csrf_token": csrf(signed_in)})
    assert saved.status_code == 302 and mailings.template_of(round_, mailings.EmailKind.INVITATION, "en").custom

    asked = signed_in.post(f"{url}/send", data={"what": "invitations", "csrf_token": csrf(signed_in)})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Send 3 invitation(s)?" in page and 'value="invitations"' in page
    assert mailings.sending(round_).job is None  # nothing is queued before the confirmation
    sent = signed_in.post(f"{url}/send",
                          data={"what": "invitations", "confirmed": "yes", "csrf_token": csrf(signed_in)})
    assert "3 invitations queued" in signed_in.get(sent.headers["Location"]).get_data(as_text=True)
    assert "This page checks again" in signed_in.get(url).get_data(as_text=True)  # in progress, polled
    jobs.run_pending()
    page = signed_in.get(url).get_data(as_text=True)
    assert "Last send: sent 3 of 3." in page
    names = re.findall(rf'href="/console/rounds/{world["round"]}/outbox/([^"]+)"', page)
    assert len(names) == 3
    message = signed_in.get(f"/console/rounds/{world['round']}/outbox/{names[0]}").get_data(as_text=True)
    assert "Subject: Your turn, Alpha" in message and "Reply-To: facilitator@alpha.test" in message
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in message
    # the console never hands a facilitator a respondent's link (through it they could read a draft)
    links = re.findall(r"http://survey\.test/s/\S+", message)
    hidden = ("http://survey.test/s/[personal-link]", "http://survey.test/s/stop/[personal-link]")
    assert links and all(link.startswith(hidden) for link in links)
    tokens = [contacts.token_of(c) for c in db.session.scalars(select(Contact))]
    assert not any(token in message for token in tokens)
    assert signed_in.get(f"/console/rounds/{world['round']}/outbox/..%2Fsecret.eml").status_code == 404
    assert signed_in.get(f"/console/rounds/{world['round'] + 1}/outbox/{names[0]}").status_code == 404


def test_every_app_server_lists_and_opens_the_messages_another_wrote_to_its_outbox(signed_in, world, app, tmp_path):
    """Two app servers on one database, each with its own outbox folder: the messages one server's jobs wrote are
    listed and opened on the other's Messages tab, and the database keeps them without a personal link."""
    round_ = add_people(world, 2)
    mailings.save_settings(round_, "Alpha Facilitator", "facilitator@alpha.test", "", 2, True)
    mailings.queue_invitations(round_)
    db.session.commit()
    jobs.run_pending()  # this server's job runner writes to this server's folder
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 2
    other = create_app({**{k: app.config[k] for k in ("TESTING", "SECRET_KEY", "PUBLIC_URL",
                                                      "SQLALCHEMY_DATABASE_URI", "PASSWORD_HASH_METHOD")},
                        "MAIL_OUTBOX": str(tmp_path / "elsewhere"), "CHROMIUM_PATH": "/nonexistent/chromium"})
    client = other.test_client()
    sign_in(client, "alpha@test.org")
    page = client.get(f"/console/rounds/{world['round']}/messages").get_data(as_text=True)
    names = re.findall(rf'href="/console/rounds/{world["round"]}/outbox/([^"]+)"', page)
    assert len(names) == 2 and not (tmp_path / "elsewhere").exists()
    message = client.get(f"/console/rounds/{world['round']}/outbox/{names[0]}").get_data(as_text=True)
    assert "Subject: " in message and "http://survey.test/s/[personal-link]" in message
    tokens = [contacts.token_of(c) for c in db.session.scalars(select(Contact))]
    kept = " ".join(m.text + m.subject for m in db.session.scalars(select(OutboxMessage)))
    assert tokens and not any(token in kept for token in tokens)
    contacts.purge(round_, "the test")
    db.session.commit()
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0  # they name their contacts
    assert client.get(f"/console/rounds/{world['round']}/outbox/{names[0]}").status_code == 404


def test_a_message_the_outbox_wrote_while_the_addresses_were_deleted_is_not_kept(signed_in, world, tmp_path):
    """A send that finishes after the purge (a long send when the round closes) keeps nothing of its message in the
    database; a name PostgreSQL's text cannot hold is a 404."""
    from email.message import EmailMessage

    from assessment.mail.transport import OutboxTransport
    from assessment.people import outbox

    round_ = add_people(world, 1)
    mailer, message = OutboxTransport(tmp_path / "late"), EmailMessage()
    message["Subject"], message["To"] = "Your turn", "p000@agency.test"
    message.set_content("http://survey.test/s/" + "x" * 43)
    assert mailer.send(message, "from@test.org", "p000@agency.test", lambda: True, f"round{round_.id}-7-invitation")
    contacts.purge(round_, "the round closed")
    outbox.record(round_.id, mailer, message, "p000@agency.test")
    db.session.commit()
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert signed_in.get(f"/console/rounds/{world['round']}/outbox/a%00b").status_code == 404


def test_deleting_the_addresses_keeps_the_counts_hides_the_outbox_and_takes_no_more_contacts(signed_in, world):
    round_ = add_people(world, 3)
    mailings.save_settings(round_, "Alpha Facilitator", "facilitator@alpha.test", "", 2, True)
    mailings.queue_invitations(round_)
    db.session.commit()
    jobs.run_pending()
    listed = signed_in.get(f"/console/rounds/{world['round']}/messages").get_data(as_text=True)
    name = re.search(rf'href="/console/rounds/{world["round"]}/outbox/([^"]+)"', listed).group(1)
    done = signed_in.post(f"/console/rounds/{world['round']}/contacts/purge",
                          data={"confirmed": "yes", "csrf_token": csrf(signed_in)})
    page = texts(signed_in.get(done.headers["Location"]).get_data(as_text=True))
    assert "Deleted 3 address(es)" in page and "address deleted" in page
    messages = signed_in.get(f"/console/rounds/{world['round']}/messages").get_data(as_text=True)
    assert "@agency.test" not in messages and "No message of this round in the outbox" in messages
    assert signed_in.get(f"/console/rounds/{world['round']}/outbox/{name}").status_code == 404
    # the same list again would give those already invited (who may have answered) a second link
    again = upload(signed_in, world["round"], "email,agency,role_level\np000@agency.test,alpha-probation,line_staff\n")
    said = texts(signed_in.get(again.headers["Location"]).get_data(as_text=True))
    assert "people added now could not be told apart" in said
    assert db.session.scalar(select(func.count(Contact.id))) == 3
    assert "Alpha Probation 3 people" in page  # two of them and the world's link
    assert db.session.scalar(select(func.count(Contact.id)).where(Contact.email.is_not(None))) == 0
    assert db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "contacts_purged")) == \
        "3 address(es) deleted (on demand)"


def test_a_facilitator_of_another_jurisdiction_sees_none_of_it(client, world):
    add_people(world, 2)
    sign_in(client, "beta@test.org")
    for url in ("people", "messages", "plan"):
        assert client.get(f"/console/rounds/{world['round']}/{url}").status_code == 404
    for url, data in (("contacts/purge", {}), ("people", {"action": "revoke", "chosen": "1"}),
                      ("messages/send", {"what": "invitations"}), ("messages/preview", {"kind": "invitation"})):
        assert client.post(f"/console/rounds/{world['round']}/{url}",
                           data={**data, "csrf_token": csrf(client)}).status_code == 404
    assert db.session.scalar(select(func.count(Contact.id)).where(Contact.email.is_not(None))) == 2


def test_odd_input_gets_a_message_never_a_server_error(signed_in, world):
    round_ = add_people(world, 2)
    url = f"/console/rounds/{world['round']}/messages"
    for action in ("save", "preview"):  # no subject or body field at all
        page = signed_in.post(f"{url}/template", data={"kind": "invitation", "language": "en", "action": action,
                                                       "csrf_token": csrf(signed_in)})
        assert page.status_code in (200, 400) and "The subject is empty." in page.get_data(as_text=True)
    for chosen in ("99999999999999999999999", "²", "1" * 5000):
        for action in ("invite", "remind", "revoke"):
            page = signed_in.post(f"/console/rounds/{world['round']}/people", data={"confirmed": "yes",
                "action": action, "chosen": chosen, "csrf_token": csrf(signed_in)})
            assert page.status_code == 302
    refused = signed_in.post(f"{url}/settings", data={"sender_name": "Alpha", "reply_to": "a@alpha.test",
                                                      "reminder_days": "²", "max_reminders": "2",
                                                      "csrf_token": csrf(signed_in)})
    assert refused.status_code == 400 and "('²' is not)" in texts(refused.get_data(as_text=True))
    disguised = signed_in.post(f"{url}/settings", data={"sender_name": 'Director "CEO" <ceo@agency.gov>',
                                                        "reply_to": "a@alpha.test", "max_reminders": "2",
                                                        "csrf_token": csrf(signed_in)})
    assert disguised.status_code == 400 and "write the name alone" in texts(disguised.get_data(as_text=True))
    named = signed_in.post(f"{url}/settings", data={"sender_name": "Dana", "reply_to": "Dana <dana@County.test>",
                                                    "max_reminders": "2", "csrf_token": csrf(signed_in)})
    assert named.status_code == 302
    db.session.refresh(round_)
    assert round_.reply_to == "dana@county.test"


def test_contacts_from_unicode_text_a_tab_separated_file_and_an_outlook_paste(signed_in, world):
    rows = "email\tagency\trole_level\nzoe@probation.test\tAlpha Probation\tline_staff\n"
    assert upload(signed_in, world["round"], rows.encode("utf-16")).status_code == 302  # Excel's "Unicode text"
    pasted = signed_in.post(f"/console/rounds/{world['round']}/contacts", data={
        "paste-addresses": "Smith, Ana <ana@probation.test>; Doe, Ben <ben@probation.test>",
        "paste-agency": world["treatment"], "paste-role": "supervisor", "paste-language": "en",
        "csrf_token": csrf(signed_in)})
    assert pasted.status_code == 302
    assert sorted(db.session.scalars(select(Contact.email))) == ["ana@probation.test", "ben@probation.test",
                                                                 "zoe@probation.test"]
