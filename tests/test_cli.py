"""Every facilitator command, through Flask's CLI runner against a real SQLite database."""
import datetime as dt
import re

import pytest
from sqlalchemy import func, select, text

from app import create_app
from assessment.db import db
from assessment.models import Agency, Invitation, Jurisdiction, Response, Round
from assessment.tokens import hash_token
from assessment.vocabulary import ResponseStatus, RoundStatus, Sector
from tests.conftest import ON_POSTGRES
from tests.console.conftest import sign_in

LINK = re.compile(r"http://survey\.test/s/([A-Za-z0-9_-]+)")
COORDINATOR = re.compile(r"/state \(sign in as (\S+) with the password (\S+)\)")


def run(runner, *args):
    return runner.invoke(args=list(args))


def test_setting_up_a_jurisdiction_from_the_command_line(runner, client):
    assert run(runner, "jurisdiction", "add", "Lake County").exit_code == 0
    duplicate = run(runner, "jurisdiction", "add", "lake county")
    assert duplicate.exit_code == 1 and "already exists" in duplicate.output

    added = run(runner, "agency", "add", "Lake County", "County Probation", "--sector", "community_supervision")
    assert added.exit_code == 0 and "county-probation" in added.output
    run(runner, "agency", "add", "Lake County", "Lakeside Treatment", "--sector", "treatment", "--slug", "lakeside")
    assert {a.slug for a in db.session.scalars(select(Agency))} == {"county-probation", "lakeside"}
    assert db.session.scalar(select(Agency).where(Agency.slug == "lakeside")).sector == Sector.TREATMENT

    bad_sector = run(runner, "agency", "add", "Lake County", "X", "--sector", "astrology")
    assert bad_sector.exit_code == 2 and "astrology" in bad_sector.output
    no_place = run(runner, "agency", "add", "Nowhere", "X", "--sector", "treatment")
    assert no_place.exit_code == 1 and "no jurisdiction named 'Nowhere'" in no_place.output

    created = run(runner, "round", "create", "Lake County", "First round", "--min-group-size", "4")
    assert created.exit_code == 0 and "collaboration_readiness v1, draft" in created.output
    round_ = db.session.scalar(select(Round))
    assert round_.min_group_size == 4 and round_.status == RoundStatus.DRAFT
    dated = run(runner, "round", "create", "Lake County", "Dated", "--opens", "2031-01-05", "--closes", "2031-02-05")
    assert dated.exit_code == 0
    closes = db.session.scalar(select(Round).where(Round.title == "Dated")).closes_at
    assert closes.isoformat() == "2031-02-05T05:00:00"  # 00:00 in New York, the county's clock by default
    bad_dates = run(runner, "round", "create", "Lake County", "Late", "--opens", "2031-03-01", "--closes",
                    "2031-02-01")
    assert bad_dates.exit_code == 1 and "closing date must come after" in bad_dates.output
    bad_date = run(runner, "round", "create", "Lake County", "Late", "--opens", "March")
    assert bad_date.exit_code == 2 and "use YYYY-MM-DD" in bad_date.output
    unknown_q = run(runner, "round", "create", "Lake County", "Other", "--questionnaire", "nope")
    assert unknown_q.exit_code == 1 and "no questionnaire 'nope'" in unknown_q.output

    assert run(runner, "round", "open", str(round_.id)).exit_code == 0
    assert db.session.get(Round, round_.id).status == RoundStatus.OPEN
    assert "already open" in run(runner, "round", "open", str(round_.id)).output

    invited = run(runner, "invite", str(round_.id), "--agency", "lakeside", "--role", "supervisor", "--count", "3")
    assert invited.exit_code == 0, invited.output
    tokens = LINK.findall(invited.output)
    assert len(tokens) == 3 and len(set(tokens)) == 3
    # the printed links work
    assert client.get(f"/s/{tokens[0]}").status_code == 200

    missing_agency = run(runner, "invite", str(round_.id), "--agency", "nope", "--role", "supervisor")
    assert missing_agency.exit_code == 1 and "has no agency 'nope'" in missing_agency.output
    too_many = run(runner, "invite", str(round_.id), "--agency", "lakeside", "--role", "supervisor", "--count", "0")
    assert too_many.exit_code == 1 and "from 1 to" in too_many.output

    listed = run(runner, "round", "list")
    assert re.search(rf"\s+{round_.id}\s+Lake County\s+First round\s+open\s+0\s+0", listed.output), listed.output

    closed = run(runner, "round", "close", str(round_.id))
    assert closed.exit_code == 0 and "0 unsubmitted draft(s)" in closed.output
    assert "is closed; it takes no more invitations" in run(
        runner, "invite", str(round_.id), "--agency", "lakeside", "--role", "supervisor").output
    assert "no round with id 999" in run(runner, "round", "open", "999").output
    assert "no round with id 18446744073709551616" in run(runner, "scores", str(2 ** 64)).output
    assert "no jurisdiction named '18446744073709551616'" in run(runner, "round", "create", str(2 ** 64), "R").output


