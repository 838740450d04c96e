"""Payment-account fingerprints: one per account however it is typed, kept by the add and
update services, filled for methods saved before by the data migration; and the screen a
payment-method add passes (nothing is stored when it refuses)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps

from accounts.fingerprints import fingerprint_of, method_fingerprint, normalise_identifier
from accounts.models import PaymentMethodType, UserPaymentMethod
from accounts.models.kyc import KycSubmission
from accounts.services.payment_methods import (
    PaymentMethodCandidate,
    PaymentMethodError,
    payment_method_add,
    payment_method_update,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db
FIELDS = [
    {"key": "bank_name", "label": "Bank", "required": True},
    {"key": "account_number", "label": "Account number", "required": True},
]


@pytest.fixture
def bank() -> PaymentMethodType:
    return PaymentMethodType.objects.create(code="bank", name="Bank", fields=FIELDS)


def verified():
    user = make_user()
    KycSubmission.objects.create(
        user=user,
        level=1,
        status="approved",
        legal_name="Alice Example",
        country="HK",
        id_type="passport",
        id_number="X1",
    )
    return user


def add(user, kind, number="123-456-789", screen=None):
    return payment_method_add(
        actor=user,
        method_type=kind,
        holder_name="Alice Example",
        details={"bank_name": "HSBC", "account_number": number},
        screen=screen,
    )


def test_spaces_dashes_and_case_do_not_count():
    assert normalise_identifier(" AB-12 cd ") == "ab12cd"
    assert normalise_identifier("Alice@Example.test") == "alice@example.test"


def test_a_phone_number_is_its_digits():
    assert normalise_identifier("+852 (9123) 4567") == "85291234567"


def test_the_same_account_typed_two_ways_has_one_fingerprint():
    assert fingerprint_of("bank", "123-456-789") == fingerprint_of("bank", "123 456 789")


def test_the_type_is_part_of_the_fingerprint():
    assert fingerprint_of("bank", "91234567") != fingerprint_of("fps", "91234567")
    assert fingerprint_of("fps", "91234567").startswith("fps:")


def test_a_type_naming_no_account_has_no_fingerprint():
    fields = [{"key": "meeting_area", "label": "Meeting area", "required": True}]
    assert method_fingerprint(type_code="cash", fields=fields, details={"meeting_area": "Mk"}) == ""


def test_the_add_service_stores_the_fingerprint(bank):
    method = add(verified(), bank)
    assert method.fingerprint == fingerprint_of("bank", "123456789")
    assert "123456789" not in method.fingerprint  # the account itself is not in it


def test_the_update_service_follows_a_changed_account(bank):
    user = verified()
    method = add(user, bank)
    payment_method_update(
        actor=user,
        method=method,
        holder_name="Alice Example",
        details={"bank_name": "HSBC", "account_number": "999 000"},
    )
    method.refresh_from_db()
    assert method.fingerprint == fingerprint_of("bank", "999000")


def test_the_screen_sees_the_method_before_it_is_saved(bank):
    seen: list[PaymentMethodCandidate] = []

    def screen(candidate: PaymentMethodCandidate) -> None:
        seen.append(candidate)
        assert not UserPaymentMethod.objects.exists()

    add(verified(), bank, screen=screen)
    assert seen[0].fingerprint == fingerprint_of("bank", "123456789")
    assert seen[0].holder_name == "Alice Example"


def test_a_screen_that_refuses_leaves_nothing_stored(bank):
    def refuse(candidate: PaymentMethodCandidate) -> None:
        raise PaymentMethodError("no")

    with pytest.raises(PaymentMethodError):
        add(verified(), bank, screen=refuse)
    assert not UserPaymentMethod.objects.exists()


def test_the_data_migration_fills_methods_saved_without_a_fingerprint(bank):
    method = add(verified(), bank)
    UserPaymentMethod.objects.filter(pk=method.pk).update(fingerprint="")
    migration = importlib.import_module("accounts.migrations.0010_fill_payment_fingerprints")
    migration.fill(django_apps, None)
    method.refresh_from_db()
    assert method.fingerprint == fingerprint_of("bank", "123456789")
