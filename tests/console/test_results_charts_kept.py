"""A release's charts are drawn once and kept: the results page draws them on its first view of a release and
filter, and draws anew when a new release is published."""
from flask import current_app

from assessment.db import db
from assessment.models import Agency, Round
from assessment.services import invitations, releases, rounds, scores
from assessment.vocabulary import RoleLevel
from tests.console.conftest import sign_in
from tests.console.test_report_options import closed_with
from tests.support.survey import submit_through_services


def kept(app) -> list:
    with app.app_context():
        return list(current_app.extensions.get("continuum.charts", {}))


def test_charts_are_drawn_once_per_release_and_again_for_a_new_one(app, client, world):
    round_ = closed_with(db.session.get(Round, world["round"]), [world["agency"], world["treatment"]])
    sign_in(client, "alpha@test.org")
    first = client.get(f"/console/rounds/{round_.id}/results").get_data(as_text=True)
    assert len(kept(app)) == 1 and "chart-dimensions" in first
    again = client.get(f"/console/rounds/{round_.id}/results").get_data(as_text=True)
    assert len(kept(app)) == 1 and again.count("data-chart=") == first.count("data-chart=")
    client.get(f"/console/rounds/{round_.id}/results?role=line_staff")
    assert len(kept(app)) == 2  # another filter, other charts

    rounds.reopen_round(round_, "late answers")
    for agency_id in (world["agency"], world["treatment"], world["agency"]):
        agency = db.session.get(Agency, agency_id)
        submit_through_services(invitations.issue_invitations(round_, agency, RoleLevel.LINE_STAFF, 1)[0])
    rounds.close_round(round_)
    db.session.commit()
    later = client.get(f"/console/rounds/{round_.id}/results").get_data(as_text=True)
    keys = kept(app)
    assert len(keys) == 3 and keys[-1][2] != keys[0][2]  # drawn for the new release
    seq = releases.latest(round_).seq
    assert seq > 1 and f"(release {seq}): 7 responses" in later


def test_a_comparison_s_charts_are_drawn_again_when_a_title_changes(app, client, world):
    first = closed_with(db.session.get(Round, world["round"]), [world["agency"], world["treatment"]])
    second = rounds.create_round(first.jurisdiction, "Second")
    rounds.open_round(second)
    closed_with(second, [world["agency"], world["treatment"]])
    sign_in(client, "alpha@test.org")
    path = f"/console/rounds/{second.id}/compare?with={first.id}"
    shown = client.get(path).get_data(as_text=True)
    compared = [k for k in kept(app) if k[0] == "compare"]
    assert len(compared) == 1 and "Alpha round (open)" in shown
    client.get(path)
    assert len([k for k in kept(app) if k[0] == "compare"]) == 1
    db.session.get(Round, first.id).title = "Spring baseline"
    db.session.commit()
    renamed = client.get(path).get_data(as_text=True)
    assert len([k for k in kept(app) if k[0] == "compare"]) == 2
    assert "Spring baseline (open)" in renamed and "Alpha round (open)" not in renamed


def comparisons(app) -> list:
    with app.app_context():
        return list(current_app.extensions.get("continuum.comparisons", {}))


def test_a_comparison_is_worked_out_once_per_pair_of_releases_with_coverage_as_it_is_now(app, client, world):
    first = closed_with(db.session.get(Round, world["round"]), [world["agency"], world["treatment"]])
    second = rounds.create_round(first.jurisdiction, "Second")
    rounds.open_round(second)
    for agency_id in (world["agency"], world["treatment"]) * 3:
        submit_through_services(invitations.issue_invitations(second, db.session.get(Agency, agency_id),
                                                              RoleLevel.LINE_STAFF, 1)[0])
    db.session.commit()
    sign_in(client, "alpha@test.org")
    path = f"/console/rounds/{second.id}/compare?with={first.id}"
    assert client.get(path).status_code == 200 and len(comparisons(app)) == 1
    rate = scores.compare_rounds(first, second).coverage.overall.later
    invitations.issue_invitations(second, db.session.get(Agency, world["agency"]), RoleLevel.LINE_STAFF, 40)
    db.session.commit()
    assert client.get(path).status_code == 200
    assert len(comparisons(app)) == 1  # the same releases: not worked out again
    now = scores.compare_rounds(first, second).coverage.overall.later  # yet the response rate is today's
    assert now == scores.round_scores(second).coverage.overall.response_rate and now < rate

    for agency_id in (world["agency"], world["treatment"]) * 2:
        submit_through_services(invitations.issue_invitations(second, db.session.get(Agency, agency_id),
                                                              RoleLevel.LINE_STAFF, 1)[0])
    db.session.commit()
    client.get(path)
    assert len(comparisons(app)) == 2  # a new release of the later round: worked out anew
