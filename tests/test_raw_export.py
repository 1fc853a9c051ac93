"""The raw export is an anonymised file, proven so: no tell in the data, an order that cannot be undone without
the app's secret, open answers in a file of their own, and no row that the published results let anyone put in
a group smaller than the round's minimum (checked by the integer program of tests/raw_file_attack.py)."""
import csv
import hashlib
import io

import pytest
from sqlalchemy import select

from assessment.db import db
from assessment.models import Response
from tests.raw_file_attack import pinned_roles, read_wide, self_rating_tells
from tests.support.history import History
from tests.test_release_history import AGENCIES, ROUND

ROLES = ["line_staff", "supervisor", "executive"]


@pytest.fixture
def closed(app, client):
    h = History(client, "Raw County", AGENCIES, 3, seed=5)
    for n, (agency, role) in enumerate(ROUND):
        h.submit(agency, role)
    h.close()
    h.published = h.look()
    return h


def wide(h) -> str:
    response = h.client.get(f"/console/rounds/{h.round.id}/export/responses-wide.csv?confirmed=yes")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def atom_sizes(h) -> dict[tuple[str, str], int]:
    sizes = {}
    for p in h.people:
        sizes[(p.agency, p.role)] = sizes.get((p.agency, p.role), 0) + 1
    return sizes


def test_no_row_is_put_back_in_a_small_group(closed):
    """The integer program looks for role levels for the rows that have none, meeting the published role-level
    and sector x role level figures; no row is pinned to an agency's role level that holds fewer than k."""
    h = closed
    rows = read_wide(wide(h), h.q)
    assert rows, "the file holds rows"
    sizes = atom_sizes(h)
    labelled = {(r.agency, r.role) for r in rows if r.role}
    for label in labelled:
        assert sum(1 for r in rows if (r.agency, r.role) == label) >= 3
    pinned = pinned_roles(rows, h.published, ROLES)
    exposed = [(rows[p].agency, role) for p, role in pinned.items()
               if rows[p].agency in dict(AGENCIES) and sizes.get((rows[p].agency, role), 0) < 3]
    assert exposed == [], exposed


def test_no_roster_blank_names_an_agency(closed):
    rows = read_wide(wide(closed), closed.q)
    assert self_rating_tells(rows, list(AGENCIES)) == []


def test_the_order_cannot_be_undone_without_the_secret(closed):
    """Rows are not in the order of a hash anyone can compute from the round and the responses' ids."""
    h = closed
    text = wide(h)
    rows = list(csv.DictReader(io.StringIO(text)))
    likert = [i.id for i in h.q.items if i.type == "likert"]
    stored = db.session.scalars(select(Response).where(Response.round_id == h.round.id)).all()
    by_answers = {}
    for response in stored:
        values = {a.item_id: a.value for a in response.answers}
        by_answers[tuple(values.get(i) for i in likert)] = response.id
    ids = [by_answers.get(tuple(float(r[i]) if r[i] not in ("", "DK") else None for i in likert)) for r in rows]
    assert None not in ids
    public = [hashlib.sha256(f"{h.round.id}:{i}".encode()).hexdigest() for i in ids]
    labels = [(r["agency"], r["role_level"]) for r in rows]
    in_public_order = all(labels[n] != labels[n + 1] or public[n] <= public[n + 1] for n in range(len(rows) - 1))
    assert not in_public_order
    assert ids != sorted(ids)


def test_open_answers_are_a_file_of_their_own(closed):
    h = closed
    header = next(csv.reader(io.StringIO(wide(h))))
    open_items = [i.id for i in h.q.items if i.type == "text"]
    assert not set(open_items) & set(header)
    response = h.client.get(f"/console/rounds/{h.round.id}/export/open-answers.csv?confirmed=yes")
    assert response.status_code == 200
    answers = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert set(answers[0]) == {"question", "answer"}
    assert {a["question"] for a in answers} <= set(open_items)


def test_those_left_out_are_none_or_twenty_where_the_jurisdiction_shows_its_sd(closed):
    """The jurisdiction's SD gives the sum of the squares of every score; less the squares of the rows in the file,
    that of those left out: three left out would be three scores as a set. So where the SD is shown, those left
    out on each construct are none or at least 20."""
    h = closed
    jurisdiction = {**h.published["jurisdiction"]["dimensions"], **h.published["jurisdiction"]["conditions"]}
    assert all(f["sd"] is not None for f in jurisdiction.values())  # 24 scores: the SD is shown
    rows = read_wide(wide(h), h.q)
    for construct, f in jurisdiction.items():
        left = f["n"] - sum(1 for r in rows if construct in r.scores)
        assert left == 0 or left >= 20, (construct, left)


