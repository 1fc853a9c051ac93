"""The deployment files under deploy/ (systemd units, nginx, the environment file) say what the app does: every
unit runs a command the app has, with the shipped gunicorn settings, and the example environment starts the app in
production with the settings it names."""
import configparser
import secrets
from pathlib import Path

import pytest

from app import create_app

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read_string(path.read_text())
    return parser


def environment(**replaced) -> dict[str, str]:
    pairs = [line.split("=", 1) for line in (DEPLOY / "continuum.env.example").read_text().splitlines()
             if line and not line.startswith("#")]
    return {**dict(pairs), **replaced}


@pytest.mark.parametrize("path", UNITS, ids=[p.name for p in UNITS])
def test_every_unit_runs_as_the_app_s_own_user_with_the_shared_environment(path):
    service = unit(path)["Service"]
    assert service["User"] == "continuum" and service["EnvironmentFile"] == "/etc/continuum.env"
    assert service["ExecStart"].strip()


def test_the_units_run_commands_the_app_has(tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/deploy.sqlite"})
    commands = set(app.cli.list_commands(None))
    flask_commands = [unit(p)["Service"]["ExecStart"].split("--app app ")[1].split()[0] for p in UNITS
                      if "/flask --app app " in unit(p)["Service"]["ExecStart"]]
    assert sorted(flask_commands) == ["init-db", "worker"] and set(flask_commands) <= commands
    web = unit(DEPLOY / "systemd" / "continuum-web.service")["Service"]
    assert web["ExecStart"].endswith("gunicorn -c gunicorn.conf.py")
    assert (DEPLOY.parent / "gunicorn.conf.py").is_file()
    timer = unit(DEPLOY / "systemd" / "continuum-backup.timer")
    assert "OnCalendar" in timer["Timer"] and "pg_dump --format=custom" in unit(
        DEPLOY / "systemd" / "continuum-backup.service")["Service"]["ExecStart"]


def test_the_example_environment_starts_the_app_in_production_as_it_says(tmp_path, monkeypatch):
    values = environment(FLASK_SECRET_KEY=secrets.token_hex(32),
                         DATABASE_URL=f"sqlite:///{tmp_path}/production.sqlite")
    monkeypatch.delenv("FLASK_SQLITE_SYNCHRONOUS", raising=False)  # the suite's own setting, not the example's
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    app = create_app()
    assert app.config["ENVIRONMENT"] == "production" and not app.testing
    assert "SQLITE_SYNCHRONOUS" not in app.config
    assert app.config["PROXY_COUNT"] == 1 and app.config["JOBS"] == "worker"
    assert app.config["MAIL_SERVER"] == "smtp.agency.gov" and app.config["MAIL_SECURITY"] == "starttls"
    assert app.config["TRUSTED_HOSTS"] == ["continuum.example.gov"]
    # left as the example has it (empty), the key is refused: a deployment cannot forget to set it
    monkeypatch.setenv("FLASK_SECRET_KEY", environment()["FLASK_SECRET_KEY"])
    with pytest.raises(Exception, match="SECRET_KEY"):
        create_app()


def test_nginx_passes_what_one_proxy_count_reads():
    conf = (DEPLOY / "nginx" / "continuum.conf").read_text()
    for header in ("X-Forwarded-For $proxy_add_x_forwarded_for", "X-Forwarded-Proto $scheme",
                   "X-Forwarded-Host $host", "Host $host"):
        assert f"proxy_set_header {header};" in conf
    assert "proxy_pass http://continuum_app;" in conf and "proxy_request_buffering on;" in conf
    assert environment()["FLASK_PROXY_COUNT"] == "1"
