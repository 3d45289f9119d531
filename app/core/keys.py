"""Every key of the settings table, declared once (what each holds is in its owner)."""

from __future__ import annotations

SLA_POLICY = "sla_policy"  # app.core.calendar.SlaPolicy as JSON (hours, rest days, zone)
STORE_NAME = "store_name"  # on coupons, reports and the window title
STORE_SETTINGS = "store_settings"  # app.core.settings.StoreSettings as JSON
COUPON_SECRET = "coupon_secret"  # signs coupon codes (app.core.store.coupon_secret)
LOYALTY_LAST_REVIEW = "loyalty_last_refresh"  # when the monthly tier review last ran
DASHBOARD_TARGETS = "dashboard_targets"  # app.reporting.dashboard.Targets as JSON
DAYBOOK_STALE = "daily_totals_stale"  # the day book must be recounted
BACKUP_DIR = "backup_dir"  # the owner's backup folder
SEARCH_KEYS_VERSION = "search_keys_version"  # app.core.names.KEYS_VERSION the keys follow

ALL = (
    SLA_POLICY,
    STORE_NAME,
    STORE_SETTINGS,
    COUPON_SECRET,
    LOYALTY_LAST_REVIEW,
    DASHBOARD_TARGETS,
    DAYBOOK_STALE,
    BACKUP_DIR,
    SEARCH_KEYS_VERSION,
)
