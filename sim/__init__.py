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

from typing import TYPE_CHECKING, Any

#: Each public name and the module that defines it. The names load on first use (PEP 562), so
#: ``import sim`` (and every command that starts with it) costs nothing until a name is needed:
#: ``diplosim --help`` must not wait for Mesa, pandas and Hydra.
_EXPORTS = {
    "CrisisModel": "sim.core.model",
    "compose_config": "sim.inputs.compose",
    "ConfigError": "sim.inputs.errors",
    "DiplosimError": "sim.inputs.errors",
    "ScenarioError": "sim.inputs.errors",
    "build_inputs": "sim.inputs.resolve",
    "load_scenario": "sim.inputs.scenario",
    "collect": "sim.runs.collect",
    "EnsembleResult": "sim.runs.ensemble",
    "compare": "sim.runs.ensemble",
    "run_ensemble": "sim.runs.ensemble",
}

__all__ = ["CrisisModel", "ConfigError", "DiplosimError", "EnsembleResult", "ScenarioError", "build_inputs",
           "collect", "compare", "compose_config", "load_scenario", "run_ensemble"]

if TYPE_CHECKING:  # for type checkers and editors; at run time the names load lazily
    from sim.core.model import CrisisModel
    from sim.inputs.compose import compose_config
    from sim.inputs.errors import ConfigError, DiplosimError, ScenarioError
    from sim.inputs.resolve import build_inputs
    from sim.inputs.scenario import load_scenario
    from sim.runs.collect import collect
    from sim.runs.ensemble import EnsembleResult, compare, run_ensemble


def __getattr__(name: str) -> Any:
    """Import a public name's module the first time the name is used."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'sim' has no attribute '{name}'")
    import importlib

    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value  # later uses skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