def test_round_list_when_empty(runner):
    assert "No rounds yet." in run(runner, "round", "list").output


def test_open_needs_two_agencies(runner):
    run(runner, "jurisdiction", "add", "Tiny")
    run(runner, "agency", "add", "Tiny", "Only One", "--sector", "treatment")
    run(runner, "round", "create", "Tiny", "R")
    result = run(runner, "round", "open", "1")
    assert result.exit_code == 1 and "needs at least two agencies" in result.output


def test_tokens_are_stored_only_as_sha256_hashes(runner, app):
    run(runner, "jurisdiction", "add", "Lake County")
    run(runner, "agency", "add", "Lake County", "A", "--sector", "treatment")
    run(runner, "agency", "add", "Lake County", "B", "--sector", "judiciary")
    run(runner, "round", "create", "Lake County", "R")
    tokens = LINK.findall(run(runner, "invite", "1", "--agency", "a", "--role", "line_staff", "--count", "2").output)
    hashes = set(db.session.scalars(select(Invitation.token_hash)))
    assert hashes == {hash_token(t) for t in tokens}
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes)
    content = stored_bytes(app)
    for token in tokens:
        assert token.encode() not in content
        assert hash_token(token).encode() in content


def stored_bytes(app) -> bytes:
    """Everything the database holds: the SQLite file itself, or every row of every table on PostgreSQL."""
    db.session.commit()
    if ON_POSTGRES:
        rows = [db.session.execute(text(f'SELECT row_to_json(t)::text FROM "{table}" t')).scalars().all()
                for table in db.inspect(db.engine).get_table_names()]
        return "\n".join(row for table in rows for row in table).encode()
    db.engine.dispose()  # checkpoint the write-ahead log into the file
    with open(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"), "rb") as stored:
        return stored.read()


def test_seed_demo_creates_the_demo_once_and_prints_a_working_link(runner, client):
    first = run(runner, "seed-demo")
    assert first.exit_code == 0, first.output
    assert "Created Demo County" in first.output and "Created Demo State" in first.output
    token = LINK.findall(first.output)[0]
    assert client.get(f"/s/{token}").status_code == 200

    jurisdiction = db.session.scalar(select(Jurisdiction).where(Jurisdiction.name == "Demo County"))
    sectors = {a.sector for a in jurisdiction.agencies}
    assert len(jurisdiction.agencies) == 10
    assert {"community_supervision", "treatment", "victim_advocacy", "law_enforcement", "prosecution",
            "judiciary", "defense"} <= {s.value for s in sectors}
    statuses = [r.status for r in jurisdiction.rounds]
    assert statuses.count(RoundStatus.CLOSED) == 2 and statuses.count(RoundStatus.OPEN) == 1
    for round_ in jurisdiction.rounds[:2]:
        per_agency = dict(db.session.execute(
            select(Response.agency_id, func.count(Response.id)).where(
                Response.round_id == round_.id, Response.status == ResponseStatus.SUBMITTED)
            .group_by(Response.agency_id)).all())
        assert len(per_agency) == 10
        assert sum(1 for n in per_agency.values() if n < round_.min_group_size) == 1

    # the state's coordinator signs in with the printed password and compares the counties that share
    email, password = COORDINATOR.search(first.output).groups()
    assert sign_in(client, email, password).status_code == 302
    state_page = client.get(client.get("/state/").location).get_data(as_text=True)
    assert "Demo State" in state_page and "Demo County" in state_page and "Alder County" in state_page
    assert "Ridge County" not in state_page  # it keeps its figures to itself

    second = run(runner, "seed-demo")
    assert "already exists" in second.output and LINK.search(second.output)
    assert "Created" not in second.output and COORDINATOR.search(second.output).group(2) != password
    assert db.session.scalar(select(func.count(Jurisdiction.id))) == 10


def test_init_db_refuses_a_database_made_before_migrations(runner):
    # the fixture's database was made by create_all, as databases were before migrations existed
    refused = run(runner, "init-db")
    assert refused.exit_code == 1 and "was created before Continuum had migrations" in refused.output


def test_init_db_creates_then_upgrades(database):
    fresh = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database("fresh")})
    with fresh.app_context():
        result = fresh.test_cli_runner().invoke(args=["init-db"])
        assert result.exit_code == 0 and "Database ready" in result.output, result.output
        assert {"jurisdiction", "round", "response", "answer", "audit_event", "alembic_version"} <= set(
            db.inspect(db.engine).get_table_names())
        again = fresh.test_cli_runner().invoke(args=["init-db"])  # an up-to-date database: nothing to do
        assert again.exit_code == 0
        db.engine.dispose()


