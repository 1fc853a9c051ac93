"""Taking the survey: the respondent's pages (views), the forms they are built from, the service that starts,
saves and submits a response, and the links respondents open."""
from .links import open_link_url, survey_link
from .views import bp

__all__ = ["bp", "open_link_url", "survey_link"]
