"""Plotly figures built from the scoring results: the console's interactive charts, and the printed report's
(`PRINT`, at the bottom), drawn at print size with an alt text that states their values.

Every builder takes the typed results (and nothing from the database), returns a `go.Figure` with labelled axes,
and shows no figure of a suppressed group. Colours are ordered light to dark or carried by line width and dash,
so that charts survive greyscale printing and colour-blindness.
"""
from __future__ import annotations

import html
import textwrap
from typing import Optional

import plotly.graph_objects as go

from assessment.scoring.continuum import (
    CONCERN,
    CONCERN_BELOW,
    EMERGING,
    ESTABLISHED,
    ESTABLISHED_FROM,
    FRAGMENTED,
    LEVELS,
)
from assessment.scoring.network import PAIR_LEVELS
from assessment.scoring.results import Comparison, Group, Pair, Placement, RoundResults, TrendPoint
from assessment.vocabulary import Sector

from .words import score as printed
from .words import span_of

FONT = dict(family="DejaVu Sans, Arial, sans-serif", size=12, color="#1d2430")
INK, MID, PALE = "#1d2430", "#5b6b80", "#dfe5ec"
BAND_SHADES = ((CONCERN, 0, CONCERN_BELOW, "#f1f1f1"), (EMERGING, CONCERN_BELOW, ESTABLISHED_FROM, "#dedede"),
               (ESTABLISHED, ESTABLISHED_FROM, 100, "#c4c4c4"))
ROLE_STYLE = {"line_staff": ("#9ab3cf", ""), "supervisor": ("#4f77a3", "/"), "executive": ("#1d3557", ".")}
LAYOUT_SEED = 20001001


def _layout(fig: go.Figure, title: str, height: int = 360, **extra) -> go.Figure:
    fig.update_layout(title=dict(text=title, x=0, xanchor="left", font=dict(size=15)), font=FONT,
                      paper_bgcolor="white", plot_bgcolor="white", height=height, width=760,
                      margin=dict(l=10, r=20, t=60, b=50), **extra)
    return fig


def plain(text: str) -> str:
    """Text shown literally: plotly reads <b>, <br> and the like in labels as formatting, so escape them."""
    return html.escape(text, quote=False)


def wrapped(text: str, width: int = 16) -> str:
    """A long label broken over lines (plotly's <br>), each part shown literally."""
    return "<br>".join(plain(part) for part in textwrap.wrap(text, width)) or plain(text)


def labels(results: RoundResults, width: int = 0) -> dict[str, str]:
    return {c.id: wrapped(c.label, width) if width else plain(c.label) for c in results.constructs}


def shown(groups) -> list:
    return [g for g in groups if not g.suppressed]


def _marker_position(place: Placement) -> tuple[float, float]:
    position = ((FRAGMENTED,) + LEVELS).index(place.level)
    offset = 0.5 if place.qualifier is None else (0.3 if place.qualifier == EMERGING else 0.7)
    return position + offset, (position + 1 if position else 0.6) + 0.45


def continuum_figure(results: RoundResults, earlier: Placement | None = None, earlier_title: str = "") -> go.Figure:
    """The four levels as cumulative steps, the jurisdiction marked on its level (left half emerging, right half
    established), fragmented to the left of networking. With `earlier`, the earlier round (`earlier_title`) is
    marked too, as an open triangle."""
    j = results.jurisdiction.profile
    now = Placement(j.level, j.qualifier)
    fig = go.Figure()
    for k, name in enumerate((FRAGMENTED,) + LEVELS):
        shade = ["#f4f4f4", "#e3e8ee", "#c9d3de", "#9fb1c6", "#6f89a8"][k]
        fig.add_shape(type="rect", x0=k, x1=k + 1, y0=0, y1=k + 1 if k else 0.6, fillcolor=shade,
                      line=dict(color=INK, width=1))
        fig.add_annotation(x=k + 0.5, y=-0.35, text=name.capitalize(), showarrow=False, font=dict(size=12))
    if earlier is not None:
        x, y = _marker_position(earlier)
        fig.add_trace(go.Scatter(x=[x], y=[y], mode="markers+text", marker=dict(
            symbol="triangle-down-open", size=22, color=MID, line=dict(width=2)),
            text=[f"{plain(earlier_title)}: {earlier.placed}"], textposition="top center",
            textfont=dict(size=11, color=MID), hoverinfo="skip", showlegend=False))
    marker_x, marker_y = _marker_position(now)
    fig.add_trace(go.Scatter(x=[marker_x], y=[marker_y], mode="markers+text", marker=dict(
        symbol="triangle-down", size=22, color=INK), text=[now.placed if earlier is None else f"Now: {now.placed}"],
        textposition="top center", textfont=dict(size=13, color=INK), hoverinfo="skip", showlegend=False))
    fig.update_xaxes(range=[-0.05, 5.05], visible=False, title_text="Level on the continuum")
    fig.update_yaxes(range=[-0.7, 6.3], visible=False, title_text="Cumulative strategies")
    return _layout(fig, "Where the jurisdiction stands on the continuum", height=300)


