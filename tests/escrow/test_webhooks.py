"""The custody provider's webhook, posted as raw bytes: only a delivery signed with the secret,
signed within the last few minutes and never seen before is taken, and even then it is a hint:
what is credited is what the chain says when asked again, once."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import timedelta
from decimal import Decimal
from functools import partial

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from escrow.custody import HintKind, WebhookHint, WebhookRefused
from escrow.custody.simulated import SimulatedChain
from escrow.models import (
    AccountKind,
    Deposit,
    DepositStatus,
    Network,
    SimulatedTransaction,
    WebhookDelivery,
)
from escrow.models.transfers import Transfer
from escrow.services.deposits import deposit_address_issue, deposits_sweep
from escrow.services.simulated_chain import simulate_deposit, simulated_block, simulated_reorg
from escrow.verification import verify
from otc.demo import TRON
from tests.concurrency import race
from tests.factories import make_asset, make_user
from tests.orders.factories import balance

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _ledger_stays_sound(db):
    yield
    assert verify().ok


@pytest.fixture
def tron() -> Network:
    return Network.objects.create(
        asset=make_asset(symbol="USDT"),
        code="tron",
        name="TRON (TRC-20)",
        confirmations=3,
        min_deposit=Decimal(1),
        address_pattern=TRON,
    )


@pytest.fixture
def sent(tron):
    """10 USDT on its way to a user, seen by the platform, not yet confirmed."""
    address = deposit_address_issue(actor=make_user(), network_id=tron.pk)
    return simulate_deposit(actor=make_user(staff=True), address_id=address.pk, amount="10")


def confirm(sent: SimulatedTransaction) -> None:
    """The chain reaches the confirmations with nobody observing it yet (no sweep ran)."""
    SimulatedTransaction.objects.filter(pk=sent.pk).update(confirmations=3)


def delivery(
    txid: str,
    *,
    delivery_id: str = "",
    age: timedelta = timedelta(0),
    kind: HintKind = HintKind.DEPOSIT,
    extra: dict[str, object] | None = None,
) -> tuple[dict[str, str], bytes]:
    hint = WebhookHint(
        delivery_id=delivery_id or f"whk-{uuid.uuid4().hex}",
        sent_at=timezone.now() - age,
        kind=kind,
        network_code="tron",
        txid=txid if kind == HintKind.DEPOSIT else "",
        provider_ref=txid if kind == HintKind.WITHDRAWAL else "",
    )
    return SimulatedChain().signed_webhook(hint, extra=extra)


def sign(body: bytes, *, secret: str = "") -> dict[str, str]:
    """The signature header as the provider's documentation spells it."""
    key = (secret or settings.CUSTODY_WEBHOOK_SECRET).encode()
    t = int(timezone.now().timestamp())
    digest = hmac.new(key, f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Signature": f"t={t},v1={digest}"}


def post(client: Client, headers: dict[str, str], body: bytes, *, method: str = "POST"):
    """The raw bytes as the provider sends them."""
    url = reverse("escrow:custody_webhook")
    return client.generic(method, url, body, content_type="application/json", headers=headers)


def credited(sent: SimulatedTransaction) -> Decimal:
    """What the receiving user now has available."""
    deposit = Deposit.objects.select_related("address__user", "network__asset").get(txid=sent.txid)
    return balance(deposit.address.user, deposit.network.asset, AccountKind.AVAILABLE)


def credits_of(sent: SimulatedTransaction) -> int:
    return Transfer.objects.filter(ref=f"deposit:{sent.txid}").count()


def test_a_signed_webhook_is_accepted_and_credits_what_the_chain_confirmed(client, sent):
    confirm(sent)
    response = post(client, *delivery(sent.txid))
    assert (response.status_code, response.json()) == (200, {"ok": True})
    assert Deposit.objects.get(txid=sent.txid).status == DepositStatus.CREDITED
    assert credited(sent) == Decimal(10)


def test_simulated_deposits_are_announced_through_the_webhook(sent):
    assert WebhookDelivery.objects.filter(provider="simulated").count() == 1
    assert Deposit.objects.get(txid=sent.txid).status == DepositStatus.CONFIRMING


def test_the_same_webhook_replayed_five_times_credits_once(client, sent):
    confirm(sent)
    headers, body = delivery(sent.txid)
    assert post(client, headers, body).status_code == 200
    replays = [post(client, headers, body) for _ in range(5)]
    assert [r.status_code for r in replays] == [409] * 5
    assert {r.json()["error"] for r in replays} == {"replayed"}
    assert credited(sent) == Decimal(10)
    assert credits_of(sent) == 1


def test_hints_out_of_order_credit_exactly_once(client, sent):
    early = delivery(sent.txid, age=timedelta(seconds=30))
    assert post(client, *early).status_code == 200  # before the chain confirmed it
    assert Deposit.objects.get(txid=sent.txid).status == DepositStatus.CONFIRMING
    assert credited(sent) == 0
    confirm(sent)
    assert post(client, *delivery(sent.txid, age=timedelta(seconds=10))).status_code == 200
    assert credited(sent) == Decimal(10)
    # after the credit: a second delivery of the old hint, and the first one replayed
    assert post(client, *delivery(sent.txid, age=timedelta(seconds=40))).status_code == 200
    assert post(client, *early).status_code == 409
    assert credited(sent) == Decimal(10)
    assert credits_of(sent) == 1


def test_the_signature_is_the_documented_one(client, sent):
    confirm(sent)
    _, body = delivery(sent.txid)
    assert post(client, sign(body), body).status_code == 200


@pytest.mark.parametrize(
    "spoil",
    [
        lambda headers, body: ({}, body),
        lambda headers, body: (headers, body.replace(b'"id":"', b'"id":"x')),
        lambda headers, body: ({"X-Signature": headers["X-Signature"][2:]}, body),
        lambda headers, body: (sign(body, secret="not-the-providers"), body),
    ],
    ids=["missing", "tampered body", "garbled header", "another secret"],
)
def test_a_webhook_without_the_providers_signature_changes_nothing(client, sent, spoil):
    confirm(sent)
    seen = WebhookDelivery.objects.count()
    headers, body = spoil(*delivery(sent.txid))
    response = post(client, headers, body)
    assert (response.status_code, response.json()["error"]) == (400, "refused")
    deposit = Deposit.objects.get(txid=sent.txid)
    assert (deposit.status, deposit.confirmations) == (DepositStatus.CONFIRMING, 0)
    assert credited(sent) == 0
    assert WebhookDelivery.objects.count() == seen


@pytest.mark.parametrize("direction", [1, -1], ids=["stale", "from the future"])
def test_a_webhook_signed_outside_the_window_changes_nothing(client, sent, direction):
    age = direction * timedelta(seconds=settings.CUSTODY_WEBHOOK_MAX_AGE_SECONDS + 2)
    confirm(sent)
    seen = WebhookDelivery.objects.count()
    response = post(client, *delivery(sent.txid, age=age))
    assert (response.status_code, response.json()["error"]) == (422, "stale")
    assert Deposit.objects.get(txid=sent.txid).status == DepositStatus.CONFIRMING
    assert credited(sent) == 0
    assert WebhookDelivery.objects.count() == seen


def test_a_webhooks_amount_is_ignored_for_the_chains(client, sent):
    confirm(sent)
    claimed = delivery(sent.txid, extra={"amount": "1000000", "confirmations": 99})
    assert post(client, *claimed).status_code == 200
    deposit = Deposit.objects.get(txid=sent.txid)
    assert (deposit.amount, deposit.status) == (Decimal(10), DepositStatus.CREDITED)
    assert credited(sent) == Decimal(10)


def test_a_webhook_after_a_reorg_credits_nothing(client, sent):
    simulated_block()
    simulated_reorg(txid=sent.txid)
    assert post(client, *delivery(sent.txid)).status_code == 200
    for _ in range(5):
        simulated_block()
    assert Deposit.objects.get(txid=sent.txid).status == DepositStatus.DROPPED
    assert credited(sent) == 0
    assert credits_of(sent) == 0


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff\xfe",
        b"[1, 2]",
        b'{"id": "x", "type": "refund", "network": "tron"}',
        b'{"id": "x", "type": "deposit", "network": "tron"}',
        b'{"id": "x", "type": "deposit", "network": "tron", "txid": ["a"]}',
        b'{"id": "x", "type": "deposit", "network": "tron", "txid": "%s"}' % (b"a" * 121),
    ],
    ids=["not json", "not utf-8", "not an object", "unknown type", "no txid", "odd", "long"],
)
def test_an_unreadable_body_even_signed_is_refused(client, sent, body):
    seen = WebhookDelivery.objects.count()
    response = post(client, sign(body), body)
    assert (response.status_code, response.json()["error"]) == (400, "refused")
    assert WebhookDelivery.objects.count() == seen


