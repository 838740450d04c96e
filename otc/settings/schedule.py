"""Celery beat's schedule: every periodic job of the platform and how often it runs. Each task is
thin; the work and its idempotence live in the owning app's services."""

from __future__ import annotations

from .environment import env

BEAT_HEARTBEAT_SECONDS = float(env("BEAT_HEARTBEAT_SECONDS", "15"))
CELERY_BEAT_SCHEDULE = {
    "beat-heartbeat": {"task": "otc.tasks.beat_heartbeat", "schedule": BEAT_HEARTBEAT_SECONDS},
    "escrow-refresh-price-indexes": {
        "task": "escrow.tasks.refresh_price_indexes",
        "schedule": 60.0,
    },
    "merchants-refresh-open-now": {"task": "merchants.tasks.refresh_open_now", "schedule": 60.0},
    # payment accounts and browsers shared across users, hourly
    "risk-scan-shared-identities": {
        "task": "risk.tasks.scan_shared_identities",
        "schedule": 3600.0,
    },
    "merchants-complete-resignations": {
        "task": "orders.tasks.complete_resignations",
        "schedule": 3600.0,
    },
    "orders-sweep-expired": {
        "task": "orders.tasks.sweep_expired_orders",
        "schedule": float(env("ORDER_SWEEP_SECONDS", "30")),
    },
    "orders-reminders": {"task": "orders.tasks.send_order_reminders", "schedule": 30.0},
    "escrow-sweep-deposits": {"task": "escrow.tasks.sweep_deposits", "schedule": 60.0},
    "escrow-sweep-withdrawals": {"task": "escrow.tasks.sweep_withdrawals", "schedule": 30.0},
    "escrow-reconcile-wallets": {"task": "escrow.tasks.reconcile_wallets", "schedule": 86400.0},
    "escrow-simulated-block": {
        "task": "escrow.tasks.simulated_chain_block",
        "schedule": float(env("SIMULATED_BLOCK_SECONDS", "10")),
    },
    "operations-announcements-notify": {
        "task": "operations.tasks.announcements_notify_due",
        "schedule": 60.0,
    },
    "operations-analytics-rollup": {
        "task": "operations.tasks.analytics_rollup_recent",
        "schedule": 3600.0,
    },
    "operations-analytics-rollup-month": {
        "task": "operations.tasks.analytics_rollup_month",
        "schedule": 86400.0,
    },
    "riskadmin-scan-velocity": {"task": "riskadmin.tasks.scan_velocity", "schedule": 3600.0},
    "riskadmin-scan-dispute-rate": {
        "task": "riskadmin.tasks.scan_dispute_rate",
        "schedule": 86400.0,
    },
    "riskadmin-score-merchants": {"task": "riskadmin.tasks.score_merchants", "schedule": 86400.0},
}
