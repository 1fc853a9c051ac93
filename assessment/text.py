"""Text as people type it, without control characters.

A vertical tab cannot be written to an XLSX file and a NUL byte cannot be stored in PostgreSQL, so control
characters are taken out of every text where it comes in, and out of every cell again where it goes out. Tab,
line feed and carriage return stay: they are how people lay out what they write.
"""
from __future__ import annotations

import re
from typing import Optional

from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.fields.choices import SelectChoice

#: The C0 controls but tab, line feed and carriage return; DEL; the C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)


def first_control_character(text: str) -> Optional[str]:
    """The first control character in `text`, named as U+XXXX, or None."""
    found = CONTROL_CHARACTERS.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def _clean_field(value):
    return clean(value) if isinstance(value, str) else value


def choices(enum) -> list[SelectChoice]:
    """A select field's choices from an enumeration: each member's value, shown by its label."""
    return [SelectChoice(m.value, m.label) for m in enum]


class CleanForm(FlaskForm):
    """A form whose every text field comes in without control characters. Passwords are left as typed: they are
    only ever hashed, and must match however they were set."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, PasswordField):
                return unbound_field.bind(form=form, **options)
            filters = [*unbound_field.kwargs.get("filters", ()), _clean_field]
            return unbound_field.bind(form=form, filters=filters, **options)


def csv_delimiter(text: str) -> str:
    """The separator of a CSV file's header line: a comma, the semicolon that Excel writes where the comma is the
    decimal mark, or the tab of Excel's "Unicode text"."""
    header = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=header.count)
