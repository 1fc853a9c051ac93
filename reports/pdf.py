"""Render the readiness report: results -> figures -> SVG (one batch) -> HTML -> tagged PDF."""
from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path
from typing import Callable, Optional

import jinja2
from weasyprint import HTML

from . import content, figures, render
from .fetcher import StaticOnlyFetcher

TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                               autoescape=True, undefined=jinja2.StrictUndefined)
TOC = [("summary", "Summary"), ("continuum", "The continuum"), ("profile", "Dimension profile"),
       ("agencies", "Agencies"), ("relationships", "Relationships between agencies"),
       ("roles", "Policy and practice"), ("recommendations", "Recommendations"),
       ("appendix", "Appendix: method and items")]
PAGE_SIZES = ("A4", "Letter")


def _quiet(_message: str) -> None:
    pass


def report_html(results: dict, svgs: dict[str, str], chart_note: Optional[str], page_size: str = "A4",
                comparison: Optional[dict] = None) -> str:
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page size must be one of {', '.join(PAGE_SIZES)}, not {page_size!r}")
    charts = {name: "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
              for name, svg in svgs.items()}
    toc = TOC if comparison is None else TOC[:1] + [("change", f"Change since {comparison.earlier.title}")] + TOC[1:]
    return TEMPLATES.get_template("report.html").render(
        **content.build(results, comparison), charts=charts, chart_note=chart_note or "", toc=toc,
        page_size=page_size, produced=dt.date.today().isoformat())


def build_pdf(results: dict, static_folder: str | Path, browser: Optional[str], page_size: str = "A4",
              progress: Callable[[str], None] = _quiet, comparison: Optional[dict] = None) -> bytes:
    progress("Building the charts")
    built = figures.report_figures(results)
    if comparison is not None:
        built.update(figures.change_figures(results, comparison))
    progress(f"Drawing {len(built)} charts" + (" with Chromium" if browser else " (no Chromium: tables only)"))
    svgs, note = render.render(built, browser)
    progress("Laying out the pages")
    html = report_html(results, svgs, note, page_size, comparison)
    pdf = HTML(string=html, url_fetcher=StaticOnlyFetcher(static_folder)).write_pdf(pdf_variant="pdf/ua-1")
    progress(f"Done: {len(pdf) // 1024} KiB")
    return pdf
