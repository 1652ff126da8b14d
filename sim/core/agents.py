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

import mesa
import numpy as np


class Country(mesa.Agent):
    """A country. Its state lives in the model's arrays over replicates; the agent names it and
    exposes its own columns of those arrays.

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
    """India or Pakistan (or any pair a scenario names): chooses its rung each day."""

    @property
    def rung(self) -> np.ndarray:
        """Current rung, one per replicate."""
        return self.model.rung[:, self.slot]

    @property
    def grievance(self) -> np.ndarray:
        return self.model.grievance[:, self.slot]

    @property
    def commitment(self) -> np.ndarray:
        return self.model.commitment[:, self.slot]

    @property
    def perceived_rung(self) -> np.ndarray:
        """The opponent's rung as this side saw it today."""
        return self.model.perceived[:, self.slot]

    @property
    def casualties(self) -> np.ndarray:
        return self.model.casualties[:, self.slot]


class ThirdParty(Country):
    """A third party: pays attention, then calls for restraint, presses, facilitates, mediates or backs."""

    @property
    def action(self) -> np.ndarray:
        """Today's action code (see ``ACTIONS``), one per replicate."""
        return self.model.tp_action[:, self.slot]

    @property
    def engaged(self) -> np.ndarray:
        """Whether it has acted at any time so far, one per replicate."""
        return self.model.tp_engaged[:, self.slot]

    @property
    def affinity(self) -> np.ndarray:
        """(R, 2) affinity with the two belligerents."""
        return self.model.aff[:, self.slot, :]

