"""The model: :class:`~sim.core.model.CrisisModel`, a Mesa model over R replicates in lock-step.

Its agents (:mod:`~sim.core.agents`), its state declared once (:mod:`~sim.core.state`), its
constants and initial state set from the inputs (:mod:`~sim.core.setup`), its outcome columns
(:mod:`~sim.core.columns`), the vectorised helpers of the day (:mod:`~sim.core.ops`) and its
random streams (:mod:`~sim.core.rng`). The core reads
resolved, plain inputs only; it composes no config and holds no Hydra object.
"""
