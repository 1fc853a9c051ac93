"""Sending a round's invitations: 1,000 contacts checked and added, their invitations queued from the console and
sent by the server's own job thread (gunicorn as production runs it, gunicorn.conf.py: 2 workers of 8 threads) to
an SMTP server on loopback (aiosmtpd, STARTTLS and a login, in this process), while a facilitator keeps loading
console pages.

It prints how long checking and adding the contacts took, messages per second from the first message received to
the last, the peak memory (VmHWM) of the gunicorn worker that sent them before and after, and p50/p95/max of each
console page before the send (quiet) and while it runs. The rate is unlimited by default, to measure what the
sender can do; production sends at FLASK_MAIL_RATE (1 a second unless set) in steps of FLASK_MAIL_STEP_SECONDS.

    .venv/bin/python bench/mail.py [--contacts 1000] [--rate 0] [--security starttls]
    tests/with_postgres.sh .venv/bin/python bench/mail.py --postgres
"""
from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

from bench import AGENCIES, ROLES, SECTORS
from tests.support.load import Gunicorn, database_url, environment
from tests.support.smtp import mail_server
from tests.support.web import Browser, csrf_from

EMAIL, PASSWORD = "bench@mail.test", "a long enough passphrase"


def seed(url: str, contacts_count: int) -> tuple[int, int, float]:
    """The schema by `flask init-db`, a jurisdiction of 12 agencies, an open round, its contacts (timed: checked
    whole, then added) and a facilitator. Returns the round's id, an agency's id and the seconds the contacts
    took."""
    import subprocess

    from tests.support.load import ROOT, VENV_BIN

    subprocess.run([str(VENV_BIN / "flask"), "--app", "app", "init-db"], cwd=ROOT, env=environment(url), check=True,
                   stdout=subprocess.DEVNULL)
    from app import create_app
    from assessment.accounts import accounts
    from assessment.db import db
    from assessment.people import contacts, mailings
    from assessment.places import jurisdictions
    from assessment.rounds import rounds

    app = create_app({"ENVIRONMENT": "development", "SQLALCHEMY_DATABASE_URI": url,
                      "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"})
    with app.app_context():
        jurisdiction = jurisdictions.add_jurisdiction("Mail County")
        agencies = [jurisdictions.add_agency(jurisdiction, f"Agency {k:02d}", SECTORS[k]) for k in range(AGENCIES)]
        round_ = rounds.create_round(jurisdiction, "Invitations")
        rounds.open_round(round_)
        rows = "".join(f"person{n:05d}@agency{n % AGENCIES:02d}.test,{agencies[n % AGENCIES].slug},{ROLES[n % 3]}\n"
                       for n in range(contacts_count))
        began = time.perf_counter()
        contacts.add(round_, contacts.read_file(round_, ("email,agency,role_level\n" + rows).encode()))
        db.session.commit()
        took = time.perf_counter() - began
        mailings.save_settings(round_, "Bench Facilitator", "facilitator@mail.test", "", 2, True)
        accounts.grant(accounts.create_user(EMAIL, PASSWORD, "facilitator"), jurisdiction)
        db.session.commit()
        round_id, agency_id = round_.id, agencies[0].id
        db.session.remove()
        db.engine.dispose()
    return round_id, agency_id, took


def peak_memory(pids: list[int]) -> dict[int, int]:
    """Each process's peak resident memory (VmHWM), in KiB."""
    peaks = {}
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks[pid] = int(line.split()[1])
    return peaks


