"""Friendly error pages. A failed request never shows a traceback and never leaves half a change behind."""
import time

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import BadRequest, HTTPException, NotFound, SecurityError

from .db import db
from .ratelimits import limiter

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
    503: (_l("Busy for a moment"), _l("The service is busy and nothing was changed. Please try again in a few "
                                      "seconds; what you entered before is kept.")),
}
#: Seconds a client is asked to wait when the database is busy (locked) or cannot be reached.
BUSY_RETRY_AFTER = 5


class InvalidSubmission(BadRequest):
    """A 400 whose description says what was wrong; shown to the person who sent it."""


class NothingHere(NotFound):
    """A 404 whose description says what to do (an expired link: ask for a new one), and nothing more."""


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

    @app.errorhandler(OperationalError)
    def database_busy(error: OperationalError):
        """A database that is locked (SQLite past its busy timeout), restarting or unreachable: nothing was
        changed, and it is worth trying again shortly, which 503 with Retry-After says (a 500 says the opposite)."""
        db.session.rollback()
        app.logger.warning("database busy or unreachable: %s", str(error.orig or error)[:200])
        page, status = _page(503)
        return page, status, {"Retry-After": str(BUSY_RETRY_AFTER)}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code >= 500:
            db.session.rollback()
        detail = error.description if isinstance(error, (InvalidSubmission, NothingHere)) else ""
        return _page(error.code or 500, detail)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error", exc_info=error)
        return _page(500)
