"""The form a county's facilitators share its figures with its state by; it takes control characters out of what is
typed (CleanForm)."""
from __future__ import annotations

from wtforms import BooleanField

from ..text import CleanForm


class SharingForm(CleanForm):
    share = BooleanField("Share our published figures with the state",
                         description="Each closed round's published level, readiness index and scores for the "
                                     "jurisdiction as a whole: never an agency's, never a respondent's. The state's "
                                     "coordinators see them by name.")
    by_name = BooleanField("Show our name to the state's other jurisdictions",
                           description="Otherwise they see our figures only as one unnamed jurisdiction in the "
                                       "state's distribution.")
