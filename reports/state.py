"""The state's report: the figures of a state's page (`assessment.scoring.state`) as a tagged PDF, tables only.
Pure: figures in, PDF bytes out; the words are the page's."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Optional, Sequence

from assessment.scoring.continuum import CONCERN_BELOW
from assessment.scoring.numbers import exact
from assessment.scoring.state import StateFigures, which

from .fetcher import StaticOnlyFetcher
from .pdf import PAGE_SIZES, TEMPLATES, write_pdf

TITLES = {"counties": "The counties", "state": "Where the counties stand"}


def _whole(value) -> str:
    return "–" if value is None else f"{value:.0f}"


def _rows(figures: StateFigures, dimensions: Sequence) -> list[dict]:
    labels = {d.id: d.label for d in dimensions}
    rows = []
    for c in figures.counties:
        s = c.latest
        row = {"name": c.name, "round": "", "note": None}
        if s is None:
            row["note"] = "no closed round yet"
        elif not s.shown:
            row.update(round=c.latest_title, note="too few respondents to publish a level")
        else:
            if c.move is None:
                move = "first closed round" if c.earlier is None else "the round before published no level"
            else:
                move = ("same level" if c.move == 0 else f"{'up' if c.move > 0 else 'down'} {abs(c.move)} level"
                        f"{'s' if abs(c.move) > 1 else ''} (from {c.earlier.placed})")
                if c.index_change is not None:
                    move += f"; index {c.index_change:+.0f}"
            interval = (f" ({s.readiness_low:.0f}–{s.readiness_high:.0f})" if s.readiness_low is not None
                        and s.readiness_high is not None else "")
            row.update(round=f"{c.latest_title} ({s.responses})", level=s.placed,
                       index=_whole(s.readiness_index) + interval,
                       scores=[(_whole(v := s.dimensions.get(d.id)), v is not None and exact(v) < CONCERN_BELOW)
                               for d in dimensions],
                       held=labels.get(s.held_back_by, "nothing: collaboration reached"), move=move)
        rows.append(row)
    return rows


def state_html(state: str, figures: StateFigures, dimensions: Sequence, conditions: Sequence, sectors: dict[str, str],
               in_state: int, page_size: str = "Letter", bound: Optional[dict[str, str]] = None) -> str:
    """`bound`: the sectors whose role limits what they may share, with what binds each in a few words."""
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page size must be one of {', '.join(PAGE_SIZES)}, not {page_size!r}")
    names = which(figures, [d.id for d in dimensions], [c.id for c in conditions])
    held = [{"label": d.label, "count": figures.held_back[d.id], "names": ", ".join(names.held_back[d.id])}
            for d in dimensions]
    held.append({"label": "None: collaboration reached", "count": figures.at_the_top,
                 "names": ", ".join(names.held_back[None])})
    heard = sum(1 for c in figures.counties if c.latest is not None and c.latest.responses)
    return TEMPLATES.get_template("state.html").render(
        state=state, figures=figures, rows=_rows(figures, dimensions), dimensions=dimensions,
        conditions=conditions, sectors=sectors, held=held, heard=heard, in_state=in_state, bound=bound or {},
        which=names,
        sharing=len(figures.counties), median=_whole(figures.median_readiness), page_size=page_size,
        produced=dt.date.today().isoformat())


def state_pdf(state: str, figures: StateFigures, dimensions: Sequence, conditions: Sequence,
              sectors: dict[str, str], in_state: int, static_folder: str | Path, page_size: str = "Letter",
              bound: Optional[dict[str, str]] = None) -> bytes:
    html = state_html(state, figures, dimensions, conditions, sectors, in_state, page_size, bound)
    return write_pdf(html, StaticOnlyFetcher(static_folder), TITLES)
