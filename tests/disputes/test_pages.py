"""The parties' appeal pages, as a person uses them."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from disputes.models import Dispute, DisputeStatus, Evidence
from orders.models import Order, OrderStatus
from tests.factories import make_user

from .factories import DESCRIPTION, arbiter, assigned, disputed_order, paid_order

pytestmark = pytest.mark.django_db


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), "navy").save(buffer, "PNG")
    return SimpleUploadedFile("receipt.png", buffer.getvalue(), content_type="image/png")


def test_the_appeal_form_explains_the_rules_and_opens_the_appeal(market, client):
    order = paid_order(market)
    client.force_login(order.buyer)
    page = client.get(f"/disputes/new/{order.public_id}/").content.decode()
    assert "How an appeal works" in page
    assert "12 hours to answer" in page
    assert "10 MB" in page
    assert "Open the appeal" in page
    response = client.post(
        f"/disputes/new/{order.public_id}/",
        {"reason": "not_released", "description": DESCRIPTION, "attachments": [png()]},
    )
    dispute = Dispute.objects.get(order=order)
    assert response.status_code == 302
    assert response.url == f"/disputes/{dispute.public_id}/"
    assert Evidence.objects.filter(dispute=dispute, author=order.buyer).count() == 1
    page = client.get(response.url).content.decode()
    assert "Your appeal is open" in page
    assert "receipt.png" in page
    assert "The other party&#x27;s response due" in page


def test_a_short_description_is_shown_on_the_form(market, client):
    order = paid_order(market)
    client.force_login(order.seller)
    response = client.post(
        f"/disputes/new/{order.public_id}/", {"reason": "not_received", "description": "no"}
    )
    assert response.status_code == 200
    assert "at least 20 characters" in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID


def test_the_form_says_when_an_appeal_becomes_possible(market, client):
    order = paid_order(market)
    Order.objects.filter(pk=order.pk).update(appeal_after=timezone.now() + timedelta(minutes=9))
    client.force_login(order.buyer)
    page = client.get(f"/disputes/new/{order.public_id}/").content.decode()
    assert "You can appeal from" in page
    assert "Open the appeal" not in page


def test_an_open_appeal_leads_to_its_page(market, client):
    dispute = disputed_order(market)
    client.force_login(dispute.respondent)
    response = client.get(f"/disputes/new/{dispute.order.public_id}/")
    assert response.status_code == 302
    assert response.url == f"/disputes/{dispute.public_id}/"
    response = client.get(f"/disputes/order/{dispute.order.public_id}/")
    assert response.status_code == 302
    assert response.url == f"/disputes/{dispute.public_id}/"


def test_anyone_but_the_parties_gets_404(market, client):
    dispute = disputed_order(market)
    order = dispute.order
    for outsider in (make_user(), arbiter()):
        client.force_login(outsider)
        assert client.get(f"/disputes/{dispute.public_id}/").status_code == 404
        assert client.get(f"/disputes/new/{order.public_id}/").status_code == 404
        assert client.get(f"/disputes/order/{order.public_id}/").status_code == 404
        response = client.post(f"/disputes/{dispute.public_id}/evidence/", {"text": "hello"})
        assert response.status_code == 404
        assert client.post(f"/disputes/{dispute.public_id}/withdraw/").status_code == 404
    assert not Evidence.objects.exists()
    assert Dispute.objects.get(pk=dispute.pk).status == DisputeStatus.OPEN


def test_evidence_is_added_in_place_with_htmx(market, client):
    dispute = disputed_order(market)
    client.force_login(dispute.respondent)
    response = client.post(
        f"/disputes/{dispute.public_id}/evidence/",
        {"text": "No money arrived on my account today.", "attachments": [png()]},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<section")
    assert "No money arrived" in html
    assert "receipt.png" in html
    assert "Added." in html
    response = client.post(
        f"/disputes/{dispute.public_id}/evidence/", {"text": ""}, HTTP_HX_REQUEST="true"
    )
    assert "Write something or attach a file." in response.content.decode()


def test_an_overdue_deadline_is_marked(market, client):
    dispute = disputed_order(market)
    Dispute.objects.filter(pk=dispute.pk).update(respond_by=timezone.now() - timedelta(hours=1))
    client.force_login(dispute.respondent)
    html = client.get(f"/disputes/{dispute.public_id}/").content.decode()
    assert "dispute-deadline--overdue" in html
    assert ">overdue<" in html


def test_the_opener_withdraws_from_the_page_and_the_other_party_cannot(market, client):
    dispute = disputed_order(market)
    client.force_login(dispute.respondent)
    page = client.get(f"/disputes/{dispute.public_id}/").content.decode()
    assert "Withdraw my appeal" not in page
    response = client.post(f"/disputes/{dispute.public_id}/withdraw/", {"note": ""})
    assert response.status_code == 422
    assert "Only the party who opened the appeal" in response.content.decode()
    client.force_login(dispute.opened_by)
    assert "Withdraw my appeal" in client.get(f"/disputes/{dispute.public_id}/").content.decode()
    response = client.post(f"/disputes/{dispute.public_id}/withdraw/", {"note": "Paid now"})
    assert response.status_code == 302
    assert response.url == f"/orders/{dispute.order.public_id}/"
    assert Order.objects.get(pk=dispute.order_id).status == OrderStatus.PAID
    page = client.get(f"/disputes/{dispute.public_id}/").content.decode()
    assert "withdrawn" in page
    assert "Add evidence" not in page


def test_the_outcome_is_shown_once_decided(market, client):
    from disputes import services

    from .factories import no_approval_needed

    no_approval_needed(market)
    dispute = disputed_order(market)
    person = arbiter()
    assigned(dispute, person)
    services.dispute_decide(
        actor=person,
        dispute_public_id=dispute.public_id,
        outcome="release",
        reason="The seller's statement shows the payment.",
    )
    client.force_login(dispute.opened_by)
    html = client.get(f"/disputes/{dispute.public_id}/").content.decode()
    assert "Decision: Release to the buyer" in html
    assert "The seller&#x27;s statement shows the payment." in html


def test_a_refused_file_is_named_next_to_the_file_field(market, client):
    dispute = disputed_order(market)
    client.force_login(dispute.opened_by)
    fake = SimpleUploadedFile("statement.pdf", b"<html></html>", content_type="application/pdf")
    response = client.post(
        f"/disputes/{dispute.public_id}/evidence/",
        {"text": "My statement.", "attachments": [fake]},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "statement.pdf is not a PDF" in html
    assert "has-error" in html
    assert not Evidence.objects.exists()
