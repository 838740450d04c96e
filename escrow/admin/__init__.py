"""Staff screens of the ledger (`ledger`) and of the chain side: networks, deposit addresses,
deposits and the simulated chain's controls (`chain`); withdrawal locks (`locks`)."""

from . import chain, ledger, locks  # noqa: F401  (registers the admins)
