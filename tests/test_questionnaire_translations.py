"""Questionnaire translations: the shipped Spanish is complete; a missing or extra translation is reported by its
path, stops the app, and fails `flask questionnaire validate`; a translation changes words, never structure."""
import pytest
import yaml

from app import create_app
from assessment.scoring.comparison import comparable_items
from assessment.scoring.results import NotCompared
from questionnaires import QuestionnaireError, load_directory, load_file, load_text
from tests.test_questionnaire_loader import SHIPPED, dump, minimal


def respondent_texts(q) -> dict[str, str]:
    """Every text a respondent reads, by where it is."""
    found = {"title": q.title, "introduction": q.introduction}
    for scale in q.scales.values():
        found[f"{scale.id}.dont_know"] = scale.dont_know or ""
        for o in scale.options:
            found[f"{scale.id}.{o.value}"], found[f"{scale.id}.{o.value}.description"] = o.label, o.description
    for section in q.sections:
        found[section.id], found[f"{section.id}.intro"] = section.title, section.intro
        for item in section.items:
            found[item.id], found[f"{item.id}.help"] = item.text, item.help
            for o in item.options:
                found[f"{item.id}.{o.value}"], found[f"{item.id}.{o.value}.description"] = o.label, o.description
    return found


def spanish(data: dict) -> dict:
    """A complete Spanish translation of `minimal()` as a translator would write it."""
    return {
        "title": "Mini (es)", "introduction": "Un cuestionario de prueba.",
        "scales": {"agree": {"labels": {1: "TD", 2: "D", 3: "N", 4: "A", 5: "TA"}, "dont_know": "No sé"},
                   "rel": {"labels": {0: "Ninguna", 1: "Red", 2: "Coord", 3: "Coop", 4: "Colab"},
                           "dont_know": "No sé"}},
        "sections": {s["id"]: {"title": s["title"] + " (es)",
                               "items": {i["id"]: {"text": i["text"] + " (es)"} for i in s["items"]}}
                     for s in data["sections"]},
    }


def write(folder, data: dict, translations: dict) -> object:
    path = folder / "mini.yaml"
    path.write_text(dump(data))
    for language, text in translations.items():
        (folder / f"mini.{language}.yaml").write_text(dump(text))
    return path


def problems_of(path) -> list[str]:
    with pytest.raises(QuestionnaireError) as caught:
        load_file(path)
    return caught.value.problems


def bilingual() -> dict:
    return {**minimal(), "languages": ["en", "es"]}


def test_the_shipped_questionnaire_is_complete_in_spanish():
    q = load_file(SHIPPED)
    assert q.languages == ("en", "es") and q.language == "en"
    es = q.in_language("es")
    english, translated = respondent_texts(q), respondent_texts(es)
    assert translated.keys() == english.keys()
    assert [where for where, text in english.items() if text and translated[where] == text] == []
    assert [where for where, text in english.items() if bool(text) != bool(translated[where])] == []
    assert es.item("info_violations").text.startswith("Cuando alguien incumple una condición de supervisión")
    assert es.scales["agreement"].dont_know == "No sé"


def shape(q) -> list[tuple]:
    """What a questionnaire asks and how it scores it, without its words."""
    return [(i.id, i.type, i.scale, i.construct, i.reverse, i.required, [o.value for o in i.options]) for i in q.items]


def test_a_translation_changes_words_never_structure():
    q = load_file(SHIPPED)
    es = q.in_language("es")
    assert es.in_language("en") is q and q.in_language("es") is es
    assert es.key == q.key and es.language == "es" and es.languages == q.languages
    assert shape(es) == shape(q)
    assert {s: [o.value for o in es.scales[s].options] for s in es.scales} == \
        {s: [o.value for o in q.scales[s].options] for s in q.scales}
    assert es.dimensions == q.dimensions and es.conditions == q.conditions  # the report's words stay English
    with pytest.raises(LookupError, match="not offered in 'fr'"):
        q.in_language("fr")