def profile_figure(results: RoundResults, kind: str = "dimensions", group: Group | None = None) -> go.Figure:
    """Scores (the jurisdiction's agency-weighted ones, or those of a shown `group`) with the concern / emerging /
    established bands drawn behind the bars."""
    names = labels(results, width=22)
    figures = getattr((group or results.jurisdiction).profile, kind)
    ids = list(figures)[::-1]
    scores = [figures[c].score for c in ids]
    fig = go.Figure(go.Bar(
        x=[s if s is not None else 0 for s in scores], y=[names[c] for c in ids], orientation="h",
        marker=dict(color=INK), text=[printed(s) if s is not None else "no score" for s in scores],
        textposition="outside", cliponaxis=False, hovertemplate="%{y}: %{x:.1f}<extra></extra>", showlegend=False))
    for band, low, high, shade in BAND_SHADES:
        fig.add_vrect(x0=low, x1=high, fillcolor=shade, line_width=0, layer="below")
        fig.add_annotation(x=(low + high) / 2, y=1.0, yref="paper", yanchor="bottom", text=band, showarrow=False,
                           font=dict(size=11, color=MID))
    title = "Dimensions of the continuum" if kind == "dimensions" else "Conditions: trust, time, turf, leadership"
    if group is not None:
        title += f": {plain(group.label)}"
    axis = "Score (0-100, agency-weighted)" if group is None else "Score (0-100, mean of respondents)"
    fig.update_xaxes(range=[0, 105], title_text=axis, tickvals=[0, 25, 50, 75, 100])
    fig.update_yaxes(title_text="", automargin=True)
    return _layout(fig, title, height=90 + 40 * len(ids), bargap=0.3)


def agency_heatmap(results: RoundResults, sector: str | None = None) -> go.Figure:
    """Agencies (shown ones only, of one sector when given) by dimension; each cell carries its score as text."""
    names = labels(results, width=16)
    agencies = [a for a in results.shown_agencies() if sector is None or a.sector == sector]
    dims = [c.id for c in results.dimensions]
    z = [[a.profile.dimensions[d].score for d in dims] for a in agencies][::-1]
    text = [[printed(v) for v in row] for row in z]
    fig = go.Figure(go.Heatmap(
        z=z, x=[names[d] for d in dims], y=[plain(a.name) for a in agencies][::-1], zmin=0, zmax=100,
        colorscale="Cividis", text=text, texttemplate="%{text}", textfont=dict(size=12),
        colorbar=dict(title=dict(text="Score"), tickvals=[0, CONCERN_BELOW, ESTABLISHED_FROM, 100]),
        hovertemplate="%{y}<br>%{x}: %{z:.1f}<extra></extra>"))
    fig.update_xaxes(title_text="Dimension", side="bottom", tickangle=0)
    fig.update_yaxes(title_text="Agency", automargin=True)
    return _layout(fig, "Agencies by dimension", height=140 + 34 * max(len(agencies), 1))


def roster_matrix(results: RoundResults) -> go.Figure:
    """Directed ratings R(i->j): rows rate columns. Suppressed agencies appear in neither rows nor columns. The
    cells carry no numbers: the report prints the same matrix as a table beside it, and the console shows them
    on hover."""
    agencies = results.shown_agencies()
    name = {a.slug: plain(a.name) for a in agencies}
    raters = targets = [a.slug for a in agencies]
    rating = {(r.source, r.target): r.rating for r in results.directed}
    z = [[rating.get((i, j)) for j in targets] for i in raters][::-1]
    fig = go.Figure(go.Heatmap(
        z=z, x=[name[t] for t in targets], y=[name[r] for r in raters][::-1], zmin=0, zmax=4,
        colorscale="Cividis",
        colorbar=dict(title=dict(text="Rating"), tickvals=[0, 1, 2, 3, 4],
                      ticktext=["0 none", "1 networking", "2 coordination", "3 cooperation", "4 collaboration"]),
        hovertemplate="%{y} rates %{x}: %{z:.2f}<extra></extra>"))
    fig.update_xaxes(title_text="Agency rated", tickangle=-40, automargin=True)
    fig.update_yaxes(title_text="Agency rating", automargin=True)
    return _layout(fig, "How each agency rates its relationship with each other agency",
                   height=260 + 30 * max(len(raters), 1))


