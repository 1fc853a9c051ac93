"""The raw responses for statistics programs: SPSS (.sav), Stata (.dta), and a CSV with a codebook for R.

The same anonymised rows as the other raw files (`exports.raw_file`: only a closed round's, only rows no published
figure places in a group below the minimum, labelled only as the published results place them), written with what
an analyst needs to open them without guessing: variable names each program accepts (the codebook gives each one's
column in the other files), the question as the variable label, every code's label, and "don't know" as a missing
value of its own (SPSS: user-missing -9; Stata: extended missing .a; the R file: -9, said in its codebook). A
several-choice question becomes one 0/1 variable per option. A blank cell is a question not answered (or, in the
agency and role-level columns, a label the published results do not allow).
"""
from __future__ import annotations

import io
import os
import re
import tempfile
import textwrap
from dataclasses import dataclass, field

import pandas as pd

from questionnaires import types
from questionnaires.schema import Questionnaire

from ..models import Round
from ..vocabulary import RoleLevel
from . import exports

#: "Don't know" in SPSS and the R file (a user-missing value in SPSS), and as Stata's extended missing value.
DONT_KNOW = -9
STATA_DONT_KNOW = "a"
#: The code of the agencies not shown on their own ("other agencies").
OTHER_AGENCIES = 99
#: Stata allows 32 characters in a name, and the Stata writer names each variable's value labels after it with its
#: position appended ("info_progress9"), so a variable's name leaves room for that number (SPSS allows 64; the
#: names are made to fit both).
NAME_LIMIT = 26
LABEL_LIMIT = 80  # Stata's limit on a variable label; SPSS takes longer ones, but one file set reads alike


@dataclass
class Variable:
    name: str
    column: str
    label: str
    values: dict = field(default_factory=dict)
    #: Whether DONT_KNOW is a code of it.
    dont_know: bool = False
    measure: str = "nominal"


@dataclass(frozen=True)
class Dataset:
    frame: pd.DataFrame
    variables: list[Variable]
    notes: list[str]


def _names() -> "callable":
    taken: set[str] = set()

    def name(column: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_]+", "_", column).strip("_").lower() or "v"
        if base[0].isdigit():
            base = "v_" + base
        base = base[:NAME_LIMIT]
        candidate, n = base, 2
        while candidate in taken:
            suffix = f"_{n}"
            candidate, n = base[:NAME_LIMIT - len(suffix)] + suffix, n + 1
        taken.add(candidate)
        return candidate
    return name


def dataset(round_: Round, q: Questionnaire, raw: exports.RawFile) -> Dataset:
    """The wide file's rows as coded variables with their labels."""
    columns, rows = exports.responses_wide(round_, raw)
    table = pd.DataFrame(rows, columns=columns, dtype=object)
    name = _names()
    agencies = {a.slug: a.name for a in round_.jurisdiction.agencies}
    variables: list[Variable] = []
    data: dict[str, list] = {}

    codes = {slug: n for n, slug in enumerate(sorted(agencies), start=1)}
    agency = Variable(name("agency"), "agency", "Respondent's agency (as the published results place it)",
                      {**{codes[s]: agencies[s] for s in codes}, OTHER_AGENCIES: exports.OTHER_AGENCIES})
    data[agency.name] = [codes.get(v, OTHER_AGENCIES) if v else None for v in table["agency"]]
    levels = {level.value: n for n, level in enumerate(RoleLevel, start=1)}
    role = Variable(name("role_level"), "role_level", "Respondent's role level (blank where not published)",
                    {n: level.label for level, n in zip(RoleLevel, levels.values())}, measure="ordinal")
    data[role.name] = [levels.get(v) if v else None for v in table["role_level"]]
    languages = {lang: n for n, lang in enumerate(q.languages, start=1)}
    language = Variable(name("language"), "language", "Language answered in (blank where not published)",
                        {n: lang for lang, n in languages.items()})
    data[language.name] = [languages.get(v) if v else None for v in table["language"]]
    variables += [agency, role, language]

    for column in columns[3:]:
        item_id, _, target = column.partition(":")
        item_id = "roster" if target else item_id
        item = q.roster_item if target else q.item(item_id)
        kind = types.of(item)
        cells = list(table[column])
        label = (f"{agencies.get(target, target)}: {item.text}" if target else item.text)[:LABEL_LIMIT]
        if isinstance(kind, types.Scaled):
            scale = q.scales[item.scale]
            values = {int(o.value): o.label for o in scale.options}
            if scale.dont_know:
                values[DONT_KNOW] = scale.dont_know
            var = Variable(name(column if not target else f"roster_{target}"), column, label, values,
                           dont_know=bool(scale.dont_know), measure="ordinal")
            data[var.name] = [DONT_KNOW if c == types.DONT_KNOW_CELL else (float(c) if c not in ("", None) else None)
                              for c in cells]
            variables.append(var)
        elif isinstance(kind, types.Multi):
            for option in item.options:
                var = Variable(name(f"{item.id}_{option.value}"), column,
                               f"{item.text}: {option.label}"[:LABEL_LIMIT], {0: "not chosen", 1: "chosen"})
                data[var.name] = [None if c in ("", None) else
                                  int(option.value in str(c).split(types.MULTI_SEPARATOR)) for c in cells]
                variables.append(var)
        elif isinstance(kind, types.Choice):
            codes_of = {o.value: n for n, o in enumerate(item.options, start=1)}
            var = Variable(name(item.id), column, label, {codes_of[o.value]: o.label for o in item.options})
            data[var.name] = [codes_of.get(c) if c not in ("", None) else None for c in cells]
            variables.append(var)
    frame = pd.DataFrame({v.name: pd.array(data[v.name], dtype="Float64") for v in variables})
    notes = [line for (line,) in exports.notes(round_, raw)[1]]
    return Dataset(frame, variables, notes)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype("float64")


