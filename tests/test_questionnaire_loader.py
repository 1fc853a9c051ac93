"""The questionnaire loader: the shipped file is valid and complete; broken files are refused with every problem."""
import textwrap

import pytest
import yaml

from app import create_app
from assessment.vocabulary import Sector
from questionnaires import DIRECTORY, QuestionnaireError, load_file, load_text

SHIPPED = DIRECTORY / "collaboration_readiness.yaml"


def minimal() -> dict:
    """The smallest valid questionnaire, as data, for the invalid cases to break one thing at a time."""
    likert = {"type": "likert", "scale": "agree", "required": True}
    return {
        "id": "mini", "version": 1, "title": "Mini", "introduction": "A test questionnaire.",
        "scales": {"agree": {"min": 1, "max": 5, "labels": {1: "SD", 2: "D", 3: "N", 4: "A", 5: "SA"}},
                   "rel": {"min": 0, "max": 4, "labels": {0: "None", 1: "Net", 2: "Coord", 3: "Coop", 4: "Collab"}}},
        "dimensions": [{"id": d, "label": d.title(), "description": f"About {d}.", "practices": [f"Do {d}."]}
                       for d in ("information", "activities", "resources", "capacity")],
        "conditions": [{"id": "trust", "label": "Trust", "description": "Trust."}],
        "sections": [
            {"id": "main", "title": "Main", "items": [
                {**likert, "id": "i1", "text": "Info.", "dimension": "information"},
                {**likert, "id": "a1", "text": "Act.", "dimension": "activities", "reverse": True},
                {**likert, "id": "r1", "text": "Res.", "dimension": "resources"},
                {**likert, "id": "c1", "text": "Cap.", "dimension": "capacity"},
                {**likert, "id": "t1", "text": "Trust.", "condition": "trust"},
            ]},
            {"id": "more", "title": "More", "items": [
                {"id": "ros", "type": "roster", "scale": "rel", "text": "Rate them."},
                {"id": "note", "type": "text", "text": "Anything else?"},
            ]},
        ],
    }


def dump(data) -> str:
    return yaml.safe_dump(data, sort_keys=False)


def problems_of(data) -> list[str]:
    with pytest.raises(QuestionnaireError) as caught:
        load_text(dump(data), source="bad.yaml")
    return caught.value.problems


def test_minimal_is_valid():
    q = load_text(dump(minimal()))
    assert q.key == ("mini", 1)
    assert [i.id for i in q.items] == ["i1", "a1", "r1", "c1", "t1", "ros", "note"]
    assert q.item("a1").reverse and q.scored_items("trust")[0].id == "t1"


def test_shipped_questionnaire_meets_the_content_rules():
    q = load_file(SHIPPED)
    for dimension in q.dimensions:
        items = q.scored_items(dimension.id)
        assert len(items) >= 4, dimension.id
        assert any(i.reverse for i in items), dimension.id
        assert dimension.practices, dimension.id
    assert [c.id for c in q.conditions] == ["trust", "time", "turf", "leadership"]
    for condition in q.conditions:
        assert len(q.scored_items(condition.id)) >= 2, condition.id
        assert condition.practices, condition.id
    likert = [i for i in q.items if i.type == "likert"]
    assert set(q.guidance.item_practices) == {i.id for i in likert}, "every scored item says what to do when low"
    assert all(i.short for i in likert), "every scored item has a short label for the report's charts"
    assert [t.sectors for t in q.guidance.tensions] == [("prosecution", "defense")]
    assert [p.id for p in q.guidance.principles] == ["victim_centred", "public_education", "monitoring_evaluation"]
    assert q.guidance.perception_gaps.case and q.guidance.perception_gaps.system
    assert q.guidance.weak_ties.case and q.guidance.weak_ties.system
    roles = q.guidance.roles  # DOMAIN.md, "What each agency may share"
    assert {s for s, r in roles.sectors.items() if r.limits_sharing} == {"judiciary", "defense", "victim_advocacy",
                                                                         "treatment"}
    assert {tuple(sorted(c.sectors)) for c in roles.case_level} == {
        ("community_supervision", "treatment"), ("community_supervision", "law_enforcement"),
        ("community_supervision", "victim_advocacy"), ("community_supervision", "community_supervision")}
    assert "consent" in roles.case_level_for("victim_advocacy", "community_supervision").condition
    assert "ex parte" in roles.sectors["judiciary"].bound and "privilege" in roles.sectors["defense"].bound
    assert not roles.related("law_enforcement", "law_enforcement")  # departments of different districts
    assert not roles.related("judiciary", "law_enforcement")  # a court meets others where both sides sit
    assert not roles.related("defense", "victim_advocacy") and roles.related("treatment", "defense")
    assert roles.convener == "community_supervision"
    polygraph = next(i for i in q.items if i.id == "info_polygraph")
    assert polygraph.practice_for == ("community_supervision", "treatment")
    roster = q.scales[q.roster_item.scale]
    assert (roster.min, roster.max) == (0, 4) and roster.dont_know
    assert [o.label for o in roster.options] == ["No contact", "Networking", "Coordination", "Cooperation",
                                                  "Collaboration"]
    assert all(o.description for o in roster.options)
    assert q.profile_item("role_level") is not None
    assert sum(1 for i in q.items if i.type == "text") >= 2
    text = SHIPPED.read_text().lower()
    for concrete in ("polygraph", "progress report", "victim", "registration", "supervision conditions",
                     "staff individual cases"):
        assert concrete in text, concrete