def visible_pairs(results: RoundResults) -> list[Pair]:
    """Pairs between agencies that are shown on their own."""
    slugs = {a.slug for a in results.shown_agencies()}
    return [p for p in results.pairs if p.a in slugs and p.b in slugs]


def network_layout(results: RoundResults) -> dict[str, tuple[float, float]]:
    import networkx as nx  # here: slow to import, and only these figures need it

    graph = nx.Graph()
    graph.add_nodes_from(a.slug for a in results.shown_agencies())
    graph.add_weighted_edges_from((p.a, p.b, p.level) for p in visible_pairs(results)
                                  if p.level is not None and p.level >= 1)
    return nx.spring_layout(graph, seed=LAYOUT_SEED, weight="weight")


def network_figure(results: RoundResults) -> go.Figure:
    """Agencies shown on their own, as nodes sized by weighted degree; ties at networking or above, styled by
    level (dash and width carry the level, so it reads in greyscale)."""
    positions = network_layout(results)
    raw_name = results.agency_names()
    degree = results.network.weighted_degree
    styles = {1: dict(width=1, dash="dot"), 2: dict(width=2, dash="dash"), 3: dict(width=3.5, dash="solid"),
              4: dict(width=6, dash="solid")}
    fig = go.Figure()
    for level, style in styles.items():
        xs, ys = [], []
        for p in visible_pairs(results):
            if p.level is not None and int(p.level) == level:
                (x0, y0), (x1, y1) = positions[p.a], positions[p.b]
                xs += [x0, x1, None]
                ys += [y0, y1, None]
        fig.add_trace(go.Scatter(x=xs or [None], y=ys or [None], mode="lines", hoverinfo="skip",
                                 line=dict(color=MID if level < 3 else INK, **style),
                                 name=PAIR_LEVELS[level].capitalize()))
    top = max([d for d in degree.values() if d is not None] or [1]) or 1
    slugs = list(positions)
    fig.add_trace(go.Scatter(
        x=[positions[s][0] for s in slugs], y=[positions[s][1] for s in slugs], mode="markers+text",
        marker=dict(size=[14 + 26 * (degree.get(s) or 0) / top for s in slugs], color="white",
                    line=dict(color=INK, width=2)),
        text=[wrapped(raw_name[s], 22) for s in slugs],
        textposition="bottom center", textfont=dict(size=10),
        hovertemplate="%{text}<extra></extra>", name="Agency (size: weighted degree)"))
    xs = [p[0] for p in positions.values()] or [0]
    ys = [p[1] for p in positions.values()] or [0]
    fig.update_xaxes(visible=False, title_text="Layout position", range=[min(xs) - 0.35, max(xs) + 0.35])
    fig.update_yaxes(visible=False, title_text="Layout position", range=[min(ys) - 0.3, max(ys) + 0.15])
    return _layout(fig, "Network map: ties at networking or above", height=520,
                   legend=dict(orientation="h", y=-0.05, x=0))


def pair_levels_figure(results: RoundResults) -> go.Figure:
    share = results.network.share_at_level
    keys = ["unrated", *PAIR_LEVELS]
    values = [100 * (share[k] or 0) for k in keys]
    fig = go.Figure(go.Bar(x=[k.capitalize() for k in keys], y=values, marker=dict(color=INK),
                           text=[f"{v:.0f}%" for v in values], textposition="outside", cliponaxis=False,
                           hovertemplate="%{x}: %{y:.1f}%<extra></extra>"))
    fig.update_xaxes(title_text="Pair level (mean of both agencies' ratings)")
    fig.update_yaxes(title_text="Share of agency pairs (%)", range=[0, max(values + [10]) * 1.2])
    return _layout(fig, "Share of agency pairs at each level", height=330)


def role_levels_figure(results: RoundResults) -> go.Figure:
    """Dimension scores by role level, side by side; suppressed role levels are left out."""
    names = labels(results, width=16)
    dims = [c.id for c in results.dimensions]
    fig = go.Figure()
    for group in shown(results.role_levels):
        colour, pattern = ROLE_STYLE.get(group.id, (MID, ""))
        scores = [group.profile.dimensions[d].score for d in dims]
        fig.add_trace(go.Bar(name=plain(group.label), x=[names[d] for d in dims], y=scores,
                             marker=dict(color=colour, pattern=dict(shape=pattern, fgcolor="white"),
                                         line=dict(color=INK, width=1)),
                             text=[printed(s) if s is not None else "" for s in scores], textposition="outside",
                             cliponaxis=False, hovertemplate="%{x}: %{y:.1f}<extra>" + plain(group.label) + "</extra>"))
    fig.update_xaxes(title_text="Dimension", tickangle=0)
    fig.update_yaxes(title_text="Score (0-100)", range=[0, 110])
    return _layout(fig, "Dimensions by role level", height=400, barmode="group",
                   legend=dict(orientation="h", y=1.0, yanchor="bottom", x=1, xanchor="right"))


