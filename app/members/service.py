"""Members: create, edit, deactivate, find as the receptionist types, and record visits."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core import audit, keys, requests, store
from app.core.context import AppContext
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.events import MemberCreated, VisitRecorded, publish
from app.core.money import check_amount
from app.core.names import (
    KEYS_VERSION,
    clean_text,
    fuzzy,
    has_cjk,
    member_keys,
    name_pinyin,
    simplified,
)
from app.core.permissions import require
from app.core.phones import mask_phone, normalize_phone
from app.core.text import text_field
from app.members.rules import (
    MEMBER_NO_BASE,
    SEARCH_LIMIT,
    MemberInput,
    MemberProfile,
    MemberRow,
    SearchResult,
    VisitRow,
    validate_input,
)
from db.models import Member, Setting, Visit
from db.repositories import (
    FUZZY,
    PLAIN,
    RARE,
    MemberRepository,
    search_page,
    warm_search_page,
)


def _check_unique(repo: MemberRepository, values: dict[str, object], own_id: int | None) -> None:
    other = repo.by_phone(str(values["phone"]))
    if other is not None and other.id != own_id:
        raise Conflict("phone.duplicate", field="phone", member_no=other.member_no, name=other.name)
    card = values["card_no"]
    if card:
        other = repo.by_card(str(card))
        if other is not None and other.id != own_id:
            raise Conflict("card.duplicate", field="card_no", member_no=other.member_no)


def _index(repo: MemberRepository, member: Member) -> None:
    repo.replace_keys(
        member.id, member_keys(member.member_no, member.card_no, member.name, member.phone)
    )


def insert_member(repo: MemberRepository, values: dict[str, object], now: datetime) -> Member:
    """Adds a validated member with its tags and search keys; the caller commits."""
    fields = dict(values)
    tags = fields.pop("tags")
    assert isinstance(tags, list)
    _check_unique(repo, fields, None)
    member = Member(
        **fields,
        name_pinyin=name_pinyin(str(fields["name"]))[0],
        member_no=str(MEMBER_NO_BASE + repo.max_id() + 1),
        active=True,
        visit_count=0,
        lifetime_spend_cents=0,
        created_at=now,
        updated_at=now,
    )
    repo.set_tags(member, tags)
    repo.session.add(member)
    repo.session.flush()
    _index(repo, member)
    publish(MemberCreated(repo.session, member.id, now))  # the day book counts them
    return member


def create_member(ctx: AppContext, data: MemberInput) -> MemberProfile:
    now = ctx.clock.now()
    values = validate_input(data, store.today(ctx))
    for _attempt in range(3):
        with ctx.uow(write=True) as uow:
            repo = MemberRepository(uow.session)
            try:
                member = insert_member(repo, values, now)
                uow.commit()
            except IntegrityError:
                # Another counter took the same member no. (or phone) in the meantime.
                continue
            return _profile(repo, member, ctx.clock.now())
    raise Conflict("member.save_conflict")


def update_member(ctx: AppContext, member_id: int, data: MemberInput) -> MemberProfile:
    now = ctx.clock.now()
    if "*" in data.phone:
        # A receptionist sees the masked number; sending it back means "unchanged".
        with ctx.uow() as uow:
            current = _get(MemberRepository(uow.session), member_id).phone
        if data.phone.strip() == mask_phone(current):
            data = replace(data, phone=current)
    values = validate_input(data, store.today(ctx))
    tags = values.pop("tags")
    assert isinstance(tags, list)
    with ctx.uow(write=True) as uow:
        repo = MemberRepository(uow.session)
        member = _get(repo, member_id)
        _check_unique(repo, values, member.id)
        for key, value in values.items():
            setattr(member, key, value)
        member.name_pinyin = name_pinyin(member.name)[0]
        member.updated_at = now
        repo.set_tags(member, tags)
        uow.session.flush()
        _index(repo, member)
        try:
            uow.commit()
        except IntegrityError:
            raise Conflict("member.save_conflict") from None
        return _profile(repo, member, ctx.clock.now())


def set_active(ctx: AppContext, member_id: int, active: bool) -> MemberProfile:
    """Deactivate (or bring back) a member, a manager's decision. History is never
    deleted."""
    require(ctx, "member.deactivate")
    with ctx.uow(write=True) as uow:
        repo = MemberRepository(uow.session)
        member = _get(repo, member_id)
        member.active = active
        audit.record(
            uow.session, ctx, "member.active" if active else "member.deactivate", member.member_no
        )
        member.updated_at = ctx.clock.now()
        uow.commit()
        return _profile(repo, member, ctx.clock.now())


def record_visit(
    ctx: AppContext,
    member_id: int,
    amount_cents: int,
    items: str = "",
    staff: str = "",
    visited_at: datetime | None = None,
    request_id: str | None = None,
) -> VisitRow:
    """Records a visit (with its points, an upgrade and the day book, in one transaction).
    `request_id` (made once per form): a repeat after a lost answer returns the visit
    already saved instead of a second one."""
    check_amount(amount_cents)
    items = text_field(items, "items", max_len=500)
    staff = text_field(staff, "staff", max_len=64)
    request_id = requests.check(request_id)
    now = ctx.clock.now()
    when = visited_at or now
    if when.tzinfo is None:
        raise ValidationError("visit.time_invalid", field="visited_at")
    if when > now:
        raise ValidationError("visit.in_future", field="visited_at")
    try:
        with ctx.uow(write=True) as uow:
            saved = saved_visit(uow.session, request_id)
            if saved is not None:
                return saved
            visit = record_visit_in(uow.session, ctx, member_id, amount_cents, items, staff, when)
            requests.remember(uow.session, request_id, "visit", visit.id, now)
            uow.commit()
            return visit
    except IntegrityError:
        saved = requests.saved_by_twin(ctx, request_id, lambda s: saved_visit(s, request_id))
        if saved is None:
            raise
        return saved


def record_visit_in(
    s: Session,
    ctx: AppContext,
    member_id: int,
    amount_cents: int,
    items: str,
    staff: str,
    when: datetime,
) -> VisitRow:
    """The visit (checked by the caller), its totals, day book, points and upgrade, in the
    caller's transaction (a checkout pays it from a card in the same one)."""
    now = ctx.clock.now()
    repo = MemberRepository(s)
    member = _get(repo, member_id)
    if not member.active:
        raise Conflict("member.inactive", member_no=member.member_no)
    visit = Visit(
        member_id=member.id,
        visited_at=when,
        amount_cents=amount_cents,
        items=items,
        staff=staff or ctx.actor,  # who served: by default whoever is signed in
        recorded_by=ctx.actor,
        created_at=now,
    )
    s.add(visit)
    repo.add_visit_totals(member.id, amount_cents, when)
    s.flush()
    s.refresh(member)
    # The day book, points and an upgrade belong to the same transaction.
    publish(VisitRecorded(s, member, visit, now))
    return visit_row(visit)


