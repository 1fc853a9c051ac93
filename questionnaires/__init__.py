"""Questionnaire definitions (YAML files in this directory), their schema and their loader."""
from pathlib import Path

from .loader import QuestionnaireError, language_name, load_directory, load_file, load_text
from .schema import CONDITIONS, CONTINUUM, Questionnaire

DIRECTORY = Path(__file__).parent

__all__ = ["CONDITIONS", "CONTINUUM", "DIRECTORY", "Questionnaire", "QuestionnaireError", "language_name",
           "load_directory", "load_file", "load_text"]
