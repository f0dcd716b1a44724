"""Errors that actions raise for user mistakes and refusals.

Views turn them into form errors or error pages; the API turns them into JSON
`{"detail": message}` with the status code carried here. Nothing is written when one is raised:
actions validate and check permission before they write, inside one transaction.
"""


class ActionError(Exception):
    status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class Invalid(ActionError):
    """The input is wrong (empty, too long, unknown reference...)."""

    status = 422


class Forbidden(ActionError):
    """The actor may see the thing but may not do this to it."""

    status = 403


class NotFound(ActionError):
    """The thing does not exist, or the actor may not know that it exists."""

    status = 404


class Conflict(ActionError):
    """The action clashes with the current state (already a member, already reacted...)."""

    status = 409
