"""Every write about accounts, one module per feature."""
