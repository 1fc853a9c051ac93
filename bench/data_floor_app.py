"""A second floor for bench/load.py (`--floor data`): the smallest Flask app that does the database work a survey
page needs and nothing else, through SQLAlchemy Core and psycopg as Continuum does, against the same database.

Every request looks an invitation up by its token's hash with its round and response (one indexed statement, as
the survey does), reads a jurisdiction's agencies and a response's answers; a POST also updates the response in a
transaction of its own. No ORM objects, no templates, no forms, no sessions, no CSRF: what is left when the
database round trips are all a page costs. Continuum's cost over this floor is what its own code adds.
"""
import os

from flask import Flask, request
from sqlalchemy import create_engine, text

from app import database_url

app = Flask(__name__)
engine = create_engine(database_url(os.environ["FLASK_SQLALCHEMY_DATABASE_URI"]), pool_size=10)
with engine.connect() as connection:
    TOKEN_HASH, JURISDICTION, RESPONSE = connection.execute(text(
        "SELECT i.token_hash, r.jurisdiction_id, COALESCE(MAX(s.id), 0) FROM invitation i "
        "JOIN round r ON r.id = i.round_id LEFT JOIN response s ON s.round_id = r.id "
        "GROUP BY i.token_hash, r.jurisdiction_id LIMIT 1")).one()

FIND = text("SELECT i.id, i.status, r.id, r.status, r.closes_at, s.id, s.status, s.current_section FROM invitation i "
            "JOIN round r ON r.id = i.round_id LEFT JOIN response s ON s.id = i.response_id "
            "WHERE i.token_hash = :hash AND i.revoked_at IS NULL")
AGENCIES = text("SELECT id, slug, name FROM agency WHERE jurisdiction_id = :jurisdiction ORDER BY name")
ANSWERS = text("SELECT item_id, target_agency_id, value, dont_know, text FROM answer WHERE response_id = :response")
TOUCH = text("UPDATE response SET updated_at = CURRENT_TIMESTAMP WHERE id = :response")


@app.route("/", defaults={"path": ""}, methods=["GET", "POST"])
@app.route("/<path:path>", methods=["GET", "POST"])
def anything(path: str):
    with engine.begin() as connection:
        connection.execute(FIND, {"hash": TOKEN_HASH}).all()
        connection.execute(AGENCIES, {"jurisdiction": JURISDICTION}).all()
        connection.execute(ANSWERS, {"response": RESPONSE}).all()
        if request.method == "POST":
            connection.execute(TOUCH, {"response": RESPONSE})
    return "<!doctype html><title>ok</title><p>ok</p>"