def _set(path, value):
    def change(data):
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        return data
    return change


def _item(index, **changes):
    def change(data):
        data["sections"][0]["items"][index].update(changes)
        return data
    return change


def roles(drop: str = "", extra: str = "", short: str = "its rules", limits=True, pair=None) -> dict:
    """A role table for the minimal questionnaire, with one thing changed."""
    sectors = {s.value: {"bound": f"What binds {s.value}.", "short": short if s.value == "judiciary" else "rules",
                         **({"limits_sharing": limits} if s.value == "judiciary" else {})}
               for s in Sector if s.value != drop}
    if extra:
        sectors[extra] = {"bound": "Something.", "short": "it"}
    return {"sectors": sectors, "peers": [],
            "case_level": [{"sectors": pair or ["community_supervision", "treatment"], "condition": "with consent"}]}


INVALID = [
    ("unknown type", _item(0, type="likret"), "sections[0].items[0] (i1): unknown type 'likret'"),
    ("duplicate id", _item(1, id="i1"), "sections[0].items[1] (i1): duplicate item id 'i1'"),
    ("unknown dimension", _item(0, dimension="informaton"),
     "sections[0].items[0] (i1): unknown dimension 'informaton'"),
    ("reverse on text", lambda d: (d["sections"][1]["items"][1].update(reverse=True), d)[1],
     "sections[1].items[1] (note): reverse is only allowed on likert items"),
    ("empty section", lambda d: (d["sections"][1].update(items=[]), d)[1], "sections[1]: empty section 'more'"),
    ("missing text", _item(2, text=""), "sections[0].items[2] (r1): missing text"),
    ("bad scale: min above max", _set(["scales", "agree", "min"], 7), "scales.agree: bad scale"),
    ("bad scale: missing label", lambda d: (d["scales"]["agree"]["labels"].pop(3), d)[1],
     "scales.agree: bad scale: no label for value 3"),
    ("unknown scale", _item(0, scale="agreee"), "sections[0].items[0] (i1): a likert item needs a scale"),
    ("unknown key", _item(0, dimesion="information"), "sections[0].items[0] (i1): unknown key 'dimesion'"),
    ("dimensions out of order", lambda d: (d["dimensions"].reverse(), d)[1],
     "dimensions: must be exactly information, activities, resources, capacity"),
    ("unknown condition", lambda d: (d["conditions"][0].update(id="morale"), d)[1],
     "conditions[0]: unknown condition 'morale'"),
    ("version not a number", _set(["version"], "one"), "version: must be a whole number"),
    ("bad id", _item(3, id="Cap 1"), "sections[0].items[3]: id 'Cap 1' must start with a lower-case letter"),
    ("likert without construct", _item(4, condition=None), "a likert item needs a dimension or a condition"),
    ("scored choice", lambda d: (d["sections"][1]["items"].append(
        {"id": "ch", "type": "choice", "text": "Pick", "dimension": "information",
         "options": [{"value": "a", "label": "A"}]}), d)[1], "only likert items are scored"),
    ("dimension without items", lambda d: (d["sections"][0]["items"].pop(3), d)[1],
     "dimension 'capacity' has no Likert items"),
    ("two rosters", lambda d: (d["sections"][1]["items"].append(
        {"id": "ros2", "type": "roster", "scale": "rel", "text": "Again."}), d)[1], "only one roster item"),
    ("missing practices", lambda d: (d["dimensions"][0].pop("practices"), d)[1],
     "dimensions[0]: practices must be a list of recommended practices, one at least"),
    ("practice on a text item", lambda d: (d["sections"][1]["items"][1].update(practice="Talk."), d)[1],
     "sections[1].items[1] (note): only a Likert item has a practice"),
    ("guidance: unknown sector", _set(["guidance"], {"tensions": [
        {"id": "t", "label": "T", "description": "D", "sectors": ["prosecutor"], "practices": ["P."]}]}),
     "guidance.tensions[0]: unknown sector 'prosecutor' in sectors"),
    ("guidance: unknown item", _set(["guidance"], {"principles": [
        {"id": "p", "label": "P", "description": "D", "items": ["note"], "practices": ["P."]}]}),
     "guidance.principles[0]: unknown Likert item 'note' in items"),
    ("guidance: no practices", _set(["guidance"], {"principles": [{"id": "p", "label": "P", "description": "D"}]}),
     "guidance.principles[0]: practices must be a list of recommended practices, one at least"),
    ("short label too long", _item(0, short="x" * 43), "sections[0].items[0] (i1): short must be at most 42"),
    ("guidance: unknown key", _set(["guidance"], {"gaps": []}), "guidance: unknown key 'gaps'"),
    ("roles: a sector left out", _set(["guidance"], {"roles": roles(drop="defense")}),
     "guidance.roles.sectors: sector 'defense' is missing: say what binds it"),
    ("roles: unknown sector", _set(["guidance"], {"roles": roles(extra="prosecutors")}),
     "guidance.roles.sectors.prosecutors: unknown sector 'prosecutors'"),
    ("roles: no short terms", _set(["guidance"], {"roles": roles(short="")}),
     "guidance.roles.sectors.judiciary: missing short"),
    ("roles: limits not true or false", _set(["guidance"], {"roles": roles(limits="yes")}),
     "guidance.roles.sectors.judiciary: limits_sharing must be true or false"),
    ("roles: a pair of one", _set(["guidance"], {"roles": roles(pair=["judiciary"])}),
     "guidance.roles.case_level[0]: sectors must be a list of two sectors"),
    ("roles: an unknown pair", _set(["guidance"], {"roles": roles(pair=["judiciary", "jury"])}),
     "guidance.roles.case_level[0]: unknown sector 'jury'"),
    ("roles: case by case with itself", _set(["guidance"], {"roles": roles(pair=["defense", "defense"])}),
     "defense works case by case with itself, so it must be among the peers"),
    ("roles: no case-level pairs", _set(["guidance"], {"roles": {**roles(), "case_level": []}}),
     "guidance.roles.case_level: case_level is empty"),
    ("pair practices without system ones", _set(["guidance"], {"weak_ties": {"case": ["Meet on a case."]}}),
     "guidance.weak_ties: system must be a list of recommended practices, one at least"),
    ("pair practices as a plain list", _set(["guidance"], {"perception_gaps": ["Talk."]}),
     "guidance.perception_gaps: expected a mapping of keys to values, found list"),
]