def saved_visit(s: Session, request_id: str | None) -> VisitRow | None:
    """The visit this request saved already, if any."""
    visit_id = requests.done_before(s, request_id, "visit")
    visit = s.get(Visit, visit_id) if visit_id is not None else None
    return visit_row(visit) if visit is not None else None


def get_profile(ctx: AppContext, member_id: int) -> MemberProfile:
    """The member's profile; for roles that may not see full numbers, the phone is masked
    (as everywhere else on screen)."""
    with ctx.uow() as uow:
        repo = MemberRepository(uow.session)
        profile = _profile(repo, _get(repo, member_id), ctx.clock.now())
    if ctx.staff is not None and not ctx.staff.may("phone.full"):
        profile = replace(profile, phone=profile.phone_masked)
    return profile


def reveal_phone(ctx: AppContext, member_id: int) -> str:
    """The full number, for managers; every look is in the audit trail."""
    require(ctx, "phone.full")
    with ctx.uow() as uow:
        member = _get(MemberRepository(uow.session), member_id)
        phone, member_no = member.phone, member.member_no
    audit.log(ctx, "phone.view", member_no)
    return phone


def list_visits(
    ctx: AppContext, member_id: int, limit: int = 100, offset: int = 0
) -> list[VisitRow]:
    with ctx.uow() as uow:
        return [
            visit_row(v) for v in MemberRepository(uow.session).visits(member_id, limit, offset)
        ]


