"""The stored data: jurisdictions, agencies, rounds, invitations, responses and answers; contacts and the emails
sent to them.

Identity never meets answers. An invitation holds only a hash of its token and the agency and role level it was
issued for, and a response holds the same agency and role level. An email address is stored in one place, the
contacts table (`Contact`), only to send a round's invitations and reminders, and only until the round closes. A
draft is reached through its invitation (so that its link resumes it); when the response is submitted that link is
cut and the invitation keeps only its status, so no join ties submitted answers to an invitation or an address.
"""
from __future__ import annotations

import datetime as dt
import secrets
from typing import Optional

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import BigInteger, Enum, Float, ForeignKey, LargeBinary, String, Text, UniqueConstraint, event
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import generate_password_hash

from .db import db
from .tokens import new_token
from .vocabulary import (
    EmailKind,
    EmailStatus,
    InvitationStatus,
    JobStatus,
    PaperSize,
    ResponseStatus,
    ReviewStatus,
    Role,
    RoleLevel,
    RoundStatus,
    Sector,
)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _enum(cls) -> Enum:
    """Store an enum by its value, as a string with a CHECK constraint (portable across SQLite and PostgreSQL)."""
    return Enum(cls, native_enum=False, create_constraint=True, length=32, name=cls.__name__.lower(),
                values_callable=lambda members: [m.value for m in members], validate_strings=True)


