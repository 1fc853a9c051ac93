"""Security headers on every page, and the health check."""
import secrets

import pytest

from app import create_app


def test_every_page_has_security_headers(client, token):
    for url in ("/login", f"/s/{token}", "/s/unknown-token", "/healthz"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
        assert "Strict-Transport-Security" not in headers
    assert client.get(f"/s/{token}").headers["Referrer-Policy"] == "no-referrer"  # survey pages keep theirs
    assert client.get("/login").headers["Referrer-Policy"] == "same-origin"
    secure = client.get("/login", base_url="https://console.test").headers
    assert secure["Strict-Transport-Security"].startswith("max-age=")


def test_no_template_holds_an_inline_script(app):
    from pathlib import Path
    for path in Path(app.root_path, "templates").rglob("*.html"):
        for tag in path.read_text().split("<script")[1:]:
            head = tag.split(">", 1)[0]
            assert "src=" in head or 'type="application/json"' in head, path


def test_healthz_reports_the_database(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_healthz_says_when_the_database_is_unreachable(tmp_path):
    unreachable = f"sqlite:///{tmp_path / 'missing' / 'dir' / 'db.sqlite'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": unreachable})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json() == {"status": "database unavailable"}


def test_production_refuses_the_development_secret_key(monkeypatch):
    from app import DEVELOPMENT_SECRET_KEY, ConfigurationError

    for name in ("FLASK_SECRET_KEY", "FLASK_ENVIRONMENT", "FLASK_TESTING"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigurationError, match="refuses to start in production with the development SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with pytest.raises(ConfigurationError):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": ""})
    strong = secrets.token_hex(32)
    monkeypatch.setenv("FLASK_SECRET_KEY", strong)
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).secret_key == strong
    monkeypatch.delenv("FLASK_SECRET_KEY")
    monkeypatch.setenv("FLASK_ENVIRONMENT", "development")
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).secret_key == DEVELOPMENT_SECRET_KEY


@pytest.mark.parametrize("weak", ["secret", "a-long-random-production-secret", "a" * 64,
                                  "passwordpasswordpasswordpassword", "0123456789abcdef0123456789abcdef"])
def test_production_refuses_a_weak_secret_key(monkeypatch, weak):
    from app import ConfigurationError

    for name in ("FLASK_ENVIRONMENT", "FLASK_TESTING"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FLASK_SECRET_KEY", weak)
    with pytest.raises(ConfigurationError, match="SECRET_KEY is too weak"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    monkeypatch.setenv("FLASK_ENVIRONMENT", "development")
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).secret_key == weak  # one's own machine


def test_database_url_selects_postgresql_with_psycopg(monkeypatch):
    from assessment.db import database_url

    assert database_url("postgres://u:p@db:5432/continuum") == "postgresql+psycopg://u:p@db:5432/continuum"
    assert database_url("postgresql://db/continuum") == "postgresql+psycopg://db/continuum"
    assert database_url("sqlite:////srv/c.sqlite") == "sqlite:////srv/c.sqlite"
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/continuum")
    monkeypatch.delenv("FLASK_SQLALCHEMY_DATABASE_URI", raising=False)
    app = create_app({"TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/continuum"


def test_the_suite_runs_on_the_database_it_was_given(app):
    from assessment.db import db
    from tests.conftest import ON_POSTGRES

    assert db.engine.dialect.name == ("postgresql" if ON_POSTGRES else "sqlite")
    assert db.session.execute(db.text("SELECT 1")).scalar() == 1


def test_sqlite_waits_for_the_disk_as_configured_and_a_wrong_setting_says_what_is_allowed(tmp_path, monkeypatch):
    from assessment.db import db

    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    monkeypatch.delenv("FLASK_SQLITE_SYNCHRONOUS", raising=False)
    for setting, pragma in ((None, 2), ("normal", 1), ("OFF", 0)):  # unset: SQLite's default, FULL
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SQLITE_SYNCHRONOUS": setting})
        with app.app_context():
            assert db.session.execute(db.text("PRAGMA synchronous")).scalar() == pragma
            db.session.remove()
            db.engine.dispose()
    with pytest.raises(ValueError, match="must be one of OFF, NORMAL, FULL, EXTRA, not 'sometimes'"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SQLITE_SYNCHRONOUS": "sometimes"})


@pytest.fixture
def production(monkeypatch, tmp_path):
    """The app as production runs it: no TESTING, a real secret key, the public address of the README."""
    for name in ("FLASK_ENVIRONMENT", "FLASK_TESTING", "FLASK_TRUSTED_HOSTS", "FLASK_SQLITE_SYNCHRONOUS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FLASK_SECRET_KEY", secrets.token_hex(32))
    monkeypatch.setenv("FLASK_PUBLIC_URL", "https://continuum.example.gov")
    return lambda **config: create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}", **config})


def test_a_forged_host_is_refused_rather_than_echoed_in_a_redirect(production):
    client = production().test_client()
    forged = client.get("/console", headers={"Host": "evil.example"})
    assert forged.status_code == 400 and "evil.example" not in forged.headers.get("Location", "")
    real = client.get("/console", headers={"Host": "continuum.example.gov"})
    assert real.status_code == 308 and real.headers["Location"] == "http://continuum.example.gov/console/"


def test_trusted_hosts_can_be_named_in_the_environment(production, monkeypatch):
    monkeypatch.setenv("FLASK_TRUSTED_HOSTS", '["continuum.example.gov", "continuum.internal"]')
    client = production().test_client()
    assert client.get("/healthz", headers={"Host": "continuum.internal:8000"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "evil.example"}).status_code == 400
