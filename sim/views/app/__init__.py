"""The classroom app: one crisis in the browser, day by day, with the policy levers at hand.

    diplosim-app                 # serves http://127.0.0.1:8765/ (no internet needed)
    diplosim-app --port 9000

Built on Solara (the toolkit under Mesa's SolaraViz). The page is written with Solara directly
rather than with ``SolaraViz`` because the classroom needs what SolaraViz does not offer:
two models stepped side by side, controls that compose a Hydra config (with a one-line message
when a setting is bad, never a traceback), and an ensemble run from the page.

The model never knows about the app: each browser tab builds its own :class:`Classroom`
(``solara.use_memo`` inside :func:`Page`), which holds a :class:`~sim.views.story.Story` around a
one-replicate :class:`~sim.core.model.CrisisModel`. The story is replicate 0 of an ensemble of the
same settings (the model is built with the run's ``block_size``), so the 1,000-replicate
button shows the odds of the very story on the screen. Under ``run.parameters=posterior`` (the
default) replicate 0 runs posterior draw 0 (row 0 of ``conf/params/posterior.csv``), and the odds
spread their replicates over the draws (replicate r, draw r mod D) and show the 90% interval over
parameters beneath the Monte Carlo one.

Three modules, each importing only the ones before it:

- :mod:`~sim.views.app.levers`: presets, levers, configs, the per-tab state and the odds
  (everything testable without Solara);
- :mod:`~sim.views.app.drawings`: the network, the timeline, the gauges, the log and the odds
  table as SVG/HTML strings;
- :mod:`~sim.views.app.page`: the Solara components, :func:`Page` and :func:`main` (the
  ``diplosim-app`` command).
"""

from __future__ import annotations

from sim.views.app.drawings import (
    gauge_html,
    log_html,
    network_svg,
    odds_html,
    state_html,
    timeline_svg,
)
from sim.views.app.levers import (
    CBM_LABELS,
    IWT_LABELS,
    ODDS_REPLICATES,
    TP_ROLES,
    Classroom,
    apply_patch,
    build_config,
    choice_for,
    default_choice,
    describe_changes,
    lever_patch,
    levers_of,
    make_story,
    odds,
    policy_options,
    policy_state,
    preset,
    scenario_options,
)
from sim.views.app.page import DEFAULT_PORT, HOST, Page, main

__all__ = [
    "CBM_LABELS", "DEFAULT_PORT", "HOST", "IWT_LABELS", "ODDS_REPLICATES", "TP_ROLES", "Classroom", "Page",
    "apply_patch", "build_config", "choice_for", "default_choice", "describe_changes", "gauge_html",
    "lever_patch", "levers_of", "log_html", "main", "make_story", "network_svg", "odds", "odds_html",
    "policy_options", "policy_state", "preset", "scenario_options", "state_html", "timeline_svg",
]
