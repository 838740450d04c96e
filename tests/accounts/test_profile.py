"""Nicknames, the public profile, and blocking."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Block, User
from accounts.selectors import (
    has_blocked,
    is_blocked_between,
    nickname_next_change_at,
    public_stats,
)
from accounts.services.profiles import (
    BlockError,
    NicknameError,
    block_user,
    nickname_set,
    unblock_user,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def state(user: User) -> tuple[str | None, datetime | None]:
    user.refresh_from_db()
    return (user.nickname, user.nickname_changed_at)


# --- nicknames ------------------------------------------------------------------------------------


@pytest.mark.parametrize("nickname", ["ab", "x" * 25, "has space", "émile", "dot.name", "a@b", ""])
def test_nickname_format_is_enforced(nickname):
    user = make_user()
    with pytest.raises(NicknameError, match="3 to 24 characters"):
        nickname_set(actor=user, nickname=nickname)
    assert state(user) == (None, None)


@pytest.mark.parametrize("nickname", ["abc", "x" * 24, "Trader_01", "fast-seller", "007"])
def test_good_nicknames_are_accepted(nickname):
    user = make_user()
    nickname_set(actor=user, nickname=f"  {nickname} ")
    assert state(user)[0] == nickname


def test_reserved_nicknames_are_refused():
    user = make_user()
    with pytest.raises(NicknameError, match="reserved"):
        nickname_set(actor=user, nickname="Support")
    assert state(user) == (None, None)


def test_the_first_nickname_is_set_at_once():
    user = make_user()
    before = timezone.now()
    nickname_set(actor=user, nickname="FirstOne")
    nickname, changed_at = state(user)
    assert nickname == "FirstOne"
    assert changed_at is not None
    assert changed_at >= before
    assert user.nickname == "FirstOne"  # the caller's object follows


def test_nicknames_are_unique_whatever_the_case():
    nickname_set(actor=make_user(), nickname="Alice")
    bob = make_user()
    for taken in ["alice", "ALICE", "Alice"]:
        with pytest.raises(NicknameError, match=f"The nickname {taken} is taken"):
            nickname_set(actor=bob, nickname=taken)
    assert state(bob) == (None, None)


def test_a_change_within_180_days_is_refused_with_the_date(settings):
    assert settings.NICKNAME_CHANGE_DAYS == 180
    user = make_user()
    nickname_set(actor=user, nickname="Original")
    set_at = state(user)[1]
    assert set_at is not None
    next_date = set_at + timedelta(days=180)
    assert nickname_next_change_at(user=user) == next_date
    with pytest.raises(NicknameError) as refused:
        nickname_set(actor=user, nickname="Changed")
    message = str(refused.value)
    assert "once every 180 days" in message
    assert date_format(timezone.localtime(next_date), "DATE_FORMAT") in message
    assert state(user) == ("Original", set_at)


def test_a_change_after_180_days_is_allowed():
    user = make_user()
    nickname_set(actor=user, nickname="Original")
    User.objects.filter(pk=user.pk).update(
        nickname_changed_at=timezone.now() - timedelta(days=180, minutes=1)
    )
    user.refresh_from_db()
    assert nickname_next_change_at(user=user) is None
    nickname_set(actor=user, nickname="Changed")
    assert state(user)[0] == "Changed"
    with pytest.raises(NicknameError, match="once every 180 days"):
        nickname_set(actor=user, nickname="Again")


def test_setting_the_same_nickname_again_changes_nothing():
    user = make_user()
    nickname_set(actor=user, nickname="Same")
    before = state(user)
    nickname_set(actor=user, nickname="Same")
    assert state(user) == before


def test_a_nickname_freed_by_a_change_can_be_taken():
    alice, bob = make_user(), make_user()
    nickname_set(actor=alice, nickname="Wanted")
    User.objects.filter(pk=alice.pk).update(
        nickname_changed_at=timezone.now() - timedelta(days=200)
    )
    alice.refresh_from_db()
    nickname_set(actor=alice, nickname="Other")
    nickname_set(actor=bob, nickname="wanted")
    assert state(bob)[0] == "wanted"


@pytest.mark.django_db(transaction=True)
def test_people_racing_for_one_nickname_in_different_case_get_it_once():
    users = [make_user() for _ in range(6)]
    barrier = threading.Barrier(len(users))
    results: list[object] = [None] * len(users)

    def run(index: int) -> None:
        try:
            barrier.wait()
            wanted = "Race" if index % 2 else "rACE"
            results[index] = nickname_set(actor=users[index], nickname=wanted)
        except Exception as error:  # noqa: BLE001 - the race's outcome is the error itself
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(users))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    won = [r for r in results if isinstance(r, User)]
    assert len(won) == 1, results
    assert all(isinstance(r, NicknameError) for r in results if not isinstance(r, User))
    assert User.objects.filter(nickname__iexact="race").count() == 1


# --- blocking -------------------------------------------------------------------------------------


def test_block_and_unblock():
    alice, bob = make_user(), make_user()
    assert not is_blocked_between(user=alice, other=bob)
    block_user(actor=alice, other=bob)
    assert has_blocked(user=alice, other=bob)
    assert not has_blocked(user=bob, other=alice)
    assert is_blocked_between(user=alice, other=bob)
    assert is_blocked_between(user=bob, other=alice)  # both directions
    block_user(actor=alice, other=bob)  # again: nothing new
    assert Block.objects.count() == 1
    assert unblock_user(actor=alice, other=bob) is True
    assert unblock_user(actor=alice, other=bob) is False  # again: nothing to lift
    assert not is_blocked_between(user=alice, other=bob)
    assert not is_blocked_between(user=bob, other=alice)


def test_only_the_blocker_can_lift_a_block():
    alice, bob = make_user(), make_user()
    block_user(actor=alice, other=bob)
    assert unblock_user(actor=bob, other=alice) is False
    assert is_blocked_between(user=bob, other=alice)


def test_you_cannot_block_yourself():
    alice = make_user()
    with pytest.raises(BlockError, match=r"You cannot block yourself\."):
        block_user(actor=alice, other=alice)
    assert Block.objects.count() == 0


# --- pages ----------------------------------------------------------------------------------------


@pytest.fixture
def seller():
    user = make_user(email="secret.seller@example.test")
    nickname_set(actor=user, nickname="SellerOne")
    return user


def test_the_public_profile_needs_no_login_and_shows_no_email(client, seller):
    response = client.get(reverse("accounts:public_profile", args=["SellerOne"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "SellerOne" in html
    assert f"Registered since {seller.date_joined:%B %Y}" in html
    assert "secret.seller" not in html
    assert "example.test" not in html
    assert "Completed orders (30 days)" in html
    assert html.count("—") >= 2
    assert "No trades yet." in html
    assert 'action="/u/SellerOne/block/"' not in html  # anonymous: no button


def test_public_stats_are_empty_before_any_order(seller):
    assert public_stats(user=seller) == {
        "completed_orders_30d": 0,
        "completion_rate": None,
        "positive_feedback": None,
        "positive_count": 0,
        "negative_count": 0,
        "has_traded": False,
    }


def test_unknown_nicknames_are_404_and_other_case_redirects(client, seller):
    assert client.get(reverse("accounts:public_profile", args=["nobody"])).status_code == 404
    response = client.get(reverse("accounts:public_profile", args=["sellerone"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:public_profile", args=["SellerOne"])
    User.objects.filter(pk=seller.pk).update(is_active=False)
    assert client.get(reverse("accounts:public_profile", args=["SellerOne"])).status_code == 404


def test_block_and_unblock_from_the_profile(client, seller):
    viewer = make_user()
    client.force_login(viewer)
    url = reverse("accounts:public_profile", args=["SellerOne"])
    assert 'action="/u/SellerOne/block/"' in client.get(url).content.decode()
    assert client.get(reverse("accounts:block_user", args=["SellerOne"])).status_code == 405
    response = client.post(reverse("accounts:block_user", args=["SellerOne"]))
    assert response.status_code == 302
    assert response["Location"] == url
    assert is_blocked_between(user=seller, other=viewer)
    html = client.get(url).content.decode()
    assert 'action="/u/SellerOne/unblock/"' in html
    assert "You have blocked SellerOne" in html
    client.post(reverse("accounts:unblock_user", args=["SellerOne"]))
    assert not is_blocked_between(user=seller, other=viewer)


def test_no_block_button_on_my_own_profile(client, seller):
    client.force_login(seller)
    html = client.get(reverse("accounts:public_profile", args=["SellerOne"])).content.decode()
    assert "/block/" not in html
    response = client.post(reverse("accounts:block_user", args=["SellerOne"]), follow=True)
    assert "You cannot block yourself." in response.content.decode()
    assert Block.objects.count() == 0


def test_blocking_needs_a_login(client, seller):
    response = client.post(reverse("accounts:block_user", args=["SellerOne"]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert Block.objects.count() == 0


def test_profile_page_sets_the_nickname_and_explains_the_rule(client):
    user = make_user()
    client.force_login(user)
    url = reverse("accounts:profile_edit")
    html = client.get(url).content.decode()
    assert "once every 180 days" in html
    assert "3 to 24 characters" in html
    assert client.post(url, {"nickname": "x y"}).status_code == 200
    assert state(user) == (None, None)
    response = client.post(url, {"nickname": "NewName"})
    assert response.status_code == 302
    assert state(user)[0] == "NewName"
    html = client.get(url).content.decode()
    assert "You can change it again on" in html
    response = client.post(url, {"nickname": "Another"})
    assert "the next change is possible on" in response.content.decode()
    assert state(user)[0] == "NewName"


def test_profile_page_lists_and_unblocks_blocked_users(client):
    me, other, third = make_user(), make_user(), make_user()
    nickname_set(actor=other, nickname="Blocked_One")
    block_user(actor=me, other=other)
    theirs = block_user(actor=third, other=other)
    client.force_login(me)
    html = client.get(reverse("accounts:profile_edit")).content.decode()
    assert "Blocked_One" in html
    mine = Block.objects.get(blocker=me)
    # someone else's block cannot be lifted by id
    response = client.post(reverse("accounts:profile_unblock", args=[theirs.pk]))
    assert response.status_code == 404
    assert Block.objects.filter(pk=theirs.pk).exists()
    response = client.post(reverse("accounts:profile_unblock", args=[mine.pk]))
    assert response.status_code == 302
    assert not Block.objects.filter(pk=mine.pk).exists()
