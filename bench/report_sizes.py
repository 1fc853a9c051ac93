"""The readiness report at both ends of the size range: the demo county (10 agencies), a small county (4 agencies
of 4, 3, 2 and 2 respondents) and a large one (30 agencies, about 900 respondents), each compared with its earlier
round. Writes each PDF (and its pages as PNG with --png, which needs pdftoppm) to a folder and prints its pages
and how long it took to draw.

    .venv/bin/python bench/report_sizes.py [--out DIR] [--png]
"""
from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from pathlib import Path

import pypdf

from assessment import catalog
from tests.support.counties import large_county, scored, small_county


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "report-sizes"))
    parser.add_argument("--png", action="store_true", help="also each page as PNG (pdftoppm)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from app import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "FLASK_JOBS": "inline",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{out}/demo.sqlite"})
    with app.app_context():
        for name, draw in (("demo", demo_pdf), ("small", county_pdf(small_county)),
                           ("large", county_pdf(large_county))):
            started = time.perf_counter()
            pdf = draw(app)
            path = out / f"{name}.pdf"
            path.write_bytes(pdf)
            pages = len(pypdf.PdfReader(path).pages)
            seconds = time.perf_counter() - started
            print(f"{name:<6} {pages:>3} pages  {len(pdf) // 1024:>5} KiB  {seconds:6.1f} s  {path}")
            if args.png:
                folder = out / name
                folder.mkdir(exist_ok=True)
                for old in folder.glob("*.png"):
                    old.unlink()
                subprocess.run(["pdftoppm", "-r", "70", "-png", str(path), str(folder / "p")], check=True)


def demo_pdf(app) -> bytes:
    from assessment import demo
    from assessment.db import db
    from assessment.models import Round
    from assessment.results import report

    db.drop_all()
    db.create_all()
    demo.seed()
    db.session.commit()
    return report.render(db.session.get(Round, 2), db.session.get(Round, 1))


def county_pdf(make):
    def draw(app) -> bytes:
        import reports
        from reports.render import find_browser

        results, comparison = scored(make())
        guidance = catalog.get(results.round.questionnaire_id, results.round.questionnaire_version).guidance
        return reports.build_pdf(results, app.static_folder, find_browser(), "Letter", comparison=comparison,
                                 guidance=guidance)
    return draw


if __name__ == "__main__":
    main()
