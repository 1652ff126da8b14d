"""The one colour scheme of figures, reports and the app (besides the rungs, in :mod:`sim.vocab.ladder`).

Countries and rungs never share a colour: the rungs run yellow to red (YlOrRd), the two
belligerents are blue and bluish green, third parties grey; policies compared side by side take
the Okabe-Ito colours (colour-blind safe) with a distinct marker and line style each, so a chart
also reads in greyscale; affinity runs on a diverging red-blue scale (ColorBrewer RdBu).
"""

from __future__ import annotations

#: The two belligerents, in the scenario's order (India, Pakistan in the presets).
BELLIGERENT_COLOURS = ("#0072B2", "#009E73")
THIRD_PARTY_COLOUR = "#6e6e6e"
#: Runs or policies side by side (Okabe-Ito), each with its marker, line style and hatch.
SERIES_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 1)), (0, (8, 2)), (0, (3, 1, 1, 1)))
HATCHES = ("", "//", "..", "xx", "\\\\", "oo", "++", "--")
#: Hatching of the kinetic rungs in stacked charts (none below strikes).
RUNG_HATCHES = ("", "", "", "///", "xxx", "ooo")
#: Affinity -1 (hostile) to 1 (allied): a matplotlib colormap name and the same scale as stops
#: for hand-drawn SVG (ColorBrewer RdBu, 5 classes).
AFFINITY_CMAP = "RdBu"
AFFINITY_STOPS = ((-1.0, "#ca0020"), (-0.5, "#f4a582"), (0.0, "#f7f7f7"), (0.5, "#92c5de"), (1.0, "#0571b0"))
#: Colours of the third-party actions (codes of :mod:`sim.vocab.ladder`), in code order.
ACTION_COLOURS = ("#eceff1", "#b3e5fc", "#d1c4e9", "#d1c4e9", "#c5e1a5", "#ce93d8", "#bcaaa4")
#: A continuous scale for sweeps (perceptually uniform, colour-blind safe).
SWEEP_CMAP = "cividis"


def affinity_colour(a: float) -> str:
    """The hex colour of an affinity in [-1, 1] on :data:`AFFINITY_STOPS` (linear between stops)."""
    a = max(-1.0, min(1.0, float(a)))
    for (x0, c0), (x1, c1) in zip(AFFINITY_STOPS, AFFINITY_STOPS[1:]):
        if a <= x1:
            t = (a - x0) / (x1 - x0)
            rgb0 = [int(c0[i:i + 2], 16) for i in (1, 3, 5)]
            rgb1 = [int(c1[i:i + 2], 16) for i in (1, 3, 5)]
            return "#" + "".join(f"{round(u + (v - u) * t):02x}" for u, v in zip(rgb0, rgb1))
    return AFFINITY_STOPS[-1][1]
