"""Every write of the merchant program: applications with their collateral, staff review,
merchant status, breaks, business hours and resignation.

Collateral is an escrow hold from the applicant's available balance to their collateral account
(ref "merchant-application:<id>"). It is opened with the application and stays frozen while the
person is a merchant; it comes back (hold void, key "merchant-application:<id>:return") when the
application is withdrawn or rejected, or when a resignation completes.

Each service runs in one transaction, checks who may act, locks the rows it changes (the
application or merchant first, then the ledger's own locks) and refuses with a `MerchantError`
whose message a person reads, having changed nothing. Mail goes out only after commit
(`robust`: a mail failure is logged, never turned into an error for a decision already made).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import available_timezones

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Lower, Now
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import User
from escrow import services as ledger
from escrow.models import AccountKind, Asset, TransferKind
from otc.errors import DomainError
from otc.models import FiatCurrency
from otc.money import format_amount

from .models import (
    ApplicationStatus,
    Merchant,
    MerchantApplication,
    MerchantStatus,
    MerchantTier,
)
from .selectors import (
    WEEKDAY_NAMES,
    WEEKDAYS,
    clock_minutes,
    collateral_hold,
    display_name_taken,
    is_open,
    merchant_can_manage,
    merchant_can_review,
    merchant_program,
    merchant_requirements,
    merchants_open_state,
)

ONE_PENDING_CONSTRAINT = "merchants_one_pending_application"
NAME_LENGTH = (2, 40)
MAX_RANGES_PER_DAY = 3


class MerchantError(DomainError):
    code = "merchant"


class MerchantNotAllowed(MerchantError):
    code = "merchant_not_allowed"


class RequirementsNotMet(MerchantError):
    code = "merchant_requirements"


class CollateralUnavailable(MerchantError):
    code = "merchant_collateral"


class MerchantInvalid(MerchantError):
    """Some fields were refused; `errors` maps each field name to its reason."""

    code = "merchant_invalid"

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = dict(errors)


# --- applications -----------------------------------------------------------------------------


def merchant_apply(
    *,
    user: User,
    display_name: str,
    contact: str,
    tier: MerchantTier,
    assets: Iterable[Asset],
    fiats: Iterable[FiatCurrency],
) -> MerchantApplication:
    """Apply to become a merchant of `tier`, freezing its collateral while staff review.

    Refused, with nothing created or frozen, when a requirement is unmet, an application is
    already pending, the user already is a merchant, the name is taken, or the collateral is
    not available.
    """
    name = " ".join((display_name or "").split())
    contact = (contact or "").strip()
    asset_list, fiat_list = list(assets), list(fiats)
    _check_application_fields(name, contact, tier, asset_list, fiat_list)
    try:
        with transaction.atomic(durable=True):
            _refuse_if_cannot_apply(user)
            unmet = [r for r in merchant_requirements(user=user) if not r.met]
            if unmet:
                listed = "; ".join(f"{r.label} ({r.current.lower()})" for r in unmet)
                raise RequirementsNotMet(f"You do not meet every requirement yet: {listed}.")
            _lock_name(name)
            if display_name_taken(name=name, exclude_user=user):
                raise MerchantInvalid(
                    {"display_name": f"The name “{name}” is already taken; choose another."}
                )
            application = MerchantApplication.objects.create(
                user=user, display_name=name, contact=contact, tier=tier
            )
            application.assets.set(asset_list)
            application.fiats.set(fiat_list)
            application.collateral_hold_id = _freeze_collateral(user, tier, application)
            application.save(update_fields=["collateral_hold_id"])
    except IntegrityError as error:
        if ONE_PENDING_CONSTRAINT in str(error):  # a second application raced this one
            raise MerchantNotAllowed(
                "You already have an application waiting for review."
            ) from error
        raise
    return application


def _check_application_fields(
    name: str,
    contact: str,
    tier: MerchantTier,
    assets: list[Asset],
    fiats: list[FiatCurrency],
) -> None:
    errors: dict[str, str] = {}
    low, high = NAME_LENGTH
    if not low <= len(name) <= high:
        errors["display_name"] = f"Choose a display name of {low} to {high} characters."
    if not contact:
        errors["contact"] = "Tell our staff how to reach you (for example Telegram or phone)."
    elif len(contact) > 200:
        errors["contact"] = "The contact must be at most 200 characters."
    if not tier.enabled:
        errors["tier"] = f"The {tier.name} tier is not open for applications."
    if not assets:
        errors["assets"] = "Choose at least one asset you will trade."
    elif any(not asset.enabled for asset in assets):
        errors["assets"] = "Choose only assets that are enabled for trading."
    if not fiats:
        errors["fiats"] = "Choose at least one currency you will trade in."
    elif any(not fiat.enabled for fiat in fiats):
        errors["fiats"] = "Choose only currencies that are enabled for trading."
    if errors:
        raise MerchantInvalid(errors)


def _refuse_if_cannot_apply(user: User) -> None:
    merchant = Merchant.objects.filter(user=user).first()
    if merchant is not None and merchant.status == MerchantStatus.REVOKED:
        raise MerchantNotAllowed(
            "Your merchant status was revoked, so you cannot apply again. "
            "Contact support if you think this is a mistake."
        )
    if merchant is not None and merchant.status != MerchantStatus.RESIGNED:
        raise MerchantNotAllowed("You are already a merchant.")
    if MerchantApplication.objects.filter(user=user, status=ApplicationStatus.PENDING).exists():
        raise MerchantNotAllowed("You already have an application waiting for review.")


def _lock_name(name: str) -> None:
    """Serialize everyone claiming one display name (in any case) until this commit."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"merchant-name:{name.lower()}"]
        )


