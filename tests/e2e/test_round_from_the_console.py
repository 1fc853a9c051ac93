"""A facilitator runs a round from the console alone, in Chromium, with no command line and no cron: sets the
county's clock, starts the round from the earlier one, maps an Outlook export, schedules the invitations and
moves the close, confirms each step that cannot be undone, watches the app's own schedule send the invitations and
the reminders and close the round as the clock moves, compares with the earlier round and downloads every export
(the raw ones as an administrator); the SPSS and Stata files open with their labels. Every console page on the
way passes axe (WCAG 2.1 AA, no serious or critical violation)."""
import datetime as dt
import io
import re
import zipfile

import pyreadstat
import pytest
import time_machine
from sqlalchemy import func, select

from assessment import demo
from assessment.accounts import accounts
from assessment.db import db
from assessment.models import Contact, Email, Round
from assessment.people import contacts
from assessment.services import jobs, lookups
from assessment.survey.forms import Target
from assessment.vocabulary import EmailKind, RoundStatus
from tests.e2e.conftest import assert_accessible, assert_fits, new_page
from tests.support.survey import complete

pytestmark = pytest.mark.browser

EMAIL, ADMIN, PASSWORD = "dana@demo.test", "it@demo.test", "a long enough passphrase"
UTC = dt.timezone.utc
#: An Outlook export: its own column names, companies written as the county's directory writes them, a volunteer.
OUTLOOK = ("First Name,Last Name,E-mail Address,Company,Job Title,Language\n"
           "Ana,Ruiz,ana@probation.test,Adult Probation & Parole,Probation Officer,Spanish\n"
           "Bo,Lee,bo@probation.test,Adult Probation & Parole,Probation Officer,English\n"
           "Cy,Ng,cy@probation.test,Adult Probation & Parole,Unit Supervisor,English\n"
           "Di,Orr,di@harborpd.test,Harbor City PD,Patrol Officer,English\n"
           "Ed,Poe,ed@harborpd.test,Harbor City PD,Sergeant,Español\n"
           "Fay,Qi,fay@harborpd.test,Harbor City PD,Chief of Police,English\n"
           "Gil,Roe,gil@sheriff.test,Sheriff's Office,Deputy,English\n"
           "Hal,Sim,hal@sheriff.test,Sheriff's Office,Lieutenant,English\n"
           "Ida,Tan,ida@sheriff.test,Sheriff's Office,Deputy,English\n"
           "Jo,Ude,jo@friends.test,Friends of the Court,Volunteer,English\n")


@pytest.fixture
def app(app, tmp_path):
    app.config["MAIL_OUTBOX"] = str(tmp_path / "outbox")
    app.config["MAIL_RATE"] = 0
    return app


def check(page, where):
    assert_accessible(page, where)
    assert_fits(page, where)
    assert not page.watch.problems, (where, page.watch.problems)


def tab(page, name):
    page.get_by_role("navigation", name="This round").get_by_role("link", name=name, exact=True).click()


