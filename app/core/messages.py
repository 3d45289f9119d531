"""English sentences for every error code; the UI translates them, the CLI prints them."""

from __future__ import annotations

from typing import Any

from app.core.money import format_cents


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks text for Qt's lupdate without importing Qt (app/ stays Qt-free)."""
    return text


MESSAGES: dict[str, str] = {
    "invalid": QT_TRANSLATE_NOOP("errors", "That input is not valid."),
    "not_found": QT_TRANSLATE_NOOP("errors", "Not found."),
    "conflict": QT_TRANSLATE_NOOP("errors", "That clashes with what is already saved."),
    "field.required": QT_TRANSLATE_NOOP("errors", "Please fill in {field}."),
    "text.control_chars": QT_TRANSLATE_NOOP(
        "errors", "{field} contains invisible control characters; please retype it."
    ),
    "text.too_long": QT_TRANSLATE_NOOP("errors", "{field} is too long (at most {max} characters)."),
    "name.invalid": QT_TRANSLATE_NOOP("errors", "Please enter the guest's name."),
    "period.order": QT_TRANSLATE_NOOP("errors", "The period ends before it starts."),
    "period.too_long": QT_TRANSLATE_NOOP(
        "errors", "Please choose a period of at most {years} years."
    ),
    "period.unknown": QT_TRANSLATE_NOOP("errors", "Unknown period “{value}”."),
    "target.range": QT_TRANSLATE_NOOP("errors", "A target is a percentage from {min} to {max}."),
    "drill.unknown": QT_TRANSLATE_NOOP("errors", "There is no list behind “{value}”."),
    "settings.language": QT_TRANSLATE_NOOP("errors", "“{value}” is not a language the app speaks."),
    "settings.range": QT_TRANSLATE_NOOP("errors", "{field} must be from {min} to {max}."),
    "settings.logo": QT_TRANSLATE_NOOP("errors", "The logo must be a picture (PNG, JPEG or BMP)."),
    "settings.logo_size": QT_TRANSLATE_NOOP(
        "errors", "The logo is too large (at most {max} KB); please choose a smaller picture."
    ),
    "sla.hours": QT_TRANSLATE_NOOP(
        "errors", "Opening hours must be times like 10:00 and 02:00 (closing after midnight)."
    ),
    "phone.required": QT_TRANSLATE_NOOP("errors", "Please enter a phone number."),
    "phone.invalid": QT_TRANSLATE_NOOP(
        "errors", "“{value}” is not a valid phone number. Check the digits (11 for a mobile)."
    ),
    "phone.duplicate": QT_TRANSLATE_NOOP(
        "errors", "This phone number already belongs to member {member_no} ({name})."
    ),
    "card.invalid": QT_TRANSLATE_NOOP(
        "errors", "A card number is 4 to 32 letters, digits or dashes."
    ),
    "card.duplicate": QT_TRANSLATE_NOOP(
        "errors", "This card number is already used by member {member_no}."
    ),
    "gender.invalid": QT_TRANSLATE_NOOP("errors", "Gender must be female, male or left empty."),
    "birthday.future": QT_TRANSLATE_NOOP("errors", "The birthday cannot be in the future."),
    "birthday.too_old": QT_TRANSLATE_NOOP("errors", "Please check the birthday's year."),
    "birthday.invalid": QT_TRANSLATE_NOOP(
        "errors", "“{value}” is not a date; write it like 1990-05-21."
    ),
    "date.invalid": QT_TRANSLATE_NOOP(
        "errors", "“{value}” is not a date; write it like 2027-01-01."
    ),
    "tags.too_many": QT_TRANSLATE_NOOP("errors", "At most {max} tags per member."),
    "member.not_found": QT_TRANSLATE_NOOP("errors", "That member no longer exists."),
    "member.inactive": QT_TRANSLATE_NOOP(
        "errors", "Member {member_no} is deactivated; reactivate them first."
    ),
    "member.save_conflict": QT_TRANSLATE_NOOP(
        "errors", "Another counter saved at the same moment; please try again."
    ),
    "amount.invalid": QT_TRANSLATE_NOOP(
        "errors", "“{value}” is not an amount; write it like 128 or 128.50."
    ),
    "amount.negative": QT_TRANSLATE_NOOP("errors", "An amount cannot be negative."),
    "amount.required": QT_TRANSLATE_NOOP("errors", "Please enter the amount."),
    "points.zero": QT_TRANSLATE_NOOP(
        "errors", "An adjustment of 0 points changes nothing; enter how many to add or take."
    ),
    "amount.too_large": QT_TRANSLATE_NOOP("errors", "That amount is too large; please check it."),
    "visit.in_future": QT_TRANSLATE_NOOP("errors", "A visit cannot be in the future."),
    "visit.time_invalid": QT_TRANSLATE_NOOP("errors", "The visit time is not valid."),
    "csv.encoding": QT_TRANSLATE_NOOP("errors", "The file is neither UTF-8 nor GBK text."),
    "csv.empty": QT_TRANSLATE_NOOP("errors", "The file is empty."),
    "csv.missing_columns": QT_TRANSLATE_NOOP("errors", "The file has no column for: {columns}."),
    "complaint.channel": QT_TRANSLATE_NOOP("errors", "Please choose how the complaint came in."),
    "complaint.category": QT_TRANSLATE_NOOP("errors", "Please choose a category."),
    "complaint.severity": QT_TRANSLATE_NOOP("errors", "Severity must be normal or urgent."),
    "complaint.guest_required": QT_TRANSLATE_NOOP(
        "errors",
        "Please give the guest's name or phone. For a member, log it from their profile (Ctrl+L).",
    ),
    "complaint.not_found": QT_TRANSLATE_NOOP("errors", "That complaint no longer exists."),
    "complaint.bad_transition": QT_TRANSLATE_NOOP(
        "errors", "{ref} is “{status}”; it cannot go to “{to}” from there."
    ),
    "complaint.closed": QT_TRANSLATE_NOOP("errors", "{ref} is closed; reopen it first."),
    "complaint.satisfaction": QT_TRANSLATE_NOOP(
        "errors", "The guest's satisfaction is a score from 1 to 5."
    ),
    "sla.out_of_range": QT_TRANSLATE_NOOP("errors", "{field} must be between {min} and {max}."),
    "sla.rest_days": QT_TRANSLATE_NOOP(
        "errors", "Rest days must be weekdays, and at least one day must be a working day."
    ),
    "sla.timezone": QT_TRANSLATE_NOOP("errors", "“{value}” is not a known time zone."),
    "coupon.format": QT_TRANSLATE_NOOP(
        "errors",
        "“{value}” is not a coupon code. A code has 12 letters and digits, like ABCD-EFGH-JKMN.",
    ),
    "coupon.typo": QT_TRANSLATE_NOOP(
        "errors",
        "Coupon code “{value}” has a typo (the check character does not match). Please "
        "scan again or check each character.",
    ),
    "coupon.forged": QT_TRANSLATE_NOOP(
        "errors", "“{value}” was not issued by this store. Do not accept it."
    ),
    "coupon.unknown": QT_TRANSLATE_NOOP(
        "errors", "{value} looks right but is not in this store's records. Do not accept it."
    ),
    "coupon.used": QT_TRANSLATE_NOOP("errors", "Coupon {code} has already been used."),
    "coupon.voided": QT_TRANSLATE_NOOP("errors", "Coupon {code} was voided by a manager."),
    "coupon.expired": QT_TRANSLATE_NOOP("errors", "Coupon {code} expired on {date}."),
    "coupon.not_yet": QT_TRANSLATE_NOOP("errors", "Coupon {code} can be used from {date}."),
    "coupon.min_spend": QT_TRANSLATE_NOOP(
        "errors", "This coupon needs a bill of at least {min_cents}."
    ),
    "coupon.kind": QT_TRANSLATE_NOOP("errors", "Please choose what the coupon gives."),
    "coupon.value": QT_TRANSLATE_NOOP("errors", "The amount off must be more than zero."),
    "coupon.percent": QT_TRANSLATE_NOOP("errors", "A percentage off is 1 to 90."),
    "coupon.valid_days": QT_TRANSLATE_NOOP("errors", "A coupon is valid for 1 to 3660 days."),
    "coupon.code_space": QT_TRANSLATE_NOOP("errors", "Could not make a new code; try again."),
    "coupon.not_found": QT_TRANSLATE_NOOP("errors", "That coupon no longer exists."),
    "campaign.kind": QT_TRANSLATE_NOOP("errors", "Please choose the kind of campaign."),
    "campaign.max": QT_TRANSLATE_NOOP("errors", "The campaign limit must be at least 1."),
    "campaign.per_member": QT_TRANSLATE_NOOP("errors", "Coupons per member: 1 to 100."),
    "campaign.window": QT_TRANSLATE_NOOP(
        "errors", "The birthday window must start before it ends and span at most a year."
    ),
    "campaign.days": QT_TRANSLATE_NOOP("errors", "The number of days must be 1 to 3650."),
    "campaign.not_found": QT_TRANSLATE_NOOP("errors", "That campaign no longer exists."),
    "campaign.limit": QT_TRANSLATE_NOOP(
        "errors", "The campaign allows {max} coupons; only {left} can still be issued."
    ),
    "pdf.layout": QT_TRANSLATE_NOOP("errors", "Unknown print layout."),
    "pdf.nothing": QT_TRANSLATE_NOOP("errors", "There are no coupons to print."),
    "sla.warn_too_long": QT_TRANSLATE_NOOP(
        "errors", "{field} must come before its deadline: less than {limit} minutes."
    ),
    "points.not_enough": QT_TRANSLATE_NOOP(
        "errors", "Not enough points: {need} needed, {have} available."
    ),
    "points.coupon": QT_TRANSLATE_NOOP(
        "errors", "Points turn into a coupon in hundreds (100 points = ¥1)."
    ),
    "points.invalid": QT_TRANSLATE_NOOP("errors", "Please enter a whole number of points."),
    "tier.base": QT_TRANSLATE_NOOP(
        "errors", "The lowest tier must ask for nothing, so every member has a tier."
    ),
    "tier.order": QT_TRANSLATE_NOOP(
        "errors", "Tier {tier} must ask at least as much as the tiers below it."
    ),
    "tier.benefit": QT_TRANSLATE_NOOP(
        "errors", "Tier {tier}: discount 0-50% and 0-1000 points per ¥100."
    ),
    "follow_up.time": QT_TRANSLATE_NOOP("errors", "The call time is not valid."),
    "follow_up.not_found": QT_TRANSLATE_NOOP("errors", "That follow-up no longer exists."),
    "follow_up.done": QT_TRANSLATE_NOOP("errors", "That call is already done."),
    "survey.score": QT_TRANSLATE_NOOP("errors", "The score is 1 to 5."),
    "instance.running": QT_TRANSLATE_NOOP(
        "errors",
        "Frontdesk is already running on this computer with the data in {folder}. "
        "Switch to that window instead.",
    ),
    "backup.keep": QT_TRANSLATE_NOOP("errors", "Keep at least one backup."),
    "backup.folder": QT_TRANSLATE_NOOP("errors", "Cannot write backups to {folder}: {reason}"),
    "backup.bad_copy": QT_TRANSLATE_NOOP(
        "errors", "The backup copy failed its check ({problems}); the old backups are kept."
    ),
    "backup.bad_source": QT_TRANSLATE_NOOP(
        "errors", "That backup is damaged ({problems}); it was not restored."
    ),
    "db.unreachable": QT_TRANSLATE_NOOP(
        "errors",
        "The store's database server cannot be reached; nothing was saved. What you typed "
        "is kept: try again in a moment.",
    ),
    "db.unknown_outcome": QT_TRANSLATE_NOOP(
        "errors",
        "The connection to the server broke while saving, so it is not known whether it "
        "was saved. Press Save again when the server is back: it is never saved twice.",
    ),
    "db.url": QT_TRANSLATE_NOOP(
        "errors",
        "Please enter the server as postgresql://user:password@host/database "
        "(for example postgresql://frontdesk:secret@192.168.1.10/frontdesk).",
    ),
    "db.connect": QT_TRANSLATE_NOOP("errors", "Could not connect to the server: {reason}"),
    "db.not_empty": QT_TRANSLATE_NOOP(
        "errors", "The server's database already holds a store ({detail}); nothing was copied."
    ),
    "db.copy_mismatch": QT_TRANSLATE_NOOP(
        "errors", "The copy on the server does not match the file ({detail})."
    ),
    "backup.others_connected": QT_TRANSLATE_NOOP(
        "errors",
        "The restore waits: {count} other connection(s) to the store's server are open. "
        "Close Frontdesk on the other counters, then start it here again.",
    ),
    "request.id": QT_TRANSLATE_NOOP("errors", "That save could not be recognised; please retry."),
    "permission.denied": QT_TRANSLATE_NOOP(
        "errors", "Your role ({role}) may not do this; please ask a manager."
    ),
    "care.kind": QT_TRANSLATE_NOOP("errors", "There is no such care list."),
    "settings.after_issue": QT_TRANSLATE_NOOP(
        "errors", "Choose print, open or save for new coupons."
    ),
    "auth.signed_out": QT_TRANSLATE_NOOP(
        "errors", "Nobody is signed in at this counter. Please sign in first."
    ),
    "coupon.over_limit": QT_TRANSLATE_NOOP(
        "errors",
        "A coupon worth more than {limit} needs a manager; please ask one, or give less.",
    ),
    "tier.benefit_order": QT_TRANSLATE_NOOP(
        "errors",
        "Tier {tier} must give at least the discount and points of tier {lower} below it.",
    ),
    "sla.holiday_and_workday": QT_TRANSLATE_NOOP(
        "errors",
        "{day} is both a holiday and a make-up working day; please keep it in one list.",
    ),
    "login.failed": QT_TRANSLATE_NOOP("errors", "Wrong user name or password."),
    "login.locked": QT_TRANSLATE_NOOP(
        "errors", "Too many wrong passwords: this account is locked for {minutes} minutes."
    ),
    "staff.username": QT_TRANSLATE_NOOP(
        "errors", "A user name is 2 to 32 small letters, digits, dots or dashes."
    ),
    "staff.role": QT_TRANSLATE_NOOP("errors", "Please choose a role."),
    "staff.password": QT_TRANSLATE_NOOP("errors", "A password has at least 6 characters."),
    "staff.first_owner": QT_TRANSLATE_NOOP("errors", "The first account is the owner's."),
    "staff.duplicate": QT_TRANSLATE_NOOP("errors", "The user name {username} is taken."),
    "staff.not_found": QT_TRANSLATE_NOOP("errors", "That staff account does not exist."),
    "staff.self_disable": QT_TRANSLATE_NOOP(
        "errors", "You cannot disable your own account while you are signed in with it."
    ),
    "staff.last_owner": QT_TRANSLATE_NOOP(
        "errors", "This is the last owner's account; add another owner before disabling it."
    ),
    "staff.password_mismatch": QT_TRANSLATE_NOOP("errors", "The two passwords differ."),
    "csv.too_many_cells": QT_TRANSLATE_NOOP("errors", "This row has more cells than the header."),
    "settings.prepaid_split": QT_TRANSLATE_NOOP(
        "errors",
        "Choose how a card payment is split: in proportion, paid money first or bonus first.",
    ),
    "prepaid.amount": QT_TRANSLATE_NOOP(
        "errors", "A recharge is more than ¥0 and at most {max_cents}."
    ),
    "prepaid.bonus_too_large": QT_TRANSLATE_NOOP(
        "errors", "The bonus cannot be more than the amount paid."
    ),
    "prepaid.tier": QT_TRANSLATE_NOOP("errors", "There is no tier “{value}”."),
    "prepaid.plan_not_found": QT_TRANSLATE_NOOP("errors", "That recharge offer no longer exists."),
    "prepaid.plan_not_offered": QT_TRANSLATE_NOOP(
        "errors", "The offer “{name}” is not on sale today."
    ),
    "prepaid.method": QT_TRANSLATE_NOOP(
        "errors", "Choose how the guest paid: cash, WeChat, Alipay or bank card."
    ),
    "prepaid.id_number": QT_TRANSLATE_NOOP(
        "errors", "That is not a valid ID number (18 characters; check the last one)."
    ),
    "prepaid.buyer_name": QT_TRANSLATE_NOOP(
        "errors", "Please enter the buyer's name with the ID number."
    ),
    "prepaid.over_limit": QT_TRANSLATE_NOOP(
        "errors",
        "After this recharge the card would hold {after_cents}, more than the {limit_cents} a "
        "named card may hold (MOFCOM rules).",
    ),
    "prepaid.no_buyer_id": QT_TRANSLATE_NOOP(
        "errors", "The buyer's name and ID number should be recorded (MOFCOM rules)."
    ),
    "prepaid.no_card": QT_TRANSLATE_NOOP(
        "errors", "This member has no open stored-value card; recharge first."
    ),
    "prepaid.not_enough": QT_TRANSLATE_NOOP(
        "errors", "Not enough balance: {need_cents} needed, {have_cents} on the card."
    ),
    "prepaid.zero": QT_TRANSLATE_NOOP("errors", "Please enter an amount other than zero."),
    "prepaid.more_than_due": QT_TRANSLATE_NOOP(
        "errors", "The card can pay at most what is due: {due_cents}."
    ),
    "prepaid.not_voidable": QT_TRANSLATE_NOOP(
        "errors", "Only a recharge or a payment on an open card can be voided."
    ),
    "prepaid.voided_already": QT_TRANSLATE_NOOP("errors", "That entry was voided already."),
    "prepaid.no_buyer_id_saved": QT_TRANSLATE_NOOP(
        "errors", "No ID number was recorded with this recharge."
    ),
    "prepaid.entry_not_found": QT_TRANSLATE_NOOP("errors", "That card entry does not exist."),
    "prepaid.id_key_missing": QT_TRANSLATE_NOOP(
        "errors",
        "ID numbers were sealed with a key that is not on this PC ({file} in the data folder).",
    ),
    "prepaid.id_unreadable": QT_TRANSLATE_NOOP("errors", "This ID number cannot be read back."),
    "prepaid.no_data_folder": QT_TRANSLATE_NOOP(
        "errors", "This store has no data folder to keep the ID-number key in."
    ),
}


def message_template(code: str) -> str:
    return MESSAGES.get(code) or MESSAGES.get(code.split(".")[0], "") or code


def render(template: str, params: dict[str, Any]) -> str:
    """Fills {names} in a template; a missing parameter stays visible rather than crashing.
    Parameters named *_cents are shown as money."""

    class _Keep(dict[str, Any]):
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    shown = {
        k: format_cents(v) if k.endswith("_cents") and isinstance(v, int) else v
        for k, v in params.items()
    }
    return template.format_map(_Keep(shown))


def describe(code: str, params: dict[str, Any]) -> str:
    return render(message_template(code), params)
