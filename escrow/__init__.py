"""Assets, the double-entry ledger, escrow holds and fund statements."""
