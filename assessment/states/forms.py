"""The form a county's facilitators share its figures with its state by; it takes control characters out of what is
typed (CleanForm)."""
from __future__ import annotations

from wtforms import BooleanField

from ..text import CleanForm


class SharingForm(CleanForm):
    share = BooleanField("Share our published figures with the state's coordinators, by name",
                         description="Each closed round's published level, readiness index and scores for the "
                                     "jurisdiction as a whole: never an agency's, never a respondent's. They count "
                                     "in the state's figures; and we see the counties that show their name.")
    by_name = BooleanField("Also show our name to the state's other jurisdictions",
                           description="Only when we share. Otherwise the other jurisdictions see our figures only "
                                       "as one unnamed county among the state's counts. Choose it when we first "
                                       "share: once our figures have been among the unnamed counties, our name "
                                       "can no longer be shown; once shown, it counts as known to the others for "
                                       "good, even if we hide it again.")
