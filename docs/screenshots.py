"""Pictures for the README, made from the demo: `make screenshots`.

Builds the demo in a throwaway SQLite database, serves it on loopback, and with Playwright and Debian's Chromium
takes: a survey page on a 375 px phone (in English, and in Spanish for a browser that asks for it), the console's
results page, and the brief (page 1) of the demo's report, compared with the earlier round (whose whole PDF is
kept as docs/sample-report.pdf, rendered to PNG with pdftoppm).
"""
from __future__ import annotations

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
    from assessment import demo
    from assessment.db import db
    from assessment.models import Round
    from assessment.services import invitations
    from assessment.services.report import render as report_pdf
    from assessment.vocabulary import RoleLevel, RoundStatus
    from tests.support.web import CHROMIUM_ARGS, PHONE, live_server

    chromium = shutil.which("chromium")
    if chromium is None or shutil.which("pdftoppm") is None:
        sys.exit("needs Debian's chromium and poppler-utils (make screenshots installs them)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"ENVIRONMENT": "development", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/demo.sqlite"})
        with app.app_context():
            db.create_all()
            open_round = demo.seed()
            email, password = demo.facilitator_account(open_round.jurisdiction)
            closed = db.session.scalars(select(Round).where(Round.status == RoundStatus.CLOSED)
                                        .order_by(Round.id)).all()
            token, token_es = invitations.issue_invitations(open_round, open_round.jurisdiction.agencies[0],
                                                      RoleLevel.LINE_STAFF, 2)
            print("Rendering the sample report ...")
            pdf = report_pdf(closed[-1], compare_with=closed[0])
            (OUT / "sample-report.pdf").write_bytes(pdf)
            later_id = closed[-1].id
            db.session.commit()

        with live_server(app) as base, sync_playwright() as playwright:
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

            desk = browser.new_page(viewport={"width": 1280, "height": 1000})
            desk.goto(f"{base}/login")
            desk.get_by_label("Email").fill(email)
            desk.get_by_label("Password").fill(password)
            desk.get_by_role("button", name="Sign in").click()
            desk.goto(f"{base}/console/rounds/{later_id}/results")
            desk.wait_for_selector("#chart-dimensions svg.main-svg")
            desk.screenshot(path=SHOTS / "console-results.png")  # the top: filters, downloads, the continuum
            browser.close()

    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile",
                    str(OUT / "sample-report.pdf"), str(SHOTS / "report-brief")], check=True)
    for path in sorted(SHOTS.glob("*.png")) + [OUT / "sample-report.pdf"]:
        print(f"Wrote {path.relative_to(ROOT)} ({path.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
