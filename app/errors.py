"""Domain errors: raised by services, shown by views as a message; nothing has changed when they are."""


class DomainError(Exception):
    """A refused action; ``str(error)`` is a message for the user (Dutch)."""


class PermissionDenied(DomainError):
    """The user may see the object but not do this (HTTP 403)."""


class NotFound(DomainError):
    """No such object, or one the user may not see (HTTP 404, so ids cannot be probed)."""


class OutOfScope(NotFound):
    """An object that exists but that the user may not see (another partner's, another project's): answered
    as 404 like a missing one, and written to the audit trail as a failed authorisation."""

    def __init__(self, message: str = "", object_type: str | None = None, object_id=None,
                 project_id: int | None = None):
        super().__init__(message)
        self.object_type, self.object_id, self.project_id = object_type, object_id, project_id
