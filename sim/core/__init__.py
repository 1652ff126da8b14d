"""The model: :class:`~sim.core.model.CrisisModel`, a Mesa model over R replicates in lock-step.

Its agents (:mod:`~sim.core.agents`), its state (:mod:`~sim.core.state`), the vectorised helpers
of the day (:mod:`~sim.core.ops`) and its random streams (:mod:`~sim.core.rng`). The core reads
resolved inputs only; it composes no config.
"""
