"""The CPU time the survey's writes take per respondent, through its services (no HTTP): answering every section
(one save per section) and submitting (the answers moved to new rows), for 60 respondents of an 8-agency county
on SQLite. The pages around them are measured by bench/load.py.

    .venv/bin/python bench/survey_writes.py
"""
from __future__ import annotations

import tempfile
import time


def main() -> None:
    from app import create_app
    from assessment.db import db
    from assessment.people import invitations
    from assessment.places import jurisdictions
    from assessment.rounds import rounds
    from assessment.survey import service as survey
    from assessment.vocabulary import RoleLevel
    from tests.support.survey import fill_through_services

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"TESTING": True, "SECRET_KEY": "bench",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/survey.sqlite"})
        with app.app_context():
            db.create_all()
            county = jurisdictions.add_jurisdiction("Bench County")
            agencies = [jurisdictions.add_agency(county, f"Agency {n}", "treatment") for n in range(8)]
            round_ = rounds.create_round(county, "Bench round")
            rounds.open_round(round_)
            tokens = invitations.issue_invitations(round_, agencies[0], RoleLevel.LINE_STAFF, 60)
            db.session.commit()
            answering = submitting = 0.0
            for token in tokens:
                start = time.process_time()
                draft = fill_through_services(token)
                db.session.commit()
                middle = time.process_time()
                assert survey.submit(*draft)
                db.session.commit()
                answering += middle - start
                submitting += time.process_time() - middle
            print(f"every section answered: {answering / len(tokens) * 1000:.1f} ms CPU per respondent")
            print(f"submitted:              {submitting / len(tokens) * 1000:.1f} ms CPU per respondent")


if __name__ == "__main__":
    main()
