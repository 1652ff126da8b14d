"""The crisis model: a Mesa model whose agents are countries and whose state spans replicates.

One ``CrisisModel`` steps R parallel worlds in lock-step: every state variable is a numpy array
with a leading replicate axis, and the day's dynamics (:meth:`CrisisModel.step`) are written once,
vectorised over replicates. R=1 serves the classroom app and ``mesa.batch_run``; R in the
thousands serves the ensemble. There is no other copy of the dynamics.

Array shapes: ``(R, 2)`` for the two belligerents, ``(R, T)`` for the T third parties,
``(R, T, 2)`` for third-party-to-belligerent ties, ``(R, 1)`` for the dyad (ceasefire, trust).
Parameters are floats or, for per-replicate designs, ``(R, 1)`` arrays: both broadcast.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any

import numpy as np
from omegaconf import DictConfig

from sim.inputs.compose import compose_config
from sim.inputs.errors import ConfigError
from sim.inputs.params import PARAM_NAMES
from sim.inputs.scenario import Scenario, library_actor_ids, load_scenario
from sim.inputs.schema import ThirdPartyPolicy

_TP_FIELDS = tuple(f.name for f in fields(ThirdPartyPolicy))


@dataclass(frozen=True)
class Inputs:
    """Everything a model needs besides its seed: scenario, policy and parameters, resolved.

    Built once per config by :func:`build_inputs` and shared by every block of a run.
    """

    scenario: Scenario
    policy: DictConfig
    params: dict[str, float]
    days: int
    horizon: str
    tp_policy: dict[str, np.ndarray]  # per third party, (T,) arrays of the resolved policy fields
    cbm_count: int
    conditions: dict[str, Any]  # hotline, CBMs and the Indus Waters Treaty as in force for this run
    nuclear: bool  # both sides nuclear-armed (the scenario's record unless scenario.nuclear overrides it)
    notes: tuple[str, ...] = ()  # what the user should know about how the config applies


def _resolve_third_parties(policy: DictConfig, scenario: Scenario) -> tuple[dict[str, np.ndarray], list[str]]:
    """Per third party, the policy's settings; null settings take the scenario's record.

    A policy may set an actor of the scenario library that this scenario lacks (Gulf
    facilitation in 1965, before the UAE existed): those settings do not apply, and a note says
    so. An actor that no scenario knows is an error.
    """
    default = policy.third_party_default
    tps = scenario.third_party_ids
    notes = []
    for actor, override in policy.third_parties.items():
        set_fields = [k for k in _TP_FIELDS if override[k] is not None]
        if actor not in scenario.actors and set_fields:
            if actor in library_actor_ids():
                notes.append(f"policy {policy.name} sets policy.third_parties.{actor}, an actor scenario "
                             f"{scenario.name} lacks: those settings do not apply")
                continue
            raise ConfigError(f"policy.third_parties.{actor}: actor '{actor}' is in no scenario "
                              f"(actors of {scenario.name}: {', '.join(scenario.actors)})")
        if actor in scenario.belligerent_ids and set_fields:
            raise ConfigError(f"policy.third_parties.{actor}: {actor} is a belligerent in scenario "
                              f"{scenario.name}, not a third party")
    record = scenario.third_party_params
    out: dict[str, list[float]] = {k: [] for k in _TP_FIELDS}
    for slot, actor in enumerate(tps):
        override = policy.third_parties.get(actor)
        for k in _TP_FIELDS:
            value = override[k] if override is not None and override[k] is not None else default[k]
            if value is None:  # as in the scenario
                value = record[k][slot]
            out[k].append(float(value))
    return {k: np.asarray(v, dtype=float) for k, v in out.items()}, notes


def _resolve_conditions(policy: DictConfig, scenario: Scenario) -> dict[str, Any]:
    """The conditions in force: the policy's where it sets them, else the scenario's record."""
    given = {"hotline": policy.hotline, "indus_waters_treaty": policy.indus_waters_treaty,
             **{k: policy.cbm[k] for k in ("loc_understanding", "missile_prenotification",
                                           "nuclear_nonattack_list", "people_to_people")}}
    return {k: (scenario.conditions[k] if v is None else v) for k, v in given.items()}


def build_inputs(cfg: DictConfig) -> Inputs:
    """Resolve a composed config into model inputs, checking the policy against the scenario.

    Raises:
        ConfigError: a policy names an actor the scenario lacks.
        ScenarioError: the scenario folder is missing or malformed.
    """
    scenario = load_scenario(cfg.scenario.name, cfg.scenario.dir)
    conditions = _resolve_conditions(cfg.policy, scenario)
    tp_policy, notes = _resolve_third_parties(cfg.policy, scenario)
    cbm_count = sum(int(bool(conditions[k])) for k in ("loc_understanding", "missile_prenotification",
                                                       "nuclear_nonattack_list", "people_to_people"))
    return Inputs(
        scenario=scenario, policy=cfg.policy, params={k: float(cfg.params[k]) for k in PARAM_NAMES},
        days=int(cfg.run.days), horizon=str(cfg.run.horizon),
        tp_policy=tp_policy, cbm_count=cbm_count, conditions=conditions, notes=tuple(notes),
        nuclear=bool(scenario.nuclear and scenario.belligerent_params["nuclear"].min() > 0)
        if cfg.scenario.get("nuclear") is None else bool(cfg.scenario.nuclear),
    )


@lru_cache(maxsize=64)
def _inputs_for(overrides: tuple[str, ...]) -> Inputs:
    return build_inputs(compose_config(list(overrides)))

