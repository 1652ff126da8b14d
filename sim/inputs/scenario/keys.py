"""The keys a scenario folder may hold, with their valid ranges: declared once for the loader and ODD.

Ranges are inclusive. ODD.md's scenario-key tables are generated from these declarations.
"""

from __future__ import annotations

from typing import Any

ROLES = ("belligerent", "third_party")

# Actor keys: (valid range, required for role). Ranges are inclusive.
BELLIGERENT_KEYS: dict[str, tuple[float, float]] = {
    "nuclear": (0, 1),
    "rung0": (0, 4),
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


#: What sets a crisis off: a militant ``attack`` on the victim (answered, under a retaliation norm,
#: by a strike); an ``incursion`` by the opponent's forces across the line, which the victim
#: fights on its own side of it (Kashmir 1965, Kargil 1999); or a ``clash`` of forces where the
#: line itself is in dispute (Rann of Kutch 1965).
TRIGGER_KINDS = ("attack", "incursion", "clash")

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
