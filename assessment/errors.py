"""Friendly error pages. A failed request never shows a traceback and never leaves half a change behind."""
import time

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest, HTTPException, SecurityError

from .auth import limiter
from .db import db

#: In the respondent's language on survey addresses (see `languages`), in English on the console's.
MESSAGES = {
    400: (_l("The request could not be understood"),
          _l("Something in what was sent did not match this page. Nothing from it was saved.")),
    403: (_l("Not available"), _l("You do not have access to this page.")),
    404: (_l("Page not found"), _l("There is nothing at this address. If you followed a survey link, check that it "
                                   "was copied in full.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    413: (_l("Too much data"), _l("What was sent is larger than this page accepts. Nothing from it was saved.")),
    429: (_l("Too many requests"), _l("Please wait a minute and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error occurred and nothing was changed. Please try again.")),
}


class InvalidSubmission(BadRequest):
    """A 400 whose description says what was wrong; shown to the person who sent it."""


def _page(status: int, detail: str = ""):
    title, message = MESSAGES.get(status, MESSAGES[500])
    return render_template("error.html", status=status, title=title, message=message, detail=detail), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _page(400, _("This page had expired or was opened in another session. Go back, reload the page "
                            "and try again; the answers on that page were not saved."))

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        """A Host that is not among TRUSTED_HOSTS: no page of this site can be addressed from there."""
        return "This address is not served here.\n", 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(429)
    def too_many_requests(error):
        """Says when to come back: Retry-After, the seconds until the limit that was reached starts afresh."""
        reached = limiter.current_limit
        wait = max(1, int(reached.reset_at - time.time())) if reached else 60
        page, status = _page(429)
        return page, status, {"Retry-After": str(wait)}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code >= 500:
            db.session.rollback()
        detail = error.description if isinstance(error, InvalidSubmission) else ""
        return _page(error.code or 500, detail)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error", exc_info=error)
        return _page(500)
