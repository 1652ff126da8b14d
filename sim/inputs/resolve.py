"""A composed config resolved into the model's inputs: plain, frozen values, no config objects.

:func:`build_inputs` checks the policy against the scenario and resolves everything the model
reads (the scenario, the parameters, the policy's levers, its settings per third party, the
conditions in force) into an :class:`Inputs` of frozen dataclasses, numpy arrays, mappings,
tuples, strings and numbers. The model never sees the Hydra config it came from, so it can be
built, pickled and shipped without Hydra's objects (composing presets lives in
:mod:`sim.inputs.presets`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from omegaconf import DictConfig

from sim.inputs.errors import ConfigError
from sim.inputs.params import PARAM_NAMES
from sim.inputs.posterior import Posterior, load_posterior
from sim.inputs.scenario import Scenario, library_actor_ids, load_scenario
from sim.inputs.schema import ThirdPartyPolicy

_TP_FIELDS = tuple(f.name for f in fields(ThirdPartyPolicy))


@dataclass(frozen=True)
class PolicyInputs:
    """The policy levers the model reads directly (the rest are resolved into the conditions in
    force and the settings per third party of :class:`Inputs`).

    Attributes:
        name: The policy preset's name.
        trade_ties: Multiplier of economic exposure and economic leverage.
        hotline_reliability: Daily chance that the hotline works, when it is in service.
        neutral_site_talks: A standing neutral-site framework for ceasefire talks.
    """

    name: str
    trade_ties: float
    hotline_reliability: float
    neutral_site_talks: bool

    @classmethod
    def from_config(cls, policy: DictConfig) -> "PolicyInputs":
        """The levers of a composed ``policy`` config, as plain values."""
        return cls(name=str(policy.name), trade_ties=float(policy.trade_ties),
                   hotline_reliability=float(policy.hotline_reliability),
                   neutral_site_talks=bool(policy.neutral_site_talks))


@dataclass(frozen=True)
class Inputs:
    """Everything a model needs besides its seed: scenario, policy and parameters, resolved.

    Built once per config by :func:`build_inputs` and shared by every block of a run. Every
    field is plain data (frozen dataclasses, numpy arrays, mappings, tuples, strings, numbers):
    no config object reaches the model, and an ``Inputs`` pickles without Hydra.
    """

    scenario: Scenario
    policy: PolicyInputs
    params: dict[str, float]
    days: int
    horizon: str
    tp_policy: dict[str, np.ndarray]  # per third party, (T,) arrays of the resolved policy fields
    cbm_count: int
    conditions: dict[str, Any]  # hotline, CBMs and the Indus Waters Treaty as in force for this run
    nuclear: bool  # both sides nuclear-armed (the scenario's record unless scenario.nuclear overrides it)
    notes: tuple[str, ...] = ()  # what the user should know about how the config applies
    posterior: Posterior | None = None  # run.parameters=posterior: replicate r takes draw r % D of it


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
        ConfigError: a policy names an actor the scenario lacks; the posterior file (with
            ``run.parameters=posterior``) is missing or malformed.
        ScenarioError: the scenario folder is missing or malformed.
    """
    scenario = load_scenario(cfg.scenario.name, cfg.scenario.dir)
    conditions = _resolve_conditions(cfg.policy, scenario)
    tp_policy, notes = _resolve_third_parties(cfg.policy, scenario)
    cbm_count = sum(int(bool(conditions[k])) for k in ("loc_understanding", "missile_prenotification",
                                                       "nuclear_nonattack_list", "people_to_people"))
    return Inputs(
        scenario=scenario, policy=PolicyInputs.from_config(cfg.policy),
        params={k: float(cfg.params[k]) for k in PARAM_NAMES},
        days=int(cfg.run.days), horizon=str(cfg.run.horizon),
        tp_policy=tp_policy, cbm_count=cbm_count, conditions=conditions, notes=tuple(notes),
        posterior=load_posterior(cfg),
        nuclear=bool(scenario.nuclear and scenario.belligerent_params["nuclear"].min() > 0)
        if cfg.scenario.get("nuclear") is None else bool(cfg.scenario.nuclear),
    )