class State(db.Model):
    """A state (or region) whose board compares its jurisdictions. A jurisdiction belongs to one state at most,
    and shows it only what the jurisdiction itself publishes, once it agrees (`Jurisdiction.share_with_state`)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    jurisdictions: Mapped[list[Jurisdiction]] = relationship(back_populates="state", order_by="Jurisdiction.name")


class Jurisdiction(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: The paper its reports are printed on (US agencies print on Letter).
    paper_size: Mapped[PaperSize] = mapped_column(_enum(PaperSize), default=PaperSize.LETTER,
                                                  server_default=PaperSize.LETTER.value)
    #: The IANA time zone its rounds' dates and times are set and shown in (stored times are UTC).
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    #: How its last contacts file was read (JSON: the column for each field, and value mappings), offered again
    #: for the next upload; None before the first.
    contacts_mapping: Mapped[Optional[str]] = mapped_column(Text)
    #: The state it belongs to (`State`), if any; set by an administrator.
    state_id: Mapped[Optional[int]] = mapped_column(ForeignKey("state.id"), index=True)
    #: Whether its closed rounds' published figures count in its state's figures and show, by name, on the state
    #: coordinators' page. Its own facilitators decide (audited); off until they do.
    share_with_state: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    #: Whether the facilitators of the state's other jurisdictions see it by name beside theirs (otherwise it is
    #: one unnamed jurisdiction in the state's distribution). Only with `share_with_state`.
    show_by_name: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    #: Whether it has ever shown its name to a state's other jurisdictions: they may have kept its figures, so it is
    #: never among the others they see together (`scoring.state.for_a_county`). Never reset.
    named_once: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    #: Whether it has ever shared its figures without its name: they have then been among the others that each
    #: jurisdiction sees together, and showing its name would let them be taken out again. Never reset.
    unnamed_once: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    state: Mapped[Optional[State]] = relationship(back_populates="jurisdictions")
    agencies: Mapped[list[Agency]] = relationship(back_populates="jurisdiction", order_by="Agency.name")
    rounds: Mapped[list[Round]] = relationship(back_populates="jurisdiction", order_by="Round.id")


class Agency(db.Model):
    __table_args__ = (UniqueConstraint("jurisdiction_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80))
    sector: Mapped[Sector] = mapped_column(_enum(Sector))

    jurisdiction: Mapped[Jurisdiction] = relationship(back_populates="agencies")


class Round(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    questionnaire_id: Mapped[str] = mapped_column(String(64))
    questionnaire_version: Mapped[int]
    status: Mapped[RoundStatus] = mapped_column(_enum(RoundStatus), default=RoundStatus.DRAFT)
    opens_at: Mapped[Optional[dt.datetime]]
    closes_at: Mapped[Optional[dt.datetime]]
    #: When the job runner sends the invitations (opening the round first if it is still a draft); None once
    #: they went, or when they go by hand.
    invite_at: Mapped[Optional[dt.datetime]]
    min_group_size: Mapped[int] = mapped_column(default=3)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: SHA-256 of the round's open link, when it has one: respondents choose their agency and role level there.
    open_link_hash: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    #: Who the round's emails come from (the From name and the signature) and where replies go (Reply-To).
    sender_name: Mapped[Optional[str]] = mapped_column(String(200))
    reply_to: Mapped[Optional[str]] = mapped_column(String(254))
    #: Days before the closing date on which reminders go out (`send-due`), comma-separated: "7,2"; empty for none.
    reminder_days: Mapped[str] = mapped_column(String(40), default="", server_default="")
    #: The most reminders one contact gets in this round, by schedule and by hand together.
    max_reminders: Mapped[int] = mapped_column(default=2, server_default="2")
    #: Whether `send-due` closes the round once its closing date has passed (which also deletes its addresses).
    closes_itself: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    #: When the round's contact addresses were deleted (at its close, or on demand); None while they are kept.
    contacts_purged_at: Mapped[Optional[dt.datetime]]
    #: When its raw responses were first exported (only a closed round's are). The file was planned against what
    #: the round had published; anything published after it would be set beside it, so the round stays closed.
    raw_exported_at: Mapped[Optional[dt.datetime]]
    #: The seed of the round's random draws (bootstrap intervals, the chance spread between agencies), drawn at
    #: random and kept secret: with a seed anyone knows, a reader who knows all but a few answers can replay the
    #: draws and find which answers of those few give the published interval's ends.
    draws_seed: Mapped[Optional[int]] = mapped_column(BigInteger, default=lambda: secrets.randbits(62))

    jurisdiction: Mapped[Jurisdiction] = relationship(back_populates="rounds")

    def availability(self, now: Optional[dt.datetime] = None) -> str:
        """`open` when it takes answers now, else `not_yet` or `closed`, going by status and dates."""
        now = now or utcnow()
        if self.status == RoundStatus.CLOSED or (self.closes_at is not None and now >= self.closes_at):
            return "closed"
        if self.status == RoundStatus.DRAFT or (self.opens_at is not None and now < self.opens_at):
            return "not_yet"
        return "open"


class Response(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    role_level: Mapped[RoleLevel] = mapped_column(_enum(RoleLevel))
    questionnaire_id: Mapped[str] = mapped_column(String(64))
    questionnaire_version: Mapped[int]
    #: The language the respondent answers in (a BCP 47 tag, one of the questionnaire's languages). Answers are
    #: stored as values, never as labels, so it changes no score; responses from before languages are English.
    language: Mapped[str] = mapped_column(String(35), server_default="en")
    status: Mapped[ResponseStatus] = mapped_column(_enum(ResponseStatus), default=ResponseStatus.DRAFT)
    #: Index of the section the respondent reached; a returning respondent resumes there.
    current_section: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[Optional[dt.datetime]]
    #: The release of the round's results that first held it (`Release.seq`); None while it waits for one. A
    #: release publishes k or more at once, so that no reading of the results before and after isolates anyone.
    released_in: Mapped[Optional[int]]
    #: Whether it came through an invitation; False for a paper form imported (coverage counts those among the
    #: invited, and the release rules treat their answers as known to whoever imported them). Once it is
    #: submitted nothing else says which invitation it came through.
    invited: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    agency: Mapped[Agency] = relationship()
    answers: Mapped[list[Answer]] = relationship(back_populates="response", cascade="all, delete-orphan")


class Release(db.Model):
    """One publication of a round's results (DOMAIN.md, "Confidentiality"; `results.releases`): the responses it
    holds are those whose `released_in` is at most its `seq`. Everything a release showed stays public, so each one is
    planned against every release before it, and its results are kept as they were published: pages, exports and
    reports read them, never a new scoring. `grouping` is how the release named and grouped the jurisdiction's
    agencies (JSON: slug, name, sector), which a later edit of an agency does not change; `results` is the
    published `RoundResults` as JSON (`scoring.stored`), None until worked out (a round restored from a backup)."""

    __tablename__ = "round_release"
    __table_args__ = (UniqueConstraint("round_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    seq: Mapped[int]
    taken_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Taken after the round closed: its results are the round's final ones (unless it is reopened).
    final: Mapped[bool] = mapped_column(default=False)
    responses: Mapped[int]
    grouping: Mapped[str] = mapped_column(Text)
    results: Mapped[Optional[str]] = mapped_column(Text, deferred=True)  # read only for the release shown
    #: The jurisdiction's own published figures in this release (JSON, `scoring.state.county_summary`): what its
    #: state's page reads of it, without the whole results.
    summary: Mapped[Optional[str]] = mapped_column(Text)


class Answer(db.Model):
    """One answer: a number (Likert, roster level), a don't-know, or text (open and choice answers).

    A roster answer also names the agency it rates; a multi answer holds its chosen values in `text`, one per line.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str] = mapped_column(String(64))
    target_agency_id: Mapped[Optional[int]] = mapped_column(ForeignKey("agency.id"), index=True)
    value: Mapped[Optional[float]]
    dont_know: Mapped[bool] = mapped_column(default=False)
    text: Mapped[Optional[str]] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="answers")


