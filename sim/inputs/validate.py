"""The range checks Hydra cannot make, run on every composed config.

:func:`validate` refuses keys a schema lacks (Hydra lets ``+key=value`` add them), values out of
range, choices that do not exist and contradictory executor settings, each as one
:class:`~sim.inputs.errors.ConfigError` line naming the key and what would be valid.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any

from omegaconf import DictConfig, OmegaConf

from sim.inputs.errors import ConfigError
from sim.inputs.extras import require
from sim.inputs.params import ModelParams
from sim.inputs.schema import CLUSTERS, EXECUTORS, HORIZONS, PARAMETER_MODES, Config, ThirdPartyOverride

# Range checks Hydra cannot make: key -> (lo, hi, what a valid value is).
_RANGES: dict[str, tuple[float, float, str]] = {
    "run.replicates": (1, 10**9, "a positive whole number"),
    "run.days": (1, 365 * 200, "a positive number of days"),
    "run.workers": (1, 1024, "a positive whole number"),
    "run.block_size": (1, 10**7, "a positive whole number"),
    "run.seed": (0, 2**63 - 1, "a non-negative whole number"),
    "run.retries": (0, 100, "a whole number from 0 to 100"),
    "run.posterior_draws": (2, 10**7, "a whole number of posterior draws, at least 2"),
    "run.dask.connect_timeout": (1, 86400, "a positive number of seconds"),
    "cluster.jobs": (1, 10**4, "a positive whole number"),
    "cluster.cores": (1, 10**4, "a positive whole number"),
    "cluster.processes": (1, 10**4, "a positive whole number"),
    "policy.hotline_reliability": (0.0, 1.0, "a probability in [0, 1]"),
    "policy.trade_ties": (0.0, 10.0, "a multiplier in [0, 10]"),
}


_CHOICES: dict[str, tuple[str, ...]] = {
    "run.executor": EXECUTORS,
    "run.horizon": HORIZONS,
    "run.parameters": PARAMETER_MODES,
    "cluster.kind": CLUSTERS,
    "policy.indus_waters_treaty": ("in_force", "abeyance", None),
}


_TP_RANGES: dict[str, tuple[float, float, str]] = {
    "from_day": (0, 365 * 200, "a non-negative day"),
    "public_mediation_from_day": (0, 365 * 200, "a non-negative day"),
    "intensity": (0.0, 100.0, "a multiplier in [0, 100]"),
    "pressure_from_rung": (0, 5, "a rung from 0 to 5"),
    "backing": (0.0, 100.0, "a propensity in [0, 100]"),
}


def _check_range(key: str, value: Any, lo: float, hi: float, valid: str) -> None:
    if value is None or not (lo <= value <= hi):
        raise ConfigError(f"{key}={value} is out of range: must be {valid}")


def _check_known_keys(node: Any, schema: Any, path: str) -> None:
    """Refuse keys the schema lacks (Hydra lets ``+key=value`` add them silently)."""
    if not is_dataclass(schema):
        return
    known = {f.name: f for f in fields(schema)}
    for key in node:
        where = f"{path}.{key}" if path else str(key)
        if key not in known:
            raise ConfigError(f"{where}: unknown key (valid keys: {', '.join(known)})")
        sub = node[key]
        if isinstance(sub, DictConfig):
            default = known[key].default_factory() if callable(known[key].default_factory) else None
            if is_dataclass(default):
                _check_known_keys(sub, type(default), where)
            elif key == "third_parties":
                for actor, override in sub.items():
                    _check_known_keys(override, ThirdPartyOverride, f"{where}.{actor}")


def validate(cfg: DictConfig) -> None:
    """Check keys, ranges and choices of a composed config; raise ConfigError naming the key."""
    _check_known_keys(cfg, Config, "")
    for key, (lo, hi, valid) in _RANGES.items():
        _check_range(key, OmegaConf.select(cfg, key), lo, hi, valid)
    for key, choices in _CHOICES.items():
        value = OmegaConf.select(cfg, key)
        if value not in choices:
            names = ", ".join("null (as in the scenario)" if c is None else c for c in choices)
            raise ConfigError(f"{key}={value} is not valid: choose one of {names}")
    run_name = cfg.run.name
    if run_name and (run_name.startswith(".") or "/" in run_name or "\\" in run_name):
        raise ConfigError(f"run.name={run_name} is not valid: must be a plain folder name "
                          f"(no '/' or '\\', not starting with '.')")
    if cfg.run.executor == "serial" and cfg.run.workers != 1:
        raise ConfigError(f"run.workers={cfg.run.workers} needs run.executor=processes or dask "
                          f"(serial runs use 1 worker)")
    _validate_distributed(cfg)
    for name, spec in ((f.name, f.metadata) for f in fields(ModelParams)):
        lo, hi = spec["range"]
        _check_range(f"params.{name}", cfg.params[name], lo, hi, f"a number in [{lo}, {hi}] ({spec['unit']})")
    tps = {"third_party_default": cfg.policy.third_party_default}
    tps.update({f"third_parties.{k}": v for k, v in cfg.policy.third_parties.items()})
    for where, tp in tps.items():
        for key, (lo, hi, valid) in _TP_RANGES.items():
            if tp[key] is not None:
                _check_range(f"policy.{where}.{key}", tp[key], lo, hi, valid)


def _validate_distributed(cfg: DictConfig) -> None:
    """Checks of the dask settings that a schema cannot express."""
    run, cluster = cfg.run, cfg.cluster
    address = str(run.dask.address)
    if address and "://" not in address:
        raise ConfigError(f"run.dask.address={address} is not valid: write the scheduler's address as "
                          f"tcp://HOST:PORT (or tls://, ucx://)")
    if cluster.processes > cluster.cores:
        raise ConfigError(f"cluster.processes={cluster.processes} is more than cluster.cores={cluster.cores}: "
                          f"each dask worker needs a core")
    if cluster.kind != "local" and run.executor != "dask":
        raise ConfigError(f"cluster={cluster.kind} needs run.executor=dask")
    if run.executor == "dask" and (address or cluster.kind != "local") and run.workers != 1:
        where = f"the scheduler at {address}" if address else \
            "cluster.jobs x cluster.processes (the SLURM jobs)"
        raise ConfigError(f"run.workers={run.workers} has no effect here: the workers are those of {where}")
    if address and cluster.kind != "local":
        raise ConfigError(f"run.dask.address={address} and cluster={cluster.kind} both say where the workers are: "
                          f"give one")
    if run.executor == "dask":  # refused here, before any work, rather than at the first block
        require("dask", "run.executor=dask")