def test_a_complete_translation_loads(tmp_path):
    q = load_file(write(tmp_path, bilingual(), {"es": spanish(minimal())}))
    es = q.in_language("es")
    assert es.title == "Mini (es)" and es.item("i1").text == "Info. (es)"
    assert [o.label for o in es.scales["agree"].options] == ["TD", "D", "N", "A", "TA"]


def _without(path, data):
    node = data
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return data


MISSING_AND_EXTRA = [
    ("missing item text", lambda t: _without(["sections", "main", "items", "a1", "text"], t),
     "mini.es.yaml: sections.main.items.a1.text (a1): missing Spanish (es) translation"),
    ("missing item", lambda t: _without(["sections", "more", "items", "note"], t),
     "mini.es.yaml: sections.more.items.note.text (note): missing Spanish (es) translation"),
    ("missing section title", lambda t: _without(["sections", "more", "title"], t),
     "mini.es.yaml: sections.more.title: missing Spanish (es) translation"),
    ("missing scale label", lambda t: _without(["scales", "agree", "labels", 3], t),
     "mini.es.yaml: scales.agree.labels.3: missing Spanish (es) translation"),
    ("missing don't know", lambda t: _without(["scales", "rel", "dont_know"], t),
     "mini.es.yaml: scales.rel.dont_know: missing Spanish (es) translation"),
    ("missing introduction", lambda t: _without(["introduction"], t),
     "mini.es.yaml: introduction: missing Spanish (es) translation"),
    ("extra item", lambda t: (t["sections"]["main"]["items"].update(gone={"text": "Ya no."}), t)[1],
     "mini.es.yaml: sections.main.items.gone: extra translation: mini.yaml has no item 'gone' here"),
    ("extra help", lambda t: (t["sections"]["main"]["items"]["i1"].update(help="Ayuda."), t)[1],
     "mini.es.yaml: sections.main.items.i1.help (i1): extra translation: mini.yaml has no help here"),
    ("extra section", lambda t: (t["sections"].update(later={"title": "Después"}), t)[1],
     "mini.es.yaml: sections.later: extra translation: mini.yaml has no section 'later' here"),
    ("extra scale value", lambda t: (t["scales"]["agree"]["labels"].update({6: "Más"}), t)[1],
     "mini.es.yaml: scales.agree.labels.6: extra translation: mini.yaml has no value '6' here"),
    ("extra description", lambda t: (t["scales"]["rel"]["labels"].update({0: {"label": "Ninguna",
                                                                              "description": "Nada."}}), t)[1],
     "mini.es.yaml: scales.rel.labels.0.description: extra translation: mini.yaml has no description here"),
    ("not text", lambda t: (t.update(title=["Mini"]), t)[1], "mini.es.yaml: title: must be text, not list"),
]


@pytest.mark.parametrize("change, expected", [(c, e) for _, c, e in MISSING_AND_EXTRA],
                         ids=[n for n, _, _ in MISSING_AND_EXTRA])
def test_a_missing_or_extra_translation_is_reported_by_its_path(tmp_path, change, expected):
    problems = problems_of(write(tmp_path, bilingual(), {"es": change(spanish(minimal()))}))
    assert any(p.endswith(expected) for p in problems), problems


def test_every_problem_of_every_translation_is_reported_at_once(tmp_path):
    broken = _without(["sections", "main", "items", "a1", "text"], spanish(minimal()))
    broken["sections"]["main"]["items"]["gone"] = {"text": "Ya no."}
    problems = problems_of(write(tmp_path, {**minimal(), "languages": ["en", "es", "fr"]}, {"es": broken}))
    assert len(problems) == 3, problems
    assert any("a1.text (a1): missing Spanish (es) translation" in p for p in problems)
    assert any("items.gone: extra translation" in p for p in problems)
    assert any(p.endswith("mini.yaml: languages: no French (fr) translation; write it in mini.fr.yaml beside this "
                          "file") for p in problems)