def _plan(query: str, fuzzy_pinyin: bool = True) -> list[tuple[str, int]]:
    """The key prefixes to scan for a query, most specific kind first, each with its grade
    (db.repositories: PLAIN; RARE, ranked after every plain match; FUZZY, last)."""
    text = clean_text(query)
    if not text:
        return []
    digits = re.sub(r"[\s+\-()]", "", text)
    if digits.isdigit():
        if digits.startswith("86") and len(digits) == 13:
            digits = digits[2:]
        return [(kind + digits, PLAIN) for kind in ("c", "m", "p")] + [("t" + digits[::-1], PLAIN)]
    if has_cjk(text):
        # As written first; then the other script: a Simplified query finds 陳 by its
        # Simplified keys, a Traditional one finds names written in Simplified.
        simple = simplified(text)
        other = [("n" + simple, RARE)] if simple != text else []
        return [("n" + text, PLAIN), *other, ("v" + simple, RARE)]
    # (Not the member no.: it is digits only, MEMBER_NO_BASE + id.)
    plan = [(kind + text, PLAIN) for kind in ("c", "i", "y", "s", "n")]
    if text.isalpha() and text.isascii():
        plan.append(("r" + text, RARE))
        if fuzzy_pinyin:
            plan += [("j" + text.replace("n", "l"), FUZZY), ("f" + fuzzy(text), FUZZY)]
    return plan


def search(
    ctx: AppContext, query: str, limit: int = SEARCH_LIMIT, fuzzy_pinyin: bool = True
) -> SearchResult:
    """Members matching what the receptionist typed, best first.

    Phone (whole, start or last digits), any part of the name (Simplified or
    Traditional), full pinyin from any syllable, initials, every reading of the name,
    fuzzy pinyin (z/zh, c/ch, s/sh, l/n, an/ang, en/eng, in/ing; on unless switched
    off), member or card no. Exact matches first, then prefix matches, then fuzzy ones;
    within each, members seen recently and often first. All the range scans are one
    statement, each an index range, so the cost does not grow with the members.
    """
    plan = _plan(query, fuzzy_pinyin)
    if not plan:
        return SearchResult(query, [], False)
    found = ctx.direct_read(search_page, plan, limit + 1)
    rows = [_result_row(r) for r in found[:limit]]
    more = len(found) > limit
    return SearchResult(query, rows, more)


def warm_lookup(ctx: AppContext) -> int:
    """Readies the lookup for the day's first keystrokes: once after the store opens, on a
    background thread (a tenth of a second for 1M members on a local file; nothing to do
    on a server). Returns the members, or -1 when there was nothing to do."""
    return ctx.direct_read(warm_search_page)


def search_keys_current(ctx: AppContext) -> bool:
    """True when the store's search keys follow this version's rules; False when they
    were made by an older version's (rebuild_search_keys makes them again). A store
    without members is current (and marked so)."""
    with ctx.uow(write=True) as uow:
        s = uow.session
        row = s.get(Setting, keys.SEARCH_KEYS_VERSION)
        if row is not None and row.value == str(KEYS_VERSION):
            return True
        if MemberRepository(s).max_id():
            return False
        mark_search_keys_current_in(s)
        uow.commit()
        return True


def mark_search_keys_current_in(s: Session) -> None:
    """Every member's keys were made by this version's rules (a rebuild, a new store's
    demo data), in the caller's transaction."""
    s.merge(Setting(key=keys.SEARCH_KEYS_VERSION, value=str(KEYS_VERSION)))


def rebuild_search_keys(
    ctx: AppContext,
    progress: Callable[[int, int], None] | None = None,
    batch: int = 2_000,
    stop: Callable[[], bool] | None = None,
) -> int:
    """Makes every member's search keys again by this version's rules (once, after an
    upgrade), a batch at a time: the counter keeps working meanwhile, and finds members by
    the old keys until theirs are made. Returns the members done. `stop()` true (the
    program quitting) ends it between two batches; the store is then not marked current,
    and the next start makes them all again.

    A batch's keys are made (the pinyin of its names: most of the time) between two
    transactions, not inside one: the write lock is held only to write them, so the
    counter's own saves wait a few milliseconds at most. A member edited meanwhile has
    had keys made by these same rules when saved, and keeps them."""
    with ctx.uow() as uow:
        total = MemberRepository(uow.session).count()
    done, last_id = 0, 0
    while True:
        if stop is not None and stop():
            return done
        with ctx.uow() as uow:
            rows = MemberRepository(uow.session).key_sources_after(last_id, batch)
        if not rows:
            break
        made = {i: member_keys(no, card, name, phone) for i, no, card, name, phone in rows}
        with ctx.uow(write=True) as uow:
            repo = MemberRepository(uow.session)
            read = {row[0]: row for row in rows}
            now = repo.key_sources_after(last_id, batch)  # (locked on a server)
            repo.replace_keys_of({row[0]: made[row[0]] for row in now if read.get(row[0]) == row})
            uow.commit()
        last_id = rows[-1][0]
        done += len(rows)
        if progress is not None:
            progress(done, max(total, done))
    with ctx.uow(write=True) as uow:
        mark_search_keys_current_in(uow.session)
        uow.commit()
    return done


