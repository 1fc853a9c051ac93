"""The readiness report (PDF) and the figures it shares with the console: pure code, typed results in, figures,
HTML and PDF bytes out. It reads no database and no app settings (`assessment.services.report` does)."""
from .pdf import build_pdf, report_html
from .render import find_browser, warm_up

__all__ = ["build_pdf", "find_browser", "report_html", "warm_up"]
