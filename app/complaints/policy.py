"""The SLA policy (opening hours, rest days, the store's time zone): read by anyone,
changed by a manager. A new policy applies to complaints logged from then on."""

from __future__ import annotations

from app.core import audit, events, store
from app.core.calendar import SlaPolicy
from app.core.context import AppContext
from app.core.permissions import require


def get_policy(ctx: AppContext) -> SlaPolicy:
    with ctx.uow() as uow:
        return store.policy(uow.session)


def set_policy(ctx: AppContext, policy: SlaPolicy) -> SlaPolicy:
    """Applies to complaints logged from now on; promised deadlines never move."""
    require(ctx, "sla.policy")
    policy.check_warnings_fit()
    with ctx.uow(write=True) as uow:
        s = uow.session
        before = store.policy(s)
        store.set_policy_in(s, policy)
        if before.timezone != policy.timezone:
            # Day-based figures (the dashboard's day book) are counted in store-local days.
            events.publish(events.StoreZoneChanged(s))
        audit.record(s, ctx, "sla.policy", "", policy.to_json())
        uow.commit()
    return policy
