"""Form builders: one form class per questionnaire section, built from data, with no field shared between two."""
import pytest
import yaml
from werkzeug.datastructures import MultiDict

from assessment import catalog
from assessment.survey.forms import AnswerValue, TamperedInput, Target, check_posted, form_data, section_form_class
from questionnaires import load_text
from tests.test_questionnaire_loader import minimal

TARGETS = (Target(7, "treatment-center", "Treatment Center"), Target(9, "victim-advocates", "Victim Advocates"))


@pytest.fixture
def q(app):
    return catalog.latest("collaboration_readiness")


def section_index(q, section_id):
    return next(i for i, s in enumerate(q.sections) if s.id == section_id)


def test_likert_field_offers_the_scale_and_dont_know(app, q):
    index = section_index(q, "information")
    with app.test_request_context():
        form = section_form_class(q, index, TARGETS)()
    field = form["info_progress"]
    assert [c.value for c in field.choices] == ["1", "2", "3", "4", "5", "dk"]
    assert field.choices[-1].label == "Don't know"
    assert field.flags.required


def test_roster_has_one_field_per_other_agency(app, q):
    index = section_index(q, "relationships")
    with app.test_request_context():
        form = section_form_class(q, index, TARGETS)()
    names = [f.name for f in form if f.name != "csrf_token"]
    assert names == ["roster__treatment-center", "roster__victim-advocates"]
    assert form["roster__treatment-center"].label.text == "Treatment Center"
    assert [c.value for c in form["roster__treatment-center"].choices] == ["0", "1", "2", "3", "4", "dk"]


def test_no_field_leaks_between_questionnaires(app, q):
    other = load_text(yaml.safe_dump(minimal()))
    with app.test_request_context():
        first = section_form_class(q, 0, TARGETS)
        second = section_form_class(other, 0, TARGETS)
        names_first = {f.name for f in first()}
        names_second = {f.name for f in second()}
    assert first is not second
    assert "role_level" in names_first and "role_level" not in names_second
    assert "i1" in names_second and "i1" not in names_first
    assert not hasattr(first, "i1") and not hasattr(second, "role_level")


def test_form_data_refills_stored_answers(app, q):
    index = section_index(q, "about")
    answers = {("role_level", None): AnswerValue(text="supervisor"),
               ("received_monthly", None): AnswerValue(text="polygraph_results\ncourt_orders")}
    data = form_data(q.sections[index], answers, TARGETS)
    assert data == {"role_level": "supervisor", "received_monthly": ["polygraph_results", "court_orders"]}

    roster = section_index(q, "relationships")
    data = form_data(q.sections[roster], {("roster", 7): AnswerValue(value=3.0),
                                          ("roster", 9): AnswerValue(dont_know=True)}, TARGETS)
    assert data == {"roster__treatment-center": "3", "roster__victim-advocates": "dk"}


@pytest.mark.parametrize("posted, reason", [
    ({"info_progress": "6"}, "not one of its choices"),
    ({"info_progress": "0"}, "not one of its choices"),
    ({"info_progress": "3.5"}, "not one of its choices"),
    ({"not_an_item": "3"}, "unknown field 'not_an_item'"),
    ({"info_progress": ["3", "4"]}, "sent more than once"),
])
def test_tampered_posts_are_refused(q, posted, reason):
    index = section_index(q, "information")
    with pytest.raises(TamperedInput, match=reason):
        check_posted(q.sections[index], q, TARGETS, MultiDict(posted))


def test_text_over_its_limit_is_refused_but_line_breaks_count_once(q):
    section = q.sections[section_index(q, "open")]
    limit = q.item("open_change").max_length
    check_posted(section, q, TARGETS, MultiDict({"open_change": "a\r\n" * (limit // 2)}))
    with pytest.raises(TamperedInput, match="longer than"):
        check_posted(section, q, TARGETS, MultiDict({"open_change": "a" * (limit + 1)}))


def test_roster_value_for_own_agency_is_refused(q):
    section = q.sections[section_index(q, "relationships")]
    with pytest.raises(TamperedInput, match="unknown field 'roster__probation'"):
        check_posted(section, q, TARGETS, MultiDict({"roster__probation": "4"}))