def change_figures(results: RoundResults, comparison: Comparison) -> dict[str, go.Figure]:
    """For a comparison: the level movement on the continuum, a slope chart (earlier to later) and the change
    with its 95% interval, per dimension."""
    names = labels(results, width=22)
    movement = continuum_figure(results, comparison.level_earlier, comparison.earlier.title)
    movement.update_layout(title_text="Level movement on the continuum")
    dims = list(comparison.dimensions)
    changes = comparison.dimensions
    earlier, later = comparison.earlier.title, comparison.later.title
    slope = go.Figure()
    for d in dims[::-1]:
        f = changes[d]
        slope.add_trace(go.Scatter(x=[f.earlier, f.later], y=[names[d], names[d]], mode="lines+markers",
                                   marker=dict(symbol=["circle-open", "circle"], size=12, color=INK),
                                   line=dict(color=MID, width=2), showlegend=False,
                                   hovertemplate="%{y}: %{x:.1f}<extra></extra>"))
    for _band, low, high, shade in BAND_SHADES:
        slope.add_vrect(x0=low, x1=high, fillcolor=shade, line_width=0, layer="below")
    slope.update_xaxes(range=[0, 100], title_text=f"Score: {plain(earlier)} (open) to {plain(later)} (filled)",
                       tickvals=[0, 25, CONCERN_BELOW, ESTABLISHED_FROM, 100])
    slope.update_yaxes(title_text="", automargin=True)
    _layout(slope, "Dimensions then and now", height=90 + 45 * len(dims))

    change = go.Figure(go.Scatter(
        x=[changes[d].change for d in dims][::-1], y=[names[d] for d in dims][::-1],
        mode="markers", marker=dict(size=11, color=INK),
        error_x=dict(type="data", symmetric=False, color=MID, thickness=2,
                     array=[_reach(changes[d].change, changes[d].ci_high) for d in dims][::-1],
                     arrayminus=[_reach(changes[d].ci_low, changes[d].change) for d in dims][::-1]),
        hovertemplate="%{y}: %{x:+.1f}<extra></extra>", showlegend=False))
    change.add_vline(x=0, line=dict(color=INK, width=1, dash="dot"))
    change.update_xaxes(title_text="Change in score, with 95% interval (bootstrap; none below 10 scores)",
                        zeroline=False)
    change.update_yaxes(title_text="", automargin=True)
    _layout(change, "Change since the earlier round", height=90 + 45 * len(dims))
    built = {"movement": movement, "slope": slope, "change": change}
    if comparison.trend:
        built["trend"] = trend_figure(results, comparison.trend)
    return built


def _reach(low: Optional[float], high: Optional[float]) -> float:
    """An error bar's length from `low` to `high`: none where the change has no interval (too few scores)."""
    return 0.0 if low is None or high is None else high - low


DASHES = ("solid", "dash", "dot", "dashdot")
SYMBOLS = ("circle", "square", "diamond", "triangle-up")


def trend_figure(results: RoundResults, trend: tuple[TrendPoint, ...]) -> go.Figure:
    """Each dimension's agency-weighted score across the closed rounds; dash and marker tell the lines apart."""
    names = labels(results)
    fig = go.Figure()
    rounds = [plain(r.title) for r in trend]
    for k, d in enumerate(trend[0].dimensions):
        fig.add_trace(go.Scatter(x=rounds, y=[r.dimensions[d] for r in trend], mode="lines+markers",
                                 name=names[d], line=dict(color=INK, dash=DASHES[k % 4], width=2),
                                 marker=dict(symbol=SYMBOLS[k % 4], size=9, color=INK),
                                 hovertemplate="%{x}: %{y:.1f}<extra>" + names[d] + "</extra>"))
    for _band, low, high, shade in BAND_SHADES:
        fig.add_hrect(y0=low, y1=high, fillcolor=shade, line_width=0, layer="below")
    fig.update_xaxes(title_text="Round")
    fig.update_yaxes(title_text="Score (0-100, agency-weighted)", range=[0, 100])
    return _layout(fig, "Trend across the closed rounds", height=380, legend=dict(orientation="h", y=-0.25, x=0))


# --- the printed report's charts ------------------------------------------------------------------------------
# Drawn at the size they print (the width of an A4 text block, 174 mm at 96 px to the inch) with 12 px (9 pt)
# text, without titles (the report gives each a caption), each with an alt text that states its values.

PRINT_WIDTH = 656
PRINT_FONT = dict(FONT, size=12)
ROW = 16
DIVERGING = {  # answer (after reverse-coding: 5 is the most favourable) -> colour; lightness-ordered from 3 out
    1: "#7f3b08", 2: "#e0a872", 3: "#d9d9d9", 4: "#7fa6c9", 5: "#1d3557"}
