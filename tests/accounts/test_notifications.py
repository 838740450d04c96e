"""The notification list, the header's unread count, the email behind a notice, the live badge
over the notifications socket, and sockets closing when their session signs out."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import consumers
from accounts.models import Notification, User
from accounts.selectors import unread_count
from accounts.services import activity
from accounts.services.activity import mark_all_read, mark_read, notify
from accounts.tasks import send_notification_email
from accounts.views.notifications import PAGE_SIZE
from otc.asgi import application
from tests.factories import make_user


def notice(user: User, title: str = "Order X is paid", url: str = "/orders/X/") -> Notification:
    made = notify(user=user, kind="test", title=title, body="Check your account.", url=url)
    assert made is not None
    return made


# --- the list page --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_shows_only_ones_own_notices_newest_first(client):
    me, other = make_user(), make_user()
    notice(me, "First for me")
    notice(other, "Not for me")
    notice(me, "Second for me")
    client.force_login(me)
    html = client.get("/notifications/").content.decode()
    assert html.index("Second for me") < html.index("First for me")
    assert "Not for me" not in html
    assert html.count("notice--unread") == 2
    assert "Unread: " in html


@pytest.mark.django_db
def test_the_list_needs_a_login(client):
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_the_list_is_paginated(client):
    me = make_user()
    for n in range(PAGE_SIZE + 3):
        notice(me, f"Notice number {n:02d}")
    client.force_login(me)
    first = client.get("/notifications/").content.decode()
    assert "Notice number 22" in first
    assert "Notice number 02" not in first
    assert "Page 1 of 2" in first
    second = client.get("/notifications/?page=2", HTTP_HX_REQUEST="true").content.decode()
    assert "Notice number 02" in second
    assert "Notice number 22" not in second
    assert "<html" not in second  # the fragment, for htmx


@pytest.mark.django_db
def test_opening_a_notice_marks_it_read_and_follows_its_link(client):
    me = make_user()
    mine = notice(me, url="/orders/ABC/")
    client.force_login(me)
    response = client.post(f"/notifications/{mine.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == "/orders/ABC/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.get(f"/notifications/{mine.pk}/open/").status_code == 405  # a link never marks


@pytest.mark.django_db
def test_another_users_notice_is_not_found_and_stays_unread(client):
    me, other = make_user(), make_user()
    theirs = notice(other)
    client.force_login(me)
    assert client.post(f"/notifications/{theirs.pk}/open/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    with pytest.raises(activity.NotificationNotFound):
        mark_read(actor=me, notification_id=theirs.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "//evil.example/orders/",
        "/\\evil.example/",
        "https://evil.example/",
        "javascript:alert(1)",
        "orders/ABC/",
        "",
    ],
)
def test_opening_never_leaves_the_site(client, url):
    me = make_user()
    mine = notice(me, url=url)
    client.force_login(me)
    response = client.post(f"/notifications/{mine.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == "/notifications/"


@pytest.mark.django_db
def test_mark_all_read_touches_only_ones_own(client):
    me, other = make_user(), make_user()
    notice(me)
    notice(me)
    theirs = notice(other)
    client.force_login(me)
    response = client.post("/notifications/read-all/", follow=True)
    assert "2 notifications marked read." in response.content.decode()
    assert unread_count(user=me) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert mark_all_read(actor=me) == 0


@pytest.mark.django_db
def test_mark_all_read_with_htmx_swaps_the_list_and_the_bell(client):
    me = make_user()
    notice(me, "Waiting for you")
    client.force_login(me)
    html = client.post("/notifications/read-all/", HTTP_HX_REQUEST="true").content.decode()
    assert "Waiting for you" in html
    assert "notice--unread" not in html
    assert 'id="notice-bell"' in html
    assert 'hx-swap-oob="true"' in html
    assert 'aria-label="Notifications"' in html


# --- the header ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_header_shows_the_unread_count(client):
    me = make_user()
    for _ in range(3):
        notice(me)
    read = notice(me)
    mark_read(actor=me, notification_id=read.pk)
    client.force_login(me)
    html = client.get("/wallet/").content.decode()
    assert 'aria-label="Notifications, 3 unread"' in html
    assert '<span class="nav__badge" data-notice-count>3</span>' in html
    assert "js/notifications.js" in html


@pytest.mark.django_db
def test_the_header_count_is_one_query_and_none_for_visitors(client):
    me = make_user()
    notice(me)
    client.force_login(me)
    with CaptureQueriesContext(connection) as queries:
        client.get("/wallet/")
    counted = [q["sql"] for q in queries if "accounts_notification" in q["sql"]]
    assert len(counted) == 1
    assert "COUNT(" in counted[0].upper()

    anonymous = Client()
    with CaptureQueriesContext(connection) as queries:
        html = anonymous.get("/").content.decode()
    assert not [q for q in queries if "accounts_notification" in q["sql"]]
    assert "data-notice-bell" not in html
    assert "js/notifications.js" not in html


@pytest.mark.django_db
def test_a_hundred_unread_show_as_99_plus(client):
    me = make_user()
    Notification.objects.bulk_create(
        [Notification(user=me, kind="test", title=f"n{n}") for n in range(100)]
    )
    client.force_login(me)
    assert ">99+</span>" in client.get("/notifications/").content.decode()


# --- the email ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_email_task_sends_one_mail_with_the_link(settings):
    settings.SITE_URL = "https://otc.example"
    me = make_user()
    mine = notice(me, title="Order ABC is paid: check your account, then release")
    assert send_notification_email(mine.pk) is True
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [me.email]
    assert sent.subject == "OTC Exchange: Order ABC is paid: check your account, then release"
    assert "Check your account." in sent.body
    assert "https://otc.example/orders/X/" in sent.body
    assert "https://otc.example/notifications/" in sent.body


@pytest.mark.django_db
def test_no_email_for_an_inactive_user_or_a_foreign_link(settings):
    settings.SITE_URL = "https://otc.example"
    me = make_user()
    foreign = notice(me, url="//evil.example/")
    assert send_notification_email(foreign.pk) is True
    assert "evil.example" not in mail.outbox[0].body
    User.objects.filter(pk=me.pk).update(is_active=False)
    assert send_notification_email(notice(me).pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_email_is_queued_after_the_commit_only(django_capture_on_commit_callbacks, monkeypatch):
    queued: list[int] = []
    monkeypatch.setattr(activity, "_queue_email", queued.append)
    monkeypatch.setattr(activity, "push_unread_count", lambda user_id: None)
    me = make_user()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        mine = notice(me)
    assert queued == []
    for callback in callbacks:
        callback()
    assert queued == [mine.pk]


@pytest.mark.django_db
def test_a_failing_channel_layer_never_breaks_a_notice(
    django_capture_on_commit_callbacks, monkeypatch
):
    class Broken:
        async def group_send(self, group: str, message: dict[str, Any]) -> None:
            raise ConnectionError("redis is down")

    monkeypatch.setattr(consumers, "get_channel_layer", lambda: Broken())
    monkeypatch.setattr(activity, "_queue_email", lambda notice_id: None)
    me = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        mine = notice(me)
    with django_capture_on_commit_callbacks(execute=True):
        mark_read(actor=me, notification_id=mine.pk)
    mine.refresh_from_db()
    assert mine.read_at is not None


# --- sockets -------------------------------------------------------------------------------------


def signed_in(user: User) -> tuple[Client, list[tuple[bytes, bytes]]]:
    """A browser session for `user`, and the headers a socket of that browser sends."""
    client = Client()
    client.force_login(user)
    return client, signed_in_headers(client)


def signed_in_headers(client: Client) -> list[tuple[bytes, bytes]]:
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    return [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1"), (b"cookie", cookie)]


def notices_socket(headers: list[tuple[bytes, bytes]]) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, "/ws/notifications/", headers=headers)


async def closed_with(comm: WebsocketCommunicator) -> int | None:
    """Read until the server closes the socket; its close code."""
    while True:
        output = await comm.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            await comm.disconnect()
            return output.get("code")


@pytest.mark.django_db(transaction=True)
def test_the_badge_hears_new_notices_and_reads():
    me = make_user()
    notice(me)
    _, headers = signed_in(me)
    comm = notices_socket(headers)

    async def scenario() -> list[dict[str, Any]]:
        assert (await comm.connect())[0]
        heard = [await comm.receive_json_from(timeout=5)]
        made = await database_sync_to_async(notice)(me)
        heard.append(await comm.receive_json_from(timeout=5))
        await database_sync_to_async(mark_read)(actor=me, notification_id=made.pk)
        heard.append(await comm.receive_json_from(timeout=5))
        await database_sync_to_async(mark_all_read)(actor=me)
        heard.append(await comm.receive_json_from(timeout=5))
        await comm.disconnect()
        return heard

    assert asyncio.run(scenario()) == [
        {"type": "notice.count", "unread": 1},
        {"type": "notice.count", "unread": 2},
        {"type": "notice.count", "unread": 1},
        {"type": "notice.count", "unread": 0},
    ]


@pytest.mark.django_db(transaction=True)
def test_another_users_notice_does_not_reach_my_badge():
    me, other = make_user(), make_user()
    _, headers = signed_in(me)
    comm = notices_socket(headers)

    async def scenario() -> tuple[dict[str, Any], bool]:
        assert (await comm.connect())[0]
        first = await comm.receive_json_from(timeout=5)
        await database_sync_to_async(notice)(other)
        quiet = await comm.receive_nothing(timeout=0.5)
        await comm.disconnect()
        return first, quiet

    assert asyncio.run(scenario()) == ({"type": "notice.count", "unread": 0}, True)


@pytest.mark.django_db(transaction=True)
def test_a_visitor_is_closed_with_4401():
    comm = notices_socket([(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")])

    async def scenario() -> int | None:
        await comm.connect()
        return await closed_with(comm)

    assert asyncio.run(scenario()) == consumers.CLOSE_SESSION_ENDED


@pytest.fixture
def order(settings) -> Any:
    """An order awaiting payment, on an online ad (its buyer and seller have sockets to it)."""
    from tests.orders.factories import Market, place

    settings.MAKER_FEE_RATES = {}
    market = Market()
    return place(market.buyer(), market.online_ad(total_quantity=Decimal(100)), fiat="780")


@pytest.mark.django_db(transaction=True)
def test_logging_out_closes_the_sessions_sockets_with_4401(order):
    client, headers = signed_in(order.buyer)
    _, other_headers = signed_in(order.buyer)  # another browser of the same user
    badge, live = (
        notices_socket(headers),
        WebsocketCommunicator(application, f"/ws/orders/{order.public_id}/", headers=headers),
    )
    elsewhere = notices_socket(other_headers)

    async def scenario() -> tuple[int | None, int | None, bool]:
        for comm in (badge, live, elsewhere):
            assert (await comm.connect())[0]
            await comm.receive_json_from(timeout=5)  # the count, the chat history
        response = await database_sync_to_async(client.post)("/accounts/logout/")
        assert response.status_code == 302
        codes = await closed_with(badge), await closed_with(live)
        still_open = await elsewhere.receive_nothing(timeout=0.5)
        await elsewhere.disconnect()
        return *codes, still_open

    assert asyncio.run(scenario()) == (4401, 4401, True)


@pytest.mark.django_db(transaction=True)
def test_a_password_change_closes_every_socket_of_the_user(order):
    """Changed in one browser: that browser's page and another browser's both close; the page
    of the browser that made the change reconnects, the other session is signed out."""
    buyer = order.buyer
    changer, headers = signed_in(buyer)
    _, other_headers = signed_in(buyer)
    badge = notices_socket(headers)
    live = WebsocketCommunicator(
        application, f"/ws/orders/{order.public_id}/", headers=other_headers
    )
    bystander = notices_socket(signed_in(make_user())[1])

    def change_password() -> None:
        changer.post(reverse("account_reauthenticate"), {"password": "a-long-test-password"})
        response = changer.post(
            reverse("account_change_password"),
            {
                "oldpassword": "a-long-test-password",
                "password1": "a-new-long-password-2026",
                "password2": "a-new-long-password-2026",
            },
        )
        assert response.status_code == 302, response.content

    async def scenario() -> tuple[int | None, int | None, bool, dict[str, Any], int | None]:
        for comm in (badge, live, bystander):
            assert (await comm.connect())[0]
            await comm.receive_json_from(timeout=5)
        await database_sync_to_async(change_password)()
        codes = await closed_with(badge), await closed_with(live)
        untouched = await bystander.receive_nothing(timeout=0.5)
        await bystander.disconnect()
        # the changing browser is still signed in (with a new session key): it reconnects
        fresh = notices_socket(signed_in_headers(changer))
        assert (await fresh.connect())[0]
        hello = await fresh.receive_json_from(timeout=5)
        await fresh.disconnect()
        # the other browser is signed out: its page is told so
        gone = notices_socket(other_headers)
        await gone.connect()
        return *codes, untouched, hello, await closed_with(gone)

    assert asyncio.run(scenario()) == (
        4401,
        4401,
        True,
        {"type": "notice.count", "unread": 0},
        4401,
    )


@pytest.mark.django_db(transaction=True)
def test_a_socket_of_a_session_that_ended_is_closed_at_connect():
    me = make_user()
    client, headers = signed_in(me)
    client.logout()
    comm = notices_socket(headers)

    async def scenario() -> int | None:
        await comm.connect()
        return await closed_with(comm)

    assert asyncio.run(scenario()) == 4401


def test_group_names_are_valid_for_channels():
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    assert layer is not None
    for name in (
        consumers.user_group(12),
        consumers.notices_group(12),
        consumers.session_group("abcdefghijklmnopqrstuvwxyz012345"),
    ):
        assert layer.require_valid_group_name(name)
    assert "abcdefghijklmnop" not in consumers.session_group("abcdefghijklmnopqrstuvwxyz012345")
