"""Staff screens of the ledger (`ledger`) and of the chain side: networks, deposit addresses,
deposits and the simulated chain's controls (`chain`); withdrawals, their review and
thresholds (`withdrawals`)."""

from . import chain, ledger, withdrawals  # noqa: F401  (registers the admins)
