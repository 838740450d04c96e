"""Saved payment methods: the rules, the pages, the QR image, the admin and the limit race."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import PaymentMethodType, UserPaymentMethod
from accounts.models.kyc import KycSubmission
from accounts.services.payment_methods import (
    PaymentMethodError,
    PaymentMethodNotFound,
    clean_field_spec,
    default_payment_method_types,
    ensure_default_payment_method_types,
    payment_method_add,
    payment_method_delete,
    payment_method_update,
)
from core.models import FiatCurrency
from core.uploads import UploadRejected
from tests.concurrency import race
from tests.factories import make_user

pytestmark = pytest.mark.django_db
LEGAL_NAME = "Alice Example"
BANK = {"bank_name": "HSBC", "account_number": "123-456-789", "branch": "Central"}


# --- helpers -----------------------------------------------------------------------------------


def verify(user: Any, name: str = LEGAL_NAME) -> Any:
    KycSubmission.objects.create(
        user=user,
        level=1,
        status="approved",
        legal_name=name,
        country="HK",
        id_type="passport",
        id_number="X1",
    )
    return user


def png(name: str = "my qr.png", color: str = "black") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), color).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def not_an_image() -> SimpleUploadedFile:
    return SimpleUploadedFile("qr.png", b"<html><script>alert(1)</script></html>", "image/png")


def stored_files(media: Path) -> list[Path]:
    return sorted(p for p in media.rglob("*") if p.is_file())


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def catalogue() -> dict[str, PaymentMethodType]:
    ensure_default_payment_method_types()
    return {t.code: t for t in PaymentMethodType.objects.all()}


@pytest.fixture
def alice():
    return verify(make_user(email="alice@example.test"))


def add_bank(user: Any, catalogue: dict[str, PaymentMethodType], **extra: Any) -> Any:
    kwargs: dict[str, Any] = {
        "actor": user,
        "method_type": catalogue["bank"],
        "holder_name": LEGAL_NAME,
        "details": dict(BANK),
    }
    kwargs.update(extra)
    return payment_method_add(**kwargs)


def add_alipay(user: Any, catalogue: dict[str, PaymentMethodType], **extra: Any) -> Any:
    kwargs: dict[str, Any] = {
        "actor": user,
        "method_type": catalogue["alipay"],
        "holder_name": LEGAL_NAME,
        "details": {"account": "alice@example.cn"},
        "qr_upload": png(),
    }
    kwargs.update(extra)
    return payment_method_add(**kwargs)


def snapshot(method: UserPaymentMethod) -> tuple[Any, ...]:
    method.refresh_from_db()
    return (method.holder_name, method.details, method.qr_image.name, method.updated_at)


# --- the catalogue -------------------------------------------------------------------------------


def test_default_catalogue_is_created_once():
    FiatCurrency.objects.filter(code="USD").delete()
    ensure_default_payment_method_types()
    PaymentMethodType.objects.filter(code="fps").update(name="FPS (renamed by staff)")
    ensure_default_payment_method_types()
    codes = list(PaymentMethodType.objects.values_list("code", flat=True))
    assert codes == ["bank", "fps", "alipay", "wechat-pay", "paypal", "revolut", "cash"]
    assert PaymentMethodType.objects.get(code="fps").name == "FPS (renamed by staff)"
    fiats = {t.code: sorted(f.code for f in t.fiats.all()) for t in PaymentMethodType.objects.all()}
    assert fiats["bank"] == ["CNY", "HKD", "USD"]
    assert fiats["fps"] == ["HKD"]
    assert fiats["alipay"] == fiats["wechat-pay"] == ["CNY"]
    assert fiats["paypal"] == ["HKD", "USD"]
    assert fiats["revolut"] == ["USD"]
    qr = set(PaymentMethodType.objects.filter(accepts_qr_image=True).values_list("code", flat=True))
    assert qr == {"alipay", "wechat-pay"}
    for spec in default_payment_method_types():
        assert clean_field_spec(spec["fields"]) == spec["fields"]


# --- adding ------------------------------------------------------------------------------------


def test_add_a_bank_account_in_my_own_name(alice, catalogue, media):
    method = add_bank(
        alice,
        catalogue,
        holder_name="  alice   EXAMPLE ",
        details={"bank_name": " HSBC ", "account_number": "123-456-789"},
    )
    assert method.user == alice
    assert method.method_type.code == "bank"
    assert method.holder_name == "alice EXAMPLE"
    assert method.details == {"bank_name": "HSBC", "account_number": "123-456-789", "branch": ""}
    assert not method.qr_image
    assert stored_files(media) == []


def test_add_with_a_qr_image_stores_the_reencoded_image_under_a_random_name(
    alice, catalogue, media
):
    upload = png(name="../../etc/passwd.png")
    method = add_alipay(alice, catalogue, qr_upload=upload)
    files = stored_files(media)
    assert len(files) == 1
    assert method.qr_image.name.startswith("payment-qr/")
    assert "passwd" not in method.qr_image.name
    with Image.open(files[0]) as image:
        assert image.format == "PNG"
        assert image.size == (32, 32)


Refusal = Callable[[Any, dict[str, PaymentMethodType]], Any]

REFUSALS: dict[str, tuple[Refusal, type[Exception], str]] = {
    "below KYC level 1": (
        lambda user, c: add_alipay(make_user(), c),
        PaymentMethodError,
        "Verify your identity (KYC level 1)",
    ),
    "KYC still pending": (
        lambda user, c: add_alipay(
            KycSubmission.objects.create(
                user=make_user(), level=1, status="pending", legal_name=LEGAL_NAME
            ).user,
            c,
        ),
        PaymentMethodError,
        "Verify your identity (KYC level 1)",
    ),
    "holder is someone else": (
        lambda user, c: add_alipay(user, c, holder_name="Bob Other"),
        PaymentMethodError,
        "The account holder must be you: use your verified name, Alice Example.",
    ),
    "holder is blank": (
        lambda user, c: add_alipay(user, c, holder_name="   "),
        PaymentMethodError,
        "The account holder must be you: use your verified name, Alice Example.",
    ),
    "required field missing": (
        lambda user, c: add_bank(user, c, details={"bank_name": "HSBC"}),
        PaymentMethodError,
        "Account number is required.",
    ),
    "required field blank": (
        lambda user, c: add_alipay(user, c, details={"account": "   "}),
        PaymentMethodError,
        "is required.",
    ),
    "unknown field": (
        lambda user, c: add_alipay(user, c, details={"account": "a@b.cn", "iban": "X"}),
        PaymentMethodError,
        "Alipay has no field 'iban'.",
    ),
    "field too long": (
        lambda user, c: add_alipay(user, c, details={"account": "x" * 121}),
        PaymentMethodError,
        "at most 120 characters",
    ),
    "field with a line break": (
        lambda user, c: add_alipay(user, c, details={"account": "a@b.cn\nsend to 123"}),
        PaymentMethodError,
        "single line",
    ),
    "disabled type": (
        lambda user, c: (
            PaymentMethodType.objects.filter(code="alipay").update(enabled=False),
            add_alipay(user, c, method_type=PaymentMethodType.objects.get(code="alipay")),
        ),
        PaymentMethodError,
        "Alipay is not accepted any more.",
    ),
    "type disabled after the form was shown": (
        lambda user, c: (
            PaymentMethodType.objects.filter(code="alipay").update(enabled=False),
            add_alipay(user, c),  # the caller still holds the enabled copy
        ),
        PaymentMethodError,
        "Alipay is not accepted any more.",
    ),
    "QR image on a type without QR": (
        lambda user, c: add_bank(user, c, qr_upload=png()),
        PaymentMethodError,
        "Bank transfer does not take a QR code image.",
    ),
    "QR that is not an image": (
        lambda user, c: add_alipay(user, c, qr_upload=not_an_image()),
        UploadRejected,
        "is not a JPEG, PNG or WebP image.",
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_refused_add_changes_nothing(case, alice, catalogue, media):
    existing = add_alipay(alice, catalogue)
    before = (UserPaymentMethod.objects.count(), stored_files(media), snapshot(existing))
    call, error, message = REFUSALS[case]
    with pytest.raises(error) as raised:
        call(alice, catalogue)
    assert message in str(raised.value)
    assert (UserPaymentMethod.objects.count(), stored_files(media), snapshot(existing)) == before


def test_the_21st_method_is_refused_and_leaves_no_file(alice, catalogue, media, settings):
    assert settings.PAYMENT_METHODS_MAX == 20
    for _ in range(20):
        add_bank(alice, catalogue)
    files = stored_files(media)
    with pytest.raises(PaymentMethodError, match="at most 20 payment methods"):
        add_alipay(alice, catalogue)
    assert UserPaymentMethod.objects.filter(user=alice).count() == 20
    assert stored_files(media) == files == []


def test_the_limit_is_per_user(alice, catalogue, settings):
    settings.PAYMENT_METHODS_MAX = 1
    add_bank(alice, catalogue)
    bob = verify(make_user(), name="Bob Other")
    add_bank(bob, catalogue, holder_name="bob other")
    assert UserPaymentMethod.objects.count() == 2


# --- editing and deleting ------------------------------------------------------------------------


def test_edit_changes_details_and_replaces_the_qr(
    alice, catalogue, media, django_capture_on_commit_callbacks
):
    method = add_alipay(alice, catalogue)
    old_file = method.qr_image.name
    with django_capture_on_commit_callbacks(execute=True):
        payment_method_update(
            actor=alice,
            method=method,
            holder_name="ALICE EXAMPLE",
            details={"account": " new@example.cn "},
            qr_upload=png(color="red"),
        )
    method.refresh_from_db()
    assert method.details == {"account": "new@example.cn"}
    assert method.holder_name == "ALICE EXAMPLE"
    assert method.qr_image.name != old_file
    assert [f.name for f in stored_files(media)] == [Path(method.qr_image.name).name]


def test_edit_can_remove_the_qr(alice, catalogue, media, django_capture_on_commit_callbacks):
    method = add_alipay(alice, catalogue)
    with django_capture_on_commit_callbacks(execute=True):
        payment_method_update(
            actor=alice,
            method=method,
            holder_name=LEGAL_NAME,
            details={"account": "alice@example.cn"},
            remove_qr=True,
        )
    method.refresh_from_db()
    assert not method.qr_image
    assert stored_files(media) == []


EDIT_REFUSALS: dict[str, tuple[dict[str, Any], type[Exception], str]] = {
    "holder is someone else": (
        {"holder_name": "Mallory"},
        PaymentMethodError,
        "use your verified name, Alice Example.",
    ),
    "unknown field": ({"details": {"account": "a", "x": "y"}}, PaymentMethodError, "no field"),
    "required field blank": ({"details": {"account": ""}}, PaymentMethodError, "is required"),
    "bad QR image": ({"qr_upload": not_an_image()}, UploadRejected, "is not a JPEG"),
}


@pytest.mark.parametrize("case", list(EDIT_REFUSALS))
def test_a_refused_edit_changes_nothing(
    case, alice, catalogue, media, django_capture_on_commit_callbacks
):
    method = add_alipay(alice, catalogue)
    before = (snapshot(method), stored_files(media))
    changes, error, message = EDIT_REFUSALS[case]
    kwargs: dict[str, Any] = {
        "actor": alice,
        "method": method,
        "holder_name": LEGAL_NAME,
        "details": {"account": "changed@example.cn"},
        "qr_upload": png(color="blue"),
        **changes,
    }
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(error, match=message):
        payment_method_update(**kwargs)
    assert (snapshot(method), stored_files(media)) == before


def test_a_qr_cannot_be_added_to_a_type_without_qr(alice, catalogue, media):
    method = add_bank(alice, catalogue)
    before = snapshot(method)
    with pytest.raises(PaymentMethodError, match="does not take a QR code image"):
        payment_method_update(
            actor=alice, method=method, holder_name=LEGAL_NAME, details=BANK, qr_upload=png()
        )
    assert snapshot(method) == before
    assert stored_files(media) == []


def test_delete_removes_the_method_and_its_file(
    alice, catalogue, media, django_capture_on_commit_callbacks
):
    method = add_alipay(alice, catalogue)
    keep = add_bank(alice, catalogue)
    with django_capture_on_commit_callbacks(execute=True):
        payment_method_delete(actor=alice, method=method)
    assert list(UserPaymentMethod.objects.all()) == [keep]
    assert stored_files(media) == []


def test_nobody_else_can_edit_or_delete_my_method(alice, catalogue, media):
    method = add_alipay(alice, catalogue)
    mallory = verify(make_user(), name=LEGAL_NAME)  # even with the same legal name
    before = (snapshot(method), stored_files(media))
    with pytest.raises(PaymentMethodNotFound):
        payment_method_update(
            actor=mallory, method=method, holder_name=LEGAL_NAME, details={"account": "m@x.cn"}
        )
    with pytest.raises(PaymentMethodNotFound):
        payment_method_delete(actor=mallory, method=method)
    assert (snapshot(method), stored_files(media)) == before


# --- pages ---------------------------------------------------------------------------------------


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def test_pages_need_a_login(client, alice, catalogue):
    method = add_bank(alice, catalogue)
    for url in [
        reverse("accounts:payment_methods"),
        reverse("accounts:payment_method_choose"),
        reverse("accounts:payment_method_add", args=["bank"]),
        reverse("accounts:payment_method_edit", args=[method.pk]),
        reverse("accounts:payment_method_delete", args=[method.pk]),
        reverse("accounts:payment_method_qr", args=[method.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_below_kyc_level_1_the_pages_explain_and_link_to_kyc(client, catalogue):
    client.force_login(make_user())
    for url in [
        reverse("accounts:payment_methods"),
        reverse("accounts:payment_method_choose"),
        reverse("accounts:payment_method_add", args=["bank"]),
    ]:
        html = client.get(url).content.decode()
        assert "Verify your identity" in html
        assert 'href="/kyc/"' in html
    response = client.post(
        reverse("accounts:payment_method_add", args=["bank"]),
        {"holder_name": LEGAL_NAME, "detail_bank_name": "X", "detail_account_number": "1"},
    )
    assert 'href="/kyc/"' in response.content.decode()
    assert UserPaymentMethod.objects.count() == 0


def test_pick_a_type_lists_only_enabled_ones(alice_client, catalogue):
    PaymentMethodType.objects.filter(code="revolut").update(enabled=False)
    html = alice_client.get(reverse("accounts:payment_method_choose")).content.decode()
    assert reverse("accounts:payment_method_add", args=["fps"]) in html
    assert "Revolut" not in html
    assert (
        alice_client.get(reverse("accounts:payment_method_add", args=["revolut"])).status_code
        == 404
    )


def test_the_add_form_is_built_from_the_type(alice_client, catalogue):
    html = alice_client.get(reverse("accounts:payment_method_add", args=["bank"])).content.decode()
    assert "Account number" in html
    assert 'name="detail_account_number"' in html
    assert 'name="detail_branch"' in html
    assert 'name="qr_image"' not in html
    assert f'value="{LEGAL_NAME}"' in html  # the holder starts as the verified name
    html = alice_client.get(
        reverse("accounts:payment_method_add", args=["alipay"])
    ).content.decode()
    assert 'name="qr_image"' in html
    assert 'enctype="multipart/form-data"' in html


def test_add_edit_and_delete_through_the_pages(alice_client, alice, catalogue, media):
    response = alice_client.post(
        reverse("accounts:payment_method_add", args=["alipay"]),
        {"holder_name": "alice example", "detail_account": "alice@example.cn", "qr_image": png()},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:payment_methods")
    method = UserPaymentMethod.objects.get(user=alice)
    assert method.details == {"account": "alice@example.cn"}
    assert method.qr_image

    html = alice_client.get(reverse("accounts:payment_methods")).content.decode()
    assert "alice@example.cn" in html
    assert "Alipay" in html
    assert reverse("accounts:payment_method_qr", args=[method.pk]) in html

    response = alice_client.post(
        reverse("accounts:payment_method_edit", args=[method.pk]),
        {"holder_name": LEGAL_NAME, "detail_account": "other@example.cn", "remove_qr": "on"},
    )
    assert response.status_code == 302
    method.refresh_from_db()
    assert method.details == {"account": "other@example.cn"}
    assert not method.qr_image

    page = alice_client.get(reverse("accounts:payment_method_delete", args=[method.pk]))
    assert page.status_code == 200
    assert "Delete this payment method?" in page.content.decode()
    assert UserPaymentMethod.objects.count() == 1  # a GET only asks
    response = alice_client.post(reverse("accounts:payment_method_delete", args=[method.pk]))
    assert response.status_code == 302
    assert UserPaymentMethod.objects.count() == 0


def test_a_refusal_is_shown_on_the_form(alice_client, catalogue):
    response = alice_client.post(
        reverse("accounts:payment_method_add", args=["bank"]),
        {"holder_name": "Someone Else", "detail_bank_name": "HSBC", "detail_account_number": "1"},
    )
    assert response.status_code == 200
    assert "use your verified name, Alice Example." in response.content.decode()
    response = alice_client.post(
        reverse("accounts:payment_method_add", args=["alipay"]),
        {"holder_name": LEGAL_NAME, "detail_account": "a@b.cn", "qr_image": not_an_image()},
    )
    assert "is not a JPEG, PNG or WebP image." in response.content.decode()
    assert UserPaymentMethod.objects.count() == 0


def test_the_qr_image_is_served_to_its_owner_only(client, alice, catalogue):
    method = add_alipay(alice, catalogue)
    url = reverse("accounts:payment_method_qr", args=[method.pk])
    client.force_login(alice)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    no_qr = add_bank(alice, catalogue)
    assert client.get(reverse("accounts:payment_method_qr", args=[no_qr.pk])).status_code == 404


def test_another_user_gets_404_everywhere_and_changes_nothing(client, alice, catalogue, media):
    method = add_alipay(alice, catalogue)
    before = (snapshot(method), stored_files(media))
    client.force_login(verify(make_user(), name=LEGAL_NAME))
    edit = reverse("accounts:payment_method_edit", args=[method.pk])
    delete = reverse("accounts:payment_method_delete", args=[method.pk])
    qr = reverse("accounts:payment_method_qr", args=[method.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"holder_name": LEGAL_NAME, "detail_account": "x"}).status_code == 404
    assert client.get(delete).status_code == 404
    assert client.post(delete).status_code == 404
    assert client.get(qr).status_code == 404
    assert client.get(reverse("accounts:payment_method_qr", args=[999999])).status_code == 404
    assert (snapshot(method), stored_files(media)) == before
    assert (
        "alice@example.cn" not in client.get(reverse("accounts:payment_methods")).content.decode()
    )


# --- admin ---------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, settings):
    settings.STAFF_REQUIRE_MFA = False
    client.force_login(make_user(superuser=True))
    return client


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ('{"key": "a"}', "must be a list"),
        ('[{"key": "a", "label": "A"}]', "lacks required"),
        ('[{"key": "a b", "label": "A", "required": true}]', "may hold only letters"),
        ('[{"key": "a", "label": "A", "required": "yes"}]', "true or false"),
        ('[{"key": "a", "label": "", "required": true}]', "label must be non-blank"),
        (
            '[{"key": "a", "label": "A", "required": true}, '
            '{"key": "a", "label": "B", "required": false}]',
            "appears twice",
        ),
    ],
)
def test_admin_validates_the_fields_of_a_type(admin_client, fields, message):
    hkd, _ = FiatCurrency.objects.get_or_create(code="HKD", defaults={"name": "Hong Kong dollar"})
    response = admin_client.post(
        reverse("admin:accounts_paymentmethodtype_add"),
        {
            "code": "test",
            "name": "Test",
            "fiats": [hkd.pk],
            "fields": fields,
            "enabled": "on",
            "sort_order": 5,
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PaymentMethodType.objects.filter(code="test").exists()


def test_admin_adds_a_type(admin_client):
    hkd, _ = FiatCurrency.objects.get_or_create(code="HKD", defaults={"name": "Hong Kong dollar"})
    response = admin_client.post(
        reverse("admin:accounts_paymentmethodtype_add"),
        {
            "code": "octopus",
            "name": "Octopus",
            "fiats": [hkd.pk],
            "fields": '[{"key": "card", "label": " Card number ", "required": true}]',
            "accepts_qr_image": "on",
            "enabled": "on",
            "sort_order": 5,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    made = PaymentMethodType.objects.get(code="octopus")
    assert made.fields == [{"key": "card", "label": "Card number", "required": True}]
    assert list(made.fiats.all()) == [hkd]


def test_admin_shows_saved_methods_read_only(admin_client, alice, catalogue):
    method = add_bank(alice, catalogue)
    changelist = admin_client.get(
        reverse("admin:accounts_userpaymentmethod_changelist"), {"q": "alice@"}
    )
    assert changelist.status_code == 200
    assert "alice@example.test" in changelist.content.decode()
    assert admin_client.get(reverse("admin:accounts_userpaymentmethod_add")).status_code == 403
    page = admin_client.get(reverse("admin:accounts_userpaymentmethod_change", args=[method.pk]))
    assert page.status_code == 200
    assert 'name="holder_name"' not in page.content.decode()
    delete = reverse("admin:accounts_userpaymentmethod_delete", args=[method.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert UserPaymentMethod.objects.filter(pk=method.pk).exists()


# --- the limit under a race ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_eight_racing_adds_with_17_saved_give_exactly_three(media):
    ensure_default_payment_method_types()
    catalogue = {t.code: t for t in PaymentMethodType.objects.all()}
    alice = verify(make_user())
    for _ in range(17):
        add_bank(alice, catalogue)
    results = race([lambda: add_alipay(alice, catalogue) for _ in range(8)])
    won = [r for r in results if isinstance(r, UserPaymentMethod)]
    lost = [r for r in results if not isinstance(r, UserPaymentMethod)]
    assert len(won) == 3
    assert all(isinstance(r, PaymentMethodError) and "at most 20" in str(r) for r in lost), lost
    assert UserPaymentMethod.objects.filter(user=alice).count() == 20
    # only the winners' images are left on disk
    assert len(stored_files(media)) == 3


def test_built_in_types_and_their_fields_read_in_the_viewers_language(alice_client, catalogue):
    alice_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    choose = alice_client.get(reverse("accounts:payment_method_choose")).content.decode()
    assert "銀行轉帳" in choose
    assert "轉數快（FPS）" in choose  # noqa: RUF001
    form = alice_client.get(reverse("accounts:payment_method_add", args=["bank"])).content.decode()
    assert "帳戶號碼" in form
    PaymentMethodType.objects.filter(code="cash").update(name="Octopus card")
    renamed = alice_client.get(reverse("accounts:payment_method_choose")).content.decode()
    assert "Octopus card" in renamed  # what staff type is shown as typed