def _freeze_collateral(user: User, tier: MerchantTier, application: MerchantApplication) -> int:
    asset = tier.collateral_asset
    available = ledger.account_for(owner=user, asset=asset, kind=AccountKind.AVAILABLE)
    try:
        hold = ledger.hold_open(
            debit=available,
            credit=ledger.account_for(owner=user, asset=asset, kind=AccountKind.COLLATERAL),
            amount=tier.collateral_amount,
            kind=TransferKind.COLLATERAL,
            ref=f"merchant-application:{application.pk}",
            idempotency_key=f"merchant-application:{application.pk}:collateral",
        )
    except ledger.InsufficientFunds as error:
        available.refresh_from_db()
        raise CollateralUnavailable(
            f"You need {format_amount(tier.collateral_amount)} {asset.symbol} available for "
            f"the {tier.name} collateral; you have {format_amount(available.spendable)} "
            f"{asset.symbol}."
        ) from error
    return int(hold.pk)


def _return_collateral(application: MerchantApplication) -> None:
    if application.collateral_hold_id is not None:
        ledger.hold_void(
            hold_id=application.collateral_hold_id,
            idempotency_key=f"merchant-application:{application.pk}:return",
        )


def merchant_withdraw_application(
    *, user: User, application: MerchantApplication
) -> MerchantApplication:
    """The applicant takes back a pending application; the collateral is returned."""
    with transaction.atomic(durable=True):
        locked = MerchantApplication.objects.select_for_update(of=("self",)).get(pk=application.pk)
        if locked.user_id != user.pk:
            raise MerchantNotAllowed("Only the applicant may withdraw an application.")
        if locked.status != ApplicationStatus.PENDING:
            raise MerchantNotAllowed(
                f"This application was already {locked.get_status_display().lower()}; "
                "only a pending application can be withdrawn."
            )
        _return_collateral(locked)
        locked.status = ApplicationStatus.WITHDRAWN
        locked.save(update_fields=["status"])
    return locked


# --- staff review -----------------------------------------------------------------------------


def merchant_approve(*, application: MerchantApplication, reviewer: User) -> Merchant:
    """Approve a pending application: the applicant becomes an active merchant, and the
    collateral stays frozen for as long as they are one. They are told by email."""
    with transaction.atomic(durable=True):
        locked = _lock_for_review(application=application, reviewer=reviewer)
        hold = collateral_hold(hold_id=locked.collateral_hold_id)
        if hold is None or not hold.is_open_hold:
            raise MerchantNotAllowed("The collateral of this application is no longer frozen.")
        existing = (
            Merchant.objects.select_for_update(of=("self",)).filter(user_id=locked.user_id).first()
        )
        if existing is not None and existing.status != MerchantStatus.RESIGNED:
            raise MerchantNotAllowed("The applicant is already a merchant.")
        _lock_name(locked.display_name)
        clash = (
            Merchant.objects.annotate(lname=Lower("display_name"))
            .filter(lname=locked.display_name.lower())
            .exclude(user_id=locked.user_id)
        )
        if clash.exists():
            raise MerchantNotAllowed(
                f"Another merchant already uses the name “{locked.display_name}”; reject the "
                "application with that reason so the applicant can choose another."
            )
        fields: dict[str, Any] = {
            "display_name": locked.display_name,
            "tier": locked.tier,
            "status": MerchantStatus.ACTIVE,
            "status_reason": "",
            "application": locked,
            "collateral_hold_id": locked.collateral_hold_id,
            "approved_at": timezone.now(),
            "on_break": False,
            "resign_requested_at": None,
            "resigned_at": None,
        }
        if existing is None:
            merchant = Merchant.objects.create(user=locked.user, **fields)
        else:  # a former merchant coming back: one record per person
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.save(update_fields=list(fields))
            merchant = existing
        locked.status = ApplicationStatus.APPROVED
        locked.reviewed_at, locked.reviewed_by = timezone.now(), reviewer
        locked.save(update_fields=["status", "reviewed_at", "reviewed_by"])
        transaction.on_commit(
            lambda: _mail(locked.user, "approved", {"application": locked, "merchant": merchant}),
            robust=True,
        )
    return merchant


