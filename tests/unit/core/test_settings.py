"""Store settings: defaults, validation, permissions, the logo; opening hours in the SLA."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app import staff
from app.core import settings as st
from app.core.calendar import SlaPolicy
from app.core.context import AppContext
from app.core.errors import ValidationError
from app.staff import Forbidden
from tests.helpers import refused

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def test_defaults_and_round_trip(ctx: AppContext) -> None:
    assert st.load(ctx) == st.StoreSettings()
    saved = st.save(ctx, st.StoreSettings(language="en", idle_lock_minutes=0, backup_keep=30))
    assert st.load(ctx) == saved and st.language(ctx) == "en"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"language": "fr"}, "settings.language"),
        ({"idle_lock_minutes": -1}, "settings.range"),
        ({"idle_lock_minutes": 241}, "settings.range"),
        ({"backup_keep": 0}, "settings.range"),
        ({"coupon_layout": "a3"}, "pdf.layout"),
        ({"coupon_printer": "x" * 201}, "text.too_long"),
        ({"idle_lock_minutes": True}, "settings.range"),
    ],
)
def test_bad_settings_are_refused(changes: dict[str, object], code: str) -> None:
    with refused(code, ValidationError, field=next(iter(changes))):
        st.StoreSettings().with_changes(**changes)


def test_receptionist_cannot_change_settings(ctx: AppContext) -> None:
    staff.create_staff(ctx, "boss", "老板", "owner", "secret1")
    staff.login(ctx, "boss", "secret1")
    staff.create_staff(ctx, "desk", "前台", "receptionist", "secret1")
    staff.login(ctx, "desk", "secret1")
    with refused("permission.denied", Forbidden, action="settings.edit"):
        st.save(ctx, st.StoreSettings(language="en"))
    with refused("permission.denied", Forbidden, action="settings.edit"):
        st.set_logo(ctx, PNG)
    with refused("permission.denied", Forbidden, action="settings.edit"):
        st.set_store_name(ctx, "别的店")
    assert st.load(ctx).language == "zh_CN" and st.logo_path(ctx) is None


def test_logo(ctx: AppContext) -> None:
    with refused("settings.logo", ValidationError):
        st.set_logo(ctx, b"GIF89a")
    with refused("settings.logo_size", ValidationError):
        st.set_logo(ctx, PNG + b"\0" * st.MAX_LOGO_BYTES)
    assert st.logo_path(ctx) is None
    path = st.set_logo(ctx, PNG)
    assert path is not None and path.read_bytes() == PNG and st.logo_path(ctx) == path
    st.set_logo(ctx, None)
    assert st.logo_path(ctx) is None


def test_opening_hours_set_the_final_answer_time() -> None:
    logged = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # Monday 10:00 in Beijing
    default = SlaPolicy().answer_due(logged).astimezone(SlaPolicy().tz)
    assert default.strftime("%a %H:%M:%S") == "Thu 23:59:59"
    late = SlaPolicy(open_minute=600, close_minute=26 * 60)  # closes 02:00
    assert late.answer_due(logged).astimezone(late.tz).strftime("%a %H:%M:%S") == "Fri 01:59:59"
    early = SlaPolicy(open_minute=540, close_minute=21 * 60)
    assert early.answer_due(logged).astimezone(early.tz).strftime("%a %H:%M") == "Thu 20:59"
    for bad in ((600, 600), (600, 630), (600, 37 * 60), (-1, 600), (1440, 1500)):
        with refused("sla.hours", ValidationError):
            SlaPolicy(open_minute=bad[0], close_minute=bad[1])
    assert SlaPolicy.from_json(late.to_json()) == late
