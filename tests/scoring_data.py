"""Small questionnaires and rounds for the scoring tests, written out by hand."""
import numpy as np
import pandas as pd
import yaml

from assessment.scoring import RoundData, score_round
from questionnaires import load_text

DK = "DK"


def small_questionnaire():
    return load_text(yaml.safe_dump(small_questionnaire_data()))


def small_questionnaire_data() -> dict:
    """Three items per dimension (the third reverse-coded), two trust items, and a roster."""
    likert = {"type": "likert", "scale": "agree"}
    items = []
    for d in ("information", "activities", "resources", "capacity"):
        items += [{**likert, "id": f"{d[:3]}1", "text": "x", "dimension": d},
                  {**likert, "id": f"{d[:3]}2", "text": "x", "dimension": d},
                  {**likert, "id": f"{d[:3]}3", "text": "x", "dimension": d, "reverse": True}]
    items += [{**likert, "id": "tru1", "text": "x", "condition": "trust"},
              {**likert, "id": "tru2", "text": "x", "condition": "trust"},
              {"id": "ros", "type": "roster", "scale": "rel", "text": "x"}]
    return {
        "id": "small", "version": 1, "title": "Small", "introduction": "x",
        "scales": {"agree": {"min": 1, "max": 5, "labels": {i: str(i) for i in range(1, 6)}},
                   "rel": {"min": 0, "max": 4, "labels": {i: str(i) for i in range(0, 5)}}},
        "dimensions": [{"id": d, "label": d, "description": d, "practices": ["p"]}
                       for d in ("information", "activities", "resources", "capacity")],
        "conditions": [{"id": "trust", "label": "Trust", "description": "t"}],
        "sections": [{"id": "all", "title": "All", "items": items}],
    }


def round_data(q, people, agencies=None, roster=None, min_group_size=3, participation=None):
    """`people`: list of (agency, role, {item: value or DK}); `roster`: list of (respondent index, target, value)."""
    if isinstance(agencies, pd.DataFrame):
        agency_frame = agencies
    else:
        slugs = agencies or sorted({p[0] for p in people})
        agency_frame = pd.DataFrame({"slug": slugs, "name": [a.title() for a in slugs],
                                     "sector": ["treatment"] * len(slugs)})
    respondents = pd.DataFrame({"respondent": range(1, len(people) + 1), "agency": [p[0] for p in people],
                                "role_level": [p[1] for p in people], "language": "en"})
    rows = [(n, item, np.nan if v == DK else float(v), v == DK)
            for n, (_, _, answers) in enumerate(people, start=1) for item, v in answers.items()]
    answers = pd.DataFrame(rows, columns=["respondent", "item", "value", "dont_know"])
    roster_rows = [(n, t, np.nan if v == DK else float(v), v == DK) for n, t, v in (roster or [])]
    roster_frame = pd.DataFrame(roster_rows, columns=["respondent", "target", "value", "dont_know"])
    if participation is None:
        counts = respondents.groupby(["agency", "role_level"]).size()
        participation = pd.DataFrame({"agency": counts.index.get_level_values(0),
                                      "role_level": counts.index.get_level_values(1), "invited": counts.values,
                                      "started": counts.values, "submitted": counts.values})
    return RoundData(questionnaire=q, agencies=agency_frame, respondents=respondents, answers=answers,
                     roster=roster_frame, participation=participation, min_group_size=min_group_size)


def uniform(q, value):
    """Every Likert item answered `value` as the respondent reads it (reverse items answered the mirror, so that
    every scored value is `value`)."""
    out = {}
    for item in q.items:
        if item.type == "likert":
            out[item.id] = 6 - value if item.reverse else value
    return out


def scored(data: RoundData) -> dict:
    """A round's results as the JSON contract gives them (what `flask scores` and the API print)."""
    return score_round(data).as_json()
