"""Scenarios: the actors, their parameters, the alliance network and the trigger, read from data.

The loader is split along a scenario's parts: :mod:`~sim.inputs.scenario.keys` (the keys a
scenario may hold, with their ranges), :mod:`~sim.inputs.scenario.files` (files, ``base:``
chains, lines for error messages), :mod:`~sim.inputs.scenario.sections` (each section read and
checked on its own, the observed path parsed once), :mod:`~sim.inputs.scenario.kinds` (the
trigger-kind table, ``scenarios/trigger_kinds.csv``), :mod:`~sim.inputs.scenario.known` (when
each input was known, and the level maps of the coding rules), :mod:`~sim.inputs.scenario.load`
(the :class:`Scenario` and :func:`load_scenario`) and :mod:`~sim.inputs.scenario.coding`
(coding files of docs/coding_rules.md, extracted and read).
"""

from sim.inputs.scenario.files import library_actor_ids, list_scenarios, scenario_dir
from sim.inputs.scenario.keys import (
                                      BELLIGERENT_KEYS,
                                      CONDITION_KEYS,
                                      EDGE_ATTRIBUTES,
                                      RATE_KEYS,
                                      ROLES,
                                      THIRD_PARTY_KEYS,
                                      TRIGGER_KINDS,
)
from sim.inputs.scenario.load import Scenario, load_scenario

__all__ = ["BELLIGERENT_KEYS", "CONDITION_KEYS", "EDGE_ATTRIBUTES", "RATE_KEYS", "ROLES", "THIRD_PARTY_KEYS",
           "TRIGGER_KINDS", "Scenario", "library_actor_ids", "list_scenarios", "load_scenario", "scenario_dir"]
