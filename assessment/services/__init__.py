"""Services: the only code that reads and writes the database on behalf of views and commands."""


class ServiceError(ValueError):
    """A request that cannot be carried out, with a message a person can act on."""
