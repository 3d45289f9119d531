"""The store's settings: name and logo (on coupons and reports), the counter's language,
idle lock, printing choices and how many backups to keep.

Opening hours and rest days belong to the SLA policy (app.sla), which the working-day
deadlines are computed from; the backup folder to app.backup. The settings dialog edits
all of them; each part keeps its own rules and permission."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from sqlalchemy.orm import Session

from app.core import audit, keys, store
from app.core.context import AppContext
from app.core.errors import ValidationError
from app.core.permissions import require
from app.core.text import text_field
from db.models import Setting

LANGUAGES = ("zh_CN", "zh_TW", "en")
LAYOUTS = ("a4", "a6", "receipt58", "receipt80")
# What happens to a PDF of coupons just issued: printed on the coupon printer, opened in
# the PC's viewer, or only saved in the data folder's coupons/ (the counter's choice).
AFTER_ISSUE = ("print", "open", "save")
# How a spend from a stored-value card is split between what was paid in and the bonus:
# in proportion (the default, as the refund formula counts it), or one of them first.
PREPAID_SPLITS = ("pro_rata", "principal_first", "bonus_first")
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
    # The most a coupon may give away when a receptionist issues it (managers: no limit).
    coupon_limit_cents: int = 5000
    coupon_limit_percent: int = 20
    coupon_after_issue: str = "print"
    # The member search forgives what is misheard, as input methods do (z/zh, c/ch, s/sh,
    # l/n, an/ang, en/eng, in/ing); exact and prefix matches still come first.
    fuzzy_pinyin: bool = True
    # Stored-value cards (储值卡). The 2012 MOFCOM measures for single-purpose prepaid
    # cards: a named card holds at most ¥5,000, and the buyer's name and ID number are
    # recorded at a recharge. Both are warnings the receptionist confirms, not blocks.
    prepaid_split: str = "pro_rata"
    prepaid_card_limit_cents: int = 500_000  # 0: no warning
    prepaid_ask_buyer_id: bool = True

    def __post_init__(self) -> None:
        if self.prepaid_split not in PREPAID_SPLITS:
            raise ValidationError("settings.prepaid_split", field="prepaid_split")
        if not isinstance(self.prepaid_ask_buyer_id, bool):
            raise ValidationError("settings.range", field="prepaid_ask_buyer_id", min=0, max=1)
        if not isinstance(self.fuzzy_pinyin, bool):
            raise ValidationError("settings.range", field="fuzzy_pinyin", min=0, max=1)
        if self.language not in LANGUAGES:
            raise ValidationError("settings.language", field="language", value=self.language)
        if self.coupon_layout not in LAYOUTS:
            raise ValidationError("pdf.layout", field="coupon_layout")
        if self.coupon_after_issue not in AFTER_ISSUE:
            raise ValidationError("settings.after_issue", field="coupon_after_issue")
        checks = (
            ("idle_lock_minutes", 0, 240),
            ("backup_keep", 1, 365),
            ("coupon_limit_cents", 0, 1_000_000),
            ("coupon_limit_percent", 0, 100),
            ("prepaid_card_limit_cents", 0, 100_000_000),
        )
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
    # The store's language and lock time apply to the sign-in box too: readable signed out.
    with ctx.uow(anyone=True) as uow:
        return settings_in(uow.session)


def settings_in(s: Session) -> StoreSettings:
    row = s.get(Setting, keys.STORE_SETTINGS)
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
    """Managers and the owner; how many backups are kept and the coupon limit are the
    owner's."""
    require(ctx, "settings.edit")
    before = load(ctx)
    if settings.backup_keep != before.backup_keep:
        require(ctx, "backup.settings")
    if (settings.coupon_limit_cents, settings.coupon_limit_percent) != (
        before.coupon_limit_cents,
        before.coupon_limit_percent,
    ):
        require(ctx, "coupon.limits")
    prepaid = ("prepaid_split", "prepaid_card_limit_cents", "prepaid_ask_buyer_id")
    if any(getattr(settings, n) != getattr(before, n) for n in prepaid):
        require(ctx, "prepaid.settings")
    with ctx.uow(write=True) as uow:
        row = uow.session.get(Setting, keys.STORE_SETTINGS) or Setting(key=keys.STORE_SETTINGS)
        row.value = json.dumps(asdict(settings), sort_keys=True, ensure_ascii=False)
        uow.session.add(row)
        audit.record(uow.session, ctx, "settings", "store", row.value[:500])
        uow.commit()
    return settings


def set_after_issue(ctx: AppContext, choice: str) -> StoreSettings:
    """The counter's remembered choice for new coupons' PDF (any signed-in person)."""
    current = load(ctx)
    updated = current.with_changes(coupon_after_issue=choice)  # validates the choice
    if updated != current:
        with ctx.uow(write=True) as uow:
            row = uow.session.get(Setting, keys.STORE_SETTINGS) or Setting(key=keys.STORE_SETTINGS)
            row.value = json.dumps(asdict(updated), sort_keys=True, ensure_ascii=False)
            uow.session.add(row)
            uow.commit()
    return updated


def output_dir(ctx: AppContext, kind: str) -> Path:
    """Where PDFs the counter makes are kept: <data folder>/coupons, /reports."""
    folder = Path(ctx.data_dir or ".") / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder


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
    with ctx.uow(write=True) as uow:
        audit.record(uow.session, ctx, "settings", "logo", detail)
        uow.commit()


def set_store_name(ctx: AppContext, name: str) -> str:
    """The store's name, as printed on coupons and reports (managers and the owner)."""
    require(ctx, "settings.edit")
    name = text_field(name, "name", required=True, max_len=40)
    with ctx.uow(write=True) as uow:
        before = store.name_in(uow.session)
        if name != before:
            store.set_name_in(uow.session, name)
            audit.record(uow.session, ctx, "settings", "store name", f"{before} → {name}")
            uow.commit()
    return name
