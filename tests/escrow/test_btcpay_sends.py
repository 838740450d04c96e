"""Sends through BTCPay Server: signed, recorded, then broadcast, so that one idempotency key
pays once however often it is retried; what a refusal and a failing server each leave behind;
and the transaction ids the records rest on."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import transaction

from escrow.custody import CustodyUnavailable, SendState
from escrow.custody.btcpay import BTCPayGreenfield
from escrow.custody.btcpay.rawtx import txid_of
from escrow.models import BTCPaySend, Network
from otc.demo import BITCOIN
from tests.concurrency import race
from tests.escrow.btcpay_fake import (
    WALLET,
    FakeBTCPay,
    configure,
    lost_answer,
    payload,
)
from tests.factories import make_asset

pytestmark = pytest.mark.django_db

SIGNED = payload("transaction_signed.json")
TXID = payload("transaction_broadcast.json")["transactionHash"]
DESTINATION = "bc1qkhr4t24tzqut84tz0w770aru4qx97hqyg86mr8"
KEY = "withdrawal:42"
SEND = {
    "network_code": "bitcoin",
    "asset_symbol": "BTC",
    "address": DESTINATION,
    "memo": "",
    "amount": Decimal("0.05"),
    "idempotency_key": KEY,
}
SEARCH = f"{WALLET}/transactions"
CREATE = f"{WALLET}/transactions"
BROADCAST = f"{WALLET}/transactions/broadcast"
ONE = f"{WALLET}/transactions/{TXID}"
NOT_FOUND = (404, payload("error_transaction_not_found.json"))


@pytest.fixture
def btcpay_server(settings) -> FakeBTCPay:
    configure(settings)
    server = FakeBTCPay()
    server.on("GET", SEARCH, (200, []))
    server.on("POST", CREATE, (200, SIGNED))
    server.on("POST", BROADCAST, (200, payload("transaction_broadcast.json")))
    server.on("PATCH", ONE, (200, payload("transaction_labelled.json")))
    server.on("GET", ONE, (200, payload("transaction_labelled.json")))
    return server


@pytest.fixture
def btcpay(btcpay_server) -> BTCPayGreenfield:
    return BTCPayGreenfield(transport=btcpay_server.transport)


def broadcasts(server: FakeBTCPay) -> list[str]:
    return [json.loads(r.content)["transaction"] for r in server.made("POST", BROADCAST)]


def test_the_signed_transaction_id_is_read_from_its_bytes():
    assert txid_of(SIGNED) == TXID
    genesis_coinbase = (
        "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04"
        "ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e20"
        "6272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01"
        "000000434104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4c"
        "ef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000"
    )
    assert txid_of(genesis_coinbase) == (
        "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"
    )
    # the same transaction with a witness for its input keeps its id: witnesses are not in it
    witnessed = genesis_coinbase[:8] + "0001" + genesis_coinbase[8:-8] + "0102abcd" + "00000000"
    assert txid_of(witnessed) == txid_of(genesis_coinbase)


@pytest.mark.parametrize("broken", ["", "zz", SIGNED[:-2], SIGNED + "00", "0200000000000000"])
def test_what_is_not_a_whole_transaction_has_no_id(broken):
    with pytest.raises(ValueError):  # noqa: PT011 - every malformed input says ValueError
        txid_of(broken)


def test_a_send_is_signed_then_broadcast_then_labelled(btcpay_server, btcpay):
    status = btcpay.send(**SEND)
    assert btcpay_server.calls() == [
        f"GET {SEARCH}",
        f"POST {CREATE}",
        f"POST {BROADCAST}",
        f"PATCH {ONE}",
    ]
    search, create, broadcast, label = btcpay_server.requests
    assert search.url.params["labelFilter"] == KEY
    assert json.loads(create.content) == {
        "destinations": [{"destination": DESTINATION, "amount": "0.05"}],
        "proceedWithBroadcast": False,
        "proceedWithPayjoin": False,
        "rbf": False,
        "excludeUnconfirmed": True,
    }
    assert json.loads(broadcast.content) == {"transaction": SIGNED}
    assert json.loads(label.content) == {"labels": [KEY]}
    assert all(r.headers["Authorization"].startswith("token ") for r in btcpay_server.requests)
    assert (status.state, status.txid, status.provider_ref) == (SendState.PROCESSING, TXID, TXID)
    record = BTCPaySend.objects.get(idempotency_key=KEY)
    assert (record.state, record.txid, record.signed_transaction) == ("broadcast", TXID, SIGNED)


def test_a_send_retried_after_its_broadcast_answer_was_lost_pays_once(btcpay_server, btcpay):
    btcpay_server.on("POST", BROADCAST, lost_answer, (200, payload("transaction_broadcast.json")))
    with pytest.raises(CustodyUnavailable):
        btcpay.send(**SEND)
    status = btcpay.send(**SEND)
    assert status.txid == TXID
    assert len(btcpay_server.made("POST", CREATE)) == 1
    assert broadcasts(btcpay_server) == [SIGNED, SIGNED]  # one transaction, offered twice


def test_a_send_whose_signing_timed_out_signs_again_and_pays_once(btcpay_server, btcpay):
    btcpay_server.on("POST", CREATE, lost_answer, (200, SIGNED))
    with pytest.raises(CustodyUnavailable):
        btcpay.send(**SEND)
    assert BTCPaySend.objects.get().state == "claimed"  # nothing signed, nothing out
    btcpay.send(**SEND)
    assert broadcasts(btcpay_server) == [SIGNED]


def test_a_send_asked_again_after_it_went_out_only_reads_its_status(btcpay_server, btcpay):
    btcpay.send(**SEND)
    before = len(btcpay_server.requests)
    again = btcpay.send(**SEND)
    assert btcpay_server.calls()[before:] == [f"GET {ONE}"]
    assert again.txid == TXID


def test_a_send_whose_record_was_lost_is_found_by_its_label(btcpay_server, btcpay):
    btcpay_server.on("GET", SEARCH, (200, payload("transactions_labelled.json")))
    status = btcpay.send(**SEND)
    assert btcpay_server.made("POST", CREATE) == []
    assert broadcasts(btcpay_server) == []
    assert status.txid == TXID
    assert BTCPaySend.objects.get(idempotency_key=KEY).state == "broadcast"


def test_a_refused_send_fails_with_btcpays_reason_and_stays_failed(btcpay_server, btcpay):
    btcpay_server.on("POST", CREATE, (422, payload("error_not_enough_funds.json")))
    refused = btcpay.send(**SEND)
    assert refused.state == SendState.FAILED
    assert refused.detail == "Destinations: You are attempting to send more than is available"
    before = len(btcpay_server.requests)
    assert btcpay.send(**SEND) == refused
    assert btcpay.send_status(provider_ref=refused.provider_ref) == refused
    assert len(btcpay_server.requests) == before
    assert broadcasts(btcpay_server) == []


def test_a_broadcast_refused_for_a_transaction_already_out_is_no_failure(btcpay_server, btcpay):
    btcpay_server.on("POST", BROADCAST, (400, payload("error_broadcast.json")))
    status = btcpay.send(**SEND)
    assert status.state == SendState.PROCESSING
    assert BTCPaySend.objects.get().state == "broadcast"


def test_a_broadcast_the_node_rejects_fails_the_send(btcpay_server, btcpay):
    btcpay_server.on("POST", BROADCAST, (400, payload("error_broadcast.json")))
    btcpay_server.on("GET", ONE, NOT_FOUND)
    status = btcpay.send(**SEND)
    assert (status.state, status.detail) == (SendState.FAILED, "bad-txns-inputs-missingorspent")
    assert btcpay_server.made("PATCH", ONE) == []


def test_a_failing_server_leaves_the_send_to_be_retried(btcpay_server, btcpay):
    btcpay_server.on("POST", BROADCAST, (502, "<html>Bad Gateway</html>"))
    with pytest.raises(CustodyUnavailable, match="502"):
        btcpay.send(**SEND)
    assert BTCPaySend.objects.get().state == "signed"


def test_one_key_never_names_two_sends(btcpay_server, btcpay):
    btcpay.send(**SEND)
    with pytest.raises(ValueError, match="already names another send"):
        btcpay.send(**{**SEND, "amount": Decimal("0.5")})
    assert len(broadcasts(btcpay_server)) == 1


@pytest.mark.parametrize(
    "change", [{"memo": "123"}, {"amount": Decimal("0.000000001")}, {"amount": Decimal(0)}]
)
def test_what_bitcoin_cannot_carry_is_refused_before_asking(btcpay_server, btcpay, change):
    with pytest.raises(ValueError):  # noqa: PT011 - the message names the memo or the amount
        btcpay.send(**{**SEND, **change})
    assert btcpay_server.requests == []
    assert not BTCPaySend.objects.exists()


@pytest.mark.parametrize(
    ("confirmations", "state"),
    [(0, SendState.PROCESSING), (1, SendState.CONFIRMING), (3, SendState.DONE)],
)
def test_a_sends_status_follows_its_confirmations(btcpay_server, btcpay, confirmations, state):
    Network.objects.create(
        asset=make_asset(symbol="BTC", precision=8),
        code="bitcoin",
        name="Bitcoin",
        confirmations=3,
        address_pattern=BITCOIN,
    )
    btcpay.send(**SEND)
    seen = dict(payload("transaction_confirmed.json"), confirmations=confirmations)
    btcpay_server.on("GET", ONE, (200, seen))
    status = btcpay.send_status(provider_ref=TXID)
    assert (status.state, status.confirmations, status.txid) == (state, confirmations, TXID)


def test_a_send_the_wallet_no_longer_sees_stays_open_for_staff(btcpay_server, btcpay):
    btcpay.send(**SEND)
    btcpay_server.on("GET", ONE, NOT_FOUND)
    status = btcpay.send_status(provider_ref=TXID)
    assert (status.state, status.detail) == (SendState.PROCESSING, "not in the wallet")


@pytest.mark.django_db(transaction=True)
def test_a_send_refuses_to_run_inside_a_database_transaction(btcpay_server, btcpay):
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic(durable=True):
        btcpay.send(**SEND)
    assert btcpay_server.requests == []
    assert not BTCPaySend.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_under_one_key_broadcast_one_transaction(btcpay_server, btcpay):
    # BTCPay may pick other coins each time it signs: a second, different transaction
    other = SIGNED[:-8] + "01000000"  # the same payment with another lock time
    other_seen = dict(payload("transaction_broadcast.json"), transactionHash=txid_of(other))
    btcpay_server.on("POST", CREATE, (200, SIGNED), (200, other))
    btcpay_server.on("PATCH", f"{WALLET}/transactions/{txid_of(other)}", (200, other_seen))
    btcpay_server.on("GET", f"{WALLET}/transactions/{txid_of(other)}", (200, other_seen))
    results = race([lambda: btcpay.send(**SEND)] * 2)
    record = BTCPaySend.objects.get()
    assert [r.txid for r in results] == [record.txid] * 2
    assert set(broadcasts(btcpay_server)) == {record.signed_transaction}
