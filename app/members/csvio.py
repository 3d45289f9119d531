"""Members in and out of CSV files, with a report of every row that could not be taken."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.core import audit, store
from app.core.context import AppContext
from app.core.errors import FrontdeskError, ValidationError
from app.core.money import format_cents
from app.members import MemberInput, insert_member, parse_birthday, validate_input
from app.staff import require
from db.models import Member
from db.repositories import MemberRepository

COLUMNS = [
    "name",
    "phone",
    "gender",
    "birthday",
    "card_no",
    "preferences",
    "allergies",
    "notes",
    "tags",
]
# Headers a shop's own spreadsheet may use, mapped to ours.
HEADER_ALIASES = {
    "姓名": "name",
    "手机": "phone",
    "手机号": "phone",
    "电话": "phone",
    "性别": "gender",
    "生日": "birthday",
    "卡号": "card_no",
    "会员卡号": "card_no",
    "偏好": "preferences",
    "过敏": "allergies",
    "备注": "notes",
    "标签": "tags",
}
GENDER_WORDS = {"": "", "f": "F", "m": "M", "女": "F", "男": "M", "female": "F", "male": "M"}
EXPORT_COLUMNS = [
    "member_no",
    "card_no",
    "name",
    "phone",
    "gender",
    "birthday",
    "tags",
    "preferences",
    "allergies",
    "notes",
    "visit_count",
    "lifetime_spend",
    "last_visit_at",
    "active",
    "created_at",
]
Progress = Callable[[int, int], None]
FORMULA_START = "=+-@\t\r"  # what a spreadsheet would run as a formula
INACTIVE_WORDS = ("0", "false", "no", "否", "停用")


@dataclass(frozen=True)
class RowError:
    line: int  # line number in the file, header is line 1
    code: str
    column: str | None
    params: dict[str, object] = field(default_factory=dict)


@dataclass
class ImportReport:
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.errors)


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError("csv.encoding", field=None)


def restore_cell(value: str) -> str:
    """Undoes neutralise_cell: our own export's "'=1+1" comes back as "=1+1" (which the
    store then keeps as plain text)."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_START:
        return value[1:]
    return value


def _row_input(row: dict[str, str]) -> MemberInput:
    gender = GENDER_WORDS.get(row.get("gender", "").strip().lower())
    if gender is None:
        raise ValidationError("gender.invalid", field="gender")
    tags = tuple(
        t.strip()
        for t in row.get("tags", "").replace("；", ";").replace("|", ";").split(";")
        if t.strip()
    )
    return MemberInput(
        name=row.get("name", ""),
        phone=row.get("phone", ""),
        gender=gender,
        birthday=parse_birthday(row.get("birthday", "")),
        card_no=row.get("card_no") or None,
        preferences=row.get("preferences", ""),
        allergies=row.get("allergies", ""),
        notes=row.get("notes", ""),
        tags=tags,
    )


def import_members(ctx: AppContext, path: Path, progress: Progress | None = None) -> ImportReport:
    """Adds every good row; each bad row is reported with its line and reason (managers
    and the owner; audited).

    Each row is saved whole or not at all (a savepoint per row) and the file
    lands in one commit, so a power cut mid-import leaves nothing half-imported.
    """
    require(ctx, "members.import")
    reader = csv.reader(io.StringIO(_read_text(Path(path)), newline=""))
    try:
        header = [HEADER_ALIASES.get(h.strip(), h.strip().lower()) for h in next(reader)]
    except StopIteration:
        raise ValidationError("csv.empty", field=None) from None
    missing = [c for c in ("name", "phone") if c not in header]
    if missing:
        raise ValidationError("csv.missing_columns", field=None, columns=",".join(missing))
    rows = list(reader)
    report = ImportReport()
    now = ctx.clock.now()
    today = store.today(ctx)
    with ctx.uow(write=True) as uow:
        repo = MemberRepository(uow.session)
        for index, cells in enumerate(rows):
            line = index + 2
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header):
                report.errors.append(RowError(line, "csv.too_many_cells", None))
                continue
            cells = [restore_cell(c) for c in cells]
            record = dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=True))
            try:
                values = validate_input(_row_input(record), today)
                inactive = record.get("active", "").strip().lower() in INACTIVE_WORDS
                with uow.session.begin_nested():
                    member = insert_member(repo, values, now)
                    member.active = not inactive  # an export's deactivated stay so
                report.imported += 1
            except FrontdeskError as exc:
                report.errors.append(RowError(line, exc.code, exc.params.get("field"), exc.params))
            except IntegrityError:
                report.errors.append(RowError(line, "member.save_conflict", None))
            if progress and (index % 500 == 0 or index == len(rows) - 1):
                progress(index + 1, len(rows))
        audit.record(
            uow.session,
            ctx,
            "members.import",
            Path(path).name,
            f"{report.imported} imported, {report.rejected} rejected",
        )
        uow.commit()
    return report


def neutralise_cell(value: str) -> str:
    """Stops a spreadsheet from running a cell as a formula (CSV injection)."""
    if value and value[0] in FORMULA_START:
        return "'" + value
    return value


def _export_rows(ctx: AppContext, batch: int = 5000) -> Iterator[list[str]]:
    last_id = 0
    while True:
        with ctx.uow() as uow:
            members = list(
                uow.session.scalars(
                    select(Member)
                    .options(selectinload(Member.tags))
                    .where(Member.id > last_id)
                    .order_by(Member.id)
                    .limit(batch)
                )
            )
            for m in members:
                yield [
                    m.member_no,
                    m.card_no or "",
                    m.name,
                    m.phone,
                    m.gender,
                    m.birthday.isoformat() if m.birthday else "",
                    ";".join(t.tag for t in m.tags),
                    m.preferences,
                    m.allergies,
                    m.notes,
                    str(m.visit_count),
                    format_cents(m.lifetime_spend_cents).lstrip("¥"),
                    m.last_visit_at.isoformat() if m.last_visit_at else "",
                    "1" if m.active else "0",
                    m.created_at.isoformat(),
                ]
            full = len(members) == batch
            if full:
                last_id = members[-1].id
        if not full:
            return


def export_members(ctx: AppContext, path: Path) -> int:
    """Writes every member to a UTF-8 (with BOM, for Excel) CSV. Returns the count."""
    require(ctx, "members.export")
    count = 0
    tmp = Path(path).with_suffix(Path(path).suffix + ".part")
    with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(EXPORT_COLUMNS)
        for row in _export_rows(ctx):
            writer.writerow([neutralise_cell(c) for c in row])
            count += 1
    tmp.replace(path)
    audit.log(ctx, "members.export", str(path), f"{count} members")
    return count