ANSWER_WORDS = {1: "strongly unfavourable", 2: "unfavourable", 3: "neutral", 4: "favourable",
                5: "strongly favourable"}


def for_print(fig: go.Figure, height: int, left: int = 10, bottom: int = 45, top: int = 28,
              rows: int = 0) -> go.Figure:
    """The figure drawn at print width with print-size text; `rows` categories read top down, without padding."""
    if rows:
        fig.update_yaxes(autorange=False, range=[rows - 0.5, -0.5])
    fig.update_layout(title=None, width=PRINT_WIDTH, height=height, font=PRINT_FONT, paper_bgcolor="white",
                      plot_bgcolor="white", margin=dict(l=left, r=24, t=top, b=bottom))
    fig.update_xaxes(showgrid=False, ticks="outside", ticklen=4, linecolor=MID, showline=True)
    fig.update_yaxes(showgrid=False, ticks="")
    return fig


def _labels(fig: go.Figure, xs: list, ys: list, texts: list, position: str = "middle right") -> None:
    """Value labels beside bars or dots, as one text trace (far quicker to build than an annotation each)."""
    fig.add_trace(go.Scatter(x=xs, y=ys, text=texts, mode="text", textposition=position, cliponaxis=False,
                             textfont=dict(size=12, color=INK), hoverinfo="skip", showlegend=False))


def _bands(fig: go.Figure, labels: bool = True) -> None:
    for band, low, high, shade in BAND_SHADES:
        fig.add_vrect(x0=low, x1=high, fillcolor=shade, line_width=0, layer="below")
        if labels:
            fig.add_annotation(x=(low + high) / 2, y=1.0, yref="paper", yanchor="bottom", text=band,
                               showarrow=False, font=dict(size=12, color=MID))


def _span(interval) -> str:
    if interval is None or interval.low is None or interval.high is None:
        return "no interval"
    return f"95% interval {span_of(interval.low, interval.high)}"


def standing_figure(results: RoundResults) -> go.Figure:
    """The brief's chart: each dimension and the readiness index as a dot with its 95% interval, on the bands."""
    j = results.jurisdiction
    rows = [(plain(d.label), j.profile.dimensions[d.id].score, j.intervals.get(d.id)) for d in results.dimensions]
    rows.append(("<b>Readiness index</b>", j.profile.readiness_index, j.readiness_interval))
    names = [r[0] for r in rows]
    scores = [r[1] for r in rows]
    lows = [s - i.low if s is not None and i and i.low is not None else 0 for _, s, i in rows]
    highs = [i.high - s if s is not None and i and i.high is not None else 0 for _, s, i in rows]
    fig = go.Figure(go.Scatter(
        x=scores, y=names, mode="markers", marker=dict(size=11, color=INK, symbol="diamond"),
        error_x=dict(type="data", symmetric=False, array=highs, arrayminus=lows, color=INK, thickness=2, width=6),
        hoverinfo="skip", showlegend=False))
    shown = [(name, value, interval.high if interval and interval.high is not None else value)
             for name, value, interval in rows if value is not None]
    _labels(fig, [right + 1 for _, _, right in shown], [name for name, _, _ in shown],
            [printed(value) for _, value, _ in shown])
    _bands(fig)
    fig.update_xaxes(range=[0, 100], tickvals=[0, 25, CONCERN_BELOW, ESTABLISHED_FROM, 100],
                     title_text="Score (0-100), with its 95% interval")
    fig.update_yaxes(autorange="reversed", automargin=True, title_text="")
    return for_print(fig, height=int(ROW * 1.5 * len(rows)) + 68, rows=len(rows))


def standing_alt(results: RoundResults) -> str:
    j = results.jurisdiction
    parts = [f"{d.label} {printed(j.profile.dimensions[d.id].score)} ({_span(j.intervals.get(d.id))})"
             for d in results.dimensions if j.profile.dimensions[d.id].score is not None]
    index = j.profile.readiness_index
    if index is not None:
        parts.append(f"readiness index {printed(index)} ({_span(j.readiness_interval)})")
    return ("Dot chart of each dimension's score and the readiness index, with 95% intervals, against the concern "
            "(below 50), emerging and established (75 and above) bands: " + "; ".join(parts) + ".")


