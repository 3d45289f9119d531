"""The store's settings: name and logo (on coupons and reports), the counter's language,
idle lock, printing choices and how many backups to keep.

Opening hours and rest days belong to the SLA policy (app.sla), which the working-day
deadlines are computed from; the backup folder to app.backup. The settings dialog edits
all of them; each part keeps its own rules and permission."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from app import audit
from app.context import AppContext
from app.errors import ValidationError
from app.members import text_field
from db.models import Setting

SETTINGS_KEY = "store_settings"
LANGUAGES = ("zh_CN", "zh_TW", "en")
LAYOUTS = ("a4", "a6", "receipt58", "receipt80")
LOGO_FILE = "logo.png"
MAX_LOGO_BYTES = 2_000_000


@dataclass(frozen=True)
class StoreSettings:
    language: str = "zh_CN"
    idle_lock_minutes: int = 10  # 0: never lock
    coupon_layout: str = "receipt80"  # what "Print" uses unless changed in the dialog
    coupon_printer: str = ""  # "": the PC's default printer
    report_printer: str = ""
    backup_keep: int = 14

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ValidationError("settings.language", field="language", value=self.language)
        if self.coupon_layout not in LAYOUTS:
            raise ValidationError("pdf.layout", field="coupon_layout")
        checks = (("idle_lock_minutes", 0, 240), ("backup_keep", 1, 365))
        for name, low, high in checks:
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise ValidationError("settings.range", field=name, min=low, max=high)
        for name in ("coupon_printer", "report_printer"):
            if len(getattr(self, name)) > 200:
                raise ValidationError("text.too_long", field=name, max=200)

    def with_changes(self, **changes: object) -> StoreSettings:
        return replace(self, **changes)  # type: ignore[arg-type]


def load(ctx: AppContext) -> StoreSettings:
    with ctx.uow() as uow:
        row = uow.session.get(Setting, SETTINGS_KEY)
        text = row.value if row else ""
    if not text:
        return StoreSettings()
    data = json.loads(text)
    known = set(StoreSettings.__dataclass_fields__)
    try:
        return StoreSettings(**{k: v for k, v in data.items() if k in known})
    except ValidationError:
        return StoreSettings()  # a hand-edited value out of range: the defaults


def save(ctx: AppContext, settings: StoreSettings) -> StoreSettings:
    from app.staff import require

    require(ctx, "settings.edit")
    with ctx.uow() as uow:
        row = uow.session.get(Setting, SETTINGS_KEY) or Setting(key=SETTINGS_KEY)
        row.value = json.dumps(asdict(settings), sort_keys=True, ensure_ascii=False)
        uow.session.add(row)
        audit.record(uow.session, ctx, "settings", "store", row.value[:500])
        uow.commit()
    return settings


def language(ctx: AppContext) -> str:
    return load(ctx).language


# --- logo ---------------------------------------------------------------------------------------


def logo_path(ctx: AppContext) -> Path | None:
    """The store's logo (a PNG in the data folder), or None."""
    path = Path(ctx.data_dir or ".") / LOGO_FILE
    return path if path.is_file() else None


def set_logo(ctx: AppContext, png: bytes | None) -> Path | None:
    """Stores the logo (PNG bytes; the UI scales and converts the chosen picture) or, with
    None, removes it."""
    from app.staff import require

    require(ctx, "settings.edit")
    target = Path(ctx.data_dir or ".") / LOGO_FILE
    if png is None:
        target.unlink(missing_ok=True)
        _audit(ctx, "logo removed")
        return None
    if not png.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValidationError("settings.logo", field="logo")
    if len(png) > MAX_LOGO_BYTES:
        raise ValidationError("settings.logo_size", field="logo", max=MAX_LOGO_BYTES // 1000)
    tmp = target.with_suffix(".part")
    tmp.write_bytes(png)
    tmp.replace(target)
    _audit(ctx, f"logo set ({len(png)} bytes)")
    return target


def _audit(ctx: AppContext, detail: str) -> None:
    with ctx.uow() as uow:
        audit.record(uow.session, ctx, "settings", "logo", detail)
        uow.commit()


def set_store_name(ctx: AppContext, name: str) -> str:
    from app.coupons import set_store_name as store
    from app.staff import require

    require(ctx, "settings.edit")
    name = text_field(name, "name", required=True, max_len=40)
    store(ctx, name)
    return name
