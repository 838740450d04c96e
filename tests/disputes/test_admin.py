"""Disputes in the Django admin: the queue and its quick filters, the case screen with every
section, the actions' confirmation pages, and who may do what (refusals change nothing)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import KycSubmission, User
from disputes import services
from disputes.models import (
    Decision,
    DecisionStatus,
    Dispute,
    DisputeAction,
    DisputeStatus,
    Outcome,
)
from escrow.verification import verify
from orders import services as order_services
from orders.models import Order, OrderEvent, OrderStatus
from tests.factories import make_user

from .factories import (
    DESCRIPTION,
    Trades,
    assigned,
    disputed_order,
    no_approval_needed,
)

pytestmark = pytest.mark.django_db

REASON = "The bank statement shows the buyer's transfer arrived in full."


def in_group(name: str, **kwargs) -> User:
    user = make_user(staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=name))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def cs():
    return in_group("Customer service")


@pytest.fixture
def arbiter():
    return in_group("Arbiter")


def png(color: str = "teal") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), color).save(buffer, "PNG")
    return SimpleUploadedFile("shot.png", buffer.getvalue(), content_type="image/png")


def screen_url(dispute: Dispute) -> str:
    return reverse("admin:disputes_dispute_change", args=[dispute.pk])


def action_url(dispute: Dispute, name: str) -> str:
    return reverse(f"admin:disputes_dispute_{name}", args=[dispute.pk])


def state(dispute: Dispute) -> tuple:
    """What a refused action must leave as it was."""
    dispute.refresh_from_db()
    order = Order.objects.get(pk=dispute.order_id)
    return (
        dispute.status,
        dispute.assigned_to_id,
        dispute.evidence_due,
        order.status,
        DisputeAction.objects.filter(dispute=dispute).count(),
        Decision.objects.filter(dispute=dispute).count(),
        OrderEvent.objects.filter(order=order).count(),
    )


def queue(client, **params) -> list[str]:
    response = client.get(reverse("admin:disputes_dispute_changelist"), params)
    assert response.status_code == 200
    return [dispute.public_id for dispute in response.context["cl"].result_list]


@pytest.fixture
def full_case(market: Trades) -> Dispute:
    """A dispute with a proof image, chat on both sides, evidence from both parties, and a
    verified buyer."""
    buyer = market.buyer()
    KycSubmission.objects.create(
        user=buyer, level=1, status="approved", legal_name="Ben Buyer", country="HK"
    )
    order = place_paid_with_proof(market, buyer)
    order_services.chat_post(
        actor=buyer, public_id=order.public_id, body="Sent 780 HKD by FPS, please check."
    )
    order_services.chat_post(
        actor=order.seller, public_id=order.public_id, body="Nothing has arrived on my side."
    )
    order_services.chat_post_image(actor=buyer, public_id=order.public_id, upload=png("olive"))
    dispute = services.dispute_open(
        actor=buyer,
        order_public_id=order.public_id,
        reason="not_released",
        description=DESCRIPTION,
    )
    services.evidence_add(
        actor=buyer, dispute_public_id=dispute.public_id, text="Bank reference FPS-0202-778."
    )
    services.evidence_add(
        actor=order.seller,
        dispute_public_id=dispute.public_id,
        text="My statement for that day, no incoming 780.",
        files=[png("navy")],
    )
    return dispute


def place_paid_with_proof(market: Trades, buyer: User) -> Order:
    from tests.orders.factories import place

    order = place(buyer, market.trade_ad(), fiat="780")
    order_services.order_mark_paid(
        actor=buyer, public_id=order.public_id, method="FPS", proofs=[png()]
    )
    Order.objects.filter(pk=order.pk).update(appeal_after=timezone.now() - timedelta(minutes=1))
    return Order.objects.get(pk=order.pk)


# --- the queue ------------------------------------------------------------------------------


def test_the_queue_filters_unassigned_mine_and_overdue(client, market, cs):
    other = in_group("Customer service")
    unassigned = disputed_order(market)
    mine = assigned(disputed_order(market), cs)
    theirs = assigned(disputed_order(market), other)
    Dispute.objects.filter(pk=theirs.pk).update(respond_by=timezone.now() - timedelta(hours=1))
    client.force_login(cs)

    assert set(queue(client)) == {unassigned.public_id, mine.public_id, theirs.public_id}
    assert queue(client, assigned="unassigned") == [unassigned.public_id]
    assert queue(client, assigned="mine") == [mine.public_id]
    assert queue(client, overdue="yes") == [theirs.public_id]
    page = client.get(reverse("admin:disputes_dispute_changelist")).content.decode()
    assert "overdue: answer due" in page  # the passed deadline is shown in red
    assert "780.00 HKD" in page
    assert "buyer<br><small>" in page


def test_the_queue_shows_open_cases_unless_asked(client, market, cs):
    open_case = disputed_order(market)
    withdrawn = disputed_order(market)
    services.dispute_withdraw(
        actor=withdrawn.opened_by, dispute_public_id=withdrawn.public_id, note="Paid now"
    )
    client.force_login(cs)
    assert queue(client) == [open_case.public_id]
    assert queue(client, status="withdrawn") == [withdrawn.public_id]
    assert set(queue(client, status="all")) == {open_case.public_id, withdrawn.public_id}


def test_staff_without_a_dispute_permission_never_see_disputes(client, market):
    dispute = disputed_order(market)
    client.force_login(make_user(staff=True))
    assert client.get(reverse("admin:disputes_dispute_changelist")).status_code == 403
    assert client.get(screen_url(dispute)).status_code == 403
    assert client.get(action_url(dispute, "claim")).status_code == 403
    assert "Disputes" not in client.get(reverse("admin:index")).content.decode()


# --- the case screen ------------------------------------------------------------------------


def test_the_screen_shows_every_section(client, full_case, cs):
    order = full_case.order
    client.force_login(cs)
    response = client.get(screen_url(full_case))
    assert response.status_code == 200
    page = response.content.decode()
    proof = order.proofs.get()
    proof_url = reverse("admin:disputes_proof", args=[full_case.pk, proof.pk])
    evidence_file = full_case.evidence.exclude(file="").get()
    file_url = reverse("admin:disputes_evidence_file", args=[full_case.pk, evidence_file.pk])
    chat_image = order.chat_messages.get(kind="image")
    chat_image_url = reverse("admin:disputes_chat_image", args=[full_case.pk, chat_image.pk])
    for shown in [
        f"Order {order.public_id}",
        "780.00 HKD",
        DESCRIPTION,
        "Ben Buyer",  # the buyer's KYC legal name
        "Earlier disputes",
        "Completion rate",
        f'src="{proof_url}"',  # the payment proof, inline, through the checked view
        "Sent 780 HKD by FPS, please check.",  # the chat, both sides
        "Nothing has arrived on my side.",
        "Bank reference FPS-0202-778.",  # the buyer's evidence
        "My statement for that day, no incoming 780.",  # the seller's evidence
        f'src="{file_url}"',
        f'src="{chat_image_url}"',  # an image sent in the chat
        f"#{order.hold_id}",  # the escrow hold
        "Appeal opened",  # the action history
    ]:
        assert shown in page, shown
    assert 'id="case-evidence-buyer"' in page
    assert 'id="case-evidence-seller"' in page
    assert 'id="case-timeline"' in page
    assert "disputed" in page

    image = client.get(proof_url)
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert image["X-Content-Type-Options"] == "nosniff"
    assert client.get(file_url).status_code == 200
    assert client.get(chat_image_url)["Content-Type"] == "image/png"


def test_files_are_for_staff_who_decide_and_of_this_case_only(client, full_case, market):
    proof = full_case.order.proofs.get()
    other_case = disputed_order(market)
    client.force_login(in_group("Customer service"))
    # a proof is only served under its own dispute
    assert (
        client.get(reverse("admin:disputes_proof", args=[other_case.pk, proof.pk])).status_code
        == 404
    )
    client.force_login(in_group("Operations"))  # reads disputes, decides nothing
    proof_url = reverse("admin:disputes_proof", args=[full_case.pk, proof.pk])
    assert client.get(screen_url(full_case)).status_code == 200
    assert client.get(proof_url).status_code == 403
    client.logout()
    assert client.get(proof_url).status_code == 302  # to the login page, never the file


# --- actions ----------------------------------------------------------------------------------


def test_claim_then_decide_below_the_threshold_releases(client, market, arbiter):
    no_approval_needed(market)
    dispute = disputed_order(market)
    client.force_login(arbiter)
    page = client.get(screen_url(dispute)).content.decode()
    assert action_url(dispute, "claim") in page
    assert action_url(dispute, "decide") not in page

    confirm = client.get(action_url(dispute, "claim"))
    assert "You become the staff member handling this dispute" in confirm.content.decode()
    response = client.post(action_url(dispute, "claim"), follow=True)
    assert f"Dispute {dispute.public_id} is yours now." in response.content.decode()
    dispute.refresh_from_db()
    assert dispute.assigned_to_id == arbiter.pk

    confirm = client.get(action_url(dispute, "decide")).content.decode()
    assert "carried out at once" in confirm
    assert "100 " in confirm
    assert "780.00" in confirm
    response = client.post(
        action_url(dispute, "decide"), {"outcome": Outcome.RELEASE, "reason": REASON}, follow=True
    )
    assert "Decided: release to the buyer." in response.content.decode()
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.RESOLVED
    assert dispute.outcome == Outcome.RELEASE
    assert Order.objects.get(pk=dispute.order_id).status == OrderStatus.RELEASED
    assert verify().ok


def test_a_decision_above_the_threshold_waits_for_another_arbiter(client, market, arbiter):
    dispute = assigned(disputed_order(market), arbiter)  # HKD has no threshold: approval needed
    client.force_login(arbiter)
    confirm = client.get(action_url(dispute, "decide")).content.decode()
    assert "above the approval" in confirm
    client.post(action_url(dispute, "decide"), {"outcome": Outcome.REFUND, "reason": REASON})
    decision = Decision.objects.get(dispute=dispute)
    assert decision.status == DecisionStatus.PENDING
    assert Order.objects.get(pk=dispute.order_id).status == OrderStatus.DISPUTED
    approve_url = reverse("admin:disputes_decision_approve", args=[decision.pk])
    assert approve_url not in client.get(screen_url(dispute)).content.decode()  # not the proposer

    officer = in_group("Arbiter")  # another arbiter: the second pair of eyes
    client.force_login(officer)
    assert approve_url in client.get(screen_url(dispute)).content.decode()
    assert "Refund to the seller" in client.get(approve_url).content.decode()
    response = client.post(approve_url, follow=True)
    assert "Approved and carried out" in response.content.decode()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.EXECUTED
    assert decision.approved_by_id == officer.pk
    assert Order.objects.get(pk=dispute.order_id).status == OrderStatus.CANCELED
    assert verify().ok


def test_customer_service_cannot_approve(client, market, cs):
    proposer = in_group("Arbiter")
    dispute = assigned(disputed_order(market), proposer)
    services.dispute_decide(
        actor=proposer, dispute_public_id=dispute.public_id, outcome="refund", reason=REASON
    )
    decision = Decision.objects.get(dispute=dispute)
    client.force_login(cs)
    before = state(dispute)
    url = reverse("admin:disputes_decision_approve", args=[decision.pk])
    assert client.post(url).status_code == 403
    assert state(dispute) == before


def test_a_decide_post_without_a_reason_shows_an_error_and_changes_nothing(client, market, arbiter):
    no_approval_needed(market)
    dispute = assigned(disputed_order(market), arbiter)
    client.force_login(arbiter)
    before = state(dispute)
    response = client.post(action_url(dispute, "decide"), {"outcome": Outcome.RELEASE})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert state(dispute) == before


def test_a_refusal_from_the_services_is_an_error_message_not_a_500(client, market, arbiter):
    no_approval_needed(market)
    dispute = assigned(disputed_order(market), arbiter)
    client.force_login(arbiter)
    before = state(dispute)
    # return to paid has no loser: the service refuses a penalty
    response = client.post(
        action_url(dispute, "decide"),
        {"outcome": Outcome.RETURN_TO_PAID, "reason": REASON, "restrict_loser_hours": "24"},
    )
    assert response.status_code == 200
    assert "no penalty can be applied" in response.content.decode()
    assert state(dispute) == before


def test_unassigned_staff_see_no_decide_button_and_a_forged_post_is_refused(
    client, market, arbiter
):
    no_approval_needed(market)
    dispute = assigned(disputed_order(market), in_group("Arbiter"))
    client.force_login(arbiter)
    page = client.get(screen_url(dispute)).content.decode()
    assert action_url(dispute, "decide") not in page
    assert action_url(dispute, "claim") not in page  # someone else holds it
    before = state(dispute)
    response = client.post(
        action_url(dispute, "decide"), {"outcome": Outcome.RELEASE, "reason": REASON}, follow=True
    )
    assert "claim it first" in response.content.decode()
    assert state(dispute) == before


def test_a_party_who_is_staff_cannot_open_their_own_case(client, market):
    no_approval_needed(market)
    dispute = disputed_order(market)
    seller = User.objects.get(pk=dispute.order.seller_id)
    seller.is_staff = True
    seller.save(update_fields=["is_staff"])
    seller.groups.add(Group.objects.get(name="Superadmin"))
    from tests.factories import give_totp

    give_totp(seller)
    client.force_login(seller)
    before = state(dispute)
    assert client.get(action_url(dispute, "decide")).status_code == 403
    assert client.get(screen_url(dispute)).status_code == 403
    response = client.post(
        action_url(dispute, "decide"), {"outcome": Outcome.REFUND, "reason": REASON}
    )
    assert response.status_code == 403
    assert client.post(action_url(dispute, "claim")).status_code == 403
    assert state(dispute) == before


def test_a_claim_of_a_case_someone_else_holds_is_refused_with_a_message(client, market, cs):
    dispute = assigned(disputed_order(market), in_group("Customer service"))
    client.force_login(cs)
    before = state(dispute)
    response = client.post(action_url(dispute, "claim"), follow=True)
    assert response.status_code == 200
    assert response.context["messages"]
    assert state(dispute) == before


def test_note_and_evidence_request(client, market, cs):
    dispute = assigned(disputed_order(market), cs)
    client.force_login(cs)
    response = client.post(action_url(dispute, "note"), {"text": "Called the bank: pending."})
    assert response.status_code == 302
    response = client.post(
        action_url(dispute, "evidence"),
        {"party": "seller", "hours": "12", "message": "Send your bank statement for the day."},
        follow=True,
    )
    assert "The seller was asked for more evidence" in response.content.decode()
    dispute.refresh_from_db()
    assert dispute.evidence_requested_from_id == dispute.order.seller_id
    assert dispute.evidence_due is not None
    page = client.get(screen_url(dispute)).content.decode()
    assert "Called the bank: pending." in page
    assert "Evidence due" in page


def test_a_note_without_text_is_refused(client, market, cs):
    dispute = disputed_order(market)
    client.force_login(cs)
    before = state(dispute)
    response = client.post(action_url(dispute, "note"), {"text": ""})
    assert "This field is required." in response.content.decode()
    assert state(dispute) == before


def test_assigning_needs_the_assign_permission(client, market, cs):
    dispute = disputed_order(market)
    client.force_login(cs)
    assert client.get(action_url(dispute, "assign")).status_code == 403
    boss = in_group("Superadmin")
    client.force_login(boss)
    response = client.post(action_url(dispute, "assign"), {"assignee": cs.pk}, follow=True)
    assert f"is assigned to {cs}" in response.content.decode()
    dispute.refresh_from_db()
    assert dispute.assigned_to_id == cs.pk


# --- records nobody edits -------------------------------------------------------------------


def test_nobody_changes_or_deletes_the_action_log_superuser_included(client, market):
    dispute = disputed_order(market)
    action = DisputeAction.objects.filter(dispute=dispute).first()
    assert action is not None
    before = (action.kind, action.detail, DisputeAction.objects.count())
    client.force_login(make_user(superuser=True))
    change = reverse("admin:disputes_disputeaction_change", args=[action.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert 'name="detail"' not in page.content.decode()
    assert "deletelink" not in page.content.decode()
    assert client.post(change, {"detail": "rewritten", "kind": "note"}).status_code == 403
    delete = reverse("admin:disputes_disputeaction_delete", args=[action.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:disputes_disputeaction_add")).status_code == 403
    for name in ["decision", "evidence"]:
        assert client.get(reverse(f"admin:disputes_{name}_add")).status_code == 403

    # and the database refuses whoever asks
    for sql in [
        "UPDATE disputes_disputeaction SET detail = 'rewritten' WHERE id = %s",
        "DELETE FROM disputes_disputeaction WHERE id = %s",
    ]:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [action.pk])
    action.refresh_from_db()
    assert (action.kind, action.detail, DisputeAction.objects.count()) == before


def test_approval_thresholds_are_edited_by_operations(client, market):
    client.force_login(in_group("Operations"))
    url = reverse("admin:disputes_approvalthreshold_add")
    response = client.post(url, {"fiat": market.fiat.pk, "amount": "5000"})
    assert response.status_code == 302
    client.force_login(in_group("Customer service"))
    assert client.get(url).status_code == 403


def test_the_assignee_writes_to_both_parties_in_the_order_chat(client, market, cs):
    dispute = disputed_order(market)
    client.force_login(cs)
    assert action_url(dispute, "message") not in client.get(screen_url(dispute)).content.decode()
    services.dispute_claim(actor=cs, dispute_public_id=dispute.public_id)
    assert action_url(dispute, "message") in client.get(screen_url(dispute)).content.decode()

    text = {"text": "Please both upload statements."}
    response = client.post(action_url(dispute, "message"), text)
    assert response.status_code == 302
    said = dispute.order.chat_messages.get(sender=cs)
    assert said.body == "Please both upload statements."
    logged = dispute.actions.get(kind="message")
    assert (logged.actor_id, logged.detail) == (cs.pk, "Please both upload statements.")
    page = client.get(screen_url(dispute)).content.decode()
    assert "Staff (" in page
    assert "Please both upload statements." in page


def test_staff_not_assigned_cannot_write_in_the_chat_and_nothing_is_stored(client, market, cs):
    dispute = disputed_order(market)
    other = in_group("Customer service")
    services.dispute_claim(actor=other, dispute_public_id=dispute.public_id)
    before = dispute.order.chat_messages.count()
    with pytest.raises(services.DisputeNotAllowed, match="assigned"):
        services.dispute_message(actor=cs, dispute_public_id=dispute.public_id, text="Hello")
    client.force_login(cs)
    forged = client.post(action_url(dispute, "message"), {"text": "Hello"}, follow=True)
    assert "claim it first" in forged.content.decode()
    assert dispute.order.chat_messages.count() == before
    assert not dispute.actions.filter(kind="message").exists()
