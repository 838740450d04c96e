"""Merchant applications, review, tiers, collateral and merchant figures."""
