"""Security headers on every response (and no caching but of static files), and a health check for load
balancers."""
from __future__ import annotations

from flask import Flask, jsonify, request
from sqlalchemy import text

from .db import db

#: No inline script anywhere (charts are drawn by static/charts.js from JSON blocks). plotly.js sets inline
#: styles and injects a <style> element, so styles (not scripts) allow 'unsafe-inline'.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def init_app(app: Flask) -> None:
    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint != "static":  # every page, export and report is someone's and of its moment
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.get("/healthz")
    def healthz():
        """200 when the app can reach its database, 503 when it cannot."""
        try:
            db.session.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any database failure means "not healthy"
            db.session.rollback()
            return jsonify(status="database unavailable"), 503
        return jsonify(status="ok")
