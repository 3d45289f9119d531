"""Saves a counter may repeat: a visit, a redemption, a points spend.

Over a network the answer to a save can be lost after the server committed it (a cable
pulled at the wrong moment). The counter then does not know, and the receptionist presses
Save again. Each such form makes one request id when it opens and sends it with every try;
the first save stores it beside what it wrote (same transaction), so a repeat finds it and
hands back what was saved, doing nothing twice. Ids are kept a week (`forget_old`)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.core.context import AppContext
from app.core.errors import ValidationError
from db.models import RequestId

T = TypeVar("T")

KEEP = timedelta(days=7)
_ID = re.compile(r"^[A-Za-z0-9_-]{8,40}$")


def new_id() -> str:
    """A fresh request id: made by the form when the user first presses Save."""
    return uuid.uuid4().hex


def check(request_id: str | None) -> str | None:
    if request_id is None:
        return None
    if not isinstance(request_id, str) or not _ID.match(request_id):
        raise ValidationError("request.id", field="request_id")
    return request_id


def done_before(s: Session, request_id: str | None, kind: str) -> int | None:
    """The id of what this request saved already (None: not saved yet)."""
    if request_id is None:
        return None
    return s.scalar(
        select(RequestId.target_id).where(RequestId.id == request_id, RequestId.kind == kind)
    )


def remember(s: Session, request_id: str | None, kind: str, target_id: int, now: datetime) -> None:
    """Stores the request with what it saved, in the caller's transaction. A twin of this
    request saving at the same instant makes one of the two fail here (IntegrityError):
    the caller then hands back what the other saved."""
    if request_id is None:
        return
    s.add(RequestId(id=request_id, kind=kind, target_id=target_id, at=now))
    s.flush()


def saved_by_twin(
    ctx: AppContext, request_id: str | None, load: Callable[[Session], T | None]
) -> T | None:
    """After a save failed on a UNIQUE constraint: what a twin of this request (the same
    form, saved at the same instant from elsewhere) saved, read by `load` in a fresh
    transaction; None when there is no request id or nothing was saved under it (the
    failure had another cause: the caller raises it again)."""
    if request_id is None:
        return None
    with ctx.uow() as uow:
        return load(uow.session)


def forget_old(s: Session, now: datetime) -> int:
    result = s.execute(delete(RequestId).where(RequestId.at < now - KEEP))
    return int(getattr(result, "rowcount", 0) or 0)