def factor_figure(results: RoundResults, kind: str = "dimensions") -> go.Figure:
    """Wilder-style factor bars: each dimension (or condition) with its 95% interval, its items nested beneath
    (reverse-coded, so that longer is better everywhere), on the bands."""
    j = results.jurisdiction
    constructs = results.dimensions if kind == "dimensions" else results.conditions
    names, values, colours, widths, lows, highs = [], [], [], [], [], []
    for c in constructs:
        figures = j.profile.figures(c.id)
        interval = j.intervals.get(c.id)
        names.append(f"<b>{plain(c.label)}</b> (n {figures.n})")
        values.append(figures.score)
        colours.append(INK)
        widths.append(0.8)
        lows.append(figures.score - interval.low if figures.score is not None and interval and interval.low is not None
                    else 0)
        highs.append(interval.high - figures.score if figures.score is not None and interval
                     and interval.high is not None else 0)
        for item in (i for i in results.items if i.construct == c.id):
            label = plain(item.short) + (" (reversed)" if item.reverse else "")
            names.append(label if not item.suppressed
                         else f"{label} (fewer than {results.min_group_size} answers)")
            values.append(item.score)
            colours.append("#8696ab")
            widths.append(0.55)
            lows.append(0)
            highs.append(0)
    fig = go.Figure(go.Bar(
        x=[v if v is not None else 0 for v in values], y=names, orientation="h", width=widths,
        marker=dict(color=colours), hoverinfo="skip", showlegend=False))
    whiskers = [k for k, h in enumerate(highs) if h or lows[k]]
    fig.add_trace(go.Scatter(
        x=[values[k] for k in whiskers], y=[names[k] for k in whiskers], mode="markers",
        marker=dict(size=1, color=INK), hoverinfo="skip", showlegend=False,
        error_x=dict(type="data", symmetric=False, array=[highs[k] for k in whiskers],
                     arrayminus=[lows[k] for k in whiskers], color=INK, thickness=1.5, width=4)))
    shown = [(name, value, high) for name, value, high in zip(names, values, highs) if value is not None]
    _labels(fig, [value + high + 1 for _, value, high in shown], [name for name, _, _ in shown],
            [printed(value) for _, value, _ in shown])
    _bands(fig)
    fig.update_xaxes(range=[0, 100], tickvals=[0, 25, CONCERN_BELOW, ESTABLISHED_FROM, 100],
                     title_text="Score (0-100)")
    fig.update_yaxes(autorange="reversed", automargin=True, title_text="")
    return for_print(fig, height=ROW * len(names) + 75, bottom=40, rows=len(names))


def factor_alt(results: RoundResults, kind: str = "dimensions") -> str:
    """A summary: each construct's score with its lowest and highest item; the tables beside give every figure."""
    j = results.jurisdiction
    constructs = results.dimensions if kind == "dimensions" else results.conditions
    parts = []
    for c in constructs:
        figures = j.profile.figures(c.id)
        value = printed(figures.score) if figures.score is not None else "no score"
        scored = sorted((i for i in results.items if i.construct == c.id and i.score is not None),
                        key=lambda i: (i.score, i.id))
        extremes = f", items from {printed(scored[0].score)} to {printed(scored[-1].score)}" if scored else ""
        parts.append(f"{c.label} {value}{extremes}")
    return (f"Bar chart of each {kind[:-1]}'s score with its items beneath: " + "; ".join(parts)
            + ". The table below and the appendix give every figure.")


def _favourable(item) -> dict[int, float]:
    """An item's answers as shares of those who answered, turned so that 5 is the most favourable."""
    counts = {int(k): v for k, v in item.distribution.items()}
    total = sum(counts.values()) or 1
    return {(6 - k if item.reverse else k): 100 * v / total for k, v in counts.items()}


def answers_figure(results: RoundResults) -> go.Figure:
    """Diverging stacked bars: each item's answers, unfavourable to the left of the centre line and favourable to
    the right (reverse-coded items turned), neutral split across it; grouped by dimension and condition."""
    rows, shares = [], []
    for c in results.constructs:
        rows.append(f"<b>{plain(c.label)}</b>")
        shares.append(None)
        for item in (i for i in results.items if i.construct == c.id):
            label = plain(item.short) + (" (reversed)" if item.reverse else "")
            if item.distribution is None:
                rows.append(f"{label} (fewer than {results.min_group_size} answers)")
                shares.append(None)
            else:
                rows.append(label)
                shares.append(_favourable(item))
    fig = go.Figure()
    parts = [(3, -0.5), (2, -1), (1, -1), (3, 0.5), (4, 1), (5, 1)]
    for answer, sign in parts:
        fig.add_trace(go.Bar(
            y=rows, x=[sign * s[answer] if s else 0 for s in shares], orientation="h", hoverinfo="skip",
            marker=dict(color=DIVERGING[answer], line=dict(color="white", width=0.5)),
            name=ANSWER_WORDS[answer].capitalize()))
    answered = [(row, s) for row, s in zip(rows, shares) if s]
    _labels(fig, [-(s[1] + s[2] + s[3] / 2) - 1 for _, s in answered], [row for row, _ in answered],
            [f"{s[1] + s[2]:.0f}%" for _, s in answered], "middle left")
    _labels(fig, [s[4] + s[5] + s[3] / 2 + 1 for _, s in answered], [row for row, _ in answered],
            [f"{s[4] + s[5]:.0f}%" for _, s in answered])
    fig.add_vline(x=0, line=dict(color=INK, width=1))
    fig.update_xaxes(range=[-115, 115], tickvals=[-100, -50, 0, 50, 100],
                     ticktext=["100%", "50%", "0", "50%", "100%"], title_text="Share of those who answered")
    fig.update_yaxes(autorange="reversed", automargin=True, title_text="")
    fig.update_layout(barmode="relative", bargap=0.25, showlegend=False)
    return for_print(fig, height=ROW * len(rows) + 55, top=10, rows=len(rows))


