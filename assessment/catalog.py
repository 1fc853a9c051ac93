"""The questionnaires this app serves, loaded and validated once at start-up."""
from __future__ import annotations

import functools
from pathlib import Path

from flask import Flask, current_app

from questionnaires import Questionnaire, load_directory

EXTENSION = "continuum.questionnaires"


def init_app(app: Flask) -> None:
    """Load every questionnaire; a broken file raises `QuestionnaireError` and stops the app with its message."""
    directory = Path(app.config["QUESTIONNAIRE_DIR"])
    files = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(directory.glob("*.yaml")))
    app.extensions[EXTENSION] = dict(_loaded(str(directory), files))


@functools.lru_cache(maxsize=8)
def _loaded(directory: str, _files: tuple) -> dict[tuple[str, int], Questionnaire]:
    """A directory's questionnaires, read once per process while its files stay as they were (questionnaires are
    immutable): apps made one after another, as the tests make them, share them."""
    return load_directory(directory)


def all_questionnaires() -> dict[tuple[str, int], Questionnaire]:
    return current_app.extensions[EXTENSION]


def get(questionnaire_id: str, version: int) -> Questionnaire:
    try:
        return all_questionnaires()[(questionnaire_id, version)]
    except KeyError:
        raise LookupError(f"no questionnaire {questionnaire_id!r} version {version} is installed") from None


def of_round(round_) -> Questionnaire:
    """The questionnaire (and version) a round asks."""
    return get(round_.questionnaire_id, round_.questionnaire_version)


def latest(questionnaire_id: str) -> Questionnaire:
    versions = [q for (qid, _), q in all_questionnaires().items() if qid == questionnaire_id]
    if not versions:
        known = ", ".join(sorted({qid for qid, _ in all_questionnaires()})) or "none"
        raise LookupError(f"no questionnaire {questionnaire_id!r} is installed (installed: {known})")
    return max(versions, key=lambda q: q.version)
