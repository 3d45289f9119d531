"""Random and hostile input at every service entry point: a clear error or a success,
never a crash and never a half-written record."""

from __future__ import annotations

import itertools
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app import complaints, coupons, members
from app import staff as staff_service
from app.bootstrap import open_store
from app.core.clock import FakeClock
from app.core.context import AppContext
from app.core.errors import FrontdeskError
from app.core.phones import normalize_phone
from app.coupons import CouponTerms
from app.members import csvio
from db.models import Base, Visit

HOSTILE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\u202e张三",
            "'; DROP TABLE members; --",
            "%",
            "_",
            "😀" * 50,
            "=cmd|' /C calc'!A0",
            "A" * 5000,
            "13800138000\n",
            "+86 138 0013 8000",
            "-0",
            "1e308",
            "NaN",
            "١٢٣٤٥٦٧٨٩٠١",
            "０１３８００１３８０００",
        ]
    ),
)
PHONES = itertools.count(1)
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def rows(ctx: AppContext) -> dict[str, int]:
    with ctx.uow() as uow:
        return {
            name: int(uow.session.scalar(select(func.count()).select_from(table)) or 0)
            for name, table in Base.metadata.tables.items()
        }


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> AppContext:
    ctx = open_store(tmp_path_factory.mktemp("hostile"), FakeClock(), system=True)
    members.create_member(ctx, members.MemberInput(name="张三", phone="13800138000"))
    # Never edited by the tests below (member 1 is): searches must keep finding him.
    members.create_member(ctx, members.MemberInput(name="欧阳修", phone="13700000005"))
    staff_service.create_staff(ctx, "boss", "王老板", "owner", "secret-1")
    return ctx


def attempt(ctx: AppContext, fn: object, *args: object, **kwargs: object) -> Any:
    """What the service returned, or None when it refused with a FrontdeskError, which
    must leave every table as it was."""
    before = rows(ctx)
    try:
        return fn(*args, **kwargs)  # type: ignore[operator]
    except FrontdeskError:
        assert rows(ctx) == before
        return None


def text(value: str) -> str:
    """What a free-text field keeps of what was typed (app.members.text_field)."""
    return unicodedata.normalize("NFC", value).strip()


def check_member(ctx: AppContext, saved: members.MemberProfile, data: members.MemberInput) -> None:
    """What was saved is what was typed (normalised), and reads back the same."""
    assert saved.name == " ".join(text(data.name).split())  # one line
    assert saved.phone == normalize_phone(data.phone)
    assert saved.notes == text(data.notes)
    assert saved.birthday == data.birthday
    assert saved.card_no == ((data.card_no or "").strip().upper() or None)
    assert set(saved.tags) == {text(t) for t in data.tags if text(t)}
    assert members.get_profile(ctx, saved.id) == saved


def test_good_member_input_is_saved(store: AppContext) -> None:
    data = members.MemberInput(
        name=" 李四 ",
        phone="+86 139 0013 9000",
        card_no="FD7788",
        notes="喜欢安静",
        tags=("常客", "商务"),
        birthday=date(1990, 5, 21),
    )
    saved = attempt(store, members.create_member, store, data)
    assert saved is not None
    check_member(store, saved, data)


@SETTINGS
@given(
    name=HOSTILE,
    phone=HOSTILE,
    card=st.one_of(st.none(), HOSTILE),
    notes=HOSTILE,
    tags=st.lists(HOSTILE, max_size=30),
    birthday=st.one_of(st.none(), st.dates(date(1, 1, 1), date(9999, 12, 31))),
)
def test_member_forms(
    store: AppContext,
    name: str,
    phone: str,
    card: str | None,
    notes: str,
    tags: list[str],
    birthday: date | None,
) -> None:
    data = members.MemberInput(
        name=name, phone=phone, card_no=card, notes=notes, tags=tuple(tags), birthday=birthday
    )
    created = attempt(store, members.create_member, store, data)
    if created is not None:
        check_member(store, created, data)
    updated = attempt(store, members.update_member, store, 1, data)
    if updated is not None:
        check_member(store, updated, data)


def visits_of(ctx: AppContext, member_id: int) -> list[tuple[int, str, str]]:
    with ctx.uow() as uow:
        return [
            (v.amount_cents, v.items, v.staff)
            for v in uow.session.scalars(
                select(Visit).where(Visit.member_id == member_id).order_by(Visit.id)
            )
        ]


@SETTINGS
@given(amount=st.integers(-(10**15), 10**15), items=HOSTILE, staff=HOSTILE)
def test_visits(store: AppContext, amount: int, items: str, staff: str) -> None:
    before = members.get_profile(store, 1)
    saved = attempt(store, members.record_visit, store, 1, amount, items, staff)
    if saved is not None:
        # who served: as typed, else whoever entered it (here the store itself)
        assert visits_of(store, 1)[-1] == (amount, text(items), text(staff) or store.actor)
        after = members.get_profile(store, 1)
        assert after.visit_count == before.visit_count + 1
        assert after.lifetime_spend_cents == before.lifetime_spend_cents + amount
    # A good visit always goes through (a service refusing everything would not).
    assert attempt(store, members.record_visit, store, 1, 12850, "搓澡", "王丽") is not None
    assert visits_of(store, 1)[-1] == (12850, "搓澡", "王丽")