@pytest.mark.parametrize("change, expected", [(c, e) for _, c, e in INVALID], ids=[n for n, _, _ in INVALID])
def test_invalid_file_is_refused_with_its_message(change, expected):
    problems = problems_of(change(minimal()))
    assert any(expected in p for p in problems), problems
    assert all(p.startswith("bad.yaml: ") for p in problems)


def test_every_problem_is_reported_at_once():
    data = _item(0, type="likret")(_item(2, text="")(_item(1, id="i1")(minimal())))
    problems = problems_of(data)
    assert len(problems) >= 3
    assert any("unknown type" in p for p in problems)
    assert any("missing text" in p for p in problems)
    assert any("duplicate item id" in p for p in problems)


def test_yaml_syntax_error_names_the_line():
    with pytest.raises(QuestionnaireError) as caught:
        load_text("id: x\nversion: [1\n", source="broken.yaml")
    assert caught.value.problems[0].startswith("broken.yaml: line ")


def test_not_a_mapping():
    with pytest.raises(QuestionnaireError, match="expected a mapping"):
        load_text("- just\n- a list\n")


def test_broken_file_stops_the_app(tmp_path):
    (tmp_path / "broken.yaml").write_text(dump(_item(0, type="likret")(minimal())))
    with pytest.raises(QuestionnaireError, match="unknown type 'likret'"):
        create_app({"TESTING": True, "QUESTIONNAIRE_DIR": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_same_id_and_version_twice_is_refused(tmp_path):
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(dump(minimal()))
    with pytest.raises(QuestionnaireError, match="is also defined in"):
        create_app({"TESTING": True, "QUESTIONNAIRE_DIR": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_validate_command(runner, tmp_path):
    good = runner.invoke(args=["questionnaire", "validate", str(SHIPPED)])
    assert good.exit_code == 0, good.output
    assert "valid: collaboration_readiness version 1" in good.output

    bad_file = tmp_path / "bad.yaml"
    bad_file.write_text(textwrap.dedent(dump(_item(0, type="likret")(_item(2, text="")(minimal())))))
    bad = runner.invoke(args=["questionnaire", "validate", str(bad_file)])
    assert bad.exit_code == 1
    assert "unknown type 'likret'" in bad.output and "missing text" in bad.output
    problem_lines = [line for line in bad.output.splitlines() if line.startswith(str(bad_file))]
    assert f"{len(problem_lines)} problem(s) found" in bad.output

    missing = runner.invoke(args=["questionnaire", "validate", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 1 and "cannot read the file" in missing.output
