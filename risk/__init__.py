"""Risk checks that run inside the transactions of the apps above: who is paused from what,
the limits an order must stay within, the rules that send an order to staff review, and how
long crypto a person buys stays locked against withdrawal (their risk level's T+N days).

`risk` decides, the owning app acts: a check refuses with a message or returns an outcome, and
the order (or, later, withdrawal) service applies it in its own transaction. A rule reads only
what its caller passes and what lies below (accounts, core); scans that need the history of
higher apps run from `riskadmin`, the staff console on top."""