def test_migrations_and_models_agree(database):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from flask_migrate import upgrade

    fresh = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database("migrated")})
    with fresh.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []
        db.engine.dispose()


def test_the_upgrade_gives_existing_accounts_a_session_token_each(database):
    from flask_migrate import downgrade, upgrade

    fresh = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database("accounts")})
    with fresh.app_context():
        upgrade(revision="c39d76965963")
        for email in ("a@test.org", "b@test.org"):
            db.session.execute(text("INSERT INTO \"user\" (email, password_hash, role, created_at) "
                                    "VALUES (:email, 'x', 'facilitator', CURRENT_TIMESTAMP)"), {"email": email})
        db.session.commit()
        upgrade()
        tokens = db.session.execute(text('SELECT session_token FROM "user"')).scalars().all()
        assert len(tokens) == 2 and len(set(tokens)) == 2 and all(len(t) >= 32 for t in tokens)
        db.session.commit()  # let go of the table before the downgrade alters it
        downgrade(revision="c39d76965963")
        assert db.session.execute(text('SELECT count(*) FROM "user"')).scalar() == 2
        db.session.remove()
        db.engine.dispose()


def test_the_viewer_role_keeps_every_account_s_grants_and_codes(database):
    # SQLite changes a CHECK constraint by rebuilding the table: with foreign keys enforced, dropping the old
    # "user" table would cascade to the grants and recovery codes that refer to it.
    from flask_migrate import downgrade, upgrade

    fresh = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database("viewers")})
    with fresh.app_context():
        upgrade(revision="a3e9f7c2d6b8")
        for statement in (
                "INSERT INTO jurisdiction (id, name, created_at, paper_size, time_zone) "
                "VALUES (1, 'J', CURRENT_TIMESTAMP, 'letter', 'UTC')",
                "INSERT INTO \"user\" (id, email, password_hash, role, created_at, session_token) "
                "VALUES (1, 'a@test.org', 'x', 'facilitator', CURRENT_TIMESTAMP, 't1')",
                "INSERT INTO \"grant\" (user_id, jurisdiction_id) VALUES (1, 1)",
                "INSERT INTO recovery_code (user_id, code_hash) VALUES (1, 'h')"):
            db.session.execute(text(statement))
        db.session.commit()
        upgrade()
        counts = lambda: [db.session.execute(text(f"SELECT count(*) FROM {t}")).scalar()  # noqa: E731
                          for t in ('"user"', '"grant"', "recovery_code")]
        assert counts() == [1, 1, 1]
        db.session.execute(text("UPDATE \"user\" SET role = 'viewer'"))
        db.session.commit()
        with pytest.raises(Exception, match="(?i)check"):
            db.session.execute(text("UPDATE \"user\" SET role = 'owner'"))
            db.session.commit()
        db.session.rollback()
        downgrade(revision="a3e9f7c2d6b8")
        assert counts() == [1, 1, 1]
        # a viewer becomes a disabled facilitator: it must not gain a facilitator's powers on the way down
        assert db.session.execute(text('SELECT role, disabled_at IS NOT NULL FROM "user"')).one() == ("facilitator",
                                                                                                      True)
        db.session.remove()
        db.engine.dispose()


