"""diplosim: an agent-based simulation of nuclear crisis diplomacy in South Asia.

The Python API, for notebooks::

    import sim
    cfg = sim.compose_config(["policy=hotline_off", "run.replicates=5000"])
    result = sim.run_ensemble(cfg)
    result.summary_frame()      # estimates with 95% intervals
    result.outcomes             # one row per replicate (pandas)
    sim.compare(result, sim.run_ensemble(sim.compose_config(["policy=baseline", "run.replicates=5000"])))
                                # paired differences on the same seeds, with paired and unpaired CIs
"""

from .config import compose_config
from .collect import collect
from .ensemble import EnsembleResult, compare, run_ensemble
from .errors import ConfigError, DiplosimError, ScenarioError
from .model import CrisisModel, build_inputs
from .scenario import load_scenario

__all__ = ["CrisisModel", "ConfigError", "DiplosimError", "EnsembleResult", "ScenarioError", "build_inputs",
           "collect", "compare", "compose_config", "load_scenario", "run_ensemble"]