@SETTINGS
@given(query=HOSTILE)
def test_search_and_scan(store: AppContext, query: str) -> None:
    found = members.search(store, query)
    assert len(found.rows) <= members.SEARCH_LIMIT
    members.resolve_code(store, query)
    coupons.is_coupon_code(store, query)
    attempt(store, coupons.look_up, store, query)
    # The known member is still found by what a receptionist types or scans.
    for known in ("13700000005", "0005", "oyx", "欧阳", "ouyang"):
        assert "欧阳修" in [r.name for r in members.search(store, known).rows], known
    assert members.resolve_code(store, "13700000005") == 2


@SETTINGS
@given(channel=HOSTILE, category=HOSTILE, description=HOSTILE, guest=HOSTILE, phone=HOSTILE)
def test_complaint_form(
    store: AppContext, channel: str, category: str, description: str, guest: str, phone: str
) -> None:
    for data in (
        complaints.ComplaintInput(
            channel=channel,
            category=category,
            description=description,
            guest_name=guest,
            guest_phone=phone,
        ),
        complaints.ComplaintInput(
            channel="counter",
            category="service",
            description=description,
            guest_name=guest,
            guest_phone=phone,
        ),
        complaints.ComplaintInput(  # good input: must be logged
            channel="counter", category="service", description="水温太低", guest_name="散客"
        ),
    ):
        logged = attempt(store, complaints.log_complaint, store, data)
        if data.description == "水温太低":
            assert logged is not None
        if logged is not None:
            assert (logged.channel, logged.category) == (data.channel, data.category)
            assert logged.description == text(data.description)
            name = " ".join(text(data.guest_name).split())  # one line
            assert logged.guest == (name or normalize_phone(data.guest_phone))
            assert logged.status == "new" and logged.deadlines
            assert complaints.get_complaint(store, logged.id) == logged


@SETTINGS
@given(
    kind=st.sampled_from(["amount", "percent", "item", "x"]),
    value=st.integers(-(10**12), 10**12),
    item=HOSTILE,
    days=st.integers(-5, 10**6),
    bill=st.integers(-(10**15), 10**15),
    code=HOSTILE,
)
def test_coupon_terms_and_redemption(
    store: AppContext, kind: str, value: int, item: str, days: int, bill: int, code: str
) -> None:
    made = attempt(store, coupons.issue_coupon, store, CouponTerms(kind, value, item, 0, days))
    if made is not None:
        assert (made.kind, made.used_at) == (kind, None)
        assert made.value == (value if kind != "item" else made.value)
        assert coupons.look_up(store, made.code) == made
    attempt(store, coupons.redeem, store, code, bill)
    # A good coupon and a good bill always redeem, once.
    good = attempt(store, coupons.issue_coupon, store, CouponTerms("amount", 2000, "", 0, 30))
    assert good is not None
    done = attempt(store, coupons.redeem, store, good.code, 15000)
    assert done is not None and done.discount_cents == 2000 and done.bill_cents == 15000
    assert attempt(store, coupons.redeem, store, good.code, 15000) is None


@SETTINGS
@given(username=HOSTILE, password=HOSTILE)
def test_login(store: AppContext, username: str, password: str) -> None:
    before = rows(store)
    if (username.strip().lower(), password) != ("boss", "secret-1"):
        with pytest.raises(FrontdeskError) as refused:
            staff_service.login(store, username, password)
        assert refused.value.code in ("login.failed", "login.locked")
        # A failed sign-in is itself recorded (audit trail), and nothing else changes.
        after = rows(store)
        assert after == {**before, "audit_log": before["audit_log"] + 1}
        assert store.staff is None
    # The right password still signs in (random tries never lock the owner out for good:
    # a lock-out is 15 minutes, and the fake clock is moved past it).
    store.clock.advance(minutes=16)  # type: ignore[attr-defined]
    session = staff_service.login(store, " BOSS ", "secret-1")
    assert (session.username, session.role) == ("boss", "owner")
    staff_service.logout(store)
    assert store.staff is None


@SETTINGS
@given(cells=st.lists(st.lists(HOSTILE, max_size=12), max_size=8))
def test_csv_import(
    store: AppContext, tmp_path_factory: pytest.TempPathFactory, cells: list[list[str]]
) -> None:
    import csv

    path = Path(tmp_path_factory.mktemp("csv")) / "m.csv"
    good_phone = f"136{next(PHONES):08d}"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name", "phone", "gender", "birthday", "tags"])
        writer.writerows(cells)
        writer.writerow(["导入好人", good_phone, "F", "1990-05-21", "常客"])  # must import
    before = rows(store)["members"]
    report = csvio.import_members(store, path)
    assert rows(store)["members"] == before + report.imported
    assert report.imported >= 1
    found = members.resolve_code(store, good_phone)
    assert found is not None
    imported = members.get_profile(store, found)
    assert (imported.name, imported.gender, imported.birthday, imported.tags) == (
        "导入好人",
        "F",
        date(1990, 5, 21),
        ("常客",),
    )
