"""The keys a scenario folder may hold, with their valid ranges: declared once for the loader and ODD.

Ranges are inclusive. ODD.md's scenario-key tables are generated from these declarations.
"""

from __future__ import annotations

from typing import Any

ROLES = ("belligerent", "third_party")

# Actor keys: (valid range, required for role). Ranges are inclusive.
BELLIGERENT_KEYS: dict[str, tuple[float, float]] = {
    "nuclear": (0, 1),
    "grievance0": (0, 50),
    "commitment0": (0, 50),
    "audience_cost": (0, 20),
    "economic_exposure": (0, 10),
    "accept_facilitation": (0, 1),
    "accept_mediation": (0, 1),
    "internationalise": (0, 1),
    "water_dependence": (0, 1),
    "retaliation_norm": (0, 1),
}


THIRD_PARTY_KEYS: dict[str, tuple[float, float]] = {
    "attention": (0, 1),
    "restraint": (0, 100),
    "pressure": (0, 100),
    "facilitation": (0, 100),
    "mediation": (0, 100),
    "backing": (0, 100),
    "public_mediation": (0, 1),
    "public_mediation_from_day": (0, 36500),
}


#: What sets a crisis off (docs/coding_rules.md §A). What each kind does to the model (its
#: severity, the starting rungs it implies, whether its cause stands day after day) is data:
#: ``scenarios/trigger_kinds.csv``, one row per kind, read by :mod:`sim.inputs.scenario.kinds`.
TRIGGER_KINDS = ("attack", "incursion", "clash", "mobilisation", "insurgency", "nuclear_test", "civil_war",
                 "accession")

#: The columns of ``scenarios/trigger_kinds.csv`` and what each may hold.
TRIGGER_KIND_COLUMNS = ("kind", "icb_triggr", "severity", "victim_rung0", "opponent_rung0", "standing",
                        "answer_owed", "defended_at_home", "description", "source")

#: ICB's trigger typology (TRIGGR, [ICB v14] codebook) mapped to the model's severity scale: a
#: political act 1, a non-violent military act 2, an indirect violent act 3, a violent act 4.
ICB_TRIGGR_SEVERITY: dict[int, int] = {2: 1, 7: 2, 8: 3, 9: 4}

#: The ``known`` mark of an input that is not a fact of the crisis but a convention of the model
#: or a timeless fact (geography): it is true on every trigger day. Coded inputs need a date.
KNOWN_STANDING = "standing"

#: The coded inputs of docs/coding_rules.md, declared once: for each family, its kind of code
#: (ordinal, nominal, binary, interval) and the map from level to model value. A family names a
#: scenario.yaml entry (``trigger.kind``), a belligerent or third-party key (``belligerent.key``,
#: ``third_party.key``) or a tie (``edge.attribute``: third party to belligerent). ``None``: the
#: value is the code (a count).
CODING_LEVELS: dict[str, tuple[str, dict[Any, Any] | None]] = {
    "trigger.kind": ("nominal", {k: k for k in TRIGGER_KINDS}),
    "trigger.victim": ("nominal", {"IND": "IND", "PAK": "PAK"}),
    "trigger.deaths": ("interval", None),
    "nuclear": ("binary", {True: True, False: False}),
    "conditions.hotline": ("binary", {True: True, False: False}),
    "conditions.loc_understanding": ("binary", {True: True, False: False}),
    "conditions.missile_prenotification": ("binary", {True: True, False: False}),
    "conditions.nuclear_nonattack_list": ("binary", {True: True, False: False}),
    "conditions.people_to_people": ("binary", {True: True, False: False}),
    "conditions.indus_waters_treaty": ("nominal", {"in_force": "in_force", "abeyance": "abeyance"}),
    "belligerent.retaliation_norm": ("ordinal", {0: 0.0, 1: 0.5, 2: 1.0}),
    "belligerent.commitment0": ("ordinal", {0: 0.0, 1: 0.5, 2: 1.0, 3: 1.5}),
    "belligerent.accept_mediation": ("binary", {0: 0.0, 1: 1.0}),
    "third_party.attention": ("ordinal", {0: 0.05, 1: 0.15, 2: 0.3, 3: 0.6}),
    "third_party.pressure": ("ordinal", {0: 0.0, 1: 0.5, 2: 1.0, 3: 2.0, 4: 3.0}),
    "third_party.facilitation": ("ordinal", {0: 0.2, 1: 1.0, 2: 2.0}),
    "third_party.mediation": ("ordinal", {0: 0.0, 1: 1.0, 2: 2.0}),
    "third_party.backing": ("ordinal", {0: 0.0, 1: 0.5, 2: 1.5}),
    "third_party.public_mediation": ("binary", {0: 0.0, 1: 1.0}),
    "edge.affinity": ("ordinal", {-2: -0.8, -1: -0.4, 0: 0.0, 1: 0.4, 2: 0.8}),
    "edge.leverage_security": ("ordinal", {0: 0.0, 1: 0.1, 2: 0.3, 3: 0.6}),
}

#: The opponent's commitment has one level fewer than the victim's (docs/coding_rules.md §C).
OPPONENT_COMMITMENT_MAX = 2

#: The values a historical crisis's ``observed.ending`` may take: ``ceasefire`` when it ended in a
#: ceasefire or a formal or semi-formal agreement between the two, else the crisis table's category.
ENDINGS = ("ceasefire", "tacit", "unilateral", "imposed", "faded")

#: Conditions in force on the trigger day; a policy key left null takes these.
CONDITION_KEYS: dict[str, tuple[Any, ...]] = {
    "hotline": (True, False),
    "loc_understanding": (True, False),
    "missile_prenotification": (True, False),
    "nuclear_nonattack_list": (True, False),
    "people_to_people": (True, False),
    "indus_waters_treaty": ("in_force", "abeyance"),
}


EDGE_ATTRIBUTES: dict[str, tuple[float, float]] = {
    "affinity": (-1, 1),
    "leverage_security": (0, 1),
    "leverage_economic": (0, 1),
}


RATE_KEYS: dict[str, tuple[float, float]] = {
    "attack_rate_per_year": (0, 365),
    "attack_victim_share": (0, 1),
    "attack_deaths_median": (0, 1e6),
    "attack_deaths_log_sd": (0, 10),
    "loc_incidents_per_year": (0, 1e6),
    "cbm_cfv_multiplier": (0, 1),
}
