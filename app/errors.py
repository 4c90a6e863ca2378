"""Domain errors: raised by services, shown by views as a message; nothing has changed when they are."""


class DomainError(Exception):
    """A refused action; ``str(error)`` is a message for the user (Dutch)."""


class PermissionDenied(DomainError):
    """The user may see the object but not do this (HTTP 403)."""


class NotFound(DomainError):
    """No such object, or one the user may not see (HTTP 404, so ids cannot be probed)."""
