"""Wallet pages, one module per feature; escrow/urls.py collects them."""
