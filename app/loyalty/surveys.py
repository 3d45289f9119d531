"""Satisfaction surveys: a 1-5 score after a visit or a complaint, and the monthly share
of happy guests."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from app.core.context import AppContext
from app.core.errors import ValidationError
from app.core.permissions import require
from app.core.text import text_field
from db.models import Survey


def record_survey(
    ctx: AppContext,
    score: int,
    comment: str = "",
    member_id: int | None = None,
    visit_id: int | None = None,
    complaint_id: int | None = None,
) -> int:
    """Stores a 1-5 score; returns its id."""
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError("survey.score", field="score")
    comment = text_field(comment, "comment", max_len=500)
    with ctx.uow(write=True) as uow:
        survey = Survey(
            member_id=member_id,
            visit_id=visit_id,
            complaint_id=complaint_id,
            score=score,
            comment=comment,
            at=ctx.clock.now(),
        )
        uow.session.add(survey)
        uow.commit()
        return survey.id


def satisfaction_by_month(ctx: AppContext, months: int = 12) -> list[tuple[str, int, float]]:
    """(YYYY-MM, surveys, share scoring 4 or 5) for the last `months` months, oldest first."""
    require(ctx, "reports.view")
    now = ctx.clock.now()
    since = now - timedelta(days=31 * months)
    with ctx.uow() as uow:
        rows = uow.session.execute(select(Survey.at, Survey.score).where(Survey.at >= since))
        counts: Counter[str] = Counter()
        happy: Counter[str] = Counter()
        for at, score in rows:
            key = at.strftime("%Y-%m")
            counts[key] += 1
            happy[key] += score >= 4
    return [(k, counts[k], happy[k] / counts[k]) for k in sorted(counts)]