def test_a_delivery_that_failed_midway_is_taken_on_the_providers_retry(client, sent, monkeypatch):
    confirm(sent)
    headers, body = delivery(sent.txid)
    with monkeypatch.context() as outage:
        outage.setattr(SimulatedChain, "fetch_transaction", _provider_down)
        with pytest.raises(ConnectionError):
            post(client, headers, body)
    assert credited(sent) == 0
    assert post(client, headers, body).status_code == 200
    assert credited(sent) == Decimal(10)


def _provider_down(*args, **kwargs):
    raise ConnectionError("the provider's API timed out")


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_only_post_is_answered(client, sent, method):
    response = post(client, *delivery(sent.txid), method=method)
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_a_withdrawal_hint_is_accepted_and_moves_no_money(client, sent):
    confirm(sent)
    response = post(client, *delivery("sim-some-send", kind=HintKind.WITHDRAWAL))
    assert response.status_code == 200
    assert credited(sent) == 0


def test_a_hint_for_a_network_we_do_not_run_moves_nothing(client, sent):
    confirm(sent)
    headers, body = SimulatedChain().signed_webhook(
        WebhookHint("elsewhere", timezone.now(), HintKind.DEPOSIT, "bitcoin", sent.txid)
    )
    assert post(client, headers, body).status_code == 200
    assert credited(sent) == 0


