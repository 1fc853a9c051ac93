"""The readiness report (PDF) and the figures it shares with the console."""
from __future__ import annotations

from typing import Callable

from flask import current_app

from .pdf import build_pdf


def pdf_for_round(round_, progress: Callable[[str], None] = lambda _m: None, compare_with=None) -> bytes:
    """The PDF report of a round, as bytes (for the command line and the web download); with `compare_with`, an
    earlier round of the same jurisdiction, it has a "Change since ..." section."""
    from assessment.services import ServiceError
    from assessment.services.scores import compare_rounds, round_scores

    from .render import find_browser, warm_up

    progress("Scoring the round")
    results = round_scores(round_)
    if not results.published:
        raise ServiceError(f"the round has fewer than {results.min_group_size} published responses: a report "
                           "would show the answers of too few people")
    browser = find_browser(current_app.config.get("CHROMIUM_PATH"))
    warm_up(browser)
    comparison = None
    if compare_with is not None:
        progress(f"Comparing with {compare_with.title} (bootstrap intervals)")
        comparison = compare_rounds(compare_with, round_, results)
    return build_pdf(results, current_app.static_folder, browser, current_app.config.get("REPORT_PAGE_SIZE", "A4"),
                     progress, comparison)
