"""Model inputs from preset names: the keyword path of ``CrisisModel`` (and ``mesa.batch_run``).

``CrisisModel(scenario=..., policy=..., overrides=...)`` and ``CrisisModel.from_presets`` name
presets rather than pass resolved :class:`~sim.inputs.resolve.Inputs`: this module composes the
config with Hydra and resolves it, once per process for each distinct set of overrides, so
that ``batch_run``'s hundreds of models share one composition. It is the only way the model
wing reaches Hydra, and the model itself receives only the resolved, plain inputs.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

from sim.inputs.compose import compose_config
from sim.inputs.resolve import Inputs, build_inputs


@lru_cache(maxsize=64)
def inputs_for(overrides: tuple[str, ...]) -> Inputs:
    """The inputs of the config composed from Hydra ``overrides`` (cached per process).

    Raises:
        ConfigError: a bad override (one line naming the key).
    """
    return build_inputs(compose_config(list(overrides)))


def preset_inputs(scenario: str = "pahalgam_2025", policy: str = "baseline", overrides: Sequence[str] = ()) -> Inputs:
    """The inputs of a scenario preset under a policy preset, with further Hydra ``overrides``."""
    return inputs_for((f"scenario={scenario}", f"policy={policy}", *overrides))