def merchant_reject(
    *, application: MerchantApplication, reviewer: User, reason: str
) -> MerchantApplication:
    """Reject a pending application with a reason the applicant reads; the collateral is
    returned and they may apply again."""
    reason = (reason or "").strip()
    if not reason:
        raise MerchantInvalid({"reason": "Give the reason the applicant will read."})
    if len(reason) > 1000:
        raise MerchantInvalid({"reason": "The reason must be at most 1000 characters."})
    with transaction.atomic(durable=True):
        locked = _lock_for_review(application=application, reviewer=reviewer)
        _return_collateral(locked)
        locked.status = ApplicationStatus.REJECTED
        locked.reviewed_at, locked.reviewed_by = timezone.now(), reviewer
        locked.rejection_reason = reason
        locked.save(update_fields=["status", "reviewed_at", "reviewed_by", "rejection_reason"])
        transaction.on_commit(
            lambda: _mail(locked.user, "rejected", {"application": locked, "reason": reason}),
            robust=True,
        )
    return locked


def _lock_for_review(*, application: MerchantApplication, reviewer: User) -> MerchantApplication:
    if not merchant_can_review(user=reviewer):
        raise MerchantNotAllowed(
            "Only staff with the merchant review permission may review applications."
        )
    locked = (
        MerchantApplication.objects.select_for_update(of=("self",))
        .select_related("user", "tier", "tier__collateral_asset")
        .get(pk=application.pk)
    )
    if locked.user_id == reviewer.pk:
        raise MerchantNotAllowed("You may not review your own application.")
    if locked.status != ApplicationStatus.PENDING:
        raise MerchantNotAllowed(
            f"This application was already {locked.get_status_display().lower()}; "
            "only a pending application can be reviewed."
        )
    return locked


# --- merchant status (staff) ------------------------------------------------------------------

# target status -> the statuses it may be reached from
STAFF_TRANSITIONS: dict[str, tuple[str, ...]] = {
    MerchantStatus.SUSPENDED: (MerchantStatus.ACTIVE,),
    MerchantStatus.ACTIVE: (MerchantStatus.SUSPENDED,),
    MerchantStatus.REVOKED: (
        MerchantStatus.ACTIVE,
        MerchantStatus.SUSPENDED,
        MerchantStatus.RESIGNING,
    ),
}
STAFF_VERBS: dict[str, str] = {
    MerchantStatus.SUSPENDED: "suspended",
    MerchantStatus.ACTIVE: "reactivated",
    MerchantStatus.REVOKED: "revoked",
}


def merchant_set_status(*, merchant: Merchant, staff: User, status: str, reason: str) -> Merchant:
    """Suspend (active -> suspended), reactivate (suspended -> active) or revoke a merchant,
    with a reason kept on the record and sent to the merchant. A revoked merchant's collateral
    stays frozen for staff to settle."""
    if not merchant_can_manage(user=staff):
        raise MerchantNotAllowed("Only staff who manage merchants may change a merchant's status.")
    if status not in STAFF_TRANSITIONS:
        raise MerchantInvalid({"status": "Choose suspend, reactivate or revoke."})
    reason = (reason or "").strip()
    if not reason:
        raise MerchantInvalid({"reason": "Give the reason the merchant will read."})
    if len(reason) > 1000:
        raise MerchantInvalid({"reason": "The reason must be at most 1000 characters."})
    with transaction.atomic(durable=True):
        locked = (
            Merchant.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=merchant.pk)
        )
        if locked.user_id == staff.pk:
            raise MerchantNotAllowed("You may not change the status of your own merchant account.")
        if locked.status not in STAFF_TRANSITIONS[status]:
            raise MerchantNotAllowed(
                f"{locked.display_name} is {locked.get_status_display().lower()}, so it cannot "
                f"be {STAFF_VERBS[status]}."
            )
        locked.status, locked.status_reason = status, reason
        locked.save(update_fields=["status", "status_reason"])
        transaction.on_commit(
            lambda: _mail(
                locked.user,
                "status",
                {"merchant": locked, "verb": STAFF_VERBS[status], "reason": reason},
            ),
            robust=True,
        )
    return locked