def sign_in(page, site, email):
    page.goto(f"{site}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def pick(page, label, option):
    page.get_by_label(label, exact=True).select_option(label=option)


@pytest.mark.demo
def test_a_facilitator_runs_a_round_from_the_console_alone(browser, site, app, tmp_path):
    demo_county = lookups.find_jurisdiction(demo.DEMO_NAME)
    accounts.grant(accounts.create_user(EMAIL, PASSWORD, "facilitator"), demo_county)
    accounts.create_user(ADMIN, PASSWORD, "admin")
    earlier = db.session.scalars(select(Round).where(Round.jurisdiction_id == demo_county.id,
                                                     Round.status == RoundStatus.CLOSED).order_by(Round.id)).all()[-1]
    earlier.sender_name, earlier.reply_to, earlier.reminder_days = "Dana Facilitator", "dana@demo.test", "7"
    db.session.commit()  # the earlier round's settings, as its facilitator left them

    with time_machine.travel(dt.datetime(2027, 1, 4, 15, 0, tzinfo=UTC)) as clock:  # 09:00 in Chicago
        context, page = new_page(browser, viewport={"width": 1280, "height": 900}, accept_downloads=True)
        sign_in(page, site, EMAIL)
        page.get_by_role("link", name=demo.DEMO_NAME).click()
        page.get_by_label("Rounds' dates and times are on the clock of").select_option("America/Chicago")
        page.get_by_role("button", name="Save the time zone").click()
        assert "on America/Chicago time from now on" in page.inner_text("main")
        check(page, "jurisdiction")

        page.get_by_text("Create a round").click()
        page.get_by_label("Title").fill("Winter 2027")
        assert page.get_by_label("Start from").input_value() == str(db.session.scalars(
            select(Round.id).where(Round.jurisdiction_id == demo_county.id).order_by(Round.id.desc())).first())
        pick(page, "Start from", earlier.title)
        page.get_by_role("button", name="Create round").click()
        said = page.inner_text("main")
        assert "From Follow-up survey 2025 it took: messages from Dana Facilitator" in said
        check(page, "new round, started from the earlier one")

        tab(page, "People")
        page.get_by_label("Contacts file (CSV)").set_input_files(
            files=[{"name": "outlook.csv", "mimeType": "text/csv", "buffer": OUTLOOK.encode()}])
        page.get_by_role("button", name="Check and add").first.click()
        assert "Match the file's columns and values" in page.inner_text("main")
        check(page, "mapping")
        assert page.get_by_label("Email address").input_value() == "E-mail Address"
        assert page.get_by_label("Adult Probation & Parole means").input_value() == "adult-probation-and-parole"
        assert page.get_by_label("Sergeant means").input_value() == "supervisor"
        assert page.get_by_label("Español means").input_value() == "es"
        pick(page, "Harbor City PD means", "City Police Department")  # no name to guess it from
        pick(page, "Friends of the Court means", "Leave these rows out")
        pick(page, "Volunteer means", "Leave these rows out")
        page.get_by_role("button", name="Check and add").click()
        assert "Added 9 contact(s)" in page.inner_text("main") and "1 row(s) left out" in page.inner_text("main")
        check(page, "people")

        tab(page, "Settings")
        page.get_by_label("Closes on").fill("2027-01-20")
        page.get_by_label("Closing time").fill("17:00")
        page.get_by_label("Send the invitations on").fill("2027-01-05")
        page.get_by_label("Time to send them").fill("09:00")
        page.get_by_role("button", name="Save the settings").click()
        plan = page.inner_text("main")
        assert "2027-01-05 09:00 CST: invitations to everyone not yet invited (the round opens then)" in plan
        assert "2027-01-13 17:00 CST: reminders (7 days before the close)" in plan
        page.get_by_label("Closes on").fill("2027-01-22")  # the deadline slips two days
        page.get_by_role("button", name="Save the settings").click()
        plan = page.inner_text("main")
        assert "closes: 2027-01-20 17:00 CST -> 2027-01-22 17:00 CST" in plan
        assert "2027-01-15 17:00 CST: reminders (7 days before the close)" in plan  # the schedule moved with it
        check(page, "settings")
        tab(page, "Messages")
        page.get_by_role("button", name=re.compile("Send a test to me")).click()
        assert f"went to {EMAIL} through the outbox" in page.inner_text("main")
        check(page, "messages")

        round_ = db.session.scalars(select(Round).order_by(Round.id.desc())).first()
        assert round_.status == RoundStatus.DRAFT
        clock.move_to(dt.datetime(2027, 1, 5, 15, 1, tzinfo=UTC))  # 09:01 in Chicago: no one pressed anything
        jobs.run_pending(kinds=["clock", "mail"])  # what the app's job thread does by itself
        db.session.expire_all()
        assert db.session.get(Round, round_.id).status == RoundStatus.OPEN
        sent = select(func.count(Email.id)).where(Email.round_id == round_.id, Email.status == "sent")
        assert db.session.scalar(sent.where(Email.kind == EmailKind.INVITATION)) == 9
        page.reload()
        assert "0 not emailed yet · 0 queued · 9 emailed" in page.inner_text("main")

        targets = {}
        for agency in demo_county.agencies:
            others = sorted((a for a in demo_county.agencies if a.id != agency.id), key=lambda a: a.name)
            targets[agency.id] = tuple(Target(a.id, a.slug, a.name) for a in others)
        people = db.session.scalars(select(Contact).where(Contact.round_id == round_.id).order_by(Contact.id)).all()
        tokens = [(contacts.token_of(c), c.invitation.agency_id) for c in people]
        db.session.commit()
        for token, agency_id in tokens[:6]:
            assert complete(app.test_client(), token, targets[agency_id]).status_code == 302

        clock.move_to(dt.datetime(2027, 1, 15, 23, 1, tzinfo=UTC))  # 7 days before the close, in Chicago
        jobs.run_pending(kinds=["clock", "mail"])
        assert db.session.scalar(sent.where(Email.kind == EmailKind.REMINDER)) == 3  # only those still to answer
        page.goto(f"{site}/console/rounds/{round_.id}/messages")
        page.get_by_role("button", name="Remind everyone who has not submitted").click()  # a second one, by hand
        asked = page.inner_text("main")
        assert "Send 3 reminder(s)?" in asked and "3 of them were emailed in the last 3 days" in asked
        check(page, "confirm a reminder to the recently emailed")
        page.get_by_role("link", name="Cancel, change nothing").click()
        tab(page, "Coverage")
        page.get_by_role("button", name="Close the round").click()
        assert "Closing deletes the 9 addresses this round holds" in page.inner_text("main")
        check(page, "confirm closing")
        page.get_by_role("link", name="Cancel, change nothing").click()
        for token, agency_id in tokens[6:]:
            assert complete(app.test_client(), token, targets[agency_id]).status_code == 302

        tab(page, "Messages")
        page.get_by_role("button", name="Remind everyone who has not submitted").click()  # all answered: no one
        assert "0 reminders queued" in page.inner_text("main")
        tab(page, "Coverage")
        check(page, "coverage")

        clock.move_to(dt.datetime(2027, 1, 22, 23, 5, tzinfo=UTC))  # 17:05 on the closing day
        jobs.run_pending(kinds=["clock", "mail"])
        db.session.expire_all()
        closed = db.session.get(Round, round_.id)
        assert closed.status == RoundStatus.CLOSED and contacts.held(closed) == 0
        page.goto(f"{site}/console/rounds/{round_.id}")
        assert "closing time 2027-01-22 17:00 CST" in page.inner_text("main")

        page.get_by_role("link", name="Compare with an earlier round").click()
        page.get_by_label(re.compile("Compare Winter 2027 with")).select_option(label=earlier.title)
        page.get_by_role("button", name="Compare").click()
        assert "Change" in page.inner_text("main")
        check(page, "compare")
        page.goto(f"{site}/console/rounds/{round_.id}/results")
        check(page, "results")
        for name in ("Scores (CSV)", "Scores (XLSX)"):
            with page.expect_download() as got:
                page.get_by_role("link", name=name).click()
            assert got.value.path().stat().st_size > 0
        context.close()

        context, page = new_page(browser, viewport={"width": 1280, "height": 900}, accept_downloads=True)
        sign_in(page, site, ADMIN)
        page.goto(f"{site}/console/rounds/{round_.id}")
        check(page, "closed round, as an administrator")
        files = {}
        page.get_by_role("link", name="wide XLSX").click()  # the first file of responses asks first
        assert "can never be reopened" in page.inner_text("main")
        check(page, "confirm the first export of responses")
        with page.expect_download() as got:
            page.get_by_role("button", name="Download, and keep the round closed for good").click()
        assert got.value.suggested_filename.endswith("responses-wide.xlsx")
        page.goto(f"{site}/console/rounds/{round_.id}")
        for name in ("wide XLSX", "wide CSV", "long XLSX", "long CSV", "open answers CSV", "codebook of the CSV files",
                     "SPSS (.sav)", "Stata (.dta)", "R (CSV, codebook and a script, zipped)"):
            with page.expect_download() as got:
                page.get_by_role("link", name=name).click()
            files[name] = tmp_path / got.value.suggested_filename
            got.value.save_as(files[name])
            assert files[name].stat().st_size > 0, name
        sav, sav_meta = pyreadstat.read_sav(str(files["SPSS (.sav)"]), user_missing=True)
        dta, dta_meta = pyreadstat.read_dta(str(files["Stata (.dta)"]), user_missing=True)
        assert len(sav) == len(dta) > 0 and sav_meta.column_labels == dta_meta.column_labels
        assert sav_meta.variable_value_labels["agency"] and dta_meta.variable_to_label["agency"]
        with zipfile.ZipFile(io.BytesIO(files["R (CSV, codebook and a script, zipped)"].read_bytes())) as archive:
            assert len([n for n in archive.namelist() if n.endswith(".R")]) == 1
        page.get_by_role("link", name="Audit log").click()
        check(page, "audit log")
        context.close()
