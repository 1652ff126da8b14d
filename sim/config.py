"""Hydra structured configs, composition and the one validation path.

Schemas (dataclasses) catch unknown keys and wrong types when Hydra composes the config; the
range checks Hydra cannot make are done here, in :func:`validate`, which every entry point
(command line, Python API, ``CrisisModel`` keyword use) goes through. Errors are raised as
:class:`ConfigError` with one line that names the key and what would be valid.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, Optional

from hydra import compose, initialize_config_dir
from hydra.core.config_store import ConfigStore
from hydra.core.global_hydra import GlobalHydra
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from .errors import ConfigError
from .params import ModelParams

#: The project root: conf/ and scenarios/ live beside the package (editable install).
PROJECT_ROOT = Path(os.environ.get("DIPLOSIM_HOME", Path(__file__).resolve().parent.parent))
CONF_DIR = PROJECT_ROOT / "conf"
SCENARIOS_DIR = PROJECT_ROOT / "scenarios"

EXECUTORS = ("serial", "processes")
HORIZONS = ("crisis", "era")


@dataclass
class RunConfig:
    """How many worlds to simulate, for how long, and where the work and results go."""

    replicates: int = 10_000
    seed: int = 20250422
    days: int = 120
    horizon: str = "crisis"
    workers: int = 1
    executor: str = "serial"
    block_size: int = 2_000
    progress: bool = True
    output_dir: str = "results"
    name: str = ""


@dataclass
class ScenarioConfig:
    """Which scenario folder to load: ``scenarios/<name>/`` unless ``dir`` names another folder."""

    name: str = "pahalgam_2025"
    dir: str = ""


@dataclass
class CBMConfig:
    """Confidence-building measures in force at the start of the run (MODEL.md §5)."""

    loc_understanding: bool = True
    missile_prenotification: bool = True
    nuclear_nonattack_list: bool = True
    people_to_people: bool = False


@dataclass
class ThirdPartyPolicy:
    """What a third party may do. The scenario gives its propensities; the policy gates them."""

    engage: bool = True
    from_day: int = 0
    intensity: float = 1.0
    restraint: bool = True
    pressure: bool = True
    pressure_from_rung: int = 2
    facilitation: bool = True
    public_mediation: bool = False
    public_mediation_from_day: int = 0
    back_ally: bool = True


@dataclass
class ThirdPartyOverride:
    """Per-actor changes to ``third_party_default``; a field left unset (null) inherits it."""

    engage: Optional[bool] = None
    from_day: Optional[int] = None
    intensity: Optional[float] = None
    restraint: Optional[bool] = None
    pressure: Optional[bool] = None
    pressure_from_rung: Optional[int] = None
    facilitation: Optional[bool] = None
    public_mediation: Optional[bool] = None
    public_mediation_from_day: Optional[int] = None
    back_ally: Optional[bool] = None


@dataclass
class PolicyConfig:
    """The policy levers of MODEL.md §5."""

    name: str = "baseline"
    description: str = ""
    hotline: bool = True
    hotline_reliability: float = 0.95
    cbm: CBMConfig = field(default_factory=CBMConfig)
    trade_ties: float = 1.0
    indus_waters_treaty: str = "abeyance"
    third_party_default: ThirdPartyPolicy = field(default_factory=ThirdPartyPolicy)
    third_parties: dict[str, ThirdPartyOverride] = field(default_factory=dict)


@dataclass
class Config:
    """The whole composed configuration."""

    scenario: ScenarioConfig = field(default_factory=ScenarioConfig)
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    run: RunConfig = field(default_factory=RunConfig)
    params: ModelParams = field(default_factory=ModelParams)


def _register() -> None:
    cs = ConfigStore.instance()
    cs.store(name="config_schema", node=Config)
    cs.store(group="scenario", name="scenario_schema", node=ScenarioConfig)
    cs.store(group="policy", name="policy_schema", node=PolicyConfig)
    cs.store(group="run", name="run_schema", node=RunConfig)
    cs.store(group="params", name="params_schema", node=ModelParams)


_register()

# Range checks Hydra cannot make: key -> (lo, hi, what a valid value is).
_RANGES: dict[str, tuple[float, float, str]] = {
    "run.replicates": (1, 10**9, "a positive whole number"),
    "run.days": (1, 365 * 200, "a positive number of days"),
    "run.workers": (1, 1024, "a positive whole number"),
    "run.block_size": (1, 10**7, "a positive whole number"),
    "run.seed": (0, 2**63 - 1, "a non-negative whole number"),
    "policy.hotline_reliability": (0.0, 1.0, "a probability in [0, 1]"),
    "policy.trade_ties": (0.0, 10.0, "a multiplier in [0, 10]"),
}
_CHOICES: dict[str, tuple[str, ...]] = {
    "run.executor": EXECUTORS,
    "run.horizon": HORIZONS,
    "policy.indus_waters_treaty": ("in_force", "abeyance"),
}
_TP_RANGES: dict[str, tuple[float, float, str]] = {
    "from_day": (0, 365 * 200, "a non-negative day"),
    "public_mediation_from_day": (0, 365 * 200, "a non-negative day"),
    "intensity": (0.0, 100.0, "a multiplier in [0, 100]"),
    "pressure_from_rung": (0, 5, "a rung from 0 to 5"),
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
            raise ConfigError(f"{key}={value} is not valid: choose one of {', '.join(choices)}")
    run_name = cfg.run.name
    if run_name and (run_name.startswith(".") or "/" in run_name or "\\" in run_name):
        raise ConfigError(f"run.name={run_name} is not valid: must be a plain folder name "
                          f"(no '/' or '\\', not starting with '.')")
    if cfg.run.executor == "serial" and cfg.run.workers != 1:
        raise ConfigError(f"run.workers={cfg.run.workers} needs run.executor=processes (serial runs use 1 worker)")
    for name, spec in ((f.name, f.metadata) for f in fields(ModelParams)):
        lo, hi = spec["range"]
        _check_range(f"params.{name}", cfg.params[name], lo, hi, f"a number in [{lo}, {hi}] ({spec['unit']})")
    tps = {"third_party_default": cfg.policy.third_party_default}
    tps.update({f"third_parties.{k}": v for k, v in cfg.policy.third_parties.items()})
    for where, tp in tps.items():
        for key, (lo, hi, valid) in _TP_RANGES.items():
            if tp[key] is not None:
                _check_range(f"policy.{where}.{key}", tp[key], lo, hi, valid)


def available(group: str) -> list[str]:
    """Names of the config files in a config group (e.g. the policies)."""
    return sorted(p.stem for p in (CONF_DIR / group).glob("*.yaml"))


def compose_config(overrides: list[str] | tuple[str, ...] = ()) -> DictConfig:
    """Compose and validate the config from Hydra override strings.

    Args:
        overrides: Hydra overrides, e.g. ``["policy=hotline_off", "run.replicates=5000"]``.

    Returns:
        The composed, validated config (read-only).

    Raises:
        ConfigError: an unknown key, a wrong type, an unknown config name or a value out of range.
    """
    from .errors import explain_hydra_error

    overrides = list(overrides)
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(version_base="1.3", config_dir=str(CONF_DIR), job_name="diplosim"):
            cfg = compose("config", overrides=overrides)
    except Exception as exc:  # Hydra raises many types; each becomes one line naming the key.
        raise ConfigError(explain_hydra_error(exc, overrides)) from None
    finally:
        GlobalHydra.instance().clear()
    try:
        validate(cfg)
    except OmegaConfBaseException as exc:  # e.g. run.days=${run.foo}: an interpolation that cannot resolve
        raise ConfigError(explain_hydra_error(exc, overrides)) from None
    OmegaConf.set_readonly(cfg, True)
    return cfg


def to_container(cfg: DictConfig) -> dict[str, Any]:
    """A plain dict of the config, for JSON metadata."""
    return OmegaConf.to_container(cfg, resolve=True)  # type: ignore[return-value]


def schema_keys(node: Any) -> list[str]:
    """The field names of a dataclass schema (for error messages)."""
    return [f.name for f in fields(node)] if is_dataclass(node) else []
