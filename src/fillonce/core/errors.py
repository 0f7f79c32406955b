"""Errors a user can cause. Each carries a message that names the row, field or file at fault.

Messages are `fillonce.core.i18n.Text` (zh and en) or plain strings; `str()` gives the Chinese.
"""

from fillonce.core.i18n import localize


class FillonceError(Exception):
    """Base of every error that is shown to a user as a clear one-line message."""

    def __init__(self, message: object = ""):
        self.message = message
        super().__init__(str(message))

    def in_(self, language: str) -> str:
        return localize(self.message, language)


class ConfigError(FillonceError):
    """The configuration (environment variables, files) is unusable."""


class DatabaseError(FillonceError):
    """The database cannot be reached or is at a schema this code does not know."""


class PermissionDenied(FillonceError):
    """The actor may not do this to this object."""


class NotFound(FillonceError):
    """The object named does not exist (or is invisible to the actor)."""


class ValidationError(FillonceError):
    """Input is wrong; `problems` lists every fault found, each naming where it is."""

    def __init__(self, problems: list[object] | object):
        self.problems = list(problems) if isinstance(problems, list) else [problems]
        super().__init__(self.problems[0] if len(self.problems) == 1 else "; ".join(map(str, self.problems)))

    def in_(self, language: str) -> str:
        return "; ".join(localize(p, language) for p in self.problems)


class Conflict(FillonceError):
    """The change collides with the current state (a duplicate code, a stale edit)."""
