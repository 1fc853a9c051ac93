"""The readiness report of a round: scored once, compared when asked, rendered by the pure `reports` package, and
audited. The only place that joins the database, the app's settings and the report."""
from __future__ import annotations

from typing import Callable, Optional

from flask import current_app

import reports

from ..models import Round
from . import ServiceError, audit
from .scores import compare_rounds, round_scores


def report_pdf(round_: Round, compare_with: Optional[Round] = None,
               progress: Callable[[str], None] = lambda _message: None) -> bytes:
    """The PDF of a round's published results; with `compare_with`, an earlier round of the same jurisdiction, it
    has a "Change since ..." section. Adds a `report_downloaded` audit event; the caller commits."""
    progress("Scoring the round")
    results = round_scores(round_)
    if not results.published:
        raise ServiceError(f"the round has fewer than {results.min_group_size} published responses: a report "
                           "would show the answers of too few people")
    browser = reports.find_browser(current_app.config.get("CHROMIUM_PATH"))
    reports.warm_up(browser)
    comparison = None
    if compare_with is not None:
        progress(f"Comparing with {compare_with.title} (bootstrap intervals)")
        comparison = compare_rounds(compare_with, round_, results)
    pdf = reports.build_pdf(results, current_app.static_folder, browser,
                            current_app.config.get("REPORT_PAGE_SIZE", "A4"), progress, comparison)
    audit.record("report_downloaded", f"round {round_.id}",
                 round_.title + (f", compared with {compare_with.title}" if compare_with is not None else ""))
    return pdf
