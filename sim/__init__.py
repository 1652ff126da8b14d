"""diplosim: an agent-based simulation of nuclear crisis diplomacy in South Asia.

The Python API, for notebooks::

    import sim
    cfg = sim.compose_config(["policy=hotline_off", "run.replicates=5000"])
    result = sim.run_ensemble(cfg)
    result.summary_frame()      # estimates with 95% intervals
    result.outcomes             # one row per replicate (pandas)
"""

from .config import compose_config
from .ensemble import EnsembleResult, run_ensemble
from .errors import ConfigError, DiplosimError, ScenarioError
from .model import CrisisModel, build_inputs
from .scenario import load_scenario

__all__ = ["CrisisModel", "ConfigError", "DiplosimError", "EnsembleResult", "ScenarioError", "build_inputs",
           "compose_config", "load_scenario", "run_ensemble"]
