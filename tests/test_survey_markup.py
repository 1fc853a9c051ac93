"""A section's kept layout, filled in with a respondent's answers, is the page WTForms lays out in full, character
for character: for every section of every installed questionnaire, in each of its languages, with answers drawn at
random (none, some, all; text with markup characters and line breaks) and agency names that need escaping."""
import random

import pytest
from flask import render_template

from app import create_app
from assessment import catalog, languages
from assessment.survey import markup
from assessment.survey.forms import Target, fields_of, section_form_class

TARGETS = (Target(3, "obrien", 'O\'Brien & "Sons" <Probation>'), Target(5, "tc", "Treatment Center"),
           Target(8, "va", "Víctimas, Advocacy"))
TEXTS = ["", "plain", 'a <b>bold</b> & "quoted" \'claim\'', "two\nlines", "crlf\r\nline", "ünïcödé ✓", "  padded  "]


@pytest.fixture(scope="module")
def app():
    return create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def drawn(form, rng: random.Random) -> dict:
    """Answers for every field of `form`, each left blank now and then."""
    data = {}
    for field in form:
        if field.type == "RadioField":
            data[field.name] = rng.choice([None] + [value for value, *_ in field.iter_choices()])
        elif field.type == "SelectMultipleField":
            values = [value for value, *_ in field.iter_choices()]
            data[field.name] = rng.sample(values, rng.randint(0, len(values)))
        elif field.type == "TextAreaField":
            data[field.name] = rng.choice(TEXTS)
    return data


def cases():
    with create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"}).app_context():
        return [(qid, version, language, index)
                for (qid, version), q in sorted(catalog.all_questionnaires().items())
                for language in q.languages for index in range(len(q.sections))]


@pytest.mark.parametrize("qid, version, language, index", cases())
def test_the_kept_layout_filled_in_is_the_page_laid_out_in_full(app, qid, version, language, index):
    rng = random.Random(f"{qid}{version}{language}{index}")
    with app.test_request_context():
        languages.use(language)
        q = catalog.get(qid, version).in_language(language)
        form_class = section_form_class(q, index, TARGETS)
        items = fields_of(q.sections[index], q, TARGETS)
        layout = markup.questions((qid, version, language, index, TARGETS), lambda: form_class(formdata=None), q,
                                  items)
        assert layout.slots, "a section with no answer to fill in"
        for _ in range(12):
            form = form_class(formdata=None, data=drawn(form_class(formdata=None), rng))
            full = render_template("survey/_questions.html", q=q, form=form, items=items)
            assert layout.fill(*markup.answers_in(form)) == full
