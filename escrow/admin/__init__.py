"""Staff screens of the ledger (`ledger`) and of the chain side: networks, deposit addresses,
deposits and the simulated chain's controls (`chain`); the price indexes (`prices`)."""

from . import chain, ledger, prices  # noqa: F401  (registers the admins)
