"""Adding contacts from a file of any shape: Continuum's own columns go straight in; any other file (an Outlook
export, a county directory) comes to a page where each column and each value is matched, guessed first and
remembered for the next upload. Rows with a problem are never added silently: the facilitator fixes the file, or
chooses to add the good rows and leave out those listed."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from .. import access, catalog, languages
from ..console import bp
from ..services import ServiceError
from ..vocabulary import RoleLevel
from . import contact_files as files
from . import contacts

#: The largest file the mapping page carries back with its form (the form's own limit is 256 KiB).
MOST_TEXT = 200 * 1024


def _mapping_from_form(round_, table) -> files.Mapping:
    form = request.form
    if "mapping_json" in form:  # the people page's offer to add the good rows of a file in Continuum's columns
        return files.Mapping.from_json(form["mapping_json"])
    columns = {name: (form.get(f"column_{name}") or None) for name in files.FIELDS}
    columns = {name: c if c in table.header else None for name, c in columns.items()}
    values = {"agency": {}, "role_level": {}, "language": {}}
    for name in values:
        for n in range(files.MOST_VALUES):
            raw, meant = form.get(f"{name}_value_{n}"), form.get(f"{name}_means_{n}")
            if raw is None:
                break
            if meant:
                values[name][raw] = meant
    role = form.get("role_for_all") or None
    return files.Mapping(columns, role if role in {r.value for r in RoleLevel} else None, values)


def guessed(round_, table) -> files.Mapping:
    """The mapping Continuum proposes: the remembered one where it fits, else guesses from names and values."""
    known = files.remembered(round_.jurisdiction)
    columns = files.guess_columns(table.header, known)
    mapping = files.Mapping(columns, known.role_for_all if not columns.get("role_level") else None)
    for name in ("agency", "role_level", "language"):
        for value in files.distinct(table, columns.get(name)):
            mapping.values[name][value] = files.guess_value(name, value, round_, known)
    return mapping


def complete(mapping: files.Mapping) -> bool:
    """Whether nothing is left to ask: every field has its column and every value a meaning."""
    has_role = mapping.columns.get("role_level") or mapping.role_for_all
    return bool(mapping.columns.get("email") and mapping.columns.get("agency") and has_role
                and all(all(v for v in values.values()) for values in mapping.values.values()))


def mapping_page(round_, table, mapping, text: str, problems=(), good: int = 0, status: int = 200):
    values, rows = {}, {}
    for name in ("agency", "role_level", "language"):
        column = mapping.columns.get(name)
        values[name] = [(value, mapping.values.get(name, {}).get(value, "")) for value in files.distinct(table, column)]
        rows[name] = files.counts(table, column)
    unmatched = sum(1 for listed in values.values() for _, meant in listed if not meant)
    sample = table.rows[:3]
    return render_template(
        "console/contacts_mapping.html", round=round_, tab="people", table=table, mapping=mapping, text=text,
        values=values, rows=rows, unmatched=unmatched, sample=sample, problems=problems, good=good,
        roles=list(RoleLevel),
        languages=catalog.of_round(round_).languages, agencies=round_.jurisdiction.agencies,
        language_names={lang: languages.name(lang) for lang in catalog.of_round(round_).languages},
        leave_out=files.LEAVE_OUT, fields={"email": "Email address", "agency": "Agency",
                                           "role_level": "Role level", "language": "Language (optional)"}), status


def add_checked(round_, read: contacts.Read, left_out: int = 0, problems=(), mapping=None):
    added = contacts.add(round_, read)
    if mapping is not None:
        files.remember(round_.jurisdiction, mapping)
    said = [f"Added {len(added)} contact(s), each with a link of their own."]
    if left_out:
        said.append(f"{left_out} row(s) left out as their values were matched to leave them out.")
    if problems:
        said.append(f"{len(problems)} row(s) with a problem left out: "
                    + "; ".join(str(p) for p in problems[:20]) + ("; …" if len(problems) > 20 else "") + ".")
    if read.ignored:
        said.append(f"Columns left out, not stored: {', '.join(read.ignored)}.")
    said.append("Send their invitations from the Messages tab.")
    flash(" ".join(said), "success")
    return redirect(url_for("console.people_page", round_id=round_.id))


def own_columns(table) -> bool:
    """Whether the file has Continuum's own columns (email, agency, role_level): its problems are then the rows'."""
    named = {files.plain(h) for h in table.header}
    return all(any(files.plain(n) in named for n in contacts.COLUMNS[f]) for f in ("email", "agency", "role_level"))


def from_file(round_, data: bytes, people_page):
    """A file just uploaded. In Continuum's own columns it is checked whole: added when every row is right, else
    `people_page` lists the problems (and offers to add the good rows). Any other file is added straight away when
    its columns and values say everything, else it goes to the mapping page."""
    table = files.read_table(data)
    text = contacts.decode(data)
    if own_columns(table):  # read as written: a remembered mapping never changes what its own columns say
        mapping = files.Mapping(files.guess_columns(table.header, files.Mapping()))
        entries, left_out, _ = files.entries(table, mapping)
        checked, problems = contacts.check(round_, entries, in_columns=True)
        if problems:
            return people_page(problems=problems, good=len(checked), file_text=text if len(text) <= MOST_TEXT
                               else None, mapping_json=mapping.to_json())
        return add_checked(round_, contacts.Read(checked, _left_out_columns(table, mapping)), left_out)
    mapping = guessed(round_, table)
    if not complete(mapping):
        if len(text.encode()) > MOST_TEXT:
            raise ServiceError(f"this file ({len(text.encode()) // 1024} KiB) is too large to match its columns on "
                               "a page: name its columns email, agency, role_level (and language), or split it")
        return mapping_page(round_, table, mapping, text)
    return _carry_out(round_, table, mapping, text, keep_good=False)


def _carry_out(round_, table, mapping, text, keep_good: bool):
    entries, left_out, unsaid = files.entries(table, mapping)
    if unsaid:
        return mapping_page(round_, table, mapping, text, problems=unsaid, status=400)
    checked, problems = contacts.check(round_, entries, in_columns=True)
    if problems and not (keep_good and checked):
        return mapping_page(round_, table, mapping, text, problems=problems, good=len(checked), status=400)
    own = own_columns(table) and not any(mapping.values.values())
    return add_checked(round_, contacts.Read(checked, _left_out_columns(table, mapping)), left_out, problems,
                       None if own else mapping)


def _left_out_columns(table, mapping) -> tuple[str, ...]:
    """The file's columns no field was read from (never stored), as the success message names them."""
    used = {c for c in mapping.columns.values() if c}
    return tuple(h or f"column {i + 1}" for i, h in enumerate(table.header) if h not in used)


@bp.post("/rounds/<int:round_id>/contacts/mapping")
def map_contacts(round_id: int):
    """The mapping page's form: show the values of the columns chosen, or add the contacts as matched (all, or the
    good rows when asked)."""
    round_ = access.round_or_404(round_id)
    text = request.form.get("file_text", "")
    try:
        table = files.read_table(text)
    except contacts.ContactsRefused as exc:
        flash("The file could not be read again: " + "; ".join(str(p) for p in exc.problems), "error")
        return redirect(url_for("console.people_page", round_id=round_id))
    mapping = _mapping_from_form(round_, table)
    action = request.form.get("action", "add")
    if action == "columns":  # new columns chosen: propose their values' meanings
        known = files.remembered(round_.jurisdiction)
        for name in ("agency", "role_level", "language"):
            chosen = mapping.values[name]
            mapping.values[name] = {value: chosen.get(value) or files.guess_value(name, value, round_, known)
                                    for value in files.distinct(table, mapping.columns.get(name))}
        return mapping_page(round_, table, mapping, text)
    try:
        return _carry_out(round_, table, mapping, text, keep_good=action == "add_good")
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("console.people_page", round_id=round_id))
