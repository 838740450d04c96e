"""BTCPay Server as the custody provider, against recorded Greenfield answers: the requests it
makes (path, key, body), what it reads from the answers, what it refuses, and how a failing
server is told apart from a refusal. Sends are in test_btcpay_sends.py."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial

import httpx
import pytest
from django.core.exceptions import ImproperlyConfigured

from escrow import custody
from escrow.custody import CustodyUnavailable, HintKind, WebhookRefused
from escrow.custody.btcpay import BTCPayGreenfield, UnsupportedNetwork
from escrow.models import Deposit, DepositStatus, Network
from escrow.services.deposits import deposit_address_issue, deposit_observe
from otc.demo import BITCOIN
from tests.escrow.btcpay_fake import (
    API_KEY,
    PAYLOADS,
    WALLET,
    FakeBTCPay,
    configure,
    payload,
    signed,
)
from tests.factories import make_asset, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def btcpay_server(settings) -> FakeBTCPay:
    configure(settings)
    return FakeBTCPay()


@pytest.fixture
def btcpay(btcpay_server) -> BTCPayGreenfield:
    return BTCPayGreenfield(transport=btcpay_server.transport)


DEPOSIT_TX = payload("transaction_deposit.json")["transactionHash"]
DEPOSIT_ADDRESS = payload("address.json")["address"]


def test_custody_provider_btcpay_picks_this_provider(settings):
    settings.CUSTODY_PROVIDER = "btcpay"
    assert isinstance(custody.provider(), BTCPayGreenfield)


@pytest.mark.parametrize("name", ["BTCPAY_URL", "BTCPAY_STORE_ID", "BTCPAY_API_KEY"])
def test_a_missing_credential_is_named_at_the_first_call(btcpay_server, btcpay, settings, name):
    setattr(settings, name, "")
    with pytest.raises(ImproperlyConfigured, match=name):
        btcpay.balance(network_code="bitcoin", asset_symbol="BTC")
    assert btcpay_server.requests == []


def test_a_missing_webhook_secret_is_named_rather_than_every_webhook_refused(btcpay, settings):
    settings.BTCPAY_WEBHOOK_SECRET = ""
    body = (PAYLOADS / "webhook_received_payment.json").read_bytes()
    with pytest.raises(ImproperlyConfigured, match="BTCPAY_WEBHOOK_SECRET"):
        btcpay.parse_webhook(headers=signed(body), body=body)


@pytest.mark.parametrize(
    ("network", "asset"), [("tron", "USDT"), ("ethereum", "BTC"), ("bitcoin", "USDT")]
)
def test_what_btcpay_does_not_serve_is_refused_by_name(btcpay_server, btcpay, network, asset):
    with pytest.raises(
        UnsupportedNetwork, match=f"serves BTC on bitcoin, not {asset} on {network}"
    ):
        btcpay.issue_address(network_code=network, asset_symbol=asset, owner="user:1")
    assert btcpay_server.requests == []


def test_an_address_is_a_fresh_one_from_the_store_wallet(btcpay_server, btcpay):
    btcpay_server.on("GET", f"{WALLET}/address", (200, payload("address.json")))
    issued = btcpay.issue_address(network_code="bitcoin", asset_symbol="BTC", owner="user:1")
    assert issued.address == DEPOSIT_ADDRESS
    assert issued.memo == ""
    [asked] = btcpay_server.requests
    assert str(asked.url) == f"https://btcpay.example.com{WALLET}/address?forceGenerate=true"
    assert asked.headers["Authorization"] == f"token {API_KEY}"


def test_an_owner_asking_again_gets_the_same_address_and_another_owner_a_new_one(
    btcpay_server, btcpay
):
    other = dict(payload("address.json"), address="bc1q3evkv42fprxqfpqdp966kn2cwpjrk9jfzyl7n5")
    btcpay_server.on("GET", f"{WALLET}/address", (200, payload("address.json")), (200, other))
    first = btcpay.issue_address(network_code="bitcoin", asset_symbol="BTC", owner="user:1")
    again = btcpay.issue_address(network_code="bitcoin", asset_symbol="BTC", owner="user:1")
    theirs = btcpay.issue_address(network_code="bitcoin", asset_symbol="BTC", owner="user:2")
    assert again == first
    assert theirs.address == other["address"]
    assert len(btcpay_server.requests) == 2


def test_a_deposit_is_read_from_the_wallet_and_its_unspent_outputs(btcpay_server, btcpay):
    btcpay_server.on(
        "GET", f"{WALLET}/transactions/{DEPOSIT_TX}", (200, payload("transaction_deposit.json"))
    )
    btcpay_server.on("GET", f"{WALLET}/utxos", (200, payload("utxos.json")))
    seen = btcpay.fetch_transaction(network_code="bitcoin", txid=DEPOSIT_TX)
    assert seen is not None
    assert seen.txid == DEPOSIT_TX
    assert seen.confirmations == 2
    assert [(o.index, o.address, o.memo, o.amount) for o in seen.outputs] == [
        (1, DEPOSIT_ADDRESS, "", Decimal("0.015"))
    ]
    assert all(r.headers["Authorization"] == f"token {API_KEY}" for r in btcpay_server.requests)


def test_a_deposit_the_wallet_has_spent_keeps_its_output_and_confirms_on(btcpay_server, btcpay):
    later = dict(payload("transaction_deposit.json"), confirmations=6)
    btcpay_server.on(
        "GET",
        f"{WALLET}/transactions/{DEPOSIT_TX}",
        (200, payload("transaction_deposit.json")),
        (200, later),
    )
    btcpay_server.on("GET", f"{WALLET}/utxos", (200, payload("utxos.json")), (200, []))
    btcpay.fetch_transaction(network_code="bitcoin", txid=DEPOSIT_TX)
    seen = btcpay.fetch_transaction(network_code="bitcoin", txid=DEPOSIT_TX)
    assert seen is not None
    assert seen.confirmations == 6
    assert [(o.index, o.amount) for o in seen.outputs] == [(1, Decimal("0.015"))]


def test_a_transaction_the_wallet_does_not_know_is_none(btcpay_server, btcpay):
    btcpay_server.on(
        "GET",
        f"{WALLET}/transactions/{DEPOSIT_TX}",
        (404, payload("error_transaction_not_found.json")),
    )
    assert btcpay.fetch_transaction(network_code="bitcoin", txid=DEPOSIT_TX) is None
    assert btcpay_server.calls() == [f"GET {WALLET}/transactions/{DEPOSIT_TX}"]


def test_a_txid_that_is_not_one_is_none_without_asking(btcpay_server, btcpay):
    assert btcpay.fetch_transaction(network_code="bitcoin", txid="../../api-keys/current") is None
    assert btcpay_server.requests == []


def test_a_deposit_to_a_btcpay_address_is_credited_once_confirmed(
    btcpay_server, settings, monkeypatch
):
    settings.CUSTODY_PROVIDER = "btcpay"
    monkeypatch.setitem(
        custody.PROVIDERS, "btcpay", partial(BTCPayGreenfield, transport=btcpay_server.transport)
    )
    bitcoin = Network.objects.create(
        asset=make_asset(symbol="BTC", precision=8),
        code="bitcoin",
        name="Bitcoin",
        confirmations=3,
        address_pattern=BITCOIN,
    )
    btcpay_server.on("GET", f"{WALLET}/address", (200, payload("address.json")))
    btcpay_server.on(
        "GET",
        f"{WALLET}/transactions/{DEPOSIT_TX}",
        (200, payload("transaction_deposit.json")),
        (200, dict(payload("transaction_deposit.json"), confirmations=3)),
    )
    btcpay_server.on("GET", f"{WALLET}/utxos", (200, payload("utxos.json")))
    user = make_user()
    assert deposit_address_issue(actor=user, network_id=bitcoin.pk).address == DEPOSIT_ADDRESS
    [confirming] = deposit_observe(network_id=bitcoin.pk, txid=DEPOSIT_TX)
    assert (confirming.status, confirming.confirmations) == (DepositStatus.CONFIRMING, 2)
    deposit_observe(network_id=bitcoin.pk, txid=DEPOSIT_TX)
    deposit_observe(network_id=bitcoin.pk, txid=DEPOSIT_TX)
    [credited] = Deposit.objects.filter(txid=DEPOSIT_TX)
    assert (credited.status, credited.amount) == (DepositStatus.CREDITED, Decimal("0.015"))
    assert credited.address.user == user


def test_the_balance_is_the_wallets_confirmed_balance(btcpay_server, btcpay):
    btcpay_server.on("GET", WALLET, (200, payload("wallet.json")))
    assert btcpay.balance(network_code="bitcoin", asset_symbol="BTC") == Decimal("1.3")
    assert btcpay_server.calls() == [f"GET {WALLET}"]


def test_every_call_is_bounded_by_the_timeout_setting(btcpay_server, btcpay, settings):
    settings.BTCPAY_TIMEOUT_SECONDS = 7.5
    btcpay_server.on("GET", WALLET, (200, payload("wallet.json")))
    btcpay.balance(network_code="bitcoin", asset_symbol="BTC")
    [asked] = btcpay_server.requests
    assert set(asked.extensions["timeout"].values()) == {7.5}


def test_a_server_error_is_custody_unavailable(btcpay_server, btcpay):
    btcpay_server.on("GET", WALLET, (503, payload("error_not_available.json")))
    with pytest.raises(CustodyUnavailable, match=r"503.*services are not currently available"):
        btcpay.balance(network_code="bitcoin", asset_symbol="BTC")


def test_a_server_that_does_not_answer_is_custody_unavailable(btcpay_server, btcpay):
    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out connecting", request=request)

    btcpay_server.on("GET", WALLET, unreachable)
    with pytest.raises(CustodyUnavailable, match="did not answer"):
        btcpay.balance(network_code="bitcoin", asset_symbol="BTC")


def test_a_key_without_the_permission_is_a_configuration_error(btcpay_server, btcpay):
    btcpay_server.on("GET", WALLET, (403, payload("error_missing_permission.json")))
    with pytest.raises(ImproperlyConfigured, match=r"btcpay\.store\.cancreatetransactions"):
        btcpay.balance(network_code="bitcoin", asset_symbol="BTC")


def test_a_signed_payment_webhook_hints_at_its_transaction(btcpay):
    body = (PAYLOADS / "webhook_received_payment.json").read_bytes()
    [hint] = btcpay.parse_webhook(headers=signed(body), body=body)
    assert hint.kind == HintKind.DEPOSIT
    assert (hint.network_code, hint.txid) == ("bitcoin", DEPOSIT_TX)
    assert hint.delivery_id == "Lq7bYwYbVQ3u8rMzzZ2nqx"
    assert hint.sent_at == datetime(2024, 6, 13, 17, 33, 32, tzinfo=UTC)


def test_a_redelivery_repeats_the_original_delivery_id_and_time(btcpay):
    first = (PAYLOADS / "webhook_received_payment.json").read_bytes()
    again = (PAYLOADS / "webhook_redelivery.json").read_bytes()
    [original] = btcpay.parse_webhook(headers=signed(first), body=first)
    [redelivered] = btcpay.parse_webhook(
        headers={"btcpay-sig": signed(again)["BTCPay-Sig"]}, body=again
    )
    assert json.loads(again)["deliveryId"] != json.loads(first)["deliveryId"]
    assert (redelivered.delivery_id, redelivered.sent_at) == (
        original.delivery_id,
        original.sent_at,
    )


def test_a_webhook_signed_with_another_secret_is_refused(btcpay):
    body = (PAYLOADS / "webhook_received_payment.json").read_bytes()
    with pytest.raises(WebhookRefused):
        btcpay.parse_webhook(headers=signed(body, secret="not ours"), body=body)


def test_a_tampered_webhook_body_is_refused(btcpay):
    body = (PAYLOADS / "webhook_received_payment.json").read_bytes()
    tampered = body.replace(b'"value": "0.01500000"', b'"value": "15.00000000"')
    assert tampered != body
    with pytest.raises(WebhookRefused):
        btcpay.parse_webhook(headers=signed(body), body=tampered)


@pytest.mark.parametrize("header", [{}, {"BTCPay-Sig": ""}, {"BTCPay-Sig": "sha256=ünïcode"}])
def test_a_webhook_without_a_readable_signature_is_refused(btcpay, header):
    body = (PAYLOADS / "webhook_received_payment.json").read_bytes()
    with pytest.raises(WebhookRefused):
        btcpay.parse_webhook(headers=header, body=body)


def test_a_signed_body_that_is_not_an_event_is_refused(btcpay):
    unreadable = json.dumps(dict(payload("webhook_received_payment.json"), timestamp=1e20))
    for body in (
        b"not json",
        b"[1, 2]",
        b'{"type": "InvoiceReceivedPayment"}',
        unreadable.encode(),
    ):
        with pytest.raises(WebhookRefused):
            btcpay.parse_webhook(headers=signed(body), body=body)


@pytest.mark.parametrize("name", ["webhook_lightning_payment.json", "webhook_invoice_settled.json"])
def test_events_with_no_transaction_of_ours_hint_at_nothing(btcpay, name):
    body = (PAYLOADS / name).read_bytes()
    assert btcpay.parse_webhook(headers=signed(body), body=body) == []


def test_another_stores_event_hints_at_nothing(btcpay):
    event = dict(payload("webhook_received_payment.json"), storeId="AnotherStore")
    body = json.dumps(event).encode()
    assert btcpay.parse_webhook(headers=signed(body), body=body) == []


def test_a_store_btcpay_does_not_know_is_a_configuration_error(btcpay_server, btcpay):
    unknown = {"code": "store-not-found", "message": "The store was not found"}
    btcpay_server.on("GET", WALLET, (404, unknown))
    with pytest.raises(ImproperlyConfigured, match="The store was not found"):
        btcpay.balance(network_code="bitcoin", asset_symbol="BTC")


def test_recent_incoming_lists_what_paid_the_wallet_not_what_left_it(btcpay_server, btcpay):
    btcpay_server.on("GET", f"{WALLET}/transactions", (200, payload("transactions_recent.json")))
    found = btcpay.recent_incoming(network_code="bitcoin", asset_symbol="BTC")
    assert found == [DEPOSIT_TX]
    [request] = btcpay_server.made("GET", f"{WALLET}/transactions")
    assert request.url.params["limit"] == "200"
