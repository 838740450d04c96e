"""A person sees their restrictions, in force and past, and appeals one: the appeal lands on
their case, one open appeal per restriction, 20 to 2000 characters."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Restriction, RestrictionAppeal
from accounts.models.security import RestrictionKind
from accounts.services.appeals import AppealError, restriction_appeal_send
from accounts.services.security import restrict
from risk.cases.models import EntryKind
from risk.models import Case
from tests.factories import make_user

pytestmark = pytest.mark.django_db

TEXT = "I sold to a friend; here is why the payment looked odd to you."


def _restricted(**kwargs):
    person = make_user()
    restriction = restrict(
        user=person, kind=RestrictionKind.WITHDRAW, reason="Checking a payment", **kwargs
    )
    return person, restriction


def test_the_page_lists_restrictions_in_force_and_past(client):
    person, current = _restricted()
    past = Restriction.objects.create(
        user=person,
        kind="sell",
        reason="An old pause",
        starts_at=timezone.now() - timedelta(days=3),
    )
    Restriction.objects.filter(pk=past.pk).update(lifted_at=timezone.now() - timedelta(days=1))
    client.force_login(person)
    page = client.get(reverse("accounts:restrictions")).content.decode()
    assert "Checking a payment" in page
    assert "An old pause" in page
    assert "until lifted" in page
    assert reverse("accounts:appeal", args=[current.pk]) in page
    assert reverse("accounts:appeal", args=[past.pk]) not in page


def test_the_security_page_links_to_the_restrictions(client):
    person, _restriction = _restricted()
    client.force_login(person)
    page = client.get(reverse("accounts:security")).content.decode()
    assert reverse("accounts:restrictions") in page


def test_an_appeal_lands_on_the_persons_case_opening_one(client):
    person, restriction = _restricted()
    client.force_login(person)
    response = client.post(reverse("accounts:appeal", args=[restriction.pk]), {"text": TEXT})
    assert response.status_code == 302
    appeal = RestrictionAppeal.objects.get(restriction=restriction)
    case = Case.objects.get(user=person)
    assert case.entries.filter(kind=EntryKind.APPEAL, appeal=appeal, text=TEXT).exists()


def test_only_one_open_appeal_per_restriction():
    person, restriction = _restricted()
    restriction_appeal_send(actor=person, restriction_id=restriction.pk, text=TEXT)
    with pytest.raises(AppealError):
        restriction_appeal_send(actor=person, restriction_id=restriction.pk, text=TEXT + " again")
    assert RestrictionAppeal.objects.filter(restriction=restriction).count() == 1


def test_a_too_short_appeal_is_a_form_error_and_sends_nothing(client):
    person, restriction = _restricted()
    client.force_login(person)
    response = client.post(reverse("accounts:appeal", args=[restriction.pk]), {"text": "Too short"})
    assert response.status_code == 200
    assert response.context["form"].errors["text"]
    assert not RestrictionAppeal.objects.exists()
    assert not Case.objects.filter(user=person).exists()


def test_a_too_long_appeal_is_a_form_error_and_sends_nothing(client):
    person, restriction = _restricted()
    client.force_login(person)
    response = client.post(reverse("accounts:appeal", args=[restriction.pk]), {"text": "x" * 2001})
    assert response.context["form"].errors["text"]
    assert not RestrictionAppeal.objects.exists()


def test_nobody_appeals_against_someone_elses_restriction(client):
    _person, restriction = _restricted()
    client.force_login(make_user())
    response = client.post(reverse("accounts:appeal", args=[restriction.pk]), {"text": TEXT})
    assert response.status_code == 404
    assert not RestrictionAppeal.objects.exists()
