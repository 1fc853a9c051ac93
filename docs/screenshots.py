"""Pictures for the README, made from the demo: `make screenshots`.

Builds the demo in a throwaway SQLite database, serves it on loopback, and with Playwright and Debian's Chromium
takes: a survey page on a 375 px phone (in English, and in Spanish for a browser that asks for it), the console's
results page, a round's People tab with 500 contacts (on a desktop screen and on a phone) and the wording of its
invitation, its Settings tab, an Outlook export being matched to Continuum's columns, the confirmation before a
close, and the brief (page 1) of the demo's report, compared with the earlier round (whose whole PDF is kept
as docs/sample-report.pdf, rendered to PNG with pdftoppm).
"""
from __future__ import annotations

import datetime as dt
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs"
SHOTS = OUT / "screenshots"


def main() -> None:
    from playwright.sync_api import sync_playwright
    from sqlalchemy import select

    from app import create_app
    from assessment import demo, demo_state
    from assessment.db import db
    from assessment.models import Round
    from assessment.people import invitations
    from assessment.results.report import render as report_pdf
    from assessment.vocabulary import RoleLevel, RoundStatus
    from tests.support.web import CHROMIUM_ARGS, PHONE, live_server

    chromium = shutil.which("chromium")
    if chromium is None or shutil.which("pdftoppm") is None:
        sys.exit("needs Debian's chromium and poppler-utils (make screenshots installs them)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"ENVIRONMENT": "development", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/demo.sqlite",
                          "MAIL_OUTBOX": f"{folder}/outbox", "MAIL_RATE": 0})
        with app.app_context():
            db.create_all()
            open_round = demo.seed()
            email, password = demo.facilitator_account(open_round.jurisdiction)
            state = demo_state.seed()
            coordinator = demo_state.coordinator_account(state)
            state_id, county_id = state.id, open_round.jurisdiction.id
            closed = db.session.scalars(select(Round).where(Round.status == RoundStatus.CLOSED,
                                                               Round.jurisdiction_id == open_round.jurisdiction_id)
                                        .order_by(Round.id)).all()
            token, token_es = invitations.issue_invitations(open_round, open_round.jurisdiction.agencies[0],
                                                      RoleLevel.LINE_STAFF, 2)
            print("Rendering the sample report ...")
            pdf = report_pdf(closed[-1], compare_with=closed[0])
            (OUT / "sample-report.pdf").write_bytes(pdf)
            later_id = closed[-1].id
            db.session.commit()
            five_hundred(open_round)
            open_id = open_round.id

        with app.app_context(), live_server(app) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            phone = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True)
            phone.goto(f"{base}/s/{token}")
            phone.get_by_role("button", name="Start the survey").click()
            phone.get_by_role("button", name="Next").click()  # the first section of questions
            phone.screenshot(path=SHOTS / "survey-phone.png")
            spanish = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="es-MX")
            spanish.goto(f"{base}/s/{token_es}")
            spanish.get_by_role("button", name="Empezar la encuesta").click()
            spanish.get_by_role("button", name="Siguiente").click()
            spanish.screenshot(path=SHOTS / "survey-phone-es.png")

            def signed_in(account=(email, password), **page_options):
                page = browser.new_page(**page_options)
                page.goto(f"{base}/login")
                page.get_by_label("Email").fill(account[0])
                page.get_by_label("Password").fill(account[1])
                page.get_by_role("button", name="Sign in").click()
                return page

            board = signed_in(coordinator, viewport={"width": 1280, "height": 1000})
            board.goto(f"{base}/state/{state_id}")
            board.screenshot(path=SHOTS / "state-page.png", full_page=True)
            board = signed_in(coordinator, viewport=PHONE, device_scale_factor=2, is_mobile=True)
            board.goto(f"{base}/state/{state_id}")
            board.screenshot(path=SHOTS / "state-page-phone.png")

            desk = signed_in(viewport={"width": 1280, "height": 1000})
            desk.goto(f"{base}/console/rounds/{later_id}/results")
            desk.wait_for_selector("#chart-dimensions svg.main-svg")
            desk.screenshot(path=SHOTS / "console-results.png")  # the top: filters, downloads, the continuum
            desk.goto(f"{base}/console/jurisdictions/{county_id}/state")
            desk.screenshot(path=SHOTS / "county-beside-state.png", full_page=True)
            desk.goto(f"{base}/console/rounds/{open_id}/people")
            desk.screenshot(path=SHOTS / "console-people.png")
            desk.goto(f"{base}/console/rounds/{open_id}/people?status=in_progress")
            desk.screenshot(path=SHOTS / "console-people-filtered.png")
            desk.goto(f"{base}/console/rounds/{open_id}/messages#wording")
            desk.screenshot(path=SHOTS / "console-wording.png")
            desk.goto(f"{base}/console/rounds/{open_id}/settings")
            desk.screenshot(path=SHOTS / "console-settings.png")
            desk.goto(f"{base}/console/rounds/{open_id}/people")
            desk.get_by_text("Add people by email").click()  # folded away once a round has people
            desk.get_by_label("Contacts file (CSV)").set_input_files(
                files=[{"name": "outlook.csv", "mimeType": "text/csv", "buffer": OUTLOOK.encode()}])
            desk.get_by_role("button", name="Check and add").first.click()
            desk.get_by_label("Harbor City PD means").select_option(label="City Police Department")
            desk.get_by_label("Friends of the Court means").select_option(label="Leave these rows out")
            desk.get_by_label("Volunteer means").select_option(label="Leave these rows out")
            desk.screenshot(path=SHOTS / "console-mapping.png", full_page=True)
            desk.goto(f"{base}/console/rounds/{open_id}")
            desk.get_by_role("button", name="Close the round").click()
            desk.screenshot(path=SHOTS / "console-confirm-close.png")
            desk.goto(f"{base}/console/rounds/{later_id}/sharing")
            desk.get_by_label("Who it is for").fill("Policy team, March meeting")
            desk.get_by_role("button", name="Make the link").click()
            desk.screenshot(path=SHOTS / "console-sharing.png")
            shared = desk.locator("#new-link-url").input_value().replace(app.config["PUBLIC_URL"].rstrip("/"), base)
            reader = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True)
            reader.goto(shared)
            reader.wait_for_selector("#chart-continuum svg.main-svg")
            reader.screenshot(path=SHOTS / "shared-phone.png")
            hand = signed_in(viewport=PHONE, device_scale_factor=2, is_mobile=True)
            hand.goto(f"{base}/console/rounds/{open_id}/people?q=probation")
            hand.evaluate("document.getElementById('people').scrollIntoView()")
            hand.screenshot(path=SHOTS / "console-people-phone.png")
            browser.close()

    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile",
                    str(OUT / "sample-report.pdf"), str(SHOTS / "report-brief")], check=True)
    for path in sorted(SHOTS.glob("*.png")) + [OUT / "sample-report.pdf"]:
        print(f"Wrote {path.relative_to(ROOT)} ({path.stat().st_size // 1024} KiB)")


