"""A merchant's status (staff), breaks, business hours, the open-now refresh and resignation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.db.models.functions import Now
from django.urls import reverse

from ads.models import Ad, AdStatus, Side
from ads.selectors import ad_rows_for_merchant, visible_ads
from escrow.models import AccountKind
from escrow.models.transfers import Transfer
from merchants.models import Merchant, MerchantStatus
from merchants.selectors import is_open, merchants_due_for_resignation
from merchants.services import (
    MerchantInvalid,
    MerchantNotAllowed,
    clean_business_hours,
    merchant_cancel_resignation,
    merchant_complete_resignation,
    merchant_refresh_open_now,
    merchant_request_resignation,
    merchant_set_break,
    merchant_set_business_hours,
    merchant_set_status,
)
from merchants.tasks import refresh_open_now
from orders.models import Order, OrderStatus
from orders.services import OrderError, order_mark_paid, order_release
from tests.escrow.ledger_state import assert_ledger_verifies, snapshot
from tests.factories import make_user
from tests.orders.factories import FUND_PASSWORD, Market, balance, place, spendable

from .helpers import available, merchant

pytestmark = pytest.mark.django_db

HK = {"timezone": "Asia/Hong_Kong", "days": {"mon": [["09:00", "18:00"]]}}


@pytest.fixture
def shop(gold):
    return merchant(gold)


@pytest.fixture
def staff():
    return make_user(superuser=True)


def _state(shop):
    return Merchant.objects.filter(pk=shop.pk).values().get()


# --- staff: suspend, reactivate, revoke ------------------------------------------------------


def test_suspend_then_reactivate_with_reasons(shop, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        merchant_set_status(
            merchant=shop, actor=staff, status="suspended", reason="Chargeback review."
        )
    shop.refresh_from_db()
    assert (shop.status, shop.status_reason) == ("suspended", "Chargeback review.")
    assert "suspended" in mail.outbox[-1].subject
    assert "Chargeback" in mail.outbox[-1].body
    merchant_set_status(merchant=shop, actor=staff, status="active", reason="Cleared.")
    shop.refresh_from_db()
    assert shop.status == MerchantStatus.ACTIVE
    assert Transfer.objects.get(pk=shop.collateral_hold_id).is_open_hold


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        ("active", "suspended", True),
        ("active", "active", False),
        ("active", "revoked", True),
        ("suspended", "active", True),
        ("suspended", "suspended", False),
        ("suspended", "revoked", True),
        ("resigning", "suspended", False),
        ("resigning", "active", False),
        ("resigning", "revoked", True),
        ("revoked", "active", False),
        ("revoked", "suspended", False),
        ("resigned", "revoked", False),
        ("resigned", "active", False),
    ],
)
def test_status_transitions(shop, staff, start, target, allowed):
    Merchant.objects.filter(pk=shop.pk).update(status=start)
    if allowed:
        merchant_set_status(merchant=shop, actor=staff, status=target, reason="Because.")
        shop.refresh_from_db()
        assert shop.status == target
    else:
        before = (_state(shop), snapshot())
        with pytest.raises(MerchantNotAllowed, match="cannot be"):
            merchant_set_status(merchant=shop, actor=staff, status=target, reason="Because.")
        assert (_state(shop), snapshot()) == before


def test_revoke_keeps_the_collateral_frozen(shop, staff):
    merchant_set_status(merchant=shop, actor=staff, status="revoked", reason="Fraud.")
    assert Transfer.objects.get(pk=shop.collateral_hold_id).is_open_hold
    assert_ledger_verifies()


def test_status_changes_need_permission_and_a_reason_and_not_oneself(shop, gold):
    before = _state(shop)
    with pytest.raises(MerchantNotAllowed, match="manage merchants"):
        merchant_set_status(
            merchant=shop, actor=make_user(staff=True), status="suspended", reason="x"
        )
    with pytest.raises(MerchantInvalid, match="Give the reason"):
        merchant_set_status(
            merchant=shop, actor=make_user(superuser=True), status="suspended", reason=" "
        )
    with pytest.raises(MerchantInvalid):
        merchant_set_status(
            merchant=shop, actor=make_user(superuser=True), status="resigned", reason="x"
        )
    from .helpers import eligible_user

    own = merchant(
        gold, user=eligible_user(funds="1000", asset=gold.collateral_asset, superuser=True)
    )
    with pytest.raises(MerchantNotAllowed, match="your own merchant"):
        merchant_set_status(merchant=own, actor=own.user, status="suspended", reason="Me.")
    assert _state(shop) == before


def _listed(client, ad: Ad) -> bool:
    """The ad is on the market: in the listing and on the tab a user would look at."""
    tab = "buy" if ad.side == Side.SELL else "sell"
    page = client.get(
        reverse("market:p2p"), {"tab": tab, "asset": ad.asset.symbol, "fiat": ad.fiat.code}
    )
    assert page.status_code == 200
    on_page = f'data-ad="{ad.public_id}"' in page.content.decode()
    assert on_page == visible_ads().filter(pk=ad.pk).exists()
    return on_page


def _world(*ads: Ad) -> tuple:
    """What a refused order leaves as it was."""
    return (
        Order.objects.count(),
        list(Transfer.objects.order_by("pk").values_list("pk", "status")),
        [Ad.objects.values_list("status", "remaining_quantity").get(pk=ad.pk) for ad in ads],
    )


def test_suspension_takes_the_ads_off_the_market_and_lets_open_orders_finish(client, settings):
    """Staff with the change permission suspend: the merchant's online ads stay online but leave
    the market and take no order, the merchant is told why in their ads list, and an order
    opened before goes on to release. Reactivating puts the ads back."""
    settings.MAKER_FEE_RATES = {}
    market = Market()
    sell_ad = market.online_ad(Side.SELL, total_quantity=Decimal(200))
    buy_ad = market.online_ad(Side.BUY)
    buyer = market.buyer()
    open_order = place(buyer, sell_ad, fiat="780")  # 100 of the 200, before the suspension
    seller = market.seller_with_fund_password()
    assert _listed(client, sell_ad)
    assert _listed(client, buy_ad)
    staff = make_user(staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="change_merchant"))

    merchant_set_status(
        merchant=market.merchant, actor=staff, status="suspended", reason="Chargeback review."
    )

    market.merchant.refresh_from_db()
    assert (market.merchant.status, market.merchant.status_reason) == (
        MerchantStatus.SUSPENDED,
        "Chargeback review.",
    )
    # off the market on both sides, and not on the merchant's public page either
    assert not _listed(client, sell_ad)
    assert not _listed(client, buy_ad)
    profile = client.get(reverse("market:merchant", args=[market.merchant.display_name]))
    assert sell_ad.public_id not in profile.content.decode()
    assert buy_ad.public_id not in profile.content.decode()
    # nobody can order on them, and trying changes nothing
    before = _world(sell_ad, buy_ad)
    for ad in (sell_ad, buy_ad):
        with pytest.raises(OrderError, match="not available"):
            place(market.buyer(), ad, fiat="780")
    assert _world(sell_ad, buy_ad) == before
    # the ads are not closed: still online, the sell ad's remainder still reserved
    assert before[2] == [(AdStatus.ONLINE, Decimal(100)), (AdStatus.ONLINE, Decimal(100))]
    assert spendable(market.user, market.asset, AccountKind.AD_RESERVE) == 100
    # what the merchant sees: why each ad is hidden
    assert [row.hidden_reason for row in ad_rows_for_merchant(user=market.user)] == [
        "Hidden: your merchant account is suspended"
    ] * 2
    client.force_login(market.user)
    own = client.get(reverse("ads:manage")).content.decode()
    assert own.count("Hidden: your merchant account is suspended") == 2
    client.logout()
    # the open order goes on: paid, then released to the buyer
    order_mark_paid(actor=buyer, public_id=open_order.public_id, method="FPS")
    order_release(actor=seller, public_id=open_order.public_id, fund_password=FUND_PASSWORD)
    open_order.refresh_from_db()
    assert open_order.status == OrderStatus.RELEASED
    assert balance(buyer, market.asset) == 100
    assert_ledger_verifies()

    merchant_set_status(merchant=market.merchant, actor=staff, status="active", reason="Cleared.")
    assert _listed(client, sell_ad)
    assert _listed(client, buy_ad)


def test_admin_actions_ask_for_a_reason_then_suspend(client, shop, staff):
    client.force_login(staff)
    url = reverse("admin:merchants_merchant_changelist")
    assert client.get(url, {"status__exact": "active", "q": shop.display_name}).status_code == 200
    page = client.post(url, {"action": "suspend", "_selected_action": [shop.pk]})
    assert page.status_code == 200
    assert "Suspend merchants" in page.content.decode()
    shop.refresh_from_db()
    assert shop.status == "active"  # the first post only asks
    missing = client.post(url, {"action": "suspend", "_selected_action": [shop.pk], "apply": "1"})
    assert "Give the reason the person will read." in missing.content.decode()
    done = client.post(
        url,
        {"action": "suspend", "_selected_action": [shop.pk], "apply": "1", "reason": "Audit."},
    )
    assert done.status_code == 302
    shop.refresh_from_db()
    assert (shop.status, shop.status_reason) == ("suspended", "Audit.")
    refused = client.post(
        url,
        {"action": "suspend", "_selected_action": [shop.pk], "apply": "1", "reason": "Again."},
        follow=True,
    )
    assert "is suspended, so it cannot be suspended" in refused.content.decode()


def test_merchant_records_are_read_only_in_the_admin(client, shop, staff):
    client.force_login(staff)
    page = client.get(reverse("admin:merchants_merchant_change", args=[shop.pk])).content.decode()
    assert 'name="display_name"' not in page
    assert "Always open" in page
    assert client.get(reverse("admin:merchants_merchant_add")).status_code == 403


# --- break ------------------------------------------------------------------------------------


def test_take_a_break_and_come_back(shop):
    assert merchant_set_break(actor=shop.user, on=True).on_break
    assert merchant_set_break(actor=shop.user, on=True).on_break  # again: no change, no error
    assert not merchant_set_break(actor=shop.user, on=False).on_break


def test_only_an_active_merchant_takes_a_break(shop, staff):
    merchant_set_status(merchant=shop, actor=staff, status="suspended", reason="Check.")
    with pytest.raises(MerchantNotAllowed, match="Only an active merchant"):
        merchant_set_break(actor=shop.user, on=True)
    with pytest.raises(MerchantNotAllowed, match="not a merchant"):
        merchant_set_break(actor=make_user(), on=True)


# --- business hours ---------------------------------------------------------------------------


def test_hours_are_saved_normalized_and_open_now_follows(shop):
    hours = {
        "timezone": "Asia/Hong_Kong",
        "days": {
            "tue": [["20:00", "23:00"], ["09:00", "12:00"]],
            "mon": [],
            "sun": [["22:00", "02:00"]],
        },
    }
    saved = merchant_set_business_hours(actor=shop.user, hours=hours)
    assert saved.business_hours == {
        "timezone": "Asia/Hong_Kong",
        "days": {"tue": [["09:00", "12:00"], ["20:00", "23:00"]], "sun": [["22:00", "02:00"]]},
    }
    assert saved.open_now == is_open(saved.business_hours, datetime.now(UTC))
    assert merchant_set_business_hours(actor=shop.user, hours={}).business_hours == {}
    shop.refresh_from_db()
    assert shop.open_now


@pytest.mark.parametrize(
    ("hours", "key"),
    [
        ({"timezone": "Mars/Olympus", "days": {"mon": [["09:00", "18:00"]]}}, "timezone"),
        ({"days": {"mon": [["09:00", "18:00"]]}}, "timezone"),
        ({"timezone": "UTC", "days": {"funday": [["09:00", "18:00"]]}}, "hours"),
        ({"timezone": "UTC", "days": {}}, "hours"),
        ({"timezone": "UTC", "days": {"mon": [["9:00", "18:00"]]}}, "mon"),
        ({"timezone": "UTC", "days": {"mon": [["09:00", "25:00"]]}}, "mon"),
        ({"timezone": "UTC", "days": {"mon": [["09:60", "18:00"]]}}, "mon"),
        ({"timezone": "UTC", "days": {"mon": [["09:00", "09:00"]]}}, "mon"),
        ({"timezone": "UTC", "days": {"mon": [["24:00", "09:00"]]}}, "mon"),
        ({"timezone": "UTC", "days": {"tue": [["09:00"]]}}, "tue"),
        ({"timezone": "UTC", "days": {"wed": [["09:00", "12:00"], ["11:00", "13:00"]]}}, "wed"),
        ({"timezone": "UTC", "days": {"thu": [["20:00", "02:00"], ["01:00", "21:00"]]}}, "thu"),
        ({"timezone": "UTC", "days": {"fri": [["01:00", "02:00"]] * 4}}, "fri"),
        ({"timezone": "UTC", "days": {"mon": "09:00-18:00"}}, "mon"),
        ({"timezone": "UTC", "days": {"mon": [[9, 18]]}}, "mon"),
        ({"timezone": "UTC", "days": [], "extra": 1}, "hours"),
        (["not", "a", "dict"], "hours"),
    ],
)
def test_malformed_hours_are_refused_and_nothing_changes(shop, hours, key):
    before = _state(shop)
    with pytest.raises(MerchantInvalid) as refused:
        merchant_set_business_hours(actor=shop.user, hours=hours)
    assert key in refused.value.errors
    assert _state(shop) == before


def test_clean_hours_accepts_midnight_edges():
    hours = {"timezone": "UTC", "days": {"mon": [["00:00", "24:00"]], "tue": [["18:00", "00:00"]]}}
    assert clean_business_hours(hours) == hours


def _at(zone: str, year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone))


@pytest.mark.parametrize(
    ("hours", "at", "expected"),
    [
        ({}, _at("UTC", 2026, 1, 5, 3, 0), True),
        # Monday 2026-01-05, Hong Kong 09:00-18:00
        (HK, _at("Asia/Hong_Kong", 2026, 1, 5, 8, 59), False),
        (HK, _at("Asia/Hong_Kong", 2026, 1, 5, 9, 0), True),
        (HK, _at("Asia/Hong_Kong", 2026, 1, 5, 17, 59), True),
        (HK, _at("Asia/Hong_Kong", 2026, 1, 5, 18, 0), False),  # closing time is closed
        (HK, _at("Asia/Hong_Kong", 2026, 1, 6, 10, 0), False),  # Tuesday: not listed
        # the same instant seen from elsewhere: 01:00 UTC Monday = 09:00 Monday in Hong Kong
        (HK, _at("UTC", 2026, 1, 5, 1, 0), True),
        (HK, _at("America/New_York", 2026, 1, 4, 20, 30), True),  # Sunday evening in NY
        (HK, _at("UTC", 2026, 1, 5, 10, 0), False),  # 18:00 in Hong Kong
        # past midnight: Sunday 22:00-02:00 in Tokyo
        (
            {"timezone": "Asia/Tokyo", "days": {"sun": [["22:00", "02:00"]]}},
            _at("Asia/Tokyo", 2026, 1, 4, 23, 30),
            True,
        ),
        (
            {"timezone": "Asia/Tokyo", "days": {"sun": [["22:00", "02:00"]]}},
            _at("Asia/Tokyo", 2026, 1, 5, 1, 59),
            True,
        ),
        (
            {"timezone": "Asia/Tokyo", "days": {"sun": [["22:00", "02:00"]]}},
            _at("Asia/Tokyo", 2026, 1, 5, 2, 0),
            False,
        ),
        (
            {"timezone": "Asia/Tokyo", "days": {"sun": [["22:00", "02:00"]]}},
            _at("Asia/Tokyo", 2026, 1, 4, 1, 0),
            False,
        ),
        # Saturday night into Sunday wraps the week (sat -> sun), and Sunday into Monday
        (
            {"timezone": "UTC", "days": {"sun": [["23:00", "01:00"]]}},
            _at("UTC", 2026, 1, 5, 0, 30),
            True,
        ),
        (
            {"timezone": "UTC", "days": {"sat": [["23:00", "01:00"]]}},
            _at("UTC", 2026, 1, 4, 0, 30),
            True,
        ),
        # all day, and until midnight
        (
            {"timezone": "UTC", "days": {"mon": [["00:00", "24:00"]]}},
            _at("UTC", 2026, 1, 5, 23, 59),
            True,
        ),
        (
            {"timezone": "UTC", "days": {"mon": [["18:00", "00:00"]]}},
            _at("UTC", 2026, 1, 5, 23, 59),
            True,
        ),
        (
            {"timezone": "UTC", "days": {"mon": [["18:00", "00:00"]]}},
            _at("UTC", 2026, 1, 6, 0, 0),
            False,
        ),
        # daylight saving: London 09:00-17:00 follows the wall clock in summer and winter
        (
            {"timezone": "Europe/London", "days": {"wed": [["09:00", "17:00"]]}},
            _at("UTC", 2026, 7, 1, 8, 30),
            True,
        ),
        (
            {"timezone": "Europe/London", "days": {"wed": [["09:00", "17:00"]]}},
            _at("UTC", 2026, 1, 7, 8, 30),
            False,
        ),
    ],
)
def test_is_open(hours, at, expected):
    assert is_open(hours, at) is expected


def test_is_open_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="aware"):
        is_open(HK, datetime(2026, 1, 5, 9, 0))  # noqa: DTZ001 - the naive time under test


def test_refresh_open_now_writes_only_rows_that_change(gold, django_assert_max_num_queries):
    shops = [merchant(gold) for _ in range(3)]
    monday_10_hk = _at("Asia/Hong_Kong", 2026, 1, 5, 10, 0)
    for shop in shops[:2]:
        Merchant.objects.filter(pk=shop.pk).update(business_hours=HK, open_now=False)
    Merchant.objects.filter(pk=shops[1].pk).update(
        business_hours={"timezone": "UTC", "days": {"tue": [["09:00", "10:00"]]}}, open_now=True
    )
    assert merchant_refresh_open_now(at=monday_10_hk) == 2  # shop 0 opens, shop 1 closes
    flags = dict(Merchant.objects.values_list("pk", "open_now"))
    assert [flags[s.pk] for s in shops] == [True, False, True]
    with django_assert_max_num_queries(3):  # one read, nothing to write
        assert merchant_refresh_open_now(at=monday_10_hk) == 0


def test_refresh_skips_unreadable_hours(shop):
    Merchant.objects.filter(pk=shop.pk).update(
        business_hours={"timezone": "Nowhere/Land", "days": {}}, open_now=True
    )
    assert merchant_refresh_open_now() == 0


def test_the_task_runs_the_refresh(shop):
    Merchant.objects.filter(pk=shop.pk).update(open_now=False)  # {} = always open
    assert refresh_open_now.name == "merchants.tasks.refresh_open_now"
    assert refresh_open_now.apply().get() == 1
    shop.refresh_from_db()
    assert shop.open_now


# --- resignation ------------------------------------------------------------------------------


def _backdate(shop, days):
    Merchant.objects.filter(pk=shop.pk).update(resign_requested_at=Now() - timedelta(days=days))


def test_resignation_request_hides_ads_and_may_be_cancelled(shop):
    resigning = merchant_request_resignation(actor=shop.user)
    assert resigning.status == MerchantStatus.RESIGNING
    assert resigning.resign_requested_at is not None
    with pytest.raises(MerchantNotAllowed, match="Only an active merchant can resign"):
        merchant_request_resignation(actor=shop.user)
    back = merchant_cancel_resignation(actor=shop.user)
    assert (back.status, back.resign_requested_at) == (MerchantStatus.ACTIVE, None)
    with pytest.raises(MerchantNotAllowed, match="not asked to resign"):
        merchant_cancel_resignation(actor=shop.user)


def test_resignation_is_refused_while_business_is_open(shop):
    merchant_request_resignation(actor=shop.user)
    _backdate(shop, 30)
    before = (_state(shop), snapshot())
    with pytest.raises(MerchantNotAllowed, match="Open ads or orders remain"):
        merchant_complete_resignation(merchant=shop, has_open_business=True)
    assert (_state(shop), snapshot()) == before


def test_resignation_is_refused_before_the_cooling_period(shop):
    merchant_request_resignation(actor=shop.user)
    _backdate(shop, 6)
    before = (_state(shop), snapshot())
    with pytest.raises(MerchantNotAllowed, match="The cooling period runs until"):
        merchant_complete_resignation(merchant=shop, has_open_business=False)
    assert (_state(shop), snapshot()) == before
    assert not merchants_due_for_resignation().exists()


def test_the_cooling_period_counts_from_the_last_business(shop):
    merchant_request_resignation(actor=shop.user)
    _backdate(shop, 30)
    recent = datetime.now(UTC) - timedelta(days=2)
    with pytest.raises(MerchantNotAllowed, match="cooling period"):
        merchant_complete_resignation(
            merchant=shop, has_open_business=False, last_business_at=recent
        )


def test_resignation_completes_after_the_cooling_period(shop, django_capture_on_commit_callbacks):
    merchant_request_resignation(actor=shop.user)
    _backdate(shop, 7)
    assert list(merchants_due_for_resignation()) == [shop]
    asset = shop.tier.collateral_asset
    assert available(shop.user, asset).spendable == 4000
    with django_capture_on_commit_callbacks(execute=True):
        done = merchant_complete_resignation(merchant=shop, has_open_business=False)
    assert done.status == MerchantStatus.RESIGNED
    assert done.resigned_at is not None
    assert Transfer.objects.get(pk=shop.collateral_hold_id).status == Transfer.Status.VOIDED
    assert available(shop.user, asset).spendable == 5000
    assert "collateral was returned" in mail.outbox[-1].subject
    assert_ledger_verifies()
    with pytest.raises(MerchantNotAllowed, match="not resigning"):
        merchant_complete_resignation(merchant=shop, has_open_business=False)


def test_only_a_resigning_merchant_completes(shop):
    _backdate(shop, 30)
    with pytest.raises(MerchantNotAllowed, match="is active, not resigning"):
        merchant_complete_resignation(merchant=shop, has_open_business=False)
