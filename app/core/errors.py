"""Errors raised by services: a stable code plus parameters the UI turns into a sentence."""

from __future__ import annotations

from typing import Any


class FrontdeskError(Exception):
    """A user's mistake or a refused action. Nothing was changed when it is raised."""

    code: str = "error"

    def __init__(self, code: str | None = None, /, **params: Any) -> None:
        self.code = code or self.code
        self.params = params
        super().__init__(f"{self.code} {params}" if params else self.code)


class ValidationError(FrontdeskError):
    """Input that cannot be accepted; ``params['field']`` names the field."""

    code = "invalid"


class NotFound(FrontdeskError):
    code = "not_found"


class Forbidden(FrontdeskError):
    """The signed-in person's role may not do this, or nobody is signed in."""

    code = "permission.denied"


class Conflict(FrontdeskError):
    """The action clashes with stored data (a duplicate phone, a used coupon...)."""

    code = "conflict"


class Unavailable(FrontdeskError):
    """The store's database server cannot be reached (restarting, cable pulled). Nothing
    was changed — or, for `db.unknown_outcome`, the answer to a save was lost: saving the
    same form again is recognised and does nothing twice."""

    code = "db.unreachable"
