"""Who was invited, who started, who submitted; which key sectors are missing."""
from __future__ import annotations

import pandas as pd

from ..vocabulary import KEY_SECTORS


def coverage(agencies: pd.DataFrame, participation: pd.DataFrame) -> dict:
    """`agencies`: slug, name, sector. `participation`: agency, invited, started, submitted."""
    table = agencies.merge(participation, how="left", left_on="slug", right_on="agency")
    for column in ("invited", "started", "submitted"):
        table[column] = table[column].fillna(0).astype(int)
    rows = [{"slug": r.slug, "name": r.name, "sector": r.sector, "invited": r.invited, "started": r.started,
             "submitted": r.submitted, "response_rate": r.submitted / r.invited if r.invited else None}
            for r in table.itertuples(index=False)]
    invited, started, submitted = (int(table[c].sum()) for c in ("invited", "started", "submitted"))
    answered_sectors = set(table.loc[table["submitted"] > 0, "sector"])
    return {
        "overall": {"invited": invited, "started": started, "submitted": submitted,
                    "response_rate": submitted / invited if invited else None},
        "agencies": rows,
        "missing_key_sectors": [s.value for s in KEY_SECTORS if s.value not in answered_sectors],
    }