def test_spss_stata_and_r_files_hold_the_same_rows_with_their_labels(closed, tmp_path):
    """The files for statistics programs carry exactly the wide CSV's rows (the anonymised file), with the question
    as each variable's label, every code's label and "don't know" as a missing value of its own."""
    import zipfile

    import pyreadstat

    h = closed
    rows = list(csv.DictReader(io.StringIO(wide(h))))
    files = {}
    for fmt in ("sav", "dta", "r"):
        got = h.client.get(f"/console/rounds/{h.round.id}/export/responses.{fmt}?confirmed=yes")
        assert got.status_code == 200, fmt
        files[fmt] = tmp_path / f"data.{'zip' if fmt == 'r' else fmt}"
        files[fmt].write_bytes(got.data)
    sav, sav_meta = pyreadstat.read_sav(str(files["sav"]), user_missing=True)
    dta, dta_meta = pyreadstat.read_dta(str(files["dta"]), user_missing=True)
    assert len(sav) == len(dta) == len(rows) > 0
    labels = dict(zip(sav_meta.column_names, sav_meta.column_labels))
    assert labels["agency"].startswith("Respondent's agency")
    scaled = next(name for name in sav_meta.missing_ranges)  # a scaled question with "don't know"
    assert sav_meta.missing_ranges[scaled] == [{"lo": -9.0, "hi": -9.0}]
    dont_know = sav_meta.variable_value_labels[scaled][-9.0]
    assert dont_know and dta_meta.value_labels[dta_meta.variable_to_label[scaled]]["a"] == dont_know
    assert dict(zip(dta_meta.column_names, dta_meta.column_labels))[scaled] == labels[scaled]
    assert all(len(name) <= 26 for name in dta_meta.column_names)
    column = next(c for c in rows[0] if c == scaled or c.replace(":", "_").replace("-", "_") == scaled)
    for n, row in enumerate(rows):  # the same answers, row by row, DK as the missing code
        want = row[column]
        got_sav, got_dta = sav[scaled][n], dta[scaled][n]
        if want == "DK":
            assert got_sav == -9 and got_dta == "a"
        elif want == "":
            assert sav[scaled].isna()[n] and dta[scaled].isna()[n]
        else:
            assert got_sav == float(want) == float(got_dta)
    with zipfile.ZipFile(files["r"]) as archive:
        names = archive.namelist()
        assert any(n.endswith("-codebook.csv") for n in names) and any(n.endswith(".R") for n in names)
        data = next(n for n in names if n.endswith("-responses.csv"))
        assert len(archive.read(data).decode().strip().splitlines()) == len(rows) + 1
    codebook = h.client.get(f"/console/rounds/{h.round.id}/export/codebook.csv").get_data(as_text=True)
    assert codebook.startswith("column,section,type") and "roster:<agency-slug>" in codebook


def test_the_stata_file_holds_no_rows_or_blank_columns_all_the_same(tmp_path):
    """A round whose anonymised file keeps no row, or a column no one answered, once made the Stata writer fail."""
    import pandas as pd
    import pyreadstat

    from assessment.results import analyst

    variables = [analyst.Variable("agency", "agency", "Agency", {1: "A"}),
                 analyst.Variable("q1", "q1", "Question", {1: "No", 2: "Yes", -9: "Don't know"}, dont_know=True),
                 analyst.Variable("q2", "q2", "Blank", {1: "No"}, dont_know=True)]
    for rows in ({"agency": [], "q1": [], "q2": []}, {"agency": [1, 1], "q1": [-9, 2], "q2": [None, None]}):
        frame = pd.DataFrame({k: pd.array(v, dtype="Float64") for k, v in rows.items()})
        path = tmp_path / "data.dta"
        path.write_bytes(analyst.to_dta(analyst.Dataset(frame, variables, [])))
        back, _ = pyreadstat.read_dta(str(path), user_missing=True)
        assert len(back) == len(rows["agency"])


def test_the_first_download_asks_first_since_the_round_can_never_reopen_after_it(app, client):
    h = History(client, "Asked County", AGENCIES, 3, seed=6)
    for agency, role in ROUND:
        h.submit(agency, role)
    h.close()
    asked = h.client.get(f"/console/rounds/{h.round.id}/export/responses-wide.csv")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "can never be reopened" in page and 'method="get"' in page
    db.session.expire_all()
    assert h.round.raw_exported_at is None  # nothing taken, the round may still be reopened
    assert h.client.get(f"/console/rounds/{h.round.id}/export/responses-wide.csv?confirmed=yes").status_code == 200
    db.session.expire_all()
    assert h.round.raw_exported_at is not None
    again = h.client.get(f"/console/rounds/{h.round.id}/export/responses-long.csv")  # asked once, not every time
    assert again.status_code == 200 and again.mimetype == "text/csv"