def test_the_upgrade_makes_what_was_published_a_first_release(database):
    """Rounds published in snapshots before releases: what they published becomes release 1 (its results worked
    out when first read), what waited still waits, and the downgrade gives the snapshot times back."""
    from flask_migrate import downgrade, upgrade

    from assessment.results import releases
    from assessment.results.scores import round_scores

    fresh = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database("releases"), "SECRET_KEY": "t"})
    with fresh.app_context():
        upgrade(revision="95b52efa777b")
        run_sql = lambda sql, **values: db.session.execute(text(sql), values)  # noqa: E731
        run_sql("INSERT INTO jurisdiction (id, name, created_at) VALUES (1, 'Old County', CURRENT_TIMESTAMP)")
        for n, (slug, sector) in enumerate((("probation", "community_supervision"), ("treatment", "treatment")), 1):
            run_sql("INSERT INTO agency (id, jurisdiction_id, name, slug, sector) VALUES (:id, 1, :name, :slug, :s)",
                    id=n, name=slug.title(), slug=slug, s=sector)
        run_sql("INSERT INTO round (id, jurisdiction_id, title, questionnaire_id, questionnaire_version, status, "
                "min_group_size, created_at, snapshot_at, reminder_days, max_reminders, closes_itself) VALUES "
                "(1, 1, 'Old round', 'collaboration_readiness', 1, 'closed', 3, CURRENT_TIMESTAMP, "
                "'2026-01-02 10:00:00', '', 2, true)")
        for n in range(1, 8):  # six published in snapshots, one still waiting
            published = "'2026-01-02 10:00:00'" if n <= 6 else "NULL"
            run_sql("INSERT INTO response (id, round_id, agency_id, role_level, questionnaire_id, "
                    "questionnaire_version, language, status, current_section, started_at, updated_at, "
                    f"submitted_at, published_at, invited) VALUES (:id, 1, :agency, 'line_staff', "
                    "'collaboration_readiness', 1, 'en', 'submitted', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, "
                    f"CURRENT_TIMESTAMP, {published}, true)", id=n, agency=1 + n % 2)
            for item in ("info_progress", "info_violations", "info_polygraph", "info_registration",
                         "info_victim_late", "info_unsure"):
                run_sql("INSERT INTO answer (response_id, item_id, value, dont_know) VALUES (:r, :i, :v, false)",
                        r=n, i=item, v=float(1 + n % 5))
        db.session.commit()
        upgrade()
        round_ = db.session.get(Round, 1)
        [release] = releases.releases_of(round_)
        assert (release.seq, release.responses, release.final, release.results) == (1, 6, True, None)
        results = round_scores(round_, take=False)  # worked out now, and kept
        assert results.jurisdiction.n == 6 and results.snapshot.waiting == 1 and results.release == 1
        assert releases.releases_of(round_)[0].results is not None
        db.session.commit()
        downgrade(revision="95b52efa777b")
        assert db.session.execute(text("SELECT count(*) FROM response WHERE published_at IS NOT NULL")).scalar() == 6
        db.session.remove()
        db.engine.dispose()


