"""The published results page's content, for everyone who reads it: the facilitator in the console, a viewer
account, a share link. One place, so that every reader sees the same figures.

A release never changes once taken, so its charts (most of a page's time: plotly builds each figure field by
field) are drawn once per release, filter and jurisdiction name, and kept in the app's memory (`CHARTS_KEPT`
sets of them, the least recently used dropped first). They are drawn from the published figures only, never from
live counts.
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy import select

from reports import content, figures

from .. import catalog, memo
from ..db import db
from ..models import Release, Round
from . import report as report_service
from .scores import round_scores


class UnknownGroup(ValueError):
    """A sector or role level the round's results do not have."""


def chart_json(fig) -> str:
    """Figure JSON safe inside a <script type="application/json"> block: no "</script>" can close it."""
    return fig.to_json().replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def charts_of(figs: dict) -> dict:
    return {name: (fig.layout.title.text, chart_json(fig)) for name, fig in figs.items()}


#: How many sets of drawn charts each app process keeps.
CHARTS_KEPT = 256


def kept_charts(key: tuple, draw: Callable[[], dict]) -> dict:
    """The charts drawn for `key` (a release and what was asked of it), drawn now when not kept."""
    return memo.kept("charts", key, draw, CHARTS_KEPT)


def rounds_key(round_: Round) -> tuple:
    """What names the published state of the jurisdiction's rounds up to `round_` (each one's title, status and
    releases), in one statement: a comparison's charts, with their trend, draw on all of it."""
    rows = db.session.execute(
        select(Round.id, Round.title, Round.status, Release.seq, Release.taken_at)
        .outerjoin(Release, Release.round_id == Round.id)
        .where(Round.jurisdiction_id == round_.jurisdiction_id, Round.id <= round_.id)
        .order_by(Round.id, Release.seq)).all()
    return tuple(tuple(row) for row in rows)


def release_key(results) -> tuple:
    """What names a release's published figures: the round, the release and when it was taken, and the
    jurisdiction's name (chart titles carry it)."""
    return (results.round.id, results.snapshot.release, results.snapshot.taken_at, results.jurisdiction.name)


def results_page(round_: Round, sector: str = "", role: str = "") -> dict:
    """What the results page shows of the round's published results, for the whole jurisdiction or one sector,
    role level or cell of both."""
    results = round_scores(round_)
    sectors = {s.id: s for s in results.sectors}
    roles = {r.id: r for r in results.role_levels}
    if (sector and sector not in sectors) or (role and role not in roles):
        raise UnknownGroup(sector if sector and sector not in sectors else role)
    cells = {(c.sector, c.role_level): c for c in results.sector_roles}
    group = cells[(sector, role)] if sector and role else roles.get(role) or sectors.get(sector)

    def draw() -> dict:
        if not results.published or (group and group.suppressed):
            return {}
        charts = {"dimensions": figures.profile_figure(results, "dimensions", group),
                  "conditions": figures.profile_figure(results, "conditions", group),
                  "agencies": figures.agency_heatmap(results, sector or None)}
        if not group:
            charts.update(continuum=figures.continuum_figure(results), roster=figures.roster_matrix(results),
                          network=figures.network_figure(results), pair_levels=figures.pair_levels_figure(results),
                          role_levels=figures.role_levels_figure(results))
        return charts_of(charts)

    report = (content.build(results, guidance=catalog.of_round(round_).guidance,
                            said=report_service.said(round_)) if results.published else None)
    charts = kept_charts(("results", *release_key(results), sector, role), draw)
    return {"round": round_, "results": results, "report": report, "charts": charts, "group": group,
            "sector": sector, "role": role, "sectors": results.sectors, "roles": results.role_levels}
