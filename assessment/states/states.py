"""States and what they see of their jurisdictions: a state groups jurisdictions; a jurisdiction's facilitators
decide whether it shares its published figures with its state, and whether the state's other jurisdictions see it
by name (both audited); state coordinators read the state's page of the states granted to them.

What the state's page reads of a jurisdiction is its closed rounds' final releases' own summaries
(`results.releases.summary_of`), in a bounded number of statements whatever the state's size.
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy import delete, func, select

from .. import catalog
from ..db import db
from ..models import Commitment, HeldOnce, Jurisdiction, Round, State, StateGrant, StateReport, User
from ..results import releases
from ..scoring import state as statewide
from ..services import ServiceError, audit
from ..text import clean
from ..vocabulary import KEY_SECTORS, Role, RoundStatus


def add_state(name: str) -> State:
    name = clean(name).strip()
    if not name:
        raise ServiceError("a state needs a name")
    if len(name) > 200:
        raise ServiceError("a state's name is at most 200 characters")
    if db.session.scalar(select(State.id).where(func.lower(State.name) == name.lower())):
        raise ServiceError(f"there is already a state named {name!r}")
    state = State(name=name)
    db.session.add(state)
    audit.record("state_created", name)
    db.session.flush()
    return state


def list_states() -> list[State]:
    return list(db.session.scalars(select(State).order_by(State.name)))


def assign(jurisdiction: Jurisdiction, state: Optional[State]) -> None:
    """Put a jurisdiction in a state (or in none). Its agreement to share was given to the state it was in: a move
    takes it back, and its facilitators decide again."""
    if jurisdiction.state_id == (state.id if state else None):
        return
    forget_reports(jurisdiction.state_id)  # the state it leaves
    jurisdiction.state = state
    jurisdiction.share_with_state = jurisdiction.show_by_name = False  # named_once, unnamed_once stay: for good
    audit.record("state_changed", jurisdiction.name, f"in {state.name}" if state else "in no state")
    db.session.flush()


def set_sharing(jurisdiction: Jurisdiction, share: bool, by_name: bool) -> str:
    """Whether the jurisdiction's published figures count in its state's and show on the coordinators' page, and
    whether the state's other jurisdictions see it by name (only when it shares). Returns what now holds."""
    if jurisdiction.state_id is None:
        raise ServiceError(f"{jurisdiction.name} belongs to no state: an administrator puts it in one first")
    by_name = bool(share and by_name)
    said = _sharing_words(bool(share), by_name)
    if (jurisdiction.share_with_state, jurisdiction.show_by_name) != (bool(share), by_name):
        if by_name and jurisdiction.unnamed_once and not jurisdiction.named_once:
            raise ServiceError(
                f"{jurisdiction.name} cannot show its name: it has shared its figures without it, so they have been "
                "among the others that each of the state's jurisdictions sees together, and with its name shown "
                "they could be taken out of what those saw. A jurisdiction chooses to show its name when it first "
                "shares; it can go on sharing without it")
        was_in = jurisdiction.state_id
        jurisdiction.share_with_state, jurisdiction.show_by_name = bool(share), by_name
        jurisdiction.named_once = jurisdiction.named_once or by_name
        jurisdiction.unnamed_once = jurisdiction.unnamed_once or (bool(share) and not by_name)
        audit.record("state_sharing_changed", jurisdiction.name, said)
        forget_reports(was_in)
        db.session.flush()
    return said


def forget_reports(state_id: Optional[int]) -> None:
    """A state's kept report shows every sharing county by name: when what a county shares changes, it goes (a new
    one is rendered on the next download), so that a county that stopped sharing is not left in the store."""
    if state_id is not None:
        db.session.execute(delete(StateReport).where(StateReport.state_id == state_id))


def _sharing_words(share: bool, by_name: bool) -> str:
    if not share:
        return "shares nothing with its state"
    return ("shares its published figures with its state, by name to the state's other jurisdictions" if by_name
            else "shares its published figures with its state, unnamed to the state's other jurisdictions")


