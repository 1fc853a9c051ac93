"""The questionnaires this app serves, loaded and validated once at start-up."""
from __future__ import annotations

from flask import Flask, current_app

from questionnaires import Questionnaire, load_directory

EXTENSION = "continuum.questionnaires"


def init_app(app: Flask) -> None:
    """Load every questionnaire; a broken file raises `QuestionnaireError` and stops the app with its message."""
    app.extensions[EXTENSION] = load_directory(app.config["QUESTIONNAIRE_DIR"])


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