# --- the merchant's own settings --------------------------------------------------------------


def _lock_own(user: User) -> Merchant:
    locked = (
        Merchant.objects.select_for_update(of=("self",))
        .select_related("tier")
        .filter(user_id=user.pk)
        .first()
    )
    if locked is None or locked.status == MerchantStatus.RESIGNED:
        raise MerchantNotAllowed("You are not a merchant.")
    return locked


def merchant_set_break(*, user: User, on: bool) -> Merchant:
    """Take a break (every ad hidden from the market) or come back from one."""
    with transaction.atomic(durable=True):
        locked = _lock_own(user)
        if on and locked.status != MerchantStatus.ACTIVE:
            raise MerchantNotAllowed(
                f"Only an active merchant can take a break; yours is "
                f"{locked.get_status_display().lower()}."
            )
        if locked.on_break != on:
            locked.on_break = on
            locked.save(update_fields=["on_break"])
    return locked


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def clean_business_hours(hours: Mapping[str, Any] | None) -> dict[str, Any]:
    """Check business hours and return them in the stored shape; raise `MerchantInvalid`
    (keys: "hours", "timezone" or a weekday such as "mon") when malformed. Empty = always open.
    """
    if not hours:
        return {}
    if not isinstance(hours, Mapping) or set(hours) - {"timezone", "days"}:
        raise MerchantInvalid({"hours": "Business hours need a timezone and opening days."})
    zone = hours.get("timezone")
    if not isinstance(zone, str) or zone not in _zones():
        raise MerchantInvalid({"timezone": "Choose a timezone from the list."})
    days = hours.get("days") or {}
    if not isinstance(days, Mapping) or set(days) - set(WEEKDAYS):
        raise MerchantInvalid({"hours": "Opening days must be mon, tue, wed, thu, fri, sat, sun."})
    errors: dict[str, str] = {}
    cleaned: dict[str, list[list[str]]] = {}
    for day in WEEKDAYS:
        try:
            ranges = _clean_day(days.get(day) or [])
        except ValueError as error:
            errors[day] = f"{WEEKDAY_NAMES[day]}: {error}"
            continue
        if ranges:
            cleaned[day] = ranges
    if errors:
        raise MerchantInvalid(errors)
    if not cleaned:
        raise MerchantInvalid({"hours": "Open on at least one day, or choose to be always open."})
    return {"timezone": zone, "days": cleaned}


def _clean_day(ranges: object) -> list[list[str]]:
    if not isinstance(ranges, list | tuple) or len(ranges) > MAX_RANGES_PER_DAY:
        raise ValueError(f"give at most {MAX_RANGES_PER_DAY} opening ranges.")
    spans: list[tuple[int, int, str, str]] = []
    for pair in ranges:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ValueError("each range needs an opening and a closing time.")
        start_text, end_text = pair
        try:
            start, end = clock_minutes(start_text), clock_minutes(end_text)
        except ValueError:
            raise ValueError("times look like 09:00 (00:00 to 24:00).") from None
        if start == 24 * 60:
            raise ValueError("opening time must be before 24:00.")
        if start == end:
            raise ValueError("the opening and closing times are the same.")
        spans.append((start, end if end > start else end + 24 * 60, start_text, end_text))
    spans.sort()
    for (_, previous_end, *_), (next_start, *_) in itertools.pairwise(spans):
        if next_start < previous_end:
            raise ValueError("opening ranges overlap.")
    return [[start_text, end_text] for *_, start_text, end_text in spans]


def merchant_set_business_hours(*, user: User, hours: Mapping[str, Any] | None) -> Merchant:
    """Save the merchant's weekly hours (`{}` = always open); `open_now` follows at once."""
    cleaned = clean_business_hours(hours)
    with transaction.atomic(durable=True):
        locked = _lock_own(user)
        locked.business_hours = cleaned
        locked.open_now = is_open(cleaned, timezone.now())
        locked.save(update_fields=["business_hours", "open_now"])
    return locked


def merchant_refresh_open_now(*, at: datetime | None = None) -> int:
    """Set `open_now` from each merchant's hours at `at` (now); only rows that change are
    written, in two bulk updates. Returns how many changed. Hours that cannot be read keep
    their flag. A merchant saving new hours meanwhile gets the right flag from that save, or
    from the next run a minute later."""
    at = at or timezone.now()
    opening: list[int] = []
    closing: list[int] = []
    for pk, hours, open_now in merchants_open_state().values_list(
        "pk", "business_hours", "open_now"
    ):
        try:
            wanted = is_open(hours or {}, at)
        except (KeyError, ValueError, TypeError, AttributeError):
            continue
        if wanted != open_now:
            (opening if wanted else closing).append(pk)
    changed = 0
    with transaction.atomic():
        if opening:
            changed += Merchant.objects.filter(pk__in=opening, open_now=False).update(open_now=True)
        if closing:
            changed += Merchant.objects.filter(pk__in=closing, open_now=True).update(open_now=False)
    return changed


