"""Realistic Chinese demo data: members with visits, fast enough for a million."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select

from app import complaints as cp
from app import coupons as cu
from app import prepaid as pp
from app.core import store
from app.core.clock import FakeClock
from app.core.context import AppContext
from app.core.names import member_keys, name_pinyin
from app.core.settings import set_store_name
from app.loyalty import record_survey, refresh
from app.members import MEMBER_NO_BASE, mark_search_keys_current_in
from app.reporting.daybook import ensure_totals, mark_stale
from app.staff import StaffSession
from db import transfer
from db.models import Base, Member
from db.repositories import MemberRepository

_TABLES = Base.metadata.tables
Progress = Callable[[int, int], None]

PREFERENCES = [
    "水温偏热",
    "喜欢安静的包间",
    "按摩力度轻",
    "按摩力度重",
    "只要女技师",
    "只要男技师",
    "不吃辣",
    "喜欢靠窗座位",
    "常点菊花茶",
    "搓澡要细致",
    "",
    "",
]
ALLERGIES = ["", "", "", "", "花生过敏", "海鲜过敏", "精油过敏", "乳糖不耐受", "芒果过敏"]
TAGS = ["常客", "商务", "家庭", "夜场", "学生", "储值", "团购", "老人"]
ITEMS = [
    "洗浴门票",
    "搓澡",
    "足疗 60 分钟",
    "全身按摩",
    "汗蒸",
    "自助餐",
    "精油开背",
    "采耳",
    "包间 3 小时",
    "茶水套餐",
]
STAFF = ["王丽", "李娜", "张敏", "刘洋", "陈静"]
NOTES = ["", "", "", "生日会提前预约", "喜欢周末来", "带孩子来", "对价格敏感"]


def _name(rng: random.Random, last: list[str], first: list[str]) -> tuple[str, tuple[str, str]]:
    """A name and its pinyin, composed from cached parts (a million names stay fast)."""
    surname = rng.choice(last)
    given = rng.choice(first) + (rng.choice(first) if rng.random() < 0.7 else "")
    s_full, s_init = name_pinyin(surname)
    g_full, g_init = name_pinyin(given)
    return surname + given, (s_full + g_full, s_init + g_init)


def seed_demo(
    ctx: AppContext,
    members: int,
    visits_per_member: float = 4.0,
    seed: int = 2026,
    progress: Progress | None = None,
    batch: int = 20_000,
) -> int:
    """Adds `members` demo members (and about visits_per_member visits each). Returns the count."""
    if members <= 0:
        return 0
    from faker.providers.person.zh_CN import Provider as PersonProvider
    from faker.providers.phone_number.zh_CN import Provider as PhoneProvider

    last_names, first_names = list(PersonProvider.last_names), list(PersonProvider.first_names)
    now = ctx.clock.now()
    prefixes = [str(p) for p in PhoneProvider.phonenumber_prefixes]
    with ctx.uow() as uow:
        repo = MemberRepository(uow.session)
        first_id = repo.max_id() + 1
        # Added to a store that has members: their phones and cards are taken.
        used_phones, used_cards = repo.phones_and_cards() if first_id > 1 else (set(), set())
    # The same demo store from the same seed; a second batch differs from the first.
    rng = random.Random(seed + 1_000_003 * (first_id - 1))
    done = 0
    member_id = first_id
    while done < members:
        n = min(batch, members - done)
        member_rows: list[dict[str, object]] = []
        key_rows: list[dict[str, object]] = []
        tag_rows: list[dict[str, object]] = []
        visit_rows: list[dict[str, object]] = []
        point_rows: list[dict[str, object]] = []
        for _ in range(n):
            name, pinyin = _name(rng, last_names, first_names)
            while True:
                phone = rng.choice(prefixes) + f"{rng.randrange(10**8):08d}"
                if phone not in used_phones:
                    used_phones.add(phone)
                    break
            member_no = str(MEMBER_NO_BASE + member_id)
            # A bijection mod 10^8 gives unique, scattered card numbers.
            card_no = f"FD{(member_id * 7919 + 13) % 10**8:08d}" if rng.random() < 0.8 else None
            if card_no in used_cards:
                card_no = None
            created = now - timedelta(days=rng.randrange(30, 1500), minutes=rng.randrange(1440))
            n_visits = (
                min(int(rng.expovariate(1 / visits_per_member)), 60) if visits_per_member else 0
            )
            spend = 0
            last_visit: datetime | None = None
            for _v in range(n_visits):
                at = now - timedelta(
                    days=rng.randrange(0, max(1, (now - created).days)),
                    minutes=rng.randrange(600, 1380),
                )
                amount = rng.randrange(58, 888) * 100 + rng.choice((0, 0, 50))
                spend += amount
                last_visit = at if last_visit is None or at > last_visit else last_visit
                visit_rows.append(
                    {
                        "member_id": member_id,
                        "visited_at": at,
                        "amount_cents": amount,
                        "items": "、".join(rng.sample(ITEMS, rng.randint(1, 3))),
                        "staff": rng.choice(STAFF),
                        "created_at": at,
                    }
                )
            member_rows.append(
                {
                    "id": member_id,
                    "member_no": member_no,
                    "card_no": card_no,
                    "name": name,
                    "name_pinyin": pinyin[0],
                    "phone": phone,
                    "gender": rng.choice("FM"),
                    "birthday": date(
                        rng.randint(1955, 2006), rng.randint(1, 12), rng.randint(1, 28)
                    ),
                    "preferences": rng.choice(PREFERENCES),
                    "allergies": rng.choice(ALLERGIES),
                    "notes": rng.choice(NOTES),
                    "active": rng.random() > 0.02,
                    "visit_count": n_visits,
                    "lifetime_spend_cents": spend,
                    "points_balance": spend // 100,
                    "last_visit_at": last_visit,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            if spend // 100:
                # One opening balance per member rather than a ledger line per visit.
                point_rows.append(
                    {
                        "member_id": member_id,
                        "at": now,
                        "kind": "earn",
                        "points": spend // 100,
                        "remaining": spend // 100,
                        "expires_at": now + timedelta(days=365),
                        "reason": "演示数据期初积分",
                        "staff": "",
                    }
                )
            for key in member_keys(member_no, card_no, name, phone, pinyin):
                key_rows.append({"key": key, "member_id": member_id})
            for tag in rng.sample(TAGS, rng.choice((0, 0, 1, 1, 2))):
                tag_rows.append({"member_id": member_id, "tag": tag})
            member_id += 1
        key_rows.sort(key=lambda r: str(r["key"]))
        # Core executemany, not ORM objects: a million members in minutes, not hours.
        with ctx.engine.begin() as conn:
            conn.execute(insert(_TABLES["members"]), member_rows)
            conn.execute(insert(_TABLES["member_search_keys"]), key_rows)
            if tag_rows:
                conn.execute(insert(_TABLES["member_tags"]), tag_rows)
            if visit_rows:
                conn.execute(insert(_TABLES["visits"]), visit_rows)
            if point_rows:
                conn.execute(insert(_TABLES["points_entries"]), point_rows)
        done += n
        if progress:
            progress(done, members)
    if first_id == 1:  # a new store: every key was made by this version's rules
        with ctx.uow(write=True) as uow:
            mark_search_keys_current_in(uow.session)
            uow.commit()
    mark_stale(ctx)  # bulk rows bypass the dashboard's day book: recount it
    transfer.set_sequences(ctx.engine)  # a server hands out ids after the ones written here
    return done


COMPLAINT_TEXTS = {
    "service": "技师迟到二十分钟，客人等待不满",
    "hygiene": "更衣柜里有上一位客人的毛巾",
    "food": "自助餐菜品偏凉",
    "price": "结账金额与团购价不符",
    "facilities": "桑拿房温度上不去",
    "booking": "预约的包间被占用",
    "other": "停车场指引不清楚",
}
SURVEY_COMMENTS = ["", "", "", "服务很周到", "水温合适", "下次还来", "等待时间有点长", "环境干净"]


def seed_activity(ctx: AppContext, days: int = 180, seed: int = 7) -> None:
    """Demo complaints (with their SLA steps), surveys and campaign coupons over the last
    `days` days, made through the real services on a clock set in the past, so every
    figure of the dashboard has something to show."""
    rng = random.Random(seed)
    now = ctx.clock.now()
    clock = FakeClock(now - timedelta(days=days))
    past = dataclasses.replace(ctx.as_system(), clock=clock)

    def by(name: str) -> AppContext:
        """The demo's staff at work: each step recorded under their own name."""
        return dataclasses.replace(past, staff=StaffSession(0, "demo", name, "manager"))

    with ctx.uow() as uow:
        ids = list(uow.session.scalars(select(Member.id).where(Member.active.is_(True))))
    if not ids:
        return

    def at(day: float) -> None:
        clock.set(now - timedelta(days=days) + timedelta(days=day))

    for _ in range(70):  # complaints
        at(rng.uniform(0, days - 1) + rng.uniform(0.4, 0.5))
        category = rng.choice(list(COMPLAINT_TEXTS))
        data = cp.ComplaintInput(
            rng.choice(("counter", "counter", "phone", "online", "review")),
            category,
            COMPLAINT_TEXTS[category],
            member_id=rng.choice(ids),
        )
        c = cp.log_complaint(by(rng.choice(STAFF)), data)
        who = by(rng.choice(STAFF))
        clock.advance(minutes=rng.choice((2, 4, 6, 9, 12, 14, 18, 25)))
        cp.respond(who, c.id, "已致歉并了解情况")
        if rng.random() < 0.85:
            clock.advance(hours=rng.choice((1, 3, 8, 20, 30, 60)))
            cp.answer(who, c.id, "已处理并回复客人", root_cause="流程疏漏")
            if rng.random() < 0.8:
                clock.advance(hours=rng.choice((2, 12, 24)))
                score = rng.choice((5, 5, 4, 4, 4, 3, 2))
                cp.close(who, c.id, "流程疏漏", "致歉并赠送补偿券", score)
    for _ in range(320):  # surveys after visits
        at(rng.uniform(0, days - 0.1))
        score = rng.choice((5, 5, 5, 4, 4, 4, 4, 3, 2, 1))
        record_survey(past, score, rng.choice(SURVEY_COMMENTS), member_id=rng.choice(ids))
    terms = cu.CouponTerms(kind="amount", value=2000, min_spend_cents=10000, valid_days=30)
    plans = [
        ("birthday", "生日礼券", 60),
        ("winback", "老客回归券", 90),
        ("festival", "国庆节满减", 150),
        ("member_day", "会员日立减", 80),
    ]
    for n, (kind, name, count) in enumerate(plans):
        at(days * (n + 1) / (len(plans) + 1))
        manager = by("陈经理")
        campaign = cu.create_campaign(manager, kind, name, terms, per_member=1)
        chosen = rng.sample(ids, min(count, len(ids)))
        issued = cu.issue_campaign(manager, campaign.id, chosen).coupons
        redeem_share = (0.55, 0.25, 0.4, 0.35)[n]
        issued_at = clock.now()
        for coupon in issued:
            if rng.random() < redeem_share:
                clock.set(issued_at + timedelta(hours=rng.uniform(1, 24 * 25)))
                cu.redeem(by(rng.choice(STAFF)), coupon.code, rng.randrange(150, 600) * 100)


