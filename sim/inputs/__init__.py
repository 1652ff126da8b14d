"""What a run is given, checked before any work: parameters, configs, scenarios and designs.

Hydra schemas (:mod:`~sim.inputs.schema`), our range checks (:mod:`~sim.inputs.validate`), the
one compose helper (:mod:`~sim.inputs.compose`), the declared behavioural parameters
(:mod:`~sim.inputs.params`), scenario folders (:mod:`~sim.inputs.scenario`), parameter designs
(:mod:`~sim.inputs.design`), the errors a user can cause (:mod:`~sim.inputs.errors`) and the
resolution of a config into the model's plain inputs (:mod:`~sim.inputs.resolve`).
"""
