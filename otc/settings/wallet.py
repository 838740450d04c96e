"""The wallet's settings: the custody provider and its webhooks, and what withdrawals wait for
and are limited by. Values come from the environment (see .env.example)."""

from __future__ import annotations

from .environment import env

# The custody provider behind deposit addresses: "simulated" is the local chain, "btcpay" a
# BTCPay Server store's on-chain wallet (Greenfield API), reached with the four BTCPAY_ values.
CUSTODY_PROVIDER = env("CUSTODY_PROVIDER", "simulated")
# The secret the provider signs its webhooks with; production refuses to start without one.
CUSTODY_WEBHOOK_SECRET = env("CUSTODY_WEBHOOK_SECRET", "dev-only-webhook-secret")
# A webhook signed longer ago than this (or this far ahead) is refused: a replay window.
CUSTODY_WEBHOOK_MAX_AGE_SECONDS = int(env("CUSTODY_WEBHOOK_MAX_AGE_SECONDS", "300"))
BTCPAY_URL = env("BTCPAY_URL")
BTCPAY_STORE_ID = env("BTCPAY_STORE_ID")
BTCPAY_API_KEY = env("BTCPAY_API_KEY")
BTCPAY_WEBHOOK_SECRET = env("BTCPAY_WEBHOOK_SECRET")
BTCPAY_TIMEOUT_SECONDS = float(env("BTCPAY_TIMEOUT_SECONDS", "20"))
# Hours before a new address-book entry may receive a withdrawal.
WITHDRAWAL_ADDRESS_COOLING_HOURS = int(env("WITHDRAWAL_ADDRESS_COOLING_HOURS", "24"))
# Withdrawal limits per verification level are valued in this fiat, through the price indexes.
WITHDRAWAL_REFERENCE_FIAT = env("WITHDRAWAL_REFERENCE_FIAT", "USD")
# A withdrawal from an account younger than this, or within these hours of a security change
# (password, email, 2FA, fund password), waits for a reviewer whatever its size.
WITHDRAWAL_YOUNG_ACCOUNT_DAYS = int(env("WITHDRAWAL_YOUNG_ACCOUNT_DAYS", "7"))
WITHDRAWAL_SECURITY_CHANGE_HOURS = int(env("WITHDRAWAL_SECURITY_CHANGE_HOURS", "72"))
# Days crypto bought in a P2P order cannot be withdrawn (T+N), for risk levels staff have not
# given a policy of their own in the admin; 0: no lock.
WITHDRAWAL_LOCK_DAYS = int(env("WITHDRAWAL_LOCK_DAYS", "1"))