def test_the_upgrade_keeps_a_round_whose_raw_responses_were_exported_closed(database):
    """A raw export the audit log shows, from before the round was marked, still keeps the round from reopening."""
    from flask_migrate import downgrade, upgrade

    from assessment.rounds import rounds
    from assessment.services import ServiceError

    fresh = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database("exported"), "SECRET_KEY": "t"})
    with fresh.app_context():
        upgrade(revision="a7c3e91f2b60")
        run_sql = lambda sql, **values: db.session.execute(text(sql), values)  # noqa: E731
        run_sql("INSERT INTO jurisdiction (id, name, created_at) VALUES (1, 'Old County', CURRENT_TIMESTAMP)")
        for n in (1, 2):
            run_sql("INSERT INTO round (id, jurisdiction_id, title, questionnaire_id, questionnaire_version, status, "
                    "min_group_size, created_at, reminder_days, max_reminders, closes_itself) VALUES "
                    "(:id, 1, 'Old round', 'collaboration_readiness', 1, 'closed', 3, CURRENT_TIMESTAMP, '', 2, true)",
                    id=n)
        for at, target, detail in (("2026-02-01 09:00:00", "round 1", "scores.csv"),
                                   ("2026-02-02 09:00:00", "round 1",
                                    "responses-wide.xlsx: 12 response(s), 3 left out"),
                                   ("2026-02-03 09:00:00", "round 1", "open-answers.csv: 12 response(s), 0 left out"),
                                   ("2026-02-04 09:00:00", "round 2", "scores.xlsx")):
            run_sql("INSERT INTO audit_event (at, actor, action, target, detail) VALUES (:at, 'a@test.org', 'export', "
                    ":target, :detail)", at=at, target=target, detail=detail)
        db.session.commit()
        upgrade()
        exported, scores_only = db.session.get(Round, 1), db.session.get(Round, 2)
        assert exported.raw_exported_at.date().isoformat() == "2026-02-02" and scores_only.raw_exported_at is None
        with pytest.raises(ServiceError, match="raw responses were exported on 2026-02-02"):
            rounds.reopen_round(exported, "late answers")
        db.session.rollback()
        downgrade(revision="a7c3e91f2b60")
        db.session.remove()
        db.engine.dispose()


def test_a_round_s_settings_change_from_the_command_line_on_the_jurisdiction_s_clock(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["jurisdiction", "add", "Clock County"]).exit_code == 0
    assert runner.invoke(args=["jurisdiction", "time-zone", "Clock County", "America/Denver"]).exit_code == 0
    assert "unknown time zone" in runner.invoke(args=["jurisdiction", "time-zone", "Clock County", "Nowhere"]).output
    made = runner.invoke(args=["round", "create", "Clock County", "Spring", "--closes", "2030-04-01"])
    round_id = int(made.output.split("Created round ")[1].split(":")[0])
    changed = runner.invoke(args=["round", "edit", str(round_id), "--closes", "2030-04-02 17:00",
                                  "--title", "Spring 2030", "--invite-at", "2030-03-01 09:00"])
    assert changed.exit_code == 0, changed.output
    assert "closes: 2030-04-01 00:00 MDT -> 2030-04-02 17:00 MDT" in changed.output
    assert "invitations sent: by hand -> 2030-03-01 09:00 MST" in changed.output
    round_ = db.session.get(Round, round_id)
    assert round_.closes_at == dt.datetime(2030, 4, 2, 23, 0) and round_.title == "Spring 2030"
    refused = runner.invoke(args=["round", "edit", str(round_id), "--closes", "2030-02-01"])
    assert refused.exit_code == 1 and "the invitations must go before the round closes" in refused.output
    assert "is not a date" in runner.invoke(args=["round", "edit", str(round_id), "--opens", "soon"]).output
    assert runner.invoke(args=["round", "edit", str(round_id), "--title", "Spring 2030"]).output.strip() == (
        "Nothing was changed.")
