"""diplosim: an agent-based simulation of nuclear crisis diplomacy in South Asia.

The Python API, for notebooks::

    import sim
    cfg = sim.compose_config(["policy=hotline_off", "run.replicates=5000"])
    result = sim.run_ensemble(cfg)
    result.summary_frame()      # estimates with 95% intervals
    result.outcomes             # one row per replicate (pandas)
    sim.compare(result, sim.run_ensemble(sim.compose_config(["policy=baseline", "run.replicates=5000"])))
                                # paired differences on the same seeds, with paired and unpaired CIs

The package is built in wings whose imports run one way, from the ground floor up:
``vocab`` (the project's words) < ``inputs`` < ``core`` (the model) < ``stats`` < ``runs`` <
``views`` < ``drivers`` (see docs/architecture.md).
"""

from sim.core.model import CrisisModel
from sim.inputs.compose import compose_config
from sim.inputs.errors import ConfigError, DiplosimError, ScenarioError
from sim.inputs.resolve import build_inputs
from sim.inputs.scenario import load_scenario
from sim.runs.collect import collect
from sim.runs.ensemble import EnsembleResult, compare, run_ensemble

__all__ = ["CrisisModel", "ConfigError", "DiplosimError", "EnsembleResult", "ScenarioError", "build_inputs",
           "collect", "compare", "compose_config", "load_scenario", "run_ensemble"]
