"""The analytics dashboard staff open in the admin: charts with axes and legends over the
rollups, the numbers as tables, CSV exports that land on the operation log, filters, a query
count that does not grow with the range, and the staff home page's queues."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from operations.analytics.models import OrderDay, PlatformDay
from riskadmin.models import StaffAction
from tests.factories import make_user

pytestmark = pytest.mark.django_db

URL = reverse("admin:operations_orderday_changelist")


def seed_days(count: int) -> None:
    today = timezone.now().date()
    rows = []
    for offset in range(count):
        day = today - timedelta(days=offset)
        for asset, fiat in (("USDT", "HKD"), ("BTC", "HKD"), ("USDT", "CNY")):
            rows.append(
                OrderDay(
                    day=day,
                    asset=asset,
                    fiat=fiat,
                    placed=10,
                    completed=8,
                    canceled=1,
                    still_open=1,
                    disputed=1,
                    volume=Decimal(100),
                    fiat_volume=Decimal(780),
                    fees=Decimal("0.1"),
                    pay_p50=120,
                    pay_p95=600,
                    release_p50=60,
                    release_p95=300,
                )
            )
        PlatformDay.objects.create(day=day, new_users=3, kyc_submitted=2, kyc_approved=1)
    OrderDay.objects.bulk_create(rows)


@pytest.fixture
def analyst(client):
    client.force_login(make_user(staff=True, perms=["operations.view_orderday"]))
    return client


def test_the_dashboard_draws_each_chart_with_axes_and_a_legend(analyst):
    seed_days(30)
    page = analyst.get(URL)
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="chart chart--lines"') == 5
    assert "Completed volume per day, in each fiat" in html
    for legend in ("Placed", "Completed", "USDT/HKD", "New users", "Release, median"):
        assert f">{legend}</text>" in html


def test_the_numbers_behind_the_charts_are_tables(analyst):
    seed_days(7)
    tables = analyst.get(URL, {"days": 7}).context["tables"]
    orders = tables["orders"]
    assert len(orders.rows) == 7
    assert orders.rows[-1][1:] == [30, 24, 3, 3, 3]  # three pairs of 10 placed each
    pairs = {(row[0], row[1]): row for row in tables["pairs"].rows}
    assert pairs[("USDT", "HKD")][4] == "700"  # 7 days of 100


def test_filtering_by_asset_and_fiat_narrows_every_figure(analyst):
    seed_days(7)
    tables = analyst.get(URL, {"days": 7, "asset": "BTC", "fiat": "HKD"}).context["tables"]
    assert tables["orders"].rows[-1][1] == 10
    assert [row[:2] for row in tables["pairs"].rows] == [["BTC", "HKD"]]


def test_an_unknown_filter_falls_back_to_everything(analyst):
    seed_days(7)
    page = analyst.get(URL, {"days": "9999", "asset": "<script>"})
    assert page.status_code == 200
    assert page.context["filters"].days == 30
    assert page.context["filters"].asset == ""


def test_a_table_downloads_as_csv_and_the_export_is_on_the_record(analyst):
    seed_days(7)
    response = analyst.get(URL, {"days": 7, "export": "times"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:2] == ["Day", "Payment, median"]
    assert len(rows) == 8
    assert StaffAction.objects.filter(action="analytics.export:times").exists()


def test_the_query_count_does_not_grow_with_the_range(analyst, django_assert_max_num_queries):
    seed_days(365)
    analyst.get(URL, {"days": 7})  # sessions and permissions cached like every later page
    with django_assert_max_num_queries(20) as week:
        analyst.get(URL, {"days": 7})
    with django_assert_max_num_queries(len(week.captured_queries)):
        analyst.get(URL, {"days": 365})


def test_staff_without_the_permission_are_refused(client):
    client.force_login(make_user(staff=True))
    assert client.get(URL).status_code == 403


def test_the_staff_home_lists_the_queues_a_person_may_work(client):
    client.force_login(make_user(staff=True, perms=["escrow.review_withdrawal"]))
    html = client.get(reverse("admin:index")).content.decode()
    assert "Withdrawals to review" in html
    assert "Open disputes" not in html


def test_the_staff_home_shows_nothing_to_someone_with_no_queue(client):
    client.force_login(make_user(staff=True))
    assert "Waiting for you" not in client.get(reverse("admin:index")).content.decode()
