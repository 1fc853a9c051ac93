"""The audit log, for administrators."""
from __future__ import annotations

import datetime as dt

from flask import abort, render_template, request

from .. import access
from ..services import audit
from ..text import clean
from . import bp


@bp.get("/audit")
def audit_log():
    access.admin_only()
    try:
        since = dt.date.fromisoformat(request.args["since"]) if request.args.get("since") else None
        until = dt.date.fromisoformat(request.args["until"]) if request.args.get("until") else None
    except ValueError:
        abort(400)
    action = request.args.get("action", "")
    if action and action not in audit.ACTIONS:
        abort(400)
    events = audit.events(action=action, actor=clean(request.args.get("actor", "")).strip(), since=since, until=until)
    return render_template("console/audit.html", events=events, actions=audit.ACTIONS, args=request.args)
