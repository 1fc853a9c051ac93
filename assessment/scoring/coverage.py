"""Who was invited, who started, who submitted; which key sectors are missing."""
from __future__ import annotations

import pandas as pd

from ..vocabulary import KEY_SECTORS, RoleLevel
from .results import Coverage, CoverageAgency, CoverageRole, CoverageTotals

COUNTS = ["invited", "started", "submitted"]


def _rate(row) -> float | None:
    return row["submitted"] / row["invited"] if row["invited"] else None


def coverage(agencies: pd.DataFrame, participation: pd.DataFrame, min_group_size: int) -> Coverage:
    """`agencies`: slug, name, sector. `participation`: agency, role_level, invited, started, submitted (one row
    per agency and role level; missing rows count as zero)."""
    counts = participation.groupby("agency")[COUNTS].sum()
    table = agencies.set_index("slug").join(counts).fillna({c: 0 for c in COUNTS})
    table[COUNTS] = table[COUNTS].astype(int)
    rows = tuple(CoverageAgency(slug=slug, name=r["name"], sector=r["sector"], **{c: int(r[c]) for c in COUNTS},
                                response_rate=_rate(r), drafts=int(r["started"] - r["submitted"]),
                                below_minimum=bool(0 < r["submitted"] < min_group_size))
                 for slug, r in table.iterrows())
    roles = participation.groupby("role_level")[COUNTS].sum()
    role_rows = []
    for role in RoleLevel:
        r = roles.loc[role.value] if role.value in roles.index else pd.Series({c: 0 for c in COUNTS})
        role_rows.append(CoverageRole(id=role.value, label=role.label, **{c: int(r[c]) for c in COUNTS},
                                      response_rate=_rate(r)))
    totals = {c: int(table[c].sum()) for c in COUNTS}
    answered_sectors = set(table.loc[table["submitted"] > 0, "sector"])
    return Coverage(
        overall=CoverageTotals(**totals, response_rate=_rate(totals), drafts=totals["started"] - totals["submitted"]),
        agencies=rows, role_levels=tuple(role_rows),
        missing_key_sectors=tuple(s.value for s in KEY_SECTORS if s.value not in answered_sectors))
