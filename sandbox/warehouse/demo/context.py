"""Build context: the seed, the scale, and one independent random stream per table."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from sandbox.warehouse.demo.scales import Scale


def stream_key(name: str) -> int:
    """A stable 64-bit integer for a stream name (Python's ``hash`` is salted per process)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big")


@dataclass(frozen=True)
class BuildContext:
    seed: int
    scale: Scale

    def rng(self, stream: str) -> np.random.Generator:
        """The random stream for ``stream`` (a table or a shared entity such as "population").

        Streams depend only on (seed, name), so adding a table does not change the others.
        """
        return np.random.default_rng(np.random.SeedSequence([self.seed, stream_key(stream)]))
