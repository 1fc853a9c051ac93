"""JSON API for the console's users: the same access rules, the same JSON as `flask scores`."""
from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from . import access
from .accounts.signin import second_factor_missing
from .results.scores import round_scores

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.before_request
def require_login():
    if not current_user.is_authenticated:
        return jsonify(error="sign in first"), 401
    if current_user.reads_only:
        return jsonify(error="not found"), 404
    if second_factor_missing(current_user):
        return jsonify(error="this account must set up its second factor first (Your account, in the console)"), 403


@bp.errorhandler(HTTPException)
def json_error(error: HTTPException):
    return jsonify(error=error.name.lower()), error.code


@bp.get("/rounds/<int:round_id>/scores")
def scores(round_id: int):
    return jsonify(round_scores(access.round_or_404(round_id)).as_json())


@bp.get("/rounds/<int:round_id>/coverage")
def coverage(round_id: int):
    results = round_scores(access.round_or_404(round_id), take=False)
    return jsonify(round=results.round.as_json(), coverage=results.coverage.as_json())