def resolve_code(ctx: AppContext, code: str) -> int | None:
    """The member a scanned card, typed member no. or whole phone number names, if any."""
    text = clean_text(code)
    if not text:
        return None
    with ctx.uow() as uow:
        repo = MemberRepository(uow.session)
        for found in (repo.by_card(text), repo.by_member_no(text)):
            if found is not None:
                return found.id
        try:
            phone = normalize_phone(text)
        except ValidationError:
            return None
        found = repo.by_phone(phone)
        return found.id if found is not None else None


def naive_search(
    ctx: AppContext, query: str, limit: int = SEARCH_LIMIT, fuzzy_pinyin: bool = False
) -> SearchResult:
    """Baseline for the lookup benchmark only: LIKE '%q%' over every member (called as
    search is; it knows nothing of fuzzy pinyin)."""
    text = clean_text(query)
    if not text:
        return SearchResult(query, [], False)
    with ctx.uow() as uow:
        repo = MemberRepository(uow.session)
        ids = repo.naive_scan(text, limit + 1)
        rows = [_result_row(r) for r in repo.result_rows(ids[:limit])]
    return SearchResult(query, rows, len(ids) > limit)


def _get(repo: MemberRepository, member_id: int) -> Member:
    member = repo.get(member_id)
    if member is None:
        raise NotFound("member.not_found", member_id=member_id)
    return member


def member_row(m: Member) -> MemberRow:
    return MemberRow(
        id=m.id,
        member_no=m.member_no,
        card_no=m.card_no,
        name=m.name,
        phone_masked=mask_phone(m.phone),
        gender=m.gender,
        birthday=m.birthday,
        visit_count=m.visit_count,
        lifetime_spend_cents=m.lifetime_spend_cents,
        last_visit_at=m.last_visit_at,
        active=m.active,
    )


def _result_row(r: Sequence[Any]) -> MemberRow:
    """A search result from MemberRepository.result_rows (its RESULT_COLUMNS' order)."""
    id_, no, card, name, phone, gender, birthday, visits, spend, last, active = r
    return MemberRow(
        id=id_,
        member_no=no,
        card_no=card,
        name=name,
        phone_masked=mask_phone(phone),
        gender=gender,
        birthday=birthday,
        visit_count=visits,
        lifetime_spend_cents=spend,
        last_visit_at=last,
        active=bool(active),
    )


def visit_row(v: Visit) -> VisitRow:
    return VisitRow(v.id, v.visited_at, v.amount_cents, v.items, v.staff)


def _profile(repo: MemberRepository, m: Member, now: datetime) -> MemberProfile:
    """The member's profile as of `now` (points past their year are not counted)."""
    repo.session.refresh(m)
    return MemberProfile(
        id=m.id,
        member_no=m.member_no,
        card_no=m.card_no,
        name=m.name,
        phone=m.phone,
        phone_masked=mask_phone(m.phone),
        gender=m.gender,
        birthday=m.birthday,
        preferences=m.preferences,
        allergies=m.allergies,
        notes=m.notes,
        tags=tuple(t.tag for t in m.tags),
        active=m.active,
        visit_count=m.visit_count,
        lifetime_spend_cents=m.lifetime_spend_cents,
        last_visit_at=m.last_visit_at,
        created_at=m.created_at,
        updated_at=m.updated_at,
        recent_visits=[visit_row(v) for v in repo.visits(m.id, 20)],
        tier=repo.tier_of(m.id),
        points_balance=repo.points_now(m.id, m.points_balance, now),
    )
