"""Hydra structured configs: the schema of every config group, registered in Hydra's ConfigStore.

Dataclasses catch unknown keys and wrong types when Hydra composes the config (the range checks
Hydra cannot make are in :mod:`sim.inputs.validate`). Also where ``conf/`` and ``scenarios/``
are found: under ``$DIPLOSIM_HOME`` if set, else inside an installed package (``sim/_data/``, put
there by the wheel build, see setup.py), else beside the package in a checkout.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, Optional

from hydra.core.config_store import ConfigStore

from sim.inputs.errors import ConfigError
from sim.inputs.params import ModelParams

#: The source tree the package was imported from (a checkout or an editable install: its git state
#: goes into a run's provenance); for an installed wheel, the site-packages folder.
PROJECT_ROOT = Path(__file__).resolve().parents[2]

#: The data a wheel carries inside the package (absent in a checkout, which has them at its top).
PACKAGED_DATA = Path(__file__).resolve().parents[1] / "_data"


def _data_root() -> Path:
    """The folder holding conf/ and scenarios/: $DIPLOSIM_HOME, the wheel's copy or the checkout."""
    if os.environ.get("DIPLOSIM_HOME"):
        return Path(os.environ["DIPLOSIM_HOME"])
    return PACKAGED_DATA if (PACKAGED_DATA / "conf").is_dir() else PROJECT_ROOT


DATA_ROOT = _data_root()

CONF_DIR = DATA_ROOT / "conf"

SCENARIOS_DIR = DATA_ROOT / "scenarios"


def data_dir(name: str) -> Path:
    """``conf/`` or ``scenarios/`` under :data:`DATA_ROOT`, refused in one line if it is not there.

    Raises:
        ConfigError: the folder is missing, naming ``$DIPLOSIM_HOME`` when that chose the root.
    """
    folder = DATA_ROOT / name
    # conf/ is only usable with its top-level config.yaml (Hydra's own error would name neither)
    if not folder.is_dir() or (name == "conf" and not (folder / "config.yaml").is_file()):
        what = "conf/config.yaml" if folder.is_dir() else f"{name}/ folder"
        if os.environ.get("DIPLOSIM_HOME"):
            raise ConfigError(f"DIPLOSIM_HOME={DATA_ROOT}: has no {what} (it must hold conf/ and "
                              f"scenarios/, as the repository's top level does; unset it to use diplosim's own)")
        raise ConfigError(f"diplosim's {what} is missing from {DATA_ROOT}: reinstall diplosim, or set "
                          f"DIPLOSIM_HOME to a folder holding conf/ and scenarios/")
    return folder


EXECUTORS = ("serial", "processes", "dask")

CLUSTERS = ("local", "slurm")

HORIZONS = ("crisis", "era")

PARAMETER_MODES = ("posterior", "point")


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
    parameters: str = "posterior"  # posterior: replicate r uses posterior draw r % D; point: params only
    posterior_draws: int = 200  # D, distinct posterior draws a run uses (all rows if the file has fewer)
    posterior_file: str = ""  # the posterior CSV; empty: conf/params/posterior.csv (see sim/inputs/posterior.py)
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
    """Confidence-building measures in force (brief M§5); null means as in the scenario."""

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
    """The policy levers of brief M§5."""

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


def schema_keys(node: Any) -> list[str]:
    """The field names of a dataclass schema (for error messages)."""
    return [f.name for f in fields(node)] if is_dataclass(node) else []