def answers_alt(results: RoundResults) -> str:
    """A summary: how many items lean favourable, and the least and most favourable; the appendix gives each."""
    shares = [(item, _favourable(item)) for item in results.items if item.distribution is not None]
    if not shares:
        return "Diverging bar chart of the answers to each item: no item has enough answers to show."
    leaning = sum(1 for _, s in shares if s[4] + s[5] > s[1] + s[2])
    least = min(shares, key=lambda p: (p[1][4] + p[1][5], p[0].id))
    most = max(shares, key=lambda p: (p[1][4] + p[1][5], p[0].id))
    return (f"Diverging bar chart of the answers to each of {len(shares)} items, unfavourable to the left and "
            f"favourable to the right. {leaning} lean favourable. Least favourable: {least[0].short} "
            f"({least[1][4] + least[1][5]:.0f}% favourable); most: {most[0].short} "
            f"({most[1][4] + most[1][5]:.0f}%). The appendix gives every item's figures.")


def received_figure(results: RoundResults) -> go.Figure:
    """PARTNER's scores received: the mean rating the other agencies give each agency shown on its own, 0-4."""
    received = results.network.received
    agencies = sorted(results.shown_agencies(), key=lambda a: (-(received[a.slug].rating or 0), a.name))
    names = [f"{plain(a.name)} ({received[a.slug].raters})" for a in agencies]
    values = [received[a.slug].rating for a in agencies]
    fig = go.Figure(go.Bar(x=[v or 0 for v in values], y=names, orientation="h", marker=dict(color=INK),
                           width=0.6, hoverinfo="skip", showlegend=False,
                           text=[f"{v:.1f}" if v is not None else "not rated" for v in values],
                           textposition="outside", cliponaxis=False))
    fig.update_xaxes(range=[0, 4.05], tickvals=[0, 1, 2, 3, 4], title_text="Mean rating received (0-4)")
    fig.update_yaxes(autorange="reversed", automargin=True, title_text="")
    return for_print(fig, height=int(ROW * 1.6 * len(names)) + 55, top=10, bottom=40, rows=len(names))


def received_alt(results: RoundResults) -> str:
    received = results.network.received
    parts = [f"{a.name} {received[a.slug].rating:.1f} from {received[a.slug].raters} agencies"
             if received[a.slug].rating is not None else f"{a.name} not rated"
             for a in results.shown_agencies()]
    return "Bar chart of the mean rating (0 to 4) the other agencies give each agency: " + "; ".join(parts) + "."


#: Beyond this many agencies shown on their own, the report draws the roster as a network map (and a table of the
#: ratings each agency gives each sector) instead of an agency-by-agency matrix, whose columns would not fit.
MATRIX_MAX = 12
#: A marker shape per sector, so that the map reads in greyscale (the fill carries the sector too).
SECTOR_SYMBOLS = {"community_supervision": "circle", "treatment": "square", "victim_advocacy": "diamond",
                  "law_enforcement": "triangle-up", "prosecution": "triangle-down", "judiciary": "pentagon",
                  "defense": "hexagon", "institutional_corrections": "star", "policymaker": "cross", "other": "x"}
SECTOR_FILLS = {"community_supervision": "#1d3557", "treatment": "#5f7ea3", "victim_advocacy": "#9fb3ca",
                "law_enforcement": "white", "prosecution": "#cdd8e5", "judiciary": "#1d2430", "defense": "#6b7480",
                "institutional_corrections": "#dfe5ec", "policymaker": "#4f6d92", "other": "white"}


