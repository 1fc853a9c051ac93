"""Security headers on every page, and the health check."""
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
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'missing' / 'dir' / 'db.sqlite'}"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json() == {"status": "database unavailable"}
