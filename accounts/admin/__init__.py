"""Staff screens for accounts, one module per feature."""

from . import appeals, fund_password, kyc, payment_methods, security, users  # noqa: F401
