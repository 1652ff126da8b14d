"""Random streams: one seed, one SeedSequence per block of replicates, one Generator per process.

Each stochastic process of the day has its own stream and draws a fixed-shape array every day,
whatever the policy or state, so two policies run on the same seed face the same attacks,
incidents and chance events (common random numbers). Streams are keyed by (block, process), so
a block's numbers do not depend on how many workers run it or in what order.
"""

from __future__ import annotations

import numpy as np

#: The stochastic processes, in a fixed order. Append new ones at the end: the position of a
#: stream is part of its seed, so reordering would change every result.
STREAMS: tuple[str, ...] = ("attacks", "loc", "perception", "attention", "third_party", "decision", "ceasefire")


def block_streams(seed: int, block: int) -> dict[str, np.random.Generator]:
    """The generators of one block of replicates.

    Args:
        seed: The run's seed (a non-negative integer).
        block: The block's index (replicates ``block * block_size`` onwards).

    Returns:
        A Generator per process name in :data:`STREAMS`.
    """
    return {name: np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block, k))))
            for k, name in enumerate(STREAMS)}


def poisson_inverse(u: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Poisson counts from uniforms by inverting the CDF: one uniform per count, whatever λ.

    numpy's own Poisson sampler consumes a number of draws that depends on λ, which would let a
    policy that changes λ shift the stream; inversion keeps the draw count fixed.

    Args:
        u: Uniforms in [0, 1).
        lam: Non-negative rates, broadcastable to ``u``.
    """
    lam = np.broadcast_to(np.asarray(lam, dtype=float), u.shape)
    top = float(lam.max()) if lam.size else 0.0
    kmax = int(top + 12.0 * np.sqrt(top) + 12.0)
    values, which = np.unique(lam.reshape(-1), return_inverse=True)
    if values.size <= _FEW_RATES:
        # A day's rates take a handful of values: tabulate the CDF once per value, with the same
        # floating-point steps as below, and count the CDF points at or under each uniform.
        count = np.empty(u.shape, dtype=np.int64)
        flat_u, flat_count, which = u.reshape(-1), count.reshape(-1), which.reshape(-1)
        for i, (rate, first) in enumerate(zip(values.tolist(), np.exp(-values).tolist())):
            pk = cdf = first
            cdfs = [cdf]
            for k in range(1, kmax):
                pk = pk * rate / k
                cdf = cdf + pk
                cdfs.append(cdf)
            mine = which == i
            flat_count[mine] = np.searchsorted(np.asarray(cdfs), flat_u[mine], side="right")
        return count
    pk = np.exp(-lam)
    cdf = pk.copy()
    count = np.zeros(u.shape, dtype=np.int64)
    for k in range(1, kmax + 1):
        below = u >= cdf
        if not below.any():
            break
        count += below
        pk = pk * lam / k
        cdf = cdf + pk
    return count


#: Up to this many distinct rates, :func:`poisson_inverse` tabulates the CDF per rate.
_FEW_RATES = 16