def to_sav(ds: Dataset) -> bytes:
    import pyreadstat  # here: only these files need it

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "data.sav")
        pyreadstat.write_sav(
            _plain(ds.frame), path, column_labels={v.name: v.label for v in ds.variables},
            variable_value_labels={v.name: v.values for v in ds.variables if v.values},
            missing_ranges={v.name: [DONT_KNOW] for v in ds.variables if v.dont_know},
            variable_measure={v.name: v.measure for v in ds.variables},
            note=[line for note in ds.notes for line in textwrap.wrap(note, 80)])  # SPSS documents: 80 a line
        with open(path, "rb") as f:
            return f.read()


def to_dta(ds: Dataset) -> bytes:
    """Stata needs a column's type to be one: a number column stays numeric (all blank, or no rows at all,
    included), and only a column holding a "don't know" becomes one whose missing code is the letter .a."""
    frame = _plain(ds.frame)
    for v in ds.variables:
        if v.dont_know and (frame[v.name] == DONT_KNOW).any():
            frame[v.name] = pd.Series([STATA_DONT_KNOW if x == DONT_KNOW else (None if pd.isna(x) else x)
                                       for x in frame[v.name]], dtype=object, index=frame.index)
    labels = {v.name: {(STATA_DONT_KNOW if code == DONT_KNOW else code): text for code, text in v.values.items()}
              for v in ds.variables if v.values}
    import pyreadstat  # here: only these files need it

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "data.dta")
        pyreadstat.write_dta(frame, path, column_labels={v.name: v.label for v in ds.variables},
                             variable_value_labels=labels,
                             missing_user_values={v.name: [STATA_DONT_KNOW] for v in ds.variables if v.dont_know})
        with open(path, "rb") as f:
            return f.read()


def codebook(ds: Dataset) -> exports.Table:
    """One row per variable: its name, its column in the other raw files, its label, its codes, its missing values."""
    rows = []
    for v in ds.variables:
        values = "; ".join(f"{code}={text}" for code, text in v.values.items())
        missing = "blank = not answered" + (f"; {DONT_KNOW} = don't know (SPSS user-missing, Stata .a)"
                                            if v.dont_know else "")
        rows.append([v.name, v.column, v.label, values, missing])
    return ["variable", "column_in_other_files", "label", "values", "missing"], rows


def value_labels(ds: Dataset) -> exports.Table:
    """Every code's label, one row each (for R, which reads them into factors)."""
    return ["variable", "code", "label"], [[v.name, code, text] for v in ds.variables
                                           for code, text in v.values.items()]


def to_r_csv(ds: Dataset) -> str:
    """The coded data for R (read.csv(..., na.strings = "")), blank for missing, -9 for don't know."""
    out = io.StringIO()
    _plain(ds.frame).to_csv(out, index=False, na_rep="", float_format="%g", lineterminator="\n")
    return out.getvalue()


def to_zip(round_: Round, ds: Dataset, prefix: str) -> bytes:
    """The R files: the data, its codebook, every code's label and the notes, with a script that reads them."""
    import zipfile

    script = (f'data <- read.csv("{prefix}.csv", na.strings = "")\n'
              f'codebook <- read.csv("{prefix}-codebook.csv")\n'
              f'codes <- read.csv("{prefix}-value-labels.csv")\n'
              "# Each coded variable as a factor with its codes' labels (don't know, -9, becomes NA), and the\n"
              "# question as its label attribute.\n"
              "for (v in codebook$variable) {\n"
              "  mine <- codes[codes$variable == v & codes$code != -9, ]\n"
              "  data[[v]] <- factor(data[[v]], levels = mine$code, labels = mine$label)\n"
              "  attr(data[[v]], 'label') <- codebook$label[codebook$variable == v]\n"
              "}\n")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{prefix}.csv", to_r_csv(ds))
        archive.writestr(f"{prefix}-codebook.csv", exports.to_csv(codebook(ds)))
        archive.writestr(f"{prefix}-value-labels.csv", exports.to_csv(value_labels(ds)))
        archive.writestr(f"{prefix}-notes.txt", "\n".join(ds.notes) + "\n")
        archive.writestr(f"read-{prefix}.R", script)
    return buffer.getvalue()


def file_for(round_: Round, q: Questionnaire, raw: exports.RawFile, fmt: str) -> tuple[bytes, str, str]:
    """(body, mimetype, extension) of the dataset in `fmt`: sav, dta or r."""
    ds = dataset(round_, q, raw)
    if fmt == "sav":
        return to_sav(ds), "application/x-spss-sav", "sav"
    if fmt == "dta":
        return to_dta(ds), "application/x-stata-dta", "dta"
    return to_zip(round_, ds, f"round{round_.id}-responses"), "application/zip", "zip"
