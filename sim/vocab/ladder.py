"""The escalation ladder, the ceasefire states and the third-party actions: the model's words.

The ladder has six rungs (0 no military action ... 5 nuclear use); each has a name, a short name
for axes and legends, and one colour used by every figure, the app and the report (ColorBrewer
YlOrRd: light to dark, monotone in lightness, so it reads in greyscale) with the ink that is
legible on it. Action and ceasefire codes are the integers stored in the model's arrays.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rung:
    """One rung of the escalation ladder.

    Attributes:
        level: 0 to 5.
        name: Its name in sentences ("cross-border strikes").
        short: Its name on an axis or in a legend ("3 cross-border strikes").
        colour: Its fill colour everywhere (hex).
        ink: A text colour legible on ``colour``.
    """

    level: int
    name: str
    short: str
    colour: str
    ink: str


LADDER: tuple[Rung, ...] = (
    Rung(0, "no military action", "0 no military action", "#ffffb2", "#212121"),
    Rung(1, "coercion and mobilisation", "1 coercion, mobilisation", "#fed976", "#212121"),
    Rung(2, "LoC clashes", "2 LoC clashes", "#feb24c", "#212121"),
    Rung(3, "cross-border strikes", "3 cross-border strikes", "#fd8d3c", "#212121"),
    Rung(4, "conventional war", "4 conventional war", "#f03b20", "#ffffff"),
    Rung(5, "nuclear use", "5 nuclear use", "#bd0026", "#ffffff"),
)
TOP_RUNG = LADDER[-1].level
RUNGS: tuple[str, ...] = tuple(r.name for r in LADDER)
RUNG_SHORT: tuple[str, ...] = tuple(r.short for r in LADDER)
RUNG_COLOURS: tuple[str, ...] = tuple(r.colour for r in LADDER)
RUNG_INK: tuple[str, ...] = tuple(r.ink for r in LADDER)

# Ceasefire states of the dyad.
CF_NONE, CF_AGREED, CF_HOLDING, CF_BROKEN = 0, 1, 2, 3
CF_STATES = ("none", "agreed", "holding", "broken")

# Third-party actions (ODD §2 and step 3 of the day), the codes of ``CrisisModel.tp_action``.
ACT_NONE, ACT_RESTRAINT, ACT_PRESS_0, ACT_PRESS_1, ACT_FACILITATE, ACT_MEDIATE, ACT_BACK = range(7)
ACTIONS = ("stay_out", "restraint", "pressure_first", "pressure_second", "facilitation",
           "public_mediation", "back_ally")

#: Kinds of channel a ceasefire was agreed on (``broker_kind``), and their names.
BK_NONE, BK_HOTLINE, BK_FACILITATION, BK_MEDIATION = -1, 0, 1, 2
BROKER_KINDS = {BK_NONE: "none", BK_HOTLINE: "hotline", BK_FACILITATION: "facilitation", BK_MEDIATION: "mediation"}
