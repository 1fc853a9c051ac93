"""Services: the only code that reads and writes the database on behalf of views and commands."""


class ServiceError(ValueError):
    """A request that cannot be carried out, with a message a person can act on."""


class Refused(ServiceError):
    """A file that was checked whole and refused: nothing was written; `problems` says why, each with its place."""

    MAX_LISTED = 200

    def __init__(self, outcome: str, problems: list):
        self.problems = problems
        shown = problems[:self.MAX_LISTED]
        more = len(problems) - len(shown)
        lines = [str(p) for p in shown] + ([f"... and {more} more"] if more > 0 else [])
        super().__init__(f"{outcome}; {len(problems)} problem(s):\n" + "\n".join(lines))