def five_hundred(round_) -> None:
    """500 contacts in the demo's open round (50 per agency), their invitations written to the outbox; some have
    submitted, some started, a few opted out or were revoked."""
    from assessment import catalog, demo
    from assessment.db import db
    from assessment.people import contacts, mailings
    from assessment.services import jobs
    from assessment.survey import service as survey
    from tests.support.survey import submit_through_services

    agencies = round_.jurisdiction.agencies
    names = [(first, last) for last in LAST for first in FIRST][:500]
    roles = ("line_staff", "line_staff", "supervisor", "executive")
    rows = "".join(f"{first}.{last}@{agencies[n % len(agencies)].slug}.example.gov,{agencies[n % len(agencies)].slug},"
                   f"{roles[n % 4]}\n" for n, (first, last) in enumerate(names))
    added = contacts.add(round_, contacts.read_file(round_, ("email,agency,role_level\n" + rows).encode()))
    mailings.save_settings(round_, "Dana Whitfield", "dana.whitfield@demo-county.example.gov", "7, 2", 2, True)
    from assessment import local_time
    from assessment.rounds import rounds
    rounds.edit_round(round_, closes_at=local_time.to_utc(dt.datetime(2027, 1, 22, 17, 0), demo.TIME_ZONE),
                      now=dt.datetime(2026, 12, 1))
    mailings.queue_invitations(round_)
    db.session.commit()
    jobs.run_pending(kinds=(mailings.KIND,))
    q = catalog.of_round(round_)
    chance = random.Random(2026)
    for contact in added:
        draw = chance.random()
        if draw < 0.3:
            submit_through_services(contacts.token_of(contact))
        elif draw < 0.45:
            survey.start(contact.invitation, q, q.languages[0])
        elif draw < 0.47:
            contacts.opt_out(contact.invitation)
    contacts.revoke(round_, [added[3].invitation_id, added[13].invitation_id])
    db.session.commit()


#: An Outlook export of the kind a facilitator has at hand (for the mapping page's picture).
OUTLOOK = ("First Name,Last Name,E-mail Address,Company,Job Title,Language\n"
           "Ana,Ruiz,ana.ruiz@app.example.gov,Adult Probation & Parole,Probation Officer,Spanish\n"
           "Ben,Cole,ben.cole@app.example.gov,Adult Probation & Parole,Unit Supervisor,English\n"
           "Di,Orr,di.orr@harborpd.example.gov,Harbor City PD,Sergeant,English\n"
           "Ed,Poe,ed.poe@harborpd.example.gov,Harbor City PD,Patrol Officer,Español\n"
           "Gil,Roe,gil.roe@sheriff.example.gov,Sheriff's Office,Deputy,English\n"
           "Jo,Ude,jo.ude@friends.example.org,Friends of the Court,Volunteer,English\n")

FIRST = ("alex", "blair", "casey", "drew", "emery", "finley", "gray", "harper", "indy", "jordan", "kai", "logan",
         "morgan", "noel", "oakley", "parker", "quinn", "reese", "sage", "taylor")
LAST = ("adams", "baker", "clark", "diaz", "evans", "flores", "garcia", "hughes", "ito", "jones", "kim", "lopez",
        "moore", "nguyen", "ortiz", "patel", "reyes", "smith", "tran", "walsh", "young", "zhou", "cole", "ford", "hale")


if __name__ == "__main__":
    main()