class Invitation(db.Model):
    """A personal survey link. Only the SHA-256 hash of its token is stored; the token is shown once (or, for a
    contact's invitation, made again from the contact's link key and the app's secret key to be emailed).

    `response` is the draft the link resumes; a submit cuts it (the invitation keeps only "submitted")."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    role_level: Mapped[RoleLevel] = mapped_column(_enum(RoleLevel))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[InvitationStatus] = mapped_column(_enum(InvitationStatus), default=InvitationStatus.NOT_STARTED)
    response_id: Mapped[Optional[int]] = mapped_column(ForeignKey("response.id"), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: A revoked link no longer opens the survey; answers already submitted through it stay.
    revoked_at: Mapped[Optional[dt.datetime]]

    round: Mapped[Round] = relationship()
    agency: Mapped[Agency] = relationship()
    response: Mapped[Optional[Response]] = relationship()


class Contact(db.Model):
    """Someone invited to one round by email: the only place Continuum stores an address, used only to send the
    round's invitations and reminders. Each contact has an invitation of their own; the console shows its status
    (never answers). When the round closes, or on demand, the address and link key are deleted and the row stays,
    so that the counts of who was invited, reminded or opted out remain."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id"), unique=True)
    #: None once deleted.
    email: Mapped[Optional[str]] = mapped_column(String(254))
    #: The language the contact's messages are written in (one of the questionnaire's).
    language: Mapped[str] = mapped_column(String(35))
    #: A random value the survey link is made from with the app's secret key (people.contacts.link_of), so
    #: that the database alone holds no working link; None once the address is deleted.
    link_key: Mapped[Optional[str]] = mapped_column(String(64))
    opted_out_at: Mapped[Optional[dt.datetime]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    invitation: Mapped[Invitation] = relationship()
    emails: Mapped[list[Email]] = relationship(back_populates="contact", order_by="Email.id")


class Email(db.Model):
    """One message to one contact (an invitation or a reminder), recorded before and after it is handed to the
    mail server, so that a send cut off midway resumes without losing or repeating a message."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    kind: Mapped[EmailKind] = mapped_column(_enum(EmailKind))
    #: For a scheduled reminder, how many days before the closing date it was due.
    slot: Mapped[Optional[int]]
    status: Mapped[EmailStatus] = mapped_column(_enum(EmailStatus), default=EmailStatus.QUEUED, index=True)
    #: The background job that sends it (its progress counts the emails it was given).
    job_id: Mapped[Optional[int]] = mapped_column(ForeignKey("job.id"), index=True)
    tries: Mapped[int] = mapped_column(default=0)
    #: A message that met a temporary failure waits until then before it is tried again.
    not_before: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Why it failed, bounced or was not sent, in the mail server's words (with the address taken out).
    reason: Mapped[Optional[str]] = mapped_column(Text)
    message_id: Mapped[Optional[str]] = mapped_column(String(250), index=True)
    queued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[Optional[dt.datetime]]

    contact: Mapped[Contact] = relationship(back_populates="emails")


class EmailTemplate(db.Model):
    """A round's own wording of one kind of message in one language (the built-in wording when there is none)."""

    __table_args__ = (UniqueConstraint("round_id", "kind", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    kind: Mapped[EmailKind] = mapped_column(_enum(EmailKind))
    language: Mapped[str] = mapped_column(String(35))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class OpenAnswerReview(db.Model):
    """A facilitator's decision about one open answer of a closed round: published (in the words given, which may
    leave out a phrase that could identify someone) or withheld. An answer without a review waits; only published
    ones appear in the console's results and the report, attributed to no group."""

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"), unique=True)
    status: Mapped[ReviewStatus] = mapped_column(_enum(ReviewStatus))
    #: The words published (None when withheld).
    text: Mapped[Optional[str]] = mapped_column(Text)
    reviewed_by: Mapped[Optional[str]] = mapped_column(String(254))
    reviewed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Commitment(db.Model):
    """A commitment recorded at the end of a round; the next round's comparison shows it beside its dimension."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    dimension: Mapped[str] = mapped_column(String(64))
    what: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    due: Mapped[Optional[dt.date]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class User(UserMixin, db.Model):
    """A facilitator or an administrator of the console. Respondents have no accounts."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(_enum(Role), default=Role.FACILITATOR)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: What a session cookie names the account by, in place of its id (Flask-Login's alternative id). A new one
    #: ends every session of the account at once: on sign-out, a new password, or when it is disabled.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    #: A disabled account cannot sign in, and its sessions are over; its grants and audit trail stay.
    disabled_at: Mapped[Optional[dt.datetime]]
    #: The second factor (`accounts.two_factor`): the TOTP secret, encrypted under the app's secret key (set while
    #: enrolling, in use once `totp_enabled_at` is set), and the last time step a code was accepted for, so that
    #: no code is accepted twice.
    totp_secret: Mapped[Optional[str]] = mapped_column(Text)
    totp_enabled_at: Mapped[Optional[dt.datetime]]
    totp_last_step: Mapped[Optional[int]] = mapped_column(BigInteger)

    grants: Mapped[list[Grant]] = relationship(back_populates="user", cascade="all, delete-orphan")
    state_grants: Mapped[list[StateGrant]] = relationship(cascade="all, delete-orphan")

    def set_password(self, password: str) -> None:
        """scrypt through werkzeug; PASSWORD_HASH_METHOD tunes its cost (werkzeug's default when unset)."""
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def get_id(self) -> str:
        return self.session_token

    def end_sessions(self) -> None:
        self.session_token = new_token()

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_viewer(self) -> bool:
        """Reads published results only (`viewing`); no other page of the console, nothing of the API."""
        return self.role == Role.VIEWER

    @property
    def is_state_coordinator(self) -> bool:
        """Reads the state page of the states granted (`StateGrant`) only."""
        return self.role == Role.STATE

    @property
    def reads_only(self) -> bool:
        """A viewer or a state coordinator: of the console only its own account page, nothing of the API."""
        return self.role in (Role.VIEWER, Role.STATE)


class HeldOnce(db.Model):
    """A jurisdiction an account has held at some time (written with each grant, kept when the grant is taken
    back): what the account may have read of it, which a county's view of its state never counts among the
    counties the account cannot know (`scoring.state.for_a_county`)."""

    __tablename__ = "held_once"
    __table_args__ = (UniqueConstraint("user_id", "jurisdiction_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"))


class Grant(db.Model):
    """A facilitator's access to one jurisdiction."""

    __table_args__ = (UniqueConstraint("user_id", "jurisdiction_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)

    user: Mapped[User] = relationship(back_populates="grants")
    jurisdiction: Mapped[Jurisdiction] = relationship()


class OutboxMessage(db.Model):
    """What the outbox (no mail server set) holds of one message, for every app server's Messages tab: the file's
    name on the server that wrote it, its recipient and subject, and its text with every personal link's token
    taken out (the database keeps tokens only as hashes; the file, with working links, stays on that server for
    whoever runs it). Deleted with the round's addresses."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    written_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)


class StateGrant(db.Model):
    """A state coordinator's access to one state's page."""

    __table_args__ = (UniqueConstraint("user_id", "state_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    state_id: Mapped[int] = mapped_column(ForeignKey("state.id"), index=True)

    state: Mapped[State] = relationship()


class Job(db.Model):
    """Work done in the background (a report rendered, a round's emails sent), claimed by one worker at a time.

    A worker claims the oldest queued job by a conditional update (`status` from queued to running), so two
    workers, in one process or on several servers, never run it twice; on PostgreSQL the candidate is also
    selected with FOR UPDATE SKIP LOCKED, so workers do not wait on each other. A running job whose heartbeat
    stopped (its worker died) is queued again."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    #: What the job is about (`round:5`): one unfinished job per kind and key.
    key: Mapped[str] = mapped_column(String(200), index=True)
    payload: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[JobStatus] = mapped_column(_enum(JobStatus), default=JobStatus.QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    message: Mapped[Optional[str]] = mapped_column(Text)
    error: Mapped[Optional[str]] = mapped_column(Text)
    worker: Mapped[Optional[str]] = mapped_column(String(64))
    not_before: Mapped[dt.datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[Optional[dt.datetime]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[Optional[dt.datetime]]


class ReportFile(db.Model):
    """A rendered report, kept by the hash of everything it was made from (the published results, the renderer's
    code and templates, the options): a download of the same inputs is served from here, on any server."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class StateReport(db.Model):
    """A state's rendered report, kept by the hash of what it was made from (the state's figures, the renderer's
    code, the paper): the latest one of each state only, served to its coordinators on any server."""

    id: Mapped[int] = mapped_column(primary_key=True)
    state_id: Mapped[int] = mapped_column(ForeignKey("state.id"), index=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AuditEvent(db.Model):
    """Who did what, when. Append-only: rows are never updated or deleted (see the guards below)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[Optional[str]] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[Optional[str]] = mapped_column(String(200))
    detail: Mapped[Optional[str]] = mapped_column(Text)


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _audit_is_append_only(_mapper, _connection, _target):
    raise ValueError("the audit log is append-only")


class RateLimitCount(db.Model):
    """A rate limit's counter for one key (`ratelimits`): hits so far in the window that ends at `ends_at` (Unix
    seconds). Shared by every worker and server, so a limit counts all of them."""

    __tablename__ = "rate_limit"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    ends_at: Mapped[float] = mapped_column(Float, index=True)


class RecoveryCode(db.Model):
    """One of an account's single-use recovery codes (for a lost authenticator), kept as its SHA-256 only."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[Optional[dt.datetime]]


class ShareLink(db.Model):
    """A link a facilitator gives to a reader without an account (a policy team, an agency head): it shows one
    round's published results and report, and nothing else, until it expires or is withdrawn. Kept as the
    SHA-256 of its token only; every view is counted and audited."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: Who it is for, in the facilitator's words ("Policy team, March meeting").
    label: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[Optional[str]] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[Optional[dt.datetime]]
    views: Mapped[int] = mapped_column(default=0, server_default="0")
    last_viewed_at: Mapped[Optional[dt.datetime]]

    round: Mapped[Round] = relationship()


class SecurityKey(db.Model):
    """A security key (WebAuthn) registered as a second factor of an account, beside its authenticator app: the
    credential's id and public key, and the signature counter it last reported (a counter that goes back means a
    cloned key)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    credential_id: Mapped[bytes] = mapped_column(LargeBinary(1024), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(2048))
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[Optional[dt.datetime]]