# --- resignation ------------------------------------------------------------------------------


def merchant_request_resignation(*, user: User) -> Merchant:
    """Start resigning: every ad leaves the market at once (ads show only active merchants).
    The collateral comes back once no ads or orders are open and the cooling period passed."""
    with transaction.atomic(durable=True):
        locked = _lock_own(user)
        if locked.status != MerchantStatus.ACTIVE:
            raise MerchantNotAllowed(
                f"Only an active merchant can resign; yours is "
                f"{locked.get_status_display().lower()}."
            )
        Merchant.objects.filter(pk=locked.pk).update(
            status=MerchantStatus.RESIGNING, resign_requested_at=Now()
        )
        locked.refresh_from_db()
    return locked


def merchant_cancel_resignation(*, user: User) -> Merchant:
    """Change one's mind while still resigning: back to active, ads may be put online again."""
    with transaction.atomic(durable=True):
        locked = _lock_own(user)
        if locked.status != MerchantStatus.RESIGNING:
            raise MerchantNotAllowed("You have not asked to resign.")
        locked.status, locked.resign_requested_at = MerchantStatus.ACTIVE, None
        locked.save(update_fields=["status", "resign_requested_at"])
    return locked


def merchant_complete_resignation(
    *,
    merchant: Merchant,
    has_open_business: bool,
    last_business_at: datetime | None = None,
) -> Merchant:
    """End a resignation: return the collateral and mark the merchant resigned.

    The caller (a higher layer that knows ads and orders) says whether open ads or orders
    remain, and may give when the last one closed; the cooling period counts from the later of
    that and the resignation request, by the database clock. Refused, changing nothing, while
    business is open or the cooling period runs. Runs in the caller's transaction when there is
    one, so the caller may check ads and orders under its own locks first.
    """
    with transaction.atomic():
        locked = (
            Merchant.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=merchant.pk)
        )
        if locked.status != MerchantStatus.RESIGNING or locked.resign_requested_at is None:
            raise MerchantNotAllowed(
                f"{locked.display_name} is {locked.get_status_display().lower()}, not resigning."
            )
        if has_open_business:
            raise MerchantNotAllowed(
                "Open ads or orders remain; the collateral comes back once they are all closed "
                "and the cooling period has passed."
            )
        start = locked.resign_requested_at
        if last_business_at is not None and last_business_at > start:
            start = last_business_at
        due = start + timedelta(days=merchant_program().resignation_cooling_days)
        now = _database_now()
        if now < due:
            raise MerchantNotAllowed(
                f"The cooling period runs until {due:%Y-%m-%d %H:%M} UTC; the collateral comes "
                "back after it."
            )
        if locked.collateral_hold_id is not None:
            ledger.hold_void(
                hold_id=locked.collateral_hold_id,
                idempotency_key=f"merchant-application:{locked.application_id}:return",
            )
        locked.status, locked.resigned_at, locked.on_break = MerchantStatus.RESIGNED, now, False
        locked.save(update_fields=["status", "resigned_at", "on_break"])
        transaction.on_commit(
            lambda: _mail(locked.user, "resigned", {"merchant": locked}), robust=True
        )
    return locked


def _database_now() -> datetime:
    """The database clock, as Django's `Now()` reads it (the statement's start)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement_timestamp()")
        value: datetime = cursor.fetchone()[0]
    return value


# --- mail -------------------------------------------------------------------------------------


def _site_url() -> str:
    return str(getattr(settings, "SITE_URL", "") or "http://localhost:8000").rstrip("/")


def _mail(user: User, kind: str, context: dict[str, Any]) -> None:
    """Tell `user` by email; the templates are merchants/email/<kind>_{subject,message}.txt."""
    try:
        center, apply = reverse("merchants:center"), reverse("merchants:apply")
    except NoReverseMatch:  # the pages are not wired into this URLconf
        center, apply = "/merchant/", "/merchant/apply/"
    context = {
        **context,
        "user": user,
        "center_url": _site_url() + center,
        "apply_url": _site_url() + apply,
    }
    subject = render_to_string(f"merchants/email/{kind}_subject.txt", context)
    body = render_to_string(f"merchants/email/{kind}_message.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])
