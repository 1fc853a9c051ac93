"""Fixed vocabularies of the field: sectors, role levels, statuses. Plain Python, importable from anywhere."""
from __future__ import annotations

import enum


class Labelled(str, enum.Enum):
    """A string enum whose members carry a human label."""

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, text: str):
        """Accept a value (`line_staff`) or a label (`Line staff`), case-insensitively."""
        wanted = text.strip().lower().replace("-", "_").replace(" ", "_")
        for member in cls:
            if wanted in (member.value, member.label.lower().replace(" ", "_")):
                return member
        allowed = ", ".join(m.value for m in cls)
        raise ValueError(f"unknown {cls.noun()} {text!r}; expected one of {allowed}")

    @classmethod
    def noun(cls) -> str:
        """`RoleLevel` -> "role level"."""
        return "".join(f" {c.lower()}" if c.isupper() else c for c in cls.__name__).strip()


class Sector(Labelled):
    COMMUNITY_SUPERVISION = ("community_supervision", "Community supervision")
    TREATMENT = ("treatment", "Treatment")
    VICTIM_ADVOCACY = ("victim_advocacy", "Victim advocacy")
    LAW_ENFORCEMENT = ("law_enforcement", "Law enforcement")
    PROSECUTION = ("prosecution", "Prosecution")
    JUDICIARY = ("judiciary", "Judiciary")
    DEFENSE = ("defense", "Defense")
    INSTITUTIONAL_CORRECTIONS = ("institutional_corrections", "Institutional corrections")
    POLICYMAKER = ("policymaker", "Policymaker")
    OTHER = ("other", "Other")


#: Sectors whose absence from a round is a coverage warning (DOMAIN.md, "Coverage").
KEY_SECTORS = (
    Sector.COMMUNITY_SUPERVISION,
    Sector.TREATMENT,
    Sector.VICTIM_ADVOCACY,
    Sector.LAW_ENFORCEMENT,
    Sector.PROSECUTION,
    Sector.JUDICIARY,
    Sector.DEFENSE,
)


class RoleLevel(Labelled):
    LINE_STAFF = ("line_staff", "Line staff")
    SUPERVISOR = ("supervisor", "Supervisor")
    EXECUTIVE = ("executive", "Executive or policymaker")


class RoundStatus(Labelled):
    DRAFT = ("draft", "Draft")
    OPEN = ("open", "Open")
    CLOSED = ("closed", "Closed")


class InvitationStatus(Labelled):
    NOT_STARTED = ("not_started", "Not started")
    IN_PROGRESS = ("in_progress", "In progress")
    SUBMITTED = ("submitted", "Submitted")


class ResponseStatus(Labelled):
    DRAFT = ("draft", "Draft")
    SUBMITTED = ("submitted", "Submitted")


class ReviewStatus(Labelled):
    """What a facilitator decided about an open answer: shown (as written, or with a phrase taken out), or not."""
    PUBLISHED = ("published", "Published")
    WITHHELD = ("withheld", "Withheld")


#: The page sizes a jurisdiction's reports are printed on.
class PaperSize(Labelled):
    LETTER = ("Letter", "US Letter")
    A4 = ("A4", "A4")


class JobStatus(Labelled):
    QUEUED = ("queued", "Queued")
    RUNNING = ("running", "Running")
    DONE = ("done", "Done")
    FAILED = ("failed", "Failed")


class EmailKind(Labelled):
    INVITATION = ("invitation", "Invitation")
    REMINDER = ("reminder", "Reminder")


class EmailStatus(Labelled):
    """Where one message to one contact stands. `sending` is recorded just before the message's content goes to
    the mail server and replaced by the outcome just after: a message found `sending` when a send resumes was cut
    off mid-transfer, and is marked `unconfirmed` (it may or may not have arrived) rather than sent twice."""

    QUEUED = ("queued", "Queued")
    SENDING = ("sending", "Sending")
    SENT = ("sent", "Sent")
    FAILED = ("failed", "Failed")
    BOUNCED = ("bounced", "Bounced")
    UNCONFIRMED = ("unconfirmed", "Unconfirmed")
    CANCELLED = ("cancelled", "Not sent")


class Role(Labelled):
    """What a console account may do: an administrator everything; a facilitator run the rounds of the
    jurisdictions granted; a viewer (a policy team member, an agency head) only read those rounds' published
    results and report; a state coordinator only the state page of the states granted (each jurisdiction's
    published figures, where the jurisdiction shares them with its state)."""

    ADMIN = ("admin", "Administrator")
    FACILITATOR = ("facilitator", "Facilitator")
    VIEWER = ("viewer", "Viewer")
    STATE = ("state", "State coordinator")
