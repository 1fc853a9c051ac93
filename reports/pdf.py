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
                agreed: tuple[CarriedCommitment, ...] = (), alts: Optional[dict[str, str]] = None,
                said: tuple = ()) -> str:
    """The report's HTML. `charts` maps a chart's name to the URL of its SVG (a `chart:` URL the fetcher serves, or
    a data: URL); a chart without one is replaced by a visible note."""
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page size must be one of {', '.join(PAGE_SIZES)}, not {page_size!r}")
    toc = TOC if comparison is None else [("change", "Change")] + TOC
    if said:
        toc = [*toc[:-2], ("said", "In their own words"), *toc[-2:]]
    return TEMPLATES.get_template("report.html").render(
        **content.build(results, comparison, guidance, agreed, said), charts=charts, alts=alts or {},
        chart_note=chart_note or "", toc=toc, page_size=page_size, produced=dt.date.today().isoformat())


def build_pdf(results: RoundResults, static_folder: str | Path, browser: Optional[str], page_size: str = "A4",
              progress: Callable[[str], None] = _quiet, comparison: Optional[Comparison] = None,
              guidance: Optional[Guidance] = None, agreed: tuple[CarriedCommitment, ...] = (),
              said: tuple = ()) -> bytes:
    global _frozen
    progress("Building the charts")
    built, alts = figures.print_figures(results)
    progress(f"Drawing {len(built)} charts" + (" with Chromium" if browser else " (no Chromium: tables only)"))
    drawing = render.Drawing(built, browser)
    progress("Laying out the pages")
    charts = {} if browser is None else {name: f"{CHART_SCHEME}:{name}" for name in built}
    html = report_html(results, charts, drawing.note, page_size, comparison, guidance, agreed, alts, said)
    fetcher = StaticOnlyFetcher(static_folder, charts=drawing.svg)
    titles = dict(TOC + [("change", "Change"), ("brief", "Brief"), ("said", "In their own words")])
    pdf = write_pdf(html, fetcher, titles)
    if drawing.note is not None and charts:  # the browser failed while the pages were laid out: say so instead
        html = report_html(results, {}, drawing.note, page_size, comparison, guidance, agreed, alts, said)
        pdf = write_pdf(html, fetcher, titles)
    if not _frozen:
        # Everything loaded so far (modules, fonts, templates) lives as long as the process: leave it out of every
        # later garbage collection, which otherwise walks it after each report.
        gc.collect()
        gc.freeze()
        _frozen = True
    progress(f"Done: {len(pdf) // 1024} KiB")
    return pdf


def write_pdf(html: str, fetcher: StaticOnlyFetcher, titles: dict[str, str]) -> bytes:
    """A tagged PDF (PDF/UA) of `html`, its tags mended (`_finish_tags`); `titles` name its chapters' links."""
    return HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant="pdf/ua-1",
                                                            finisher=partial(_finish_tags, titles))


def _finish_tags(titles: dict[str, str], document, pdf: pydyf.PDF) -> None:
    """What WeasyPrint's tagging leaves out or gets wrong, mended before the PDF is written (PDF/UA):
    - every table header cell gets `/Scope` (`/Column` in a thead, `/Row` elsewhere, as the template's `scope`
      attributes say; Matterhorn 15-003);
    - a figure's `/BBox` is given in the page's coordinates (PDF points from the bottom left), not in CSS pixels
      from the top left, so that it lies within the page;
    - an internal link's `/Contents` says where it goes ("Go to Agencies"), not the anchor's id;
    - a table that runs onto another page is one `/Table` (WeasyPrint makes one per page, the later ones without
      the caption): each continuation's rows join the table before it, with its repeated column headings.
    Every table of the report has a caption, so a `/Table` without one that follows a `/Table` continues it."""
    objects = {k: o for k, o in enumerate(pdf.objects) if isinstance(o, pydyf.Dictionary)}
    _join_continued_tables(objects)
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


def _join_continued_tables(objects: dict[int, pydyf.Dictionary]) -> None:
    """Each `/Table` without a caption joins the table before it in reading order (depth first), however deep:
    WeasyPrint splits the sections around a table per page too, so a continuation is a cousin, not a sibling."""
    roots = [o for o in objects.values() if o.get("Type") == "/StructTreeRoot"]
    last = None  # (table, its reference)
    stack = [(kid, None) for root in roots for kid in reversed(_kids(root))]
    seen: set[int] = set()
    while stack:
        reference, parent = stack.pop()
        number = _reference(reference)
        node = objects.get(number) if number is not None else None
        if node is None or "S" not in node or number in seen:
            continue  # a marked-content id, not an element; or an element met before
        seen.add(number)
        if node.get("S") == "/Table":
            if any(_kind(objects, k) == "/Caption" for k in _kids(node)) or last is None:
                last = (node, reference)
            else:
                table, table_ref = last
                for grandkid in _kids(node):
                    if _number(grandkid) in objects:
                        objects[_number(grandkid)]["P"] = table_ref
                    table["K"].append(grandkid)
                node["K"] = pydyf.Array()
                if parent is not None:
                    parent["K"] = pydyf.Array([k for k in _kids(parent) if _number(k) != _number(reference)])
            continue  # nothing inside a table is another table
        stack.extend((kid, node) for kid in reversed(_kids(node)))


def _kind(objects: dict[int, pydyf.Dictionary], reference) -> Optional[str]:
    number = _reference(reference)
    found = objects.get(number) if number is not None else None
    return found.get("S") if found is not None else None


def _reference(value) -> Optional[int]:
    """The object number of an indirect reference ("12 0 R"); None for anything else (a bare integer in `/K` is
    a marked-content id)."""
    text = value.decode() if isinstance(value, bytes) else str(value)
    return _number(text) if text.rstrip().endswith("R") else None


def _kids(obj: pydyf.Dictionary) -> list:
    kids = obj.get("K")
    return list(kids) if isinstance(kids, pydyf.Array) else ([kids] if kids is not None else [])


def _number(reference) -> Optional[int]:
    """The object number of a reference written as "12 0 R"."""
    text = reference.decode() if isinstance(reference, bytes) else str(reference)
    try:
        return int(text.split()[0])
    except (ValueError, IndexError):
        return None
