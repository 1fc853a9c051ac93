"""Services: the only code that reads and writes the database on behalf of views and commands."""
from dataclasses import dataclass

#: A setting given as KEEP is left as it is (`rounds.edit_round`, and the commands that edit a round).
KEEP = object()


class ServiceError(ValueError):
    """A request that cannot be carried out, with a message a person can act on."""


@dataclass(frozen=True)
class Problem:
    """One problem of a checked file, with its place ("row 6, column email", "responses[3].answers[5]")."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


class Refused(ServiceError):
    """A file that was checked whole and refused: nothing was written; `problems` says why, each with its place."""

    MAX_LISTED = 200

    def __init__(self, outcome: str, problems: list):
        self.problems = problems
        shown = problems[:self.MAX_LISTED]
        more = len(problems) - len(shown)
        lines = [str(p) for p in shown] + ([f"... and {more} more"] if more > 0 else [])
        super().__init__(f"{outcome}; {len(problems)} problem(s):\n" + "\n".join(lines))
