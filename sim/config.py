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

EXECUTORS = ("serial", "processes", "dask")
CLUSTERS = ("local", "slurm")
HORIZONS = ("crisis", "era")


@dataclass
class DaskConfig:
    """How ``run.executor=dask`` reaches its workers (see also the ``cluster`` group)."""

    address: str = ""  # tcp://host:8786 of a running scheduler; empty: start the cluster of `cluster`
    dashboard: bool = False  # serve the dask dashboard (http://localhost:8787) of a LocalCluster
    connect_timeout: int = 30  # seconds to wait for the scheduler at `address`


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
    figures: bool = True  # write figures (PNG, SVG) and report.md/report.html into the results directory
    retries: int = 3  # times a block is retried after its worker died
    work_dir: str = ""  # finished blocks, kept until the run is written (default: <output_dir>/.work)
    design: str = ""  # CSV or Parquet file: a column per parameter, a row per design point
    dask: DaskConfig = field(default_factory=DaskConfig)


@dataclass
class ScenarioConfig:
    """Which scenario folder to load: ``scenarios/<name>/`` unless ``dir`` names another folder.

    ``nuclear`` overrides whether both sides are nuclear-armed (a counterfactual switch).
    """

    name: str = "pahalgam_2025"
    dir: str = ""
    nuclear: Optional[bool] = None  # null: as in the scenario; false: the non-nuclear counterfactual


@dataclass
class CBMConfig:
    """Confidence-building measures in force (MODEL.md §5); null means as in the scenario."""

    loc_understanding: Optional[bool] = None
    missile_prenotification: Optional[bool] = None
    nuclear_nonattack_list: Optional[bool] = None
    people_to_people: Optional[bool] = None


@dataclass
class ThirdPartyPolicy:
    """What a third party may do. The scenario gives its propensities; the policy gates them.

    ``public_mediation``, ``public_mediation_from_day`` and ``backing`` left null take the
    scenario's record (who offered mediation publicly and from which day; how strongly each
    party backs its ally).
    """

    engage: bool = True
    from_day: int = 0
    intensity: float = 1.0
    restraint: bool = True
    pressure: bool = True
    pressure_from_rung: int = 2
    facilitation: bool = True
    public_mediation: Optional[bool] = None
    public_mediation_from_day: Optional[int] = None
    back_ally: bool = True
    backing: Optional[float] = None


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
    backing: Optional[float] = None


@dataclass
class PolicyConfig:
    """The policy levers of MODEL.md §5."""

    name: str = "baseline"
    description: str = ""
    hotline: Optional[bool] = None
    hotline_reliability: float = 0.95
    cbm: CBMConfig = field(default_factory=CBMConfig)
    trade_ties: float = 1.0
    indus_waters_treaty: Optional[str] = None
    neutral_site_talks: bool = False
    third_party_default: ThirdPartyPolicy = field(default_factory=ThirdPartyPolicy)
    third_parties: dict[str, ThirdPartyOverride] = field(default_factory=dict)


@dataclass
class ClusterConfig:
    """Where ``run.executor=dask`` starts its workers when ``run.dask.address`` is empty.

    ``local``: a dask LocalCluster of ``run.workers`` processes on this machine. ``slurm``: a
    dask-jobqueue SLURMCluster of ``jobs`` batch jobs, each running ``processes`` workers.
    """

    kind: str = "local"
    jobs: int = 1
    cores: int = 1
    processes: int = 1
    memory: str = "4GB"
    walltime: str = "01:00:00"
    queue: str = ""
    account: str = ""
    job_extra_directives: list[str] = field(default_factory=list)
    job_script_prologue: list[str] = field(default_factory=list)
    local_directory: str = ""
    log_directory: str = ""
    interface: str = ""
    python: str = ""


@dataclass
class Config:
    """The whole composed configuration."""

    scenario: ScenarioConfig = field(default_factory=ScenarioConfig)
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    run: RunConfig = field(default_factory=RunConfig)
    params: ModelParams = field(default_factory=ModelParams)
    cluster: ClusterConfig = field(default_factory=ClusterConfig)


def _register() -> None:
    cs = ConfigStore.instance()
    cs.store(name="config_schema", node=Config)
    cs.store(group="scenario", name="scenario_schema", node=ScenarioConfig)
    cs.store(group="policy", name="policy_schema", node=PolicyConfig)
    cs.store(group="run", name="run_schema", node=RunConfig)
    cs.store(group="params", name="params_schema", node=ModelParams)
    cs.store(group="cluster", name="cluster_schema", node=ClusterConfig)


_register()

# Range checks Hydra cannot make: key -> (lo, hi, what a valid value is).
_RANGES: dict[str, tuple[float, float, str]] = {
    "run.replicates": (1, 10**9, "a positive whole number"),
    "run.days": (1, 365 * 200, "a positive number of days"),
    "run.workers": (1, 1024, "a positive whole number"),
    "run.block_size": (1, 10**7, "a positive whole number"),
    "run.seed": (0, 2**63 - 1, "a non-negative whole number"),
    "run.retries": (0, 100, "a whole number from 0 to 100"),
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