def test_a_translation_for_an_undeclared_language_is_refused(tmp_path):
    problems = problems_of(write(tmp_path, minimal(), {"es": spanish(minimal())}))
    assert problems == [f"{tmp_path}/mini.es.yaml: {tmp_path}/mini.yaml does not offer Spanish (es) (its "
                        f"languages are en): add es to its languages, or remove this file"]


@pytest.mark.parametrize("languages, expected", [
    (["en", "spanish"], "languages[1]: 'spanish' is not a language tag"),
    (["en", "en"], "languages[1]: en is listed twice"),
    ("en", "languages: must be a list of language tags"),
])
def test_bad_language_lists_are_refused(tmp_path, languages, expected):
    problems = problems_of(write(tmp_path, {**minimal(), "languages": languages}, {}))
    assert any(expected in p for p in problems), problems


def test_a_translation_without_its_questionnaire_is_refused(tmp_path):
    (tmp_path / "gone.es.yaml").write_text(dump(spanish(minimal())))
    with pytest.raises(QuestionnaireError, match="a Spanish \\(es\\) translation of gone.yaml, which does not exist"):
        load_directory(tmp_path)


def test_an_incomplete_translation_stops_the_app(tmp_path):
    write(tmp_path, bilingual(), {"es": _without(["sections", "main", "items", "c1"], spanish(minimal()))})
    with pytest.raises(QuestionnaireError, match=r"sections.main.items.c1.text \(c1\): missing Spanish"):
        create_app({"TESTING": True, "QUESTIONNAIRE_DIR": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_validate_reports_missing_and_extra_translations(runner, tmp_path):
    good = runner.invoke(args=["questionnaire", "validate", str(SHIPPED)])
    assert good.exit_code == 0 and "in English (en), Spanish (es)" in good.output, good.output

    broken = _without(["sections", "more", "items", "note"], spanish(minimal()))
    broken["sections"]["main"]["items"]["i1"]["help"] = "Ayuda."
    path = write(tmp_path, bilingual(), {"es": broken})
    bad = runner.invoke(args=["questionnaire", "validate", str(path)])
    assert bad.exit_code == 1
    lines = [line for line in bad.output.splitlines() if line.startswith(f"{tmp_path}/mini.es.yaml: ")]
    assert lines == [f"{tmp_path}/mini.es.yaml: sections.main.items.i1.help (i1): extra translation: mini.yaml has "
                     f"no help here",
                     f"{tmp_path}/mini.es.yaml: sections.more.items.note.text (note): missing Spanish (es) "
                     f"translation"]
    assert "2 problem(s) found" in bad.output

    translation = runner.invoke(args=["questionnaire", "validate", str(tmp_path / "mini.es.yaml")])
    assert translation.exit_code == 1 and "this is the Spanish (es) translation of mini.yaml" in translation.output



def test_a_version_that_only_adds_a_language_compares_every_item():
    """Rounds compare on the words the questionnaire is written in: adding Spanish changes none of them."""
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    translation = SHIPPED.with_name("collaboration_readiness.es.yaml")
    english_only = load_text(dump({**data, "languages": ["en"]}))
    with_spanish = load_text(dump({**data, "version": 2}), translations={
        "es": (str(translation), translation.read_text(encoding="utf-8"))})
    assert with_spanish.languages == ("en", "es") and english_only.languages == ("en",)
    before, after, different = comparable_items(english_only, with_spanish)
    likert = {i.id for i in english_only.items if i.type == "likert"}
    assert different == [] and before == after == likert
    reworded = load_text(dump({**data, "version": 3, "languages": ["en"], "sections": [
        {**s, "items": [{**i, "text": i["text"] + " (reworded)"} if i["id"] == "info_progress" else i
                        for i in s["items"]]} for s in data["sections"]]}))
    assert comparable_items(with_spanish, reworded)[2] == [NotCompared("info_progress",
                                                                       "worded, scored or scaled differently")]
