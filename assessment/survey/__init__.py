"""Taking the survey: the respondent's pages (views), the forms they are built from, and the service that starts,
saves and submits a response. The links respondents open are made in `assessment.links`."""
from .views import bp

__all__ = ["bp"]
