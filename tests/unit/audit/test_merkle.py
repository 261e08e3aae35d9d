"""RFC 6962 tree: reference vectors, incremental roots, inclusion and consistency proofs (and their corruption)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit.merkle import (
    EMPTY_ROOT,
    Frontier,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_from_leaves,
    verify_consistency,
    verify_inclusion,
)

# certificate-transparency reference test vectors (merkle_tree_test.cc): leaf inputs and MTH of the first n.
CT_INPUTS = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
LEAVES = [leaf_hash(i.to_bytes(4, "big")) for i in range(1100)]


def test_empty_tree_is_the_hash_of_nothing() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert Frontier().root() == EMPTY_ROOT


@pytest.mark.parametrize("n", range(1, 9))
def test_roots_match_the_certificate_transparency_vectors(n: int) -> None:
    leaves = [leaf_hash(bytes.fromhex(x)) for x in CT_INPUTS[:n]]
    assert root_from_leaves(leaves).hex() == CT_ROOTS[n - 1]
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    assert frontier.root().hex() == CT_ROOTS[n - 1]


def test_incremental_frontier_matches_recursive_root_for_every_size_to_1025() -> None:
    frontier = Frontier()
    for n in range(1, 1026):
        frontier.append(LEAVES[n - 1])
        assert frontier.root() == root_from_leaves(LEAVES[:n]), n


def test_frontier_survives_serialisation() -> None:
    frontier = Frontier()
    for leaf in LEAVES[:77]:
        frontier.append(leaf)
    restored = Frontier.from_bytes(77, frontier.to_bytes())
    restored.append(LEAVES[77])
    assert restored.root() == root_from_leaves(LEAVES[:78])


def test_inclusion_proofs_verify_for_every_index_and_size_to_160() -> None:
    for size in range(1, 161):
        root = root_from_leaves(LEAVES[:size])
        for index in range(size):
            proof = inclusion_proof(LEAVES, index, size)
            assert verify_inclusion(LEAVES[index], index, size, proof, root), (index, size)


def test_consistency_proofs_verify_for_every_size_pair_to_130() -> None:
    roots = [root_from_leaves(LEAVES[:n]) for n in range(131)]
    for new in range(1, 131):
        for old in range(1, new + 1):
            proof = consistency_proof(LEAVES, old, new)
            assert verify_consistency(old, new, roots[old], roots[new], proof), (old, new)


def test_random_larger_sizes_verify() -> None:
    rng = random.Random(5)
    for _ in range(30):
        new = rng.randint(2, 1100)
        old, index = rng.randint(1, new), rng.randrange(new)
        root = root_from_leaves(LEAVES[:new])
        assert verify_inclusion(LEAVES[index], index, new, inclusion_proof(LEAVES, index, new), root)
        proof = consistency_proof(LEAVES, old, new)
        assert verify_consistency(old, new, root_from_leaves(LEAVES[:old]), root, proof)


def _flip(h: bytes, bit: int = 0) -> bytes:
    return bytes([h[0] ^ (1 << bit)]) + h[1:]


def _inclusion_corruptions(index: int, size: int, proof: list[bytes], root: bytes) -> list[tuple]:
    leaf = LEAVES[index]
    cases: list[tuple] = [
        (leaf, index + 1, size, proof, root),
        (leaf, index - 1, size, proof, root),
        (leaf, index ^ 2, size, proof, root),
        (leaf, index, size * 2, proof, root),
        (leaf, index, size // 2, proof, root),
        (_flip(leaf), index, size, proof, root),
        (leaf, index, size, proof, _flip(root)),
        (leaf, index, size, [*proof, LEAVES[0]], root),
        (leaf, index, size, [LEAVES[0], *proof], root),
        (leaf, index, size, [b"garbage"] * max(1, len(proof)), root),
    ]
    if proof:
        cases.append((leaf, index, size, proof[:-1], root))
        cases.append((leaf, index, size, proof[1:], root))
        for i in range(len(proof)):
            cases.append((leaf, index, size, [*proof[:i], _flip(proof[i], 3), *proof[i + 1 :]], root))
    return cases


@pytest.mark.parametrize(("index", "size"), [(0, 1), (0, 2), (1, 2), (2, 3), (4, 7), (5, 8), (13, 14), (63, 100)])
def test_every_corrupted_inclusion_proof_fails(index: int, size: int) -> None:
    proof = inclusion_proof(LEAVES, index, size)
    root = root_from_leaves(LEAVES[:size])
    for case in _inclusion_corruptions(index, size, proof, root):
        leaf, i, n, p, r = case
        assert not verify_inclusion(leaf, i, n, p, r), (i, n, len(p))


@pytest.mark.parametrize(("old", "new"), [(1, 2), (1, 8), (2, 5), (3, 7), (4, 8), (6, 8), (7, 13), (64, 100)])
def test_every_corrupted_consistency_proof_fails(old: int, new: int) -> None:
    proof = consistency_proof(LEAVES, old, new)
    r1, r2 = root_from_leaves(LEAVES[:old]), root_from_leaves(LEAVES[:new])
    cases = [
        (old, new, r2, r1, proof),  # swapped roots
        (old + 1, new, r1, r2, proof),
        (old - 1, new, r1, r2, proof),
        (old, new * 2, r1, r2, proof),
        (old, new, _flip(r1), r2, proof),
        (old, new, r1, _flip(r2), proof),
        (old, new, r1, r2, []),
        (old, new, r1, r2, proof[:-1]),
        (old, new, r1, r2, [*proof, LEAVES[0]]),
        (old, new, r1, r2, [LEAVES[0], *proof]),
        (old, new, r1, r2, [b"\x00" * 31] * len(proof)),
    ]
    cases += [(old, new, r1, r2, [*proof[:i], _flip(proof[i], 5), *proof[i + 1 :]]) for i in range(len(proof))]
    for o, n, a, b, p in cases:
        if o >= 1:
            assert not verify_consistency(o, n, a, b, p), (o, n, len(p))


@given(st.integers(1, 300), st.data())
def test_proofs_hold_for_arbitrary_sizes(size: int, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, size - 1))
    old = data.draw(st.integers(1, size))
    root = root_from_leaves(LEAVES[:size])
    assert verify_inclusion(LEAVES[index], index, size, inclusion_proof(LEAVES, index, size), root)
    assert verify_consistency(old, size, root_from_leaves(LEAVES[:old]), root, consistency_proof(LEAVES, old, size))
    assert not verify_inclusion(LEAVES[index], index, size, inclusion_proof(LEAVES, index, size), _flip(root))


@pytest.mark.slow
def test_every_inclusion_and_consistency_proof_to_size_257() -> None:
    roots = [root_from_leaves(LEAVES[:n]) for n in range(258)]
    for size in range(1, 258):
        for index in range(size):
            assert verify_inclusion(LEAVES[index], index, size, inclusion_proof(LEAVES, index, size), roots[size])
        for old in range(1, size + 1):
            assert verify_consistency(old, size, roots[old], roots[size], consistency_proof(LEAVES, old, size))


@pytest.mark.slow
def test_frontier_matches_recursive_root_at_random_sizes_to_a_million() -> None:
    rng = random.Random(11)
    sizes = sorted(rng.randint(1026, 1_000_000) for _ in range(3))
    leaves = [leaf_hash(i.to_bytes(4, "big")) for i in range(sizes[-1])]
    frontier = Frontier()
    for n, leaf in enumerate(leaves, start=1):
        frontier.append(leaf)
        if n in sizes:
            assert frontier.root() == root_from_leaves(leaves[:n]), n
