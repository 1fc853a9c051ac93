"""The readiness report (PDF) and the figures it shares with the console: pure code, typed results in, figures,
HTML and PDF bytes out. It reads no database and no app settings (`assessment.results.report` does)."""
from __future__ import annotations

import hashlib
import importlib
from importlib.metadata import version
from pathlib import Path

__all__ = ["FINGERPRINT", "build_pdf", "find_browser", "report_html", "warm_up"]
#: Loaded on first use: WeasyPrint and Kaleido take half a second to import, which commands and pages that draw
#: no report should not pay.
_LAZY = {"build_pdf": "pdf", "report_html": "pdf", "find_browser": "render", "warm_up": "render"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
