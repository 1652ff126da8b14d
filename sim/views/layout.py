"""The alliance network's layout: one set of positions for the figures, the report and the app.

The belligerents face each other at the centre; the third parties stand around them, left to
right by their baseline lean (affinity with the first belligerent minus the second), alternately
above and below. Positions depend on the scenario only, never on a run, so a node never moves
between figures, days or policies.
"""

from __future__ import annotations

from typing import Any

#: The box every layout fits in: x in [-X_EXTENT, X_EXTENT], y in [-Y_EXTENT, Y_EXTENT].
X_EXTENT, Y_EXTENT = 1.3, 1.0


def network_layout(scenario: Any) -> dict[str, tuple[float, float]]:
    """Fixed positions of a scenario's actors, ``{actor id: (x, y)}``.

    Args:
        scenario: A :class:`~sim.inputs.scenario.Scenario` (its actors, belligerents, third
            parties and baseline affinities).
    """
    sc = scenario
    b0, b1 = sc.belligerents
    pos = {sc.actors[b0]: (-0.55, 0.0), sc.actors[b1]: (0.55, 0.0)}
    lean = sorted(sc.third_parties, key=lambda i: (-(sc.affinity[i, b0] - sc.affinity[i, b1]), sc.actors[i]))
    n = len(lean)
    for r, i in enumerate(lean):
        x = -X_EXTENT + 2 * X_EXTENT * r / max(n - 1, 1)
        y = (1.0 if r % 2 == 0 else -1.0) * (0.75 + 0.25 * (1 - abs(x) / X_EXTENT))
        pos[sc.actors[i]] = (x, y)
    return pos
