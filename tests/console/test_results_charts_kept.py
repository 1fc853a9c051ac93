"""A release's charts are drawn once and kept: the results page draws them on its first view of a release and
filter, and draws anew when a new release is published."""
from flask import current_app

from assessment.db import db
from assessment.interchange import backup
from assessment.models import Agency, Round
from assessment.people import invitations
from assessment.results import frames, releases, scores
from assessment.rounds import rounds
from assessment.scoring.comparison import compare
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


def submit(round_, agency_id, likert, people):
    for _ in range(people):
        submit_through_services(invitations.issue_invitations(round_, db.session.get(Agency, agency_id),
                                                              RoleLevel.LINE_STAFF, 1)[0], likert=likert)
    db.session.commit()


def test_a_comparison_is_of_the_releases_its_reader_holds_though_another_reader_took_one_since(app, world):
    # A reader holds the later round's results of one release; another reader takes the next release before the
    # first one's comparison reads the answers. The comparison is of the release the reader holds (mixing one
    # release's figures with another's answers shows what neither publishes), and is kept under that release.
    first = db.session.get(Round, world["round"])
    submit(first, world["agency"], 2.0, 3)
    submit(first, world["treatment"], 2.0, 3)
    rounds.close_round(first)
    second = rounds.create_round(first.jurisdiction, "Second")
    rounds.open_round(second)
    submit(second, world["agency"], 3.0, 3)
    submit(second, world["treatment"], 3.0, 3)
    rounds.close_round(second)
    db.session.commit()
    held = scores.round_scores(second)
    rounds.reopen_round(second, "late answers")
    submit(second, world["agency"], 5.0, 3)
    taken = scores.round_scores(second)  # the other reader: the next release
    db.session.commit()
    assert taken.snapshot.release == held.snapshot.release + 1

    raced = scores.compare_rounds(first, second, held)
    then, now = releases.numbered(first, 1), releases.numbered(second, held.snapshot.release)
    truth = compare(frames.round_data(first, then), frames.round_data(second, now),
                    scores.round_scores(first, take=False), held)
    assert raced.dimensions == truth.dimensions and raced.agencies == truth.agencies
    later = scores.compare_rounds(first, second)  # a reader of the new release gets its own comparison
    assert later.dimensions != raced.dimensions and len(comparisons(app)) == 2


def test_a_restored_open_round_with_submissions_waiting_reads_its_results(app, client, world):
    # Its restored releases are worked out before a new one is taken against them (a 500 before).
    first = db.session.get(Round, world["round"])
    submit(first, world["agency"], 2.0, 3)
    submit(first, world["treatment"], 4.0, 3)
    scores.round_scores(first)  # the first release
    db.session.commit()
    submit(first, world["agency"], 3.0, 3)  # waiting for the next one
    document = backup.export_round(first)
    document["invitations"], document["round"]["open_link_hash"] = [], None
    document["round"]["title"] += " (restored)"
    restored = backup.import_round(document)
    db.session.commit()
    sign_in(client, "alpha@test.org")
    page = client.get(f"/console/rounds/{restored.id}/results")
    assert page.status_code == 200 and "as of release 2" in page.get_data(as_text=True)
    assert client.get(f"/console/rounds/{restored.id}/export/scores.csv").status_code == 200
