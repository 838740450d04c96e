"""Staff screens of the ledger (`ledger`) and of the chain side: networks, deposit addresses,
deposits and the simulated chain's controls (`chain`); the price indexes (`prices`);
withdrawals, their review and thresholds (`withdrawals`); withdrawal locks (`locks`)."""

from . import chain, ledger, locks, prices, withdrawals  # noqa: F401  (registers the admins)
