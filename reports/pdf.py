"""Render the readiness report: results -> figures -> SVG (drawn while the HTML is read) -> HTML -> tagged PDF."""
from __future__ import annotations

import datetime as dt
import gc
from functools import partial
from pathlib import Path
from typing import Callable, Optional

import jinja2
import pydyf
from weasyprint import HTML

from assessment.scoring.results import CarriedCommitment, Comparison, RoundResults
from questionnaires.schema import Guidance

from . import content, figures, render
from .fetcher import CHART_SCHEME, StaticOnlyFetcher

TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                               autoescape=True, undefined=jinja2.StrictUndefined)
TOC = [("profile", "Where the agencies stand"), ("answers", "The answers"), ("agencies", "Agencies"),
       ("relationships", "Relationships"), ("roles", "Policy and practice"), ("recommendations", "Recommendations"),
       ("appendix", "Method and items")]
PAGE_SIZES = ("A4", "Letter")
#: CSS pixels to PDF points: WeasyPrint lays out in CSS px (96 to the inch), PDF counts 72 to the inch.
PX = 0.75
_frozen = False


def _quiet(_message: str) -> None:
    pass


def report_html(results: RoundResults, charts: dict[str, str], chart_note: Optional[str], page_size: str = "A4",
                comparison: Optional[Comparison] = None, guidance: Optional[Guidance] = None,
                agreed: tuple[CarriedCommitment, ...] = (), alts: Optional[dict[str, str]] = None) -> str:
    """The report's HTML. `charts` maps a chart's name to the URL of its SVG (a `chart:` URL the fetcher serves, or
    a data: URL); a chart without one is replaced by a visible note."""
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page size must be one of {', '.join(PAGE_SIZES)}, not {page_size!r}")
    toc = TOC if comparison is None else [("change", "Change")] + TOC
    return TEMPLATES.get_template("report.html").render(
        **content.build(results, comparison, guidance, agreed), charts=charts, alts=alts or {},
        chart_note=chart_note or "", toc=toc, page_size=page_size, produced=dt.date.today().isoformat())


def build_pdf(results: RoundResults, static_folder: str | Path, browser: Optional[str], page_size: str = "A4",
              progress: Callable[[str], None] = _quiet, comparison: Optional[Comparison] = None,
              guidance: Optional[Guidance] = None, agreed: tuple[CarriedCommitment, ...] = ()) -> bytes:
    global _frozen
    progress("Building the charts")
    built, alts = figures.print_figures(results)
    progress(f"Drawing {len(built)} charts" + (" with Chromium" if browser else " (no Chromium: tables only)"))
    drawing = render.Drawing(built, browser)
    progress("Laying out the pages")
    charts = {} if browser is None else {name: f"{CHART_SCHEME}:{name}" for name in built}
    html = report_html(results, charts, drawing.note, page_size, comparison, guidance, agreed, alts)
    fetcher = StaticOnlyFetcher(static_folder, charts=drawing.svg)
    titles = dict(TOC + [("change", "Change"), ("brief", "Brief")])
    pdf = _write(html, fetcher, titles)
    if drawing.note is not None and charts:  # the browser failed while the pages were laid out: say so instead
        html = report_html(results, {}, drawing.note, page_size, comparison, guidance, agreed, alts)
        pdf = _write(html, fetcher, titles)
    if not _frozen:
        # Everything loaded so far (modules, fonts, templates) lives as long as the process: leave it out of every
        # later garbage collection, which otherwise walks it after each report.
        gc.collect()
        gc.freeze()
        _frozen = True
    progress(f"Done: {len(pdf) // 1024} KiB")
    return pdf


def _write(html: str, fetcher: StaticOnlyFetcher, titles: dict[str, str]) -> bytes:
    return HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant="pdf/ua-1",
                                                            finisher=partial(_finish_tags, titles))


def _finish_tags(titles: dict[str, str], document, pdf: pydyf.PDF) -> None:
    """What WeasyPrint's tagging leaves out or gets wrong, mended before the PDF is written (PDF/UA):
    - every table header cell gets `/Scope` (`/Column` in a thead, `/Row` elsewhere, as the template's `scope`
      attributes say; Matterhorn 15-003);
    - a figure's `/BBox` is given in the page's coordinates (PDF points from the bottom left), not in CSS pixels
      from the top left, so that it lies within the page;
    - an internal link's `/Contents` says where it goes ("Go to Agencies"), not the anchor's id."""
    objects = {k: o for k, o in enumerate(pdf.objects) if isinstance(o, pydyf.Dictionary)}
    for obj in objects.values():
        kind = obj.get("S")
        if kind == "/TH":
            parent = objects.get(_number(obj["P"]))
            grandparent = objects.get(_number(parent["P"])) if parent is not None else None
            in_head = grandparent is not None and grandparent.get("S") == "/THead"
            obj.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
            obj["A"]["Scope"] = "/Column" if in_head else "/Row"
        elif kind == "/Figure" and "A" in obj and "BBox" in obj["A"]:
            page = objects.get(_number(obj["Pg"]))
            height = float(page["MediaBox"][3]) if page is not None else 0.0
            x1, y1, x2, y2 = (float(v) for v in obj["A"]["BBox"])
            obj["A"]["BBox"] = pydyf.Array([x1 * PX, height - y2 * PX, x2 * PX, height - y1 * PX])
        elif obj.get("Subtype") == "/Link" and isinstance(obj.get("Dest"), pydyf.String):
            target = obj["Dest"].string
            obj["Contents"] = pydyf.String(f"Go to {titles.get(target, target)}")


def _number(reference) -> Optional[int]:
    """The object number of a reference written as "12 0 R"."""
    text = reference.decode() if isinstance(reference, bytes) else str(reference)
    try:
        return int(text.split()[0])
    except (ValueError, IndexError):
        return None
