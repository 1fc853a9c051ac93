"""Contacts from real exports: an Outlook file's columns and values matched on a page (guessed first, remembered
for the next file), languages by name, and a list with a few bad rows added without them only when asked."""
import re

import pytest
from sqlalchemy import select

from app import create_app
from assessment.db import db
from assessment.models import Contact, Jurisdiction
from assessment.people import contact_files
from assessment.vocabulary import RoleLevel
from tests.conftest import serve
from tests.console.conftest import csrf, sign_in
from tests.console.test_people_and_messages import texts, upload

OUTLOOK = ("First Name,Last Name,E-mail Address,Company,Job Title,Language\n"
           "Ana,Ruiz,ana@probation.test,Alpha Probation Dept,Probation Officer,Spanish\n"
           "Ben,Cole,ben@probation.test,Alpha Probation Dept,Sergeant,English\n"
           "Cy,Dunn,cy@treatment.test,Alpha Treatment,Clinical Director,Español\n"
           "Dee,Ek,dee@volunteers.test,Friends of Alpha,Volunteer,English\n")


@pytest.fixture
def app(database, tmp_path):
    yield from serve(create_app({
        "TESTING": True, "SECRET_KEY": "test", "PUBLIC_URL": "http://survey.test",
        "SQLALCHEMY_DATABASE_URI": database("console", tables=True), "CHROMIUM_PATH": "/nonexistent/chromium",
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1", "MAIL_OUTBOX": str(tmp_path / "outbox"), "MAIL_RATE": 0}))


@pytest.fixture
def signed_in(client, world):
    sign_in(client, "alpha@test.org")
    return client


def form_of(html: str) -> dict:
    """The mapping page's form as a browser would send it: hidden fields, each select's chosen option."""
    fields = {name: value for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)}
    fields["file_text"] = re.search(r'<textarea name="file_text"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    for name, body in re.findall(r'<select id="[^"]+" name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body) or re.search(r'<option value="([^"]*)"', body)
        fields[name] = chosen.group(1)
    from html import unescape
    return {k: unescape(v) for k, v in fields.items()}


def test_guesses_read_job_titles_languages_and_near_names():
    assert contact_files.guess_columns(["First Name", "E-mail Address", "Company", "Job Title"],
                                       contact_files.Mapping()) == {
        "email": "E-mail Address", "agency": "Company", "role_level": "Job Title", "language": None}
    for title, role in (("Sergeant", "supervisor"), ("Probation Officer", "line_staff"),
                        ("Clinical Director", "executive"), ("Volunteer", "")):
        assert contact_files.guess_value("role_level", title, None, contact_files.Mapping()) == role


def test_an_outlook_export_is_matched_on_a_page_and_the_mapping_is_remembered(signed_in, world):
    page = upload(signed_in, world["round"], OUTLOOK)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Match the file's columns and values" in html
    assert db.session.scalar(select(Contact.id)) is None  # nothing added before the facilitator says so
    form = form_of(html)
    assert (form["column_email"], form["column_agency"], form["column_role_level"], form["column_language"]) == (
        "E-mail Address", "Company", "Job Title", "Language")
    agencies = {form[k.replace("_value_", "_means_")]: v for k, v in form.items() if k.startswith("agency_value_")}
    assert agencies.get("alpha-treatment") == "Alpha Treatment"  # the same name
    assert agencies.get("alpha-probation") == "Alpha Probation Dept"  # close enough to guess
    roles = {v: form[k.replace("_value_", "_means_")] for k, v in form.items() if k.startswith("role_level_value_")}
    assert roles == {"Clinical Director": "executive", "Probation Officer": "line_staff", "Sergeant": "supervisor",
                     "Volunteer": ""}
    languages = {v: form[k.replace("_value_", "_means_")] for k, v in form.items() if k.startswith("language_value_")}
    assert languages == {"English": "en", "Español": "es", "Spanish": "es"}
    asked = signed_in.post(f"/console/rounds/{world['round']}/contacts/mapping",
                           data={**form, "csrf_token": csrf(signed_in), "action": "add"})
    assert asked.status_code == 400 and "No one was added yet" in asked.get_data(as_text=True)
    for key, value in form.items():  # the volunteers' rows are left out, their agency too
        if key.startswith(("agency_value_", "role_level_value_")) and value in ("Friends of Alpha", "Volunteer"):
            form[key.replace("_value_", "_means_")] = contact_files.LEAVE_OUT
    done = signed_in.post(f"/console/rounds/{world['round']}/contacts/mapping",
                          data={**form, "csrf_token": csrf(signed_in), "action": "add"})
    said = texts(signed_in.get(done.headers["Location"]).get_data(as_text=True))
    assert "Added 3 contact(s)" in said and "1 row(s) left out" in said and "First Name" in said
    added = {c.email: (c.invitation.agency.slug, c.invitation.role_level, c.language)
             for c in db.session.scalars(select(Contact))}
    assert added == {"ana@probation.test": ("alpha-probation", RoleLevel.LINE_STAFF, "es"),
                     "ben@probation.test": ("alpha-probation", RoleLevel.SUPERVISOR, "en"),
                     "cy@treatment.test": ("alpha-treatment", RoleLevel.EXECUTIVE, "es")}
    remembered = contact_files.remembered(db.session.get(Jurisdiction, world["a"]))
    assert remembered.values["agency"]["Friends of Alpha"] == contact_files.LEAVE_OUT
    assert "ana@probation.test" not in (db.session.get(Jurisdiction, world["a"]).contacts_mapping or "")
    # the next file with the same columns and values goes straight in
    again = upload(signed_in, world["round"], OUTLOOK.replace("@", "2@"))
    assert again.status_code == 302
    assert "Added 3 contact(s)" in texts(signed_in.get(again.headers["Location"]).get_data(as_text=True))


def test_good_rows_are_added_without_the_bad_ones_only_when_asked(signed_in, world):
    listed = ("email,agency,role_level\nana@probation.test,alpha-probation,line_staff\n"
              "ben@,alpha-probation,supervisor\nana@probation.test,alpha-treatment,executive\n")
    page = upload(signed_in, world["round"], listed)
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "Add the 1 good row, leave out the 2 listed" in html
    assert db.session.scalar(select(Contact.id)) is None
    form = form_of(html[html.index("problems-title"):])
    done = signed_in.post(f"/console/rounds/{world['round']}/contacts/mapping",
                          data={**form, "action": "add_good", "csrf_token": csrf(signed_in)})
    said = texts(signed_in.get(done.headers["Location"]).get_data(as_text=True))
    assert "Added 1 contact(s)" in said and "2 row(s) with a problem left out: row 3" in said
    assert [c.email for c in db.session.scalars(select(Contact))] == ["ana@probation.test"]


def test_a_paste_with_a_duplicate_can_add_the_others(signed_in, world):
    data = {"paste-addresses": "a@probation.test\nb@probation.test\nA@probation.test", "paste-agency": world["agency"],
            "paste-role": "line_staff", "paste-language": "en", "csrf_token": csrf(signed_in)}
    refused = signed_in.post(f"/console/rounds/{world['round']}/contacts", data=data)
    assert refused.status_code == 400 and "Add the 2 good ones, leave out the 1 listed" in refused.get_data(
        as_text=True)
    done = signed_in.post(f"/console/rounds/{world['round']}/contacts", data={**data, "keep_good": "yes"})
    assert done.status_code == 302
    assert sorted(c.email for c in db.session.scalars(select(Contact))) == ["a@probation.test", "b@probation.test"]


def test_the_remembered_mapping_never_holds_an_address(signed_in, world):
    """An address in the wrong column, left out or not, is not kept for the next file (found by an outside test)."""
    stray = OUTLOOK + "Cy,Home,cy.work@probation.test,cy.home@gmail.test,Volunteer,English\n"
    form = form_of(upload(signed_in, world["round"], stray).get_data(as_text=True))
    for key, value in list(form.items()):
        if key.startswith(("agency_value_", "role_level_value_")) and (
                value in ("Friends of Alpha", "Volunteer") or "@" in value):
            form[key.replace("_value_", "_means_")] = contact_files.LEAVE_OUT
    done = signed_in.post(f"/console/rounds/{world['round']}/contacts/mapping",
                          data={**form, "csrf_token": csrf(signed_in), "action": "add"})
    assert done.status_code == 302
    kept = db.session.get(Jurisdiction, world["a"]).contacts_mapping
    assert "Friends of Alpha" in kept and "@" not in kept


def test_a_file_in_continuum_s_columns_is_read_as_written_whatever_was_remembered(signed_in, world):
    jurisdiction = db.session.get(Jurisdiction, world["a"])
    contact_files.remember(jurisdiction, contact_files.Mapping(values={
        "agency": {"Alpha Treatment": "alpha-probation"}, "role_level": {"supervisor": "executive"}, "language": {}}))
    db.session.commit()
    done = upload(signed_in, world["round"], "email,agency,role_level\nt1@t.test,Alpha Treatment,line_staff\n"
                                             "t2@t.test,alpha-treatment,supervisor\n")
    assert done.status_code == 302
    assert {(c.invitation.agency.slug, c.invitation.role_level) for c in db.session.scalars(select(Contact))} == {
        ("alpha-treatment", RoleLevel.LINE_STAFF), ("alpha-treatment", RoleLevel.SUPERVISOR)}


def test_a_crafted_mapping_is_dropped_not_a_server_error(signed_in, world):
    page = signed_in.post(f"/console/rounds/{world['round']}/contacts/mapping", data={
        "file_text": "email,agency,role_level\na@b.test,alpha-probation,line_staff\n", "action": "add_good",
        "mapping_json": '{"values": {"agency": ["x"]}, "role_for_all": "<b>boss</b>", "columns": {"email": 5}}',
        "csrf_token": csrf(signed_in)})
    assert page.status_code == 400 and "say which column holds the email" in texts(page.get_data(as_text=True))
    odd = signed_in.post(f"/console/rounds/{world['round']}/people", data={
        "action": "revoke", "chosen": "999999", "confirmed": "yes", "csrf_token": csrf(signed_in),
        "back": f"/console/rounds/{world['round']}/people?x=1\r\nX: y"})
    assert odd.status_code == 302 and odd.headers["Location"].endswith(f"/console/rounds/{world['round']}/people")
