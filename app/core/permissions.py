"""Who may do what: the roles, their permissions, the signed-in person, and the one check
every service makes (refused in the service; the screen hides it too)."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.context import AppContext
from app.core.errors import Forbidden

ROLES = ("receptionist", "manager", "owner")

# What each role may do beyond the counter's everyday work (members, visits, points,
# complaints, redeeming and issuing coupons within the owner's limit, calls, surveys),
# which everyone signed in may do. The README's role table lists the same; a test walks it.
_MANAGER = frozenset(
    {
        "phone.full",  # see a member's whole phone number
        "member.deactivate",
        "members.export",
        "members.import",
        "campaign.create",
        "coupon.issue_large",  # a coupon worth more than the owner's limit
        "coupon.void",
        "points.adjust",
        "prepaid.refund",  # stored-value cards: pay back the unspent principal, close
        "prepaid.void",  # undo a recharge or a spend made by mistake
        "prepaid.adjust",
        "prepaid.plans",  # recharge offers ("充1000送200")
        "prepaid.bonus",  # a free-amount recharge with a bonus outside the offers
        "prepaid.id_view",  # see a buyer's whole ID number (audited)
        "tiers.edit",
        "tiers.review",
        "reports.view",  # revenue by tier, segments, satisfaction by month
        "sla.report",
        "sla.policy",
        "dashboard.view",
        "settings.edit",
    }
)
_OWNER = _MANAGER | {
    "staff.manage",
    "audit.view",
    "backup.restore",
    "backup.settings",  # how many backups are kept, and where
    "database.choose",  # this counter's database: its own file or the store's server
    "coupon.limits",  # the value a receptionist may give away
    "prepaid.settings",  # how spends are split, the named-card limit, asking for ID
}
PERMISSIONS: dict[str, frozenset[str]] = {
    "receptionist": frozenset(),
    "manager": _MANAGER,
    "owner": frozenset(_OWNER),
}


@dataclass(frozen=True)
class StaffSession:
    """Who is logged in at this counter."""

    id: int
    username: str
    display_name: str
    role: str

    def may(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())


def require(ctx: AppContext, permission: str) -> None:
    """Refuses the action unless the signed-in person's role allows it. The store acting
    as itself (the admin command line, housekeeping) may do anything; nobody signed in at
    the counter may do nothing."""
    if ctx.staff is not None:
        if not ctx.staff.may(permission):
            raise Forbidden(action=permission, role=ctx.staff.role)
    elif not ctx.system:
        raise Forbidden("auth.signed_out", action=permission)