def ms(values: list[float], q: float) -> float:
    values = sorted(values)
    return 1000 * values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def load_pages(browser: Browser, pages: dict[str, str], until, latencies: dict[str, list[float]]) -> None:
    """Ask for each page in turn until `until()` says stop (at least once each)."""
    while True:
        for name, path in pages.items():
            began = time.perf_counter()
            status, _body = browser.request(path)
            latencies.setdefault(name, []).append(time.perf_counter() - began)
            assert status == 200, (path, status)
        if until():
            return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=0, help="FLASK_MAIL_RATE: messages a second, 0 unlimited")
    parser.add_argument("--security", choices=["starttls", "tls"], default="starttls")
    parser.add_argument("--postgres", action="store_true", help="use the server tests/with_postgres.sh started")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder, mail_server(Path(folder), args.security) as (smtp, settings):
        url = database_url(Path(folder), args.postgres)
        round_id, agency_id, seeding = seed(url, args.contacts)
        print(f"Database: {'PostgreSQL' if args.postgres else 'SQLite'}; {args.contacts} contacts checked and added "
              f"in {seeding:.2f} s; mail server: aiosmtpd on loopback, {args.security} and a login; rate "
              f"{args.rate or 'unlimited'}")
        env = {**environment(url), "FLASK_MAIL_RATE": str(args.rate), "FLASK_JOBS": "thread",
               **{f"FLASK_{name}": str(value) for name, value in settings.items()}}
        server = Gunicorn("app:create_app()", env, 2)
        try:
            browser = Browser(server.base)
            browser.request("/login")
            _status, login = browser.request("/login")
            browser.request("/login", {"email": EMAIL, "password": PASSWORD, "csrf_token": csrf_from(login)})
            people = f"/console/rounds/{round_id}/people"
            pages = {"coverage": f"/console/rounds/{round_id}", "people": people,
                     "people, 1 agency": f"{people}?agency={agency_id}",
                     "people, everyone": f"{people}?status=not_started",
                     "messages": f"/console/rounds/{round_id}/messages"}
            quiet: dict[str, list[float]] = {}
            rounds_done = iter(range(30))
            load_pages(browser, pages, lambda: next(rounds_done, None) is None, quiet)
            before = peak_memory(server.workers())

            _status, page = browser.request(pages["messages"])
            began = time.perf_counter()
            browser.request(f"/console/rounds/{round_id}/messages/send",
                            {"what": "invitations", "csrf_token": csrf_from(page)})
            busy: dict[str, list[float]] = {}
            finished = threading.Event()

            def watch():
                while len(smtp.received) < args.contacts and time.perf_counter() - began < 1800:
                    time.sleep(0.05)
                finished.set()

            threading.Thread(target=watch, daemon=True).start()
            load_pages(browser, pages, finished.is_set, busy)
            wall = time.perf_counter() - began
            after = peak_memory(server.workers())
            _status, page = browser.request(pages["messages"])
        finally:
            server.stop()

    received = len(smtp.received)
    print(f"\nSent {received} of {args.contacts} messages in {wall:.1f} s from the click: "
          f"{received / wall:.1f} messages/s")
    sender = max(after, key=lambda pid: after[pid] - before.get(pid, 0))
    print(f"Peak memory of the worker that sent them: {before[sender] / 1024:.0f} MiB before, "
          f"{after[sender] / 1024:.0f} MiB after (+{(after[sender] - before[sender]) / 1024:.1f} MiB); "
          f"the other worker {max(v for p, v in after.items() if p != sender) / 1024:.0f} MiB")
    print(f"\n  {'console page':<34}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for label, latencies in (("quiet", quiet), ("while sending", busy)):
        for name, values in latencies.items():
            print(f"  {name + ' (' + label + ')':<34}{len(values):>5}{ms(values, .5):>9.1f}{ms(values, .95):>9.1f}"
                  f"{1000 * max(values):>9.1f}")
    everything = [v for name, values in busy.items() if name != "people, everyone" for v in values]
    print(f"\nWhile sending, p95 of the console pages but the list of all {args.contacts}: "
          f"{ms(everything, .95):.0f} ms (target under 100 ms: {'met' if ms(everything, .95) < 100 else 'NOT met'})")
    print("The messages page after: " + ("progress shown" if "Last send: sent" in page else "no progress line"))


if __name__ == "__main__":
    main()
