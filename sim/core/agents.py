"""The countries of a crisis as Mesa agents, each a view of its own columns of the model's state.

A country's state lives in the model's arrays over replicates (:mod:`sim.core.state`); its agent
names it and exposes its columns: every per-belligerent variable on its :class:`Belligerent`
(``rung``, ``grievance``, ``perceived_rung``...), every per-third-party and per-tie variable on
its :class:`ThirdParty` (``action``, ``engaged``, ``affinity``...), one value (or, for a tie, a
pair) per replicate. The attributes are made from the state declaration, so a declared
per-country variable is on its agents without more code. Agents define no behaviour of their
own: the model steps all of them at once, in its arrays.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.core.state import STATE, StateVar


class Country(mesa.Agent):
    """A country: the base of :class:`Belligerent` and :class:`ThirdParty`.

    Attributes:
        actor_id: The scenario's id, e.g. ``"IND"``.
        name: The country's name.
        role: ``"belligerent"`` or ``"third_party"``.
        slot: Its column in the model's belligerent or third-party arrays.
    """

    def __init__(self, model: mesa.Model, actor_id: str, name: str, role: str, slot: int):
        super().__init__(model)
        self.actor_id, self.name, self.role, self.slot = actor_id, name, role, slot


class Belligerent(Country):
    """India or Pakistan (or any pair a scenario names): chooses its rung each day.

    Exposes every per-belligerent state variable as an attribute, one value per replicate (see
    :data:`sim.core.state.STATE`; ``perceived_rung`` is ``perceived``, the opponent's rung as
    this side saw it today).
    """


class ThirdParty(Country):
    """A third party: pays attention, then calls for restraint, presses, facilitates, mediates or backs.

    Exposes every per-third-party state variable (``action``: today's action code, see
    ``ACTIONS``; ``engaged``; ``mediation_offers``), one value per replicate, and every tie
    variable (``affinity``, ``leverage``) as an (R, 2) array over the two belligerents.
    """


def _column(var: StateVar) -> property:
    def get(self: Country) -> np.ndarray:
        return getattr(self.model, var.name)[:, self.slot]

    get.__name__ = var.agent_attr
    shape = "(R, 2) over the belligerents" if var.kind == "tie" else "one per replicate"
    return property(get, doc=f"{var.meaning[:1].upper()}{var.meaning[1:]} ({var.unit}), {shape}.")


for _var in STATE:
    if _var.kind != "dyad":
        setattr(Belligerent if _var.kind == "belligerent" else ThirdParty, _var.agent_attr, _column(_var))
del _var
