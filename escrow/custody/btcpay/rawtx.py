"""The id of a signed bitcoin transaction, read from its serialization.

A send records its signed transaction and that transaction's id before broadcasting it, so the
id has to come from the bytes themselves: the double SHA-256 of the transaction without its
witness data (BIP 141), written in reverse byte order as block explorers show it. The witness
form (BIP 144) puts a marker 0x00 and a flag after the version and the witnesses before the
lock time; both are left out of the id."""

from __future__ import annotations

import hashlib


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def take(self, count: int) -> bytes:
        if count < 0 or self.at + count > len(self.data):
            raise ValueError("the transaction ends early")
        chunk = self.data[self.at : self.at + count]
        self.at += count
        return chunk

    def number(self) -> int:
        """A CompactSize integer: one byte, or 0xfd/0xfe/0xff and then 2, 4 or 8 bytes."""
        first = self.take(1)[0]
        width = {0xFD: 2, 0xFE: 4, 0xFF: 8}.get(first)
        return first if width is None else int.from_bytes(self.take(width), "little")

    def item(self) -> None:
        self.take(self.number())


def txid_of(signed_hex: str) -> str:
    """The transaction id of a serialized transaction; ValueError when it is not one."""
    data = bytes.fromhex(signed_hex.strip())
    reader = _Reader(data)
    version = reader.take(4)
    # a transaction has at least one input, so a zero where the input count goes is the marker
    witnessed = data[4:5] == b"\x00"
    if witnessed and reader.take(2)[1] == 0:
        raise ValueError("a witness marker without a flag")
    body_starts = reader.at
    inputs = reader.number()
    for _ in range(inputs):
        reader.take(36)  # the output it spends: txid and index
        reader.item()  # its script
        reader.take(4)  # sequence
    for _ in range(reader.number()):
        reader.take(8)  # value in satoshis
        reader.item()  # the script it pays to
    body = data[body_starts : reader.at]
    if witnessed:
        for _ in range(inputs):
            for _ in range(reader.number()):
                reader.item()
    lock_time = reader.take(4)
    if inputs == 0 or reader.at != len(data):
        raise ValueError("not a whole transaction")
    digest = hashlib.sha256(hashlib.sha256(version + body + lock_time).digest()).digest()
    return digest[::-1].hex()
