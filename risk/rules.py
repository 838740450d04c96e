"""The decision ladder every risk rule answers on (the rules themselves are in `risk.engine`).
The person is told their action is being reviewed or refused, never which rule or threshold
decided it."""

from __future__ import annotations

from enum import IntEnum


class Outcome(IntEnum):
    """The decision ladder, mildest first: the worst outcome of all rules wins."""

    ALLOW = 0
    REVIEW = 1  # recorded for staff; the action goes on
    HOLD = 2  # the action waits for a reviewer
    BLOCK = 3  # refused
