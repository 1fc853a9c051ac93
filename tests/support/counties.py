"""Jurisdictions at both ends of the size range, as frames for the pure scoring and report code: a small county of
four agencies (4, 3, 2 and 2 respondents, no law enforcement, court or defense) and a large one of 30 agencies and
about 900 respondents (several police departments of different districts among them). Each comes as two rounds a
year apart, with a roster and open answers, so that a report can be drawn with its comparison. Used by the tests
and by bench/report_sizes.py."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from assessment.scoring import RoundData
from questionnaires import DIRECTORY, load_file

#: name, sector, respondents, the agency's own level (1-5 as answered)
SMALL = [
    ("Lake County Probation", "community_supervision", 4, 3.4),
    ("Lakeside Counseling", "treatment", 3, 3.1),
    ("Lake County Victim Services", "victim_advocacy", 2, 2.6),
    ("Lake County Board", "policymaker", 2, 3.0),
]

LARGE_AGENCIES = [
    ("County Adult Probation", "community_supervision"), ("State Parole Region 3", "community_supervision"),
    ("Juvenile Probation", "community_supervision"), ("Harbor Treatment Associates", "treatment"),
    ("Valley Counseling Group", "treatment"), ("Northside Clinic", "treatment"),
    ("Victim Services Center", "victim_advocacy"), ("Rape Crisis Center", "victim_advocacy"),
    ("Family Shelter", "victim_advocacy"), ("County Sheriff's Office", "law_enforcement"),
    ("Harbor City Police Department", "law_enforcement"), ("North District Police Department", "law_enforcement"),
    ("East District Police Department", "law_enforcement"), ("West District Police Department", "law_enforcement"),
    ("South District Police Department", "law_enforcement"), ("State Police Troop B", "law_enforcement"),
    ("District Attorney's Office", "prosecution"), ("Attorney General's Sex Crimes Unit", "prosecution"),
    ("Circuit Court", "judiciary"), ("District Court", "judiciary"), ("Family Court", "judiciary"),
    ("Public Defender's Office", "defense"), ("Conflict Defender's Office", "defense"),
    ("County Jail", "institutional_corrections"), ("State Prison Reentry Unit", "institutional_corrections"),
    ("County Board of Commissioners", "policymaker"), ("Criminal Justice Council", "policymaker"),
    ("Housing Authority", "other"), ("Workforce Board", "other"), ("Sex Offender Registry Unit", "law_enforcement"),
]

#: The pairs of sectors that work closely (case by case, or probation with parole): their ties are stronger.
CLOSE = {frozenset(pair): level for pair, level in (
    (("community_supervision", "treatment"), 2.7), (("community_supervision", "law_enforcement"), 2.5),
    (("community_supervision", "victim_advocacy"), 2.3), (("community_supervision",), 2.2),
    (("law_enforcement", "prosecution"), 2.4), (("prosecution", "victim_advocacy"), 2.1))}

OPEN_ANSWERS = [
    "We only hear about violations when something has already gone wrong.",
    "Treatment reports arrive late and in different formats every time.",
    "The monthly staffing works well when everyone comes.",
    "Nobody told us the protocol had changed.",
    "Court dates move without notice to the advocates.",
    "Our staff turnover makes it hard to keep relationships going.",
    "We would share more if we knew what we are allowed to share.",
    "The new release form helped a great deal.",
    "Funding for polygraphs ran out in the spring.",
    "Meetings are at times line staff cannot attend.",
]


@dataclass(frozen=True)
class County:
    """Two rounds of one county, a year apart: `earlier` and `later` (RoundData), and the open answers of the
    later round (respondent -> text)."""

    name: str
    earlier: RoundData
    later: RoundData
    comments: dict[int, str]


def small_county(seed: int = 4) -> County:
    return _county("Lake County", [(n, s) for n, s, _, _ in SMALL], [size for _, _, size, _ in SMALL],
                   [level for *_, level in SMALL], seed, comments=19)


def large_county(people: int = 900, seed: int = 30) -> County:
    rng = np.random.default_rng(seed)
    weights = rng.lognormal(0, 0.9, len(LARGE_AGENCIES))
    sizes = [int(v) for v in np.maximum(3, np.round(weights / weights.sum() * people))]
    levels = list(rng.uniform(2.2, 4.2, len(LARGE_AGENCIES)))
    return _county("Harbor County", LARGE_AGENCIES, sizes, levels, seed, comments=60)


def _county(name: str, agencies: list[tuple[str, str]], sizes: list[int], levels: list[float], seed: int,
            comments: int) -> County:
    q = load_file(DIRECTORY / "collaboration_readiness.yaml")  # as the app serves it, without an app
    rng = np.random.default_rng(seed)
    slugs = [_slug(n) for n, _ in agencies]
    frame = pd.DataFrame({"slug": slugs, "name": [n for n, _ in agencies], "sector": [s for _, s in agencies]})
    base = {}
    for (a, (_, sa)) in zip(slugs, agencies):
        for (b, (_, sb)) in zip(slugs, agencies):
            if a < b:  # a pair's level, and each side's view of it a little apart
                centre = CLOSE.get(frozenset((sa, sb)), 0.8 if sa == sb else 1.5)
                base[frozenset((a, b))] = float(rng.normal(centre, 0.6))
    ties = {(a, b): float(np.clip(base[frozenset((a, b))] + rng.normal(0, 0.35), 0, 4))
            for a in slugs for b in slugs if a != b}
    earlier = _round(q, frame, slugs, sizes, [v - 0.25 for v in levels], ties, rng, start=1, seed=seed)
    later = _round(q, frame, slugs, sizes, levels, {k: v + 0.3 for k, v in ties.items()}, rng,
                   start=len(earlier.respondents) + 1, seed=seed + 1)
    ids = list(later.respondents["respondent"])
    chosen = rng.choice(len(ids), size=min(comments, len(ids)), replace=False)
    texts = {int(ids[i]): OPEN_ANSWERS[n % len(OPEN_ANSWERS)] for n, i in enumerate(chosen)}
    return County(name, earlier, later, texts)


def _round(q, frame: pd.DataFrame, slugs: list[str], sizes: list[int], levels: list[float],
           ties: dict[tuple[str, str], float], rng: np.random.Generator, start: int, seed: int) -> RoundData:
    likert = [i for i in q.items if i.type == "likert"]
    roster_item = q.roster_item
    respondents, answers, roster = [], [], []
    rid = start
    for slug, size, level in zip(slugs, sizes, levels):
        roles = rng.choice(["line_staff", "supervisor", "executive"], size=size, p=[0.6, 0.3, 0.1])
        for role in roles:
            respondents.append((rid, slug, role, "en"))
            view = rng.normal(level, 0.7)  # a person's own view, which their answers share
            for item in likert:
                if rng.random() < 0.05:
                    answers.append((rid, item.id, np.nan, True))
                    continue
                value = float(np.clip(round(rng.normal(view, 0.6)), 1, 5))
                answers.append((rid, item.id, 6 - value if item.reverse else value, False))
            if roster_item is not None:
                for target in slugs:
                    if target != slug and rng.random() < 0.85:
                        rating = float(np.clip(round(rng.normal(ties[(slug, target)], 0.7)), 0, 4))
                        roster.append((rid, target, rating, False))
            rid += 1
    people = pd.DataFrame(respondents, columns=["respondent", "agency", "role_level", "language"])
    counts = people.groupby(["agency", "role_level"]).size().rename("submitted").reset_index()
    counts["invited"] = (counts["submitted"] * 1.4).round().astype(int)
    counts["started"] = counts["submitted"]
    return RoundData(q, frame, people, pd.DataFrame(answers, columns=["respondent", "item", "value", "dont_know"]),
                     pd.DataFrame(roster, columns=["respondent", "target", "value", "dont_know"]), counts,
                     min_group_size=3, seed=seed)


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower().replace("'", "")).strip("-").replace("--", "-")


def scored(county: County):
    """The later round's published results (titled, as the service gives them) and its comparison with the
    earlier one, as the report takes them."""
    from dataclasses import replace

    from assessment.scoring import score_round
    from assessment.scoring.comparison import compare
    from assessment.scoring.results import RoundInfo, RoundRef

    earlier, later = score_round(county.earlier), score_round(county.later)
    q = county.later.questionnaire
    info = RoundInfo(id=2, title="Survey 2026", status="closed", questionnaire_id=q.id,
                     questionnaire_version=q.version, opens_at="2026-10-01", closes_at="2026-10-29")
    later = replace(later, round=info, jurisdiction=replace(later.jurisdiction, name=county.name))
    comparison = replace(compare(county.earlier, county.later, earlier, later),
                         earlier=RoundRef(1, "Survey 2025", q.version), later=RoundRef(2, "Survey 2026", q.version))
    return later, comparison
