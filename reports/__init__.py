"""The readiness report (PDF) and the figures it shares with the console: pure code, typed results in, figures,
HTML and PDF bytes out. It reads no database and no app settings (`assessment.services.report` does)."""
from __future__ import annotations

import hashlib
from importlib.metadata import version
from pathlib import Path

from .pdf import build_pdf, report_html
from .render import find_browser, warm_up

__all__ = ["FINGERPRINT", "build_pdf", "find_browser", "report_html", "warm_up"]


def _fingerprint() -> str:
    """What a report says and looks like depends on, besides its data: the code that scores a round and reads a
    questionnaire, this package's code and templates, the report's stylesheet, and the libraries that compute,
    draw and lay it out. A rendered report is kept under this fingerprint (with its inputs), so a change to any of
    them renders anew."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    root = here.parent
    code = [*here.rglob("*.py"), *here.rglob("*.html"), root / "static" / "report.css",
            *(root / "assessment" / "scoring").rglob("*.py"), *(root / "questionnaires").glob("*.py")]
    for path in sorted(code):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    for package in ("weasyprint", "plotly", "kaleido", "numpy", "pandas", "scipy"):
        digest.update(f"{package}=={version(package)}".encode())
    return digest.hexdigest()


FINGERPRINT = _fingerprint()
