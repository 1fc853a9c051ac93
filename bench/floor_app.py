"""The floor for bench/load.py: the smallest Flask app, answering every GET and POST with a short page. The same
harness drives it under the same gunicorn, so Continuum's figures can be read against what the stack costs."""
from flask import Flask

app = Flask(__name__)


@app.route("/", defaults={"path": ""}, methods=["GET", "POST"])
@app.route("/<path:path>", methods=["GET", "POST"])
def anything(path: str):
    return "<!doctype html><title>ok</title><p>ok</p>"