def test_the_simulated_chain_reads_back_what_it_signed():
    hint = WebhookHint(
        "d-1", timezone.now().replace(microsecond=0), HintKind.DEPOSIT, "tron", "sim-abc"
    )
    headers, body = SimulatedChain().signed_webhook(hint)
    lowercase = {name.lower(): value for name, value in headers.items()}
    assert SimulatedChain().parse_webhook(headers=lowercase, body=body) == [hint]
    with pytest.raises(WebhookRefused):
        SimulatedChain().parse_webhook(headers=headers, body=body + b" ")


def _post_in_thread(headers: dict[str, str], body: bytes) -> int:
    return post(Client(), headers, body).status_code


@pytest.mark.django_db(transaction=True)
def test_a_webhook_racing_the_sweep_credits_once(sent):
    confirm(sent)
    webhooks = [partial(_post_in_thread, *delivery(sent.txid)) for _ in range(4)]
    results = race([*webhooks, deposits_sweep, deposits_sweep, deposits_sweep])
    assert results[:4] == [200] * 4
    assert not [r for r in results if isinstance(r, Exception)]
    assert credited(sent) == Decimal(10)
    assert credits_of(sent) == 1


@pytest.mark.django_db(transaction=True)
def test_one_delivery_arriving_twice_at_once_is_taken_once(sent):
    confirm(sent)
    same = partial(_post_in_thread, *delivery(sent.txid))
    assert sorted(race([same] * 6)) == [200, 409, 409, 409, 409, 409]
    assert credited(sent) == Decimal(10)
    assert credits_of(sent) == 1