def network_print_figure(results: RoundResults) -> go.Figure:
    """PARTNER's network map, for print: each agency shown on its own a node, its shape and fill its sector, its
    size its score received (the mean rating the others give it); a line for each pair at coordination or above,
    wider for a higher level (cooperation and collaboration solid, coordination dashed), laid out by a
    force-directed layout (networkx, seeded) that pulls close the agencies that work together."""
    import networkx as nx  # here: slow to import, and only these figures need it

    shown = results.shown_agencies()
    slugs = {a.slug for a in shown}
    pairs = [p for p in results.pairs if p.a in slugs and p.b in slugs and p.level is not None and p.level >= 2]
    if len(pairs) > 2.5 * len(slugs):  # too many lines to read: cooperation and above only
        pairs = [p for p in pairs if p.level >= 3]
    graph = nx.Graph()
    graph.add_nodes_from(sorted(slugs))
    graph.add_weighted_edges_from((p.a, p.b, p.level) for p in pairs)
    positions = nx.spring_layout(graph, seed=LAYOUT_SEED, weight="weight", k=1.6 / max(len(slugs), 1) ** 0.5)
    fig = go.Figure()
    for level, style in ((2, dict(width=0.8, dash="dash", color=MID)), (3, dict(width=1.6, color=MID)),
                         (4, dict(width=3, color=INK))):
        xs, ys = [], []
        for p in pairs:
            if min(4, int(p.level)) == level:
                (x0, y0), (x1, y1) = positions[p.a], positions[p.b]
                xs += [x0, x1, None]
                ys += [y0, y1, None]
        fig.add_trace(go.Scatter(x=xs or [None], y=ys or [None], mode="lines", line=style, hoverinfo="skip",
                                 name=PAIR_LEVELS[level].capitalize()))
    received = results.network.received
    for sector in SECTOR_SYMBOLS:
        mine = [a for a in shown if a.sector == sector]
        if not mine:
            continue
        fig.add_trace(go.Scatter(
            x=[positions[a.slug][0] for a in mine], y=[positions[a.slug][1] for a in mine], mode="markers+text",
            marker=dict(symbol=SECTOR_SYMBOLS[sector], color=SECTOR_FILLS[sector], line=dict(color=INK, width=1.2),
                        size=[9 + 5 * (received[a.slug].rating or 0) for a in mine]),
            text=[wrapped(plain(a.name), 18) for a in mine], textposition="bottom center",
            textfont=dict(size=9, color=INK), cliponaxis=False, hoverinfo="skip",
            name=Sector(sector).label))
    xs = [v[0] for v in positions.values()] or [0]
    ys = [v[1] for v in positions.values()] or [0]
    fig.update_xaxes(visible=False, range=[min(xs) - 0.12, max(xs) + 0.12])
    fig.update_yaxes(visible=False, range=[min(ys) - 0.16, max(ys) + 0.08])
    fig = for_print(fig, height=640, bottom=10, top=10)
    fig.update_layout(legend=dict(orientation="h", y=-0.02, x=0, yanchor="top", font=dict(size=10)),
                      margin=dict(b=90))
    return fig


def network_alt(results: RoundResults) -> str:
    shown = results.shown_agencies()
    slugs = {a.slug for a in shown}
    ties = sum(1 for p in results.pairs if p.a in slugs and p.b in slugs and p.level is not None and p.level >= 2)
    received = results.network.received
    top = sorted(shown, key=lambda a: (-(received[a.slug].rating or 0), a.name))[:3]
    return (f"Network map of the {len(shown)} agencies shown on their own, {ties} pairs at coordination or above. "
            f"Seen most highly by the others: " + ", ".join(f"{a.name} ({received[a.slug].rating:.1f})" for a in top
                                                          if received[a.slug].rating is not None)
            + ". The table of ratings given to each sector, after the map, holds the figures.")


#: The printed report's charts: name -> (builder, alt text), in the order they appear.
PRINT = {
    "standing": (standing_figure, standing_alt),
    "dimensions": (lambda r: factor_figure(r, "dimensions"), lambda r: factor_alt(r, "dimensions")),
    "conditions": (lambda r: factor_figure(r, "conditions"), lambda r: factor_alt(r, "conditions")),
    "answers": (answers_figure, answers_alt),
    "received": (received_figure, received_alt),
    "network": (network_print_figure, network_alt),
}


def print_figures(results: RoundResults) -> tuple[dict[str, go.Figure], dict[str, str]]:
    """The printed report's figures and their alt texts, by name: the network map only beyond `MATRIX_MAX`
    agencies shown on their own (below it, the report prints the matrix)."""
    names = list(PRINT)
    if results.network is None or not results.shown_agencies():
        names = [n for n in names if n not in ("received", "network")]
    elif len(results.shown_agencies()) <= MATRIX_MAX:
        names.remove("network")
    else:
        names.remove("received")  # the map sizes each agency by it, and the table beside it gives it
    return {n: PRINT[n][0](results) for n in names}, {n: PRINT[n][1](results) for n in names}
