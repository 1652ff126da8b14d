"""Config keys by what they decide: the keys that pair two runs, and those that only say how to compute.

Two runs are *paired* (common random numbers: replicate i of one faces the same random numbers
as replicate i of the other) when they agree on every key of :data:`PAIRING_KEYS`. Keys of
:data:`EXECUTION_KEYS` decide where and how a run is computed, never its numbers; keys of
:data:`PLACEMENT_KEYS` only where its files go and what it shows while running. Neither counts as
a difference between two runs, and neither can be swept.
"""

from __future__ import annotations

#: Settings that decide where and how a run is computed, never what it computes.
EXECUTION_KEYS = ("run.executor", "run.workers", "run.retries", "run.dask", "cluster")
#: Settings that decide where a run's files go and what it prints, never its numbers.
PLACEMENT_KEYS = ("run.name", "run.output_dir", "run.work_dir", "run.progress")
#: Keys that never count as a difference between runs (collect) and cannot be swept.
NOT_COMPARED = (*PLACEMENT_KEYS, *EXECUTION_KEYS)
#: Two runs are paired only if these agree: the same seed, replicates, blocks and design give
#: each replicate the same random numbers in both.
PAIRING_KEYS = ("run.seed", "run.replicates", "run.block_size", "run.design")