def seed_if_empty(ctx: AppContext, members: int = 2000) -> int:
    """Demo data for a first start: only into a store that has no members yet."""
    with ctx.uow() as uow:
        if MemberRepository(uow.session).max_id() > 0:
            return 0
    if not store.name(ctx):
        set_store_name(ctx.as_system(), "悦泉汤泉会馆（演示）")
    added = seed_demo(ctx, members)
    refresh(ctx)  # tiers and segments for the demo visits
    ensure_totals(ctx)
    seed_activity(ctx)
    seed_cards(ctx)
    return added


def seed_cards(ctx: AppContext, cards: int = 40, seed: int = 2026) -> int:
    """Recharge offers and some members' stored-value cards (a few spent from), as a
    store that sells cards has them. Returns the cards made."""
    from faker import Faker

    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    system = ctx.as_system()
    offers = [
        pp.save_plan(system, pp.PlanInput("充500送50", 50_000, 5_000)),
        pp.save_plan(system, pp.PlanInput("充1000送200", 100_000, 20_000)),
        pp.save_plan(system, pp.PlanInput("充3000送1000", 300_000, 100_000, upgrade_tier="B")),
    ]
    with ctx.uow() as uow:
        rows = uow.session.execute(select(Member.id, Member.name).order_by(Member.id).limit(cards))
        chosen = [(int(i), str(n)) for i, n in rows]
    for member_id, name in chosen:
        offer = rng.choice(offers)
        pp.recharge(
            system,
            pp.RechargeInput(
                member_id,
                rng.choice(pp.METHODS),
                plan_id=offer.id,
                buyer_name=name,
                buyer_id=fake.ssn(),
            ),
            confirmed=True,
        )
        if rng.random() < 0.6:
            pp.spend(system, member_id, rng.randint(1, offer.pay_cents // 100) * 100, "演示消费")
    return len(chosen)
