"""Public ids of records people see in URLs and on screens (orders, ads, disputes).

Random, never sequential: they reveal nothing about volume and cannot be guessed. The alphabet
leaves out letters and digits people confuse when they read an id aloud (0/O, 1/I)."""

from __future__ import annotations

import secrets

PUBLIC_ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def random_id(length: int, *, prefix: str = "") -> str:
    """`prefix` followed by `length` characters of the alphabet (32 ** length ids)."""
    return prefix + "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(length))
