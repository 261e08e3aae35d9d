"""RFC 6962 / RFC 9162 Merkle tree: hashes, incremental frontier, inclusion and consistency proofs.

Proof generation works over the full list of leaf hashes (an auditor's offline tool); verification follows
RFC 9162 §2.1.3.2 and §2.1.4.2 step by step.
"""

from __future__ import annotations

from collections.abc import Sequence
from hashlib import sha256

EMPTY_ROOT = sha256(b"").digest()


def leaf_hash(entry: bytes) -> bytes:
    return sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """Largest power of two strictly smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_from_leaves(leaves: Sequence[bytes]) -> bytes:
    """MTH over leaf hashes, recursively as in the RFC (reference implementation)."""
    n = len(leaves)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaves[0]
    k = _split(n)
    return node_hash(root_from_leaves(leaves[:k]), root_from_leaves(leaves[k:]))


class Frontier:
    """Compact range of a growing tree: one hash per set bit of the size, largest subtree first."""

    __slots__ = ("_hashes", "size")

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if len(hashes) != size.bit_count():
            raise ValueError("frontier needs one hash per set bit of the size")
        self.size = size
        self._hashes = list(hashes)

    def append(self, leaf: bytes) -> None:
        hashes = self._hashes
        carry = leaf
        size = self.size
        while size & 1:  # merge equal-sized subtrees
            carry = node_hash(hashes.pop(), carry)
            size >>= 1
        hashes.append(carry)
        self.size += 1

    def root(self) -> bytes:
        if not self._hashes:
            return EMPTY_ROOT
        acc = self._hashes[-1]
        for h in reversed(self._hashes[:-1]):
            acc = node_hash(h, acc)
        return acc

    def hashes(self) -> tuple[bytes, ...]:
        return tuple(self._hashes)

    def to_bytes(self) -> bytes:
        return b"".join(self._hashes)

    @classmethod
    def from_bytes(cls, size: int, data: bytes) -> Frontier:
        return cls(size, [data[i : i + 32] for i in range(0, len(data), 32)])


def inclusion_proof(leaves: Sequence[bytes], index: int, size: int) -> list[bytes]:
    """PATH(m, D[0:n]) from RFC 6962 §2.1.1."""
    if not 0 <= index < size <= len(leaves):
        raise ValueError("need 0 <= index < size <= number of leaves")
    return _path(index, leaves[:size])


def _path(m: int, d: Sequence[bytes]) -> list[bytes]:
    n = len(d)
    if n == 1:
        return []
    k = _split(n)
    if m < k:
        return [*_path(m, d[:k]), root_from_leaves(d[k:])]
    return [*_path(m - k, d[k:]), root_from_leaves(d[:k])]


def consistency_proof(leaves: Sequence[bytes], old_size: int, new_size: int) -> list[bytes]:
    """PROOF(m, D[0:n]) from RFC 6962 §2.1.2."""
    if not 0 < old_size <= new_size <= len(leaves):
        raise ValueError("need 0 < old_size <= new_size <= number of leaves")
    if old_size == new_size:
        return []
    return _subproof(old_size, leaves[:new_size], True)


def _subproof(m: int, d: Sequence[bytes], complete: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if complete else [root_from_leaves(d)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, d[:k], complete), root_from_leaves(d[k:])]
    return [*_subproof(m - k, d[k:], False), root_from_leaves(d[:k])]


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if index >= size or index < 0:
        return False
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        if len(p) != 32 or sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2."""
    if old_size < 0 or new_size < old_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof  # the empty tree is consistent with everything (no proof needed)
    path = list(proof)
    if not path or any(len(p) != 32 for p in path):
        return False
    if old_size & (old_size - 1) == 0:  # exact power of two: prepend the old root
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0