def grant(user: User, state: State) -> None:
    if user.role != Role.STATE:
        raise ServiceError(f"{user.email} is not a state coordinator (its role is {user.role.label.lower()})")
    if any(g.state_id == state.id for g in user.state_grants):
        return
    user.state_grants.append(StateGrant(state=state))
    audit.record("access_granted", user.email, f"state {state.name}")
    db.session.flush()


def revoke(user: User, state: State) -> None:
    kept = [g for g in user.state_grants if g.state_id != state.id]
    if len(kept) != len(user.state_grants):
        user.state_grants = kept
        audit.record("access_revoked", user.email, f"state {state.name}")
        db.session.flush()


def states_for(user: User) -> list[State]:
    """The states whose page the user reads: every one for an administrator, those granted for a coordinator."""
    if user.is_admin:
        return list_states()
    if user.role != Role.STATE:
        return []
    return list(db.session.scalars(select(State).join(StateGrant, StateGrant.state_id == State.id)
                                   .where(StateGrant.user_id == user.id).order_by(State.name)))


def may_read(user: User, state_id: int) -> bool:
    return user.is_admin or (user.role == Role.STATE and any(g.state_id == state_id for g in user.state_grants))


def counties(state: State) -> list[statewide.County]:
    """The state's jurisdictions that share with it, each with its latest closed round's published summary, the one
    before, and the dimensions of the commitments recorded after it: five statements (six when a release was kept
    before summaries were), whatever the state's size."""
    places = list(db.session.scalars(select(Jurisdiction).where(
        Jurisdiction.state_id == state.id, Jurisdiction.share_with_state.is_(True)).order_by(Jurisdiction.name)))
    closed = list(db.session.scalars(select(Round).where(
        Round.jurisdiction_id.in_([j.id for j in places]), Round.status == RoundStatus.CLOSED)
        .order_by(Round.jurisdiction_id, Round.id))) if places else []
    latest = releases.latest_of_each(closed) if closed else {}
    promised: dict[int, list[str]] = {}
    if closed:
        for round_id, dimension in db.session.execute(select(Commitment.round_id, Commitment.dimension).where(
                Commitment.round_id.in_([r.id for r in closed])).order_by(Commitment.id)):
            promised.setdefault(round_id, []).append(dimension)
    by_place: dict[int, list[tuple[Round, statewide.CountySummary]]] = {}
    for round_ in closed:
        published = (statewide.at_the_state(releases.summary_of(latest[round_.id])) if round_.id in latest
                     else statewide.NOTHING)
        by_place.setdefault(round_.jurisdiction_id, []).append((round_, published))
    out = []
    for place in places:
        kept = by_place.get(place.id, [])
        out.append(statewide.County(
            id=place.id, name=place.name, by_name=place.show_by_name,
            latest=kept[-1][1] if kept else None, earlier=kept[-2][1] if len(kept) > 1 else None,
            latest_title=kept[-1][0].title if kept else "",
            commitments=tuple(promised.get(kept[-2][0].id, ())) if len(kept) > 1 else (),
            named_once=place.named_once))
    return out


def held_by(user: User) -> set[int]:
    """The jurisdictions an account holds or has ever held: what it may have read."""
    return {g.jurisdiction_id for g in user.grants} | set(db.session.scalars(
        select(HeldOnce.jurisdiction_id).where(HeldOnce.user_id == user.id)))


def size_of(state: State) -> int:
    """How many jurisdictions the state holds, sharing or not."""
    return db.session.scalar(select(func.count(Jurisdiction.id)).where(Jurisdiction.state_id == state.id))


def constructs() -> tuple[list, list]:
    """The dimensions and conditions the state's figures are told by (the current questionnaire's)."""
    q = catalog.latest("collaboration_readiness")
    return list(q.dimensions), list(q.conditions)


def bound_roles() -> dict[str, str]:
    """The key sectors whose role limits what they may share (the current questionnaire's role table), with what
    binds each in a few words."""
    roles = catalog.latest("collaboration_readiness").guidance.roles.sectors
    return {k.value: roles[k.value].short for k in KEY_SECTORS if k.value in roles and roles[k.value].limits_sharing}


def figures(state: State) -> statewide.StateFigures:
    dimensions, conditions = constructs()
    return statewide.state_figures(counties(state), [d.id for d in dimensions], [c.id for c in conditions],
                                   list(bound_roles()))
