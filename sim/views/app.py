"""The classroom app: one crisis in the browser, day by day, with the policy levers at hand.

    diplosim-app                 # serves http://127.0.0.1:8765/ (no internet needed)
    diplosim-app --port 9000

Built on Solara (the toolkit under Mesa's SolaraViz). The page is written with Solara directly
rather than with ``SolaraViz`` because the classroom needs what SolaraViz does not offer:
two models stepped side by side, controls that compose a Hydra config (with a one-line message
when a setting is bad, never a traceback), and an ensemble run from the page.

The model never knows about the app: each browser tab builds its own :class:`Classroom`
(``solara.use_memo`` inside :func:`Page`), which holds a :class:`~sim.events.Story` around a
one-replicate :class:`~sim.model.CrisisModel`. The story is replicate 0 of an ensemble of the
same settings (the model is built with the run's ``block_size``), so the 1,000-replicate
button shows the odds of the very story on the screen.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import functools
import html
import logging
import math
import os
import secrets
import socket
import sys
import threading
import time
import warnings
from typing import Any, Callable

import numpy as np
import solara
import solara.lab
from omegaconf import DictConfig, OmegaConf, open_dict
from omegaconf.errors import OmegaConfBaseException

from sim.core.model import CrisisModel
from sim.inputs.compose import available, compose_config, explain_hydra_error
from sim.inputs.errors import ConfigError, DiplosimError, one_line
from sim.inputs.resolve import Inputs, build_inputs
from sim.inputs.validate import validate
from sim.runs.ensemble import run_ensemble
from sim.views.story import RUNG_COLOURS, Story
from sim.vocab.ladder import (
    ACT_BACK,
    ACT_FACILITATE,
    ACT_MEDIATE,
    ACT_NONE,
    ACT_PRESS_0,
    ACT_PRESS_1,
    ACT_RESTRAINT,
    RUNGS,
)
from sim.vocab.outcomes import HEADLINE

log = logging.getLogger("diplosim.app")


DEFAULT_PORT = 8765


HOST = "127.0.0.1"


ODDS_REPLICATES = 1000


#: Confidence-building measures as the page names them.
CBM_LABELS = {
    "loc_understanding": "LoC ceasefire understanding",
    "missile_prenotification": "Missile-test pre-notification",
    "nuclear_nonattack_list": "Nuclear non-attack list",
    "people_to_people": "People-to-people contacts",
}


#: Third-party settings the page offers, as "which third parties ..." lists.
TP_ROLES = {
    "engage": "Third parties that take part",
    "pressure": "… that may press a side privately",
    "facilitation": "… that may carry messages (quiet facilitation)",
    "public_mediation": "… that offer mediation publicly",
    "back_ally": "… that may back their ally",
}


IWT_LABELS = {"in_force": "in force", "abeyance": "in abeyance"}


SPEEDS = {"slow (1 day a second)": 1.0, "normal (3 days a second)": 0.33, "fast (10 days a second)": 0.1}


RUNG_INK = ("#fff", "#fff", "#212121", "#fff", "#fff", "#fff")  # text on each rung's colour


BELLIGERENT_COLOURS = ("#ef6c00", "#1b5e20")  # timeline lines: first and second belligerent


ACTION_COLOURS = {ACT_NONE: "#eceff1", ACT_RESTRAINT: "#b3e5fc", ACT_PRESS_0: "#ffcc80", ACT_PRESS_1: "#ffcc80",
                  ACT_FACILITATE: "#c5e1a5", ACT_MEDIATE: "#ce93d8", ACT_BACK: "#ef9a9a"}


ACTION_SHORT = {ACT_NONE: "", ACT_RESTRAINT: "calls for restraint", ACT_PRESS_0: "presses {first}",
                ACT_PRESS_1: "presses {second}", ACT_FACILITATE: "carries messages", ACT_MEDIATE: "offers mediation",
                ACT_BACK: "backs {ally}"}


# Hydra's compose uses a process-wide singleton, and the ensemble keeps a process-wide inputs
# cache: every browser tab runs in its own thread, so both are entered one tab at a time.
_HYDRA_LOCK = threading.Lock()


_ENSEMBLE_LOCK = threading.Lock()


# ====================================================================== settings -> config
def _compose(overrides: list[str]) -> DictConfig:
    with _HYDRA_LOCK:
        return compose_config(overrides)


def _whole_number(label: str, text: Any) -> int:
    """Read a whole number typed in the page; a one-line ConfigError if it is not one."""
    s = str(text).strip().replace(",", "")
    try:
        return int(s)
    except ValueError:
        raise ConfigError(f"{label}: '{text}' is not a whole number") from None


def scenario_options() -> list[str]:
    """The scenario presets (``conf/scenario``)."""
    return available("scenario")


def policy_options() -> list[str]:
    """The policy presets (``conf/policy``)."""
    return available("policy")


def levers_of(inputs: Inputs) -> dict[str, Any]:
    """The policy levers the page shows, as resolved for a run (null levers take the scenario's record)."""
    pol = inputs.policy
    cond = getattr(inputs, "conditions", None) or {
        "hotline": pol.hotline, "indus_waters_treaty": pol.indus_waters_treaty, **{k: pol.cbm[k] for k in CBM_LABELS}}
    out: dict[str, Any] = {
        "hotline": bool(cond["hotline"]),
        "hotline_reliability": float(pol.hotline_reliability),
        "cbm": {k: bool(cond[k]) for k in CBM_LABELS},
        "trade_ties": float(pol.trade_ties),
        "indus_waters_treaty": str(cond["indus_waters_treaty"]),
    }
    if "neutral_site_talks" in pol:
        out["neutral_site_talks"] = bool(pol.neutral_site_talks)
    tps = inputs.scenario.third_party_ids
    out["third_parties"] = {role: [a for k, a in enumerate(tps) if inputs.tp_policy[role][k] > 0]
                            for role in TP_ROLES if role in inputs.tp_policy}
    return out


def lever_patch(base: dict[str, Any], levers: dict[str, Any]) -> dict[str, Any]:
    """The ``policy`` settings that turn the preset's levers ``base`` into ``levers``."""
    patch: dict[str, Any] = {}
    for key in ("hotline", "trade_ties", "indus_waters_treaty", "neutral_site_talks", "hotline_reliability"):
        if key in levers and levers[key] != base.get(key):
            if isinstance(levers[key], float) and math.isclose(levers[key], base.get(key, math.nan)):
                continue
            patch[key] = levers[key]
    cbm = {k: v for k, v in levers["cbm"].items() if v != base["cbm"].get(k)}
    if cbm:
        patch["cbm"] = cbm
    tps: dict[str, dict[str, bool]] = {}
    for role, chosen in levers["third_parties"].items():
        before = set(base["third_parties"].get(role, []))
        for actor in set(chosen) ^ before:
            tps.setdefault(actor, {})[role] = actor in chosen
    if tps:
        patch["third_parties"] = tps
    return patch


def apply_patch(cfg: DictConfig, patch: dict[str, Any]) -> DictConfig:
    """A copy of ``cfg`` with the ``policy`` patch merged in, checked like any composed config."""
    if not patch:
        return cfg
    cfg = copy.deepcopy(cfg)
    OmegaConf.set_readonly(cfg, False)
    try:
        with open_dict(cfg.policy.third_parties):  # a scenario's actor the preset does not list
            cfg.merge_with({"policy": patch})
        validate(cfg)
    except OmegaConfBaseException as exc:
        raise ConfigError(explain_hydra_error(exc, [])) from None
    OmegaConf.set_readonly(cfg, True)
    return cfg


def preset(scenario: str, policy: str) -> tuple[DictConfig, dict[str, Any]]:
    """The composed config of a scenario and policy preset and its resolved levers.

    Composed once per pair while the app runs (restart it to pick up edited config files).
    """
    cfg, levers = _preset(scenario, policy)
    return cfg, copy.deepcopy(levers)


@functools.lru_cache(maxsize=256)
def _preset(scenario: str, policy: str) -> tuple[DictConfig, dict[str, Any]]:
    cfg = _compose([f"scenario={scenario}", f"policy={policy}", "run.replicates=1", "run.progress=false"])
    return cfg, levers_of(build_inputs(cfg))


def default_choice() -> dict[str, Any]:
    """What the page starts with: the 2025 crisis (or the first scenario), baseline policy."""
    scenarios, policies = scenario_options(), policy_options()
    scenario = "pahalgam_2025" if "pahalgam_2025" in scenarios else scenarios[0]
    policy = "baseline" if "baseline" in policies else policies[0]
    return choice_for(scenario, policy)


def choice_for(scenario: str, policy: str, seed: Any = None) -> dict[str, Any]:
    """The page's settings for a scenario and policy preset, levers as the preset sets them."""
    cfg, levers = preset(scenario, policy)
    compare = next((p for p in ("hotline_off", "no_third_parties") if p in policy_options() and p != policy),
                   policy)
    sc = build_inputs(cfg).scenario
    return {"scenario": scenario, "policy": policy, "seed": str(cfg.run.seed if seed is None else seed),
            "days": str(cfg.run.days), "levers": levers, "compare": compare,
            "third_party_names": {a: sc.names[sc.actors.index(a)] for a in sc.third_party_ids}}


def build_config(choice: dict[str, Any], replicates: int = 1, policy: str | None = None,
                 with_levers: bool = True) -> DictConfig:
    """The config of the page's settings: the presets, the seed and days, and the changed levers.

    Args:
        choice: The page's settings (see :func:`choice_for`).
        replicates: ``run.replicates``.
        policy: Another policy preset to use instead (teacher mode's comparison); its levers
            are the preset's own.
        with_levers: Apply the levers changed on the page.

    Raises:
        ConfigError, ScenarioError: a bad setting (one line).
    """
    seed = _whole_number("seed", choice["seed"])
    days = _whole_number("days", choice["days"])
    name = policy or choice["policy"]
    overrides = [f"scenario={choice['scenario']}", f"policy={name}", f"run.seed={seed}", f"run.days={days}",
                 f"run.replicates={replicates}", "run.progress=false"]
    cfg = _compose(overrides)
    if with_levers and policy is None:
        _, base = preset(choice["scenario"], name)
        cfg = apply_patch(cfg, lever_patch(base, choice["levers"]))
    return cfg


def make_story(cfg: DictConfig) -> Story:
    """A one-replicate model of ``cfg``, equal to replicate 0 of ``run_ensemble(cfg)``, and its story."""
    model = CrisisModel(build_inputs(cfg), replicates=1, seed=int(cfg.run.seed), block=0,
                        block_size=int(cfg.run.block_size))
    return Story(model)


def describe_changes(base: dict[str, Any], levers: dict[str, Any], names: dict[str, str]) -> list[str]:
    """The levers changed from the preset, in words ("hotline off", "China: takes part")."""
    out = []
    if levers["hotline"] != base["hotline"]:
        out.append("hotline " + ("on" if levers["hotline"] else "off"))
    if not math.isclose(levers["hotline_reliability"], base["hotline_reliability"]):
        out.append(f"hotline works {levers['hotline_reliability']:.0%} of days")
    for k, label in CBM_LABELS.items():
        if levers["cbm"][k] != base["cbm"][k]:
            out.append(f"{label} {'in force' if levers['cbm'][k] else 'off'}")
    if not math.isclose(levers["trade_ties"], base["trade_ties"]):
        out.append(f"trade ties ×{levers['trade_ties']:g}")
    if levers["indus_waters_treaty"] != base["indus_waters_treaty"]:
        iwt = levers["indus_waters_treaty"]
        out.append(f"Indus Waters Treaty {IWT_LABELS.get(iwt, iwt)}")
    if levers.get("neutral_site_talks") != base.get("neutral_site_talks"):
        out.append("neutral-site talks " + ("on" if levers.get("neutral_site_talks") else "off"))
    verbs = {"engage": ("takes part", "stays out"), "pressure": ("may press", "may not press"),
             "facilitation": ("may carry messages", "carries no messages"),
             "public_mediation": ("offers mediation publicly", "offers no public mediation"),
             "back_ally": ("may back its ally", "does not back its ally")}
    for role, chosen in levers["third_parties"].items():
        before = set(base["third_parties"].get(role, []))
        yes, no = verbs.get(role, (role, f"not {role}"))
        for actor in sorted(set(chosen) ^ before):
            out.append(f"{names.get(actor, actor)} {yes if actor in chosen else no}")
    return out


def policy_state(inputs: Inputs) -> list[str]:
    """The policy a running model has, in words, read from its resolved inputs."""
    lv = levers_of(inputs)
    sc = inputs.scenario
    names = dict(zip(sc.actors, sc.names))
    cbms = [label for k, label in CBM_LABELS.items() if lv["cbm"][k]]
    out = [f"Hotline {'on' if lv['hotline'] else 'off'}"
           + (f" (works {lv['hotline_reliability']:.0%} of days)" if lv["hotline"] else ""),
           "CBMs: " + (", ".join(cbms) if cbms else "none"),
           f"Indus Waters Treaty {IWT_LABELS.get(lv['indus_waters_treaty'], lv['indus_waters_treaty'])}",
           f"trade ties ×{lv['trade_ties']:g}"]
    if lv.get("neutral_site_talks"):
        out.append("neutral-site talks")
    tp = lv["third_parties"]
    taking = [names[a] for a in tp.get("engage", [])]
    out.append("third parties: " + (", ".join(taking) if taking else "none"))
    tps = list(sc.third_party_ids)
    med = [f"{names[a]} (from day {int(inputs.tp_policy['public_mediation_from_day'][tps.index(a)])})"
           for a in tp.get("public_mediation", []) if a in tp.get("engage", [])]
    out.append("public mediation offers: " + (", ".join(med) if med else "none"))
    return out


def odds(cfg_one: DictConfig, replicates: int = ODDS_REPLICATES) -> dict[str, Any]:
    """Run ``replicates`` replicates of a one-replicate config; return the summary and timing."""
    cfg = copy.deepcopy(cfg_one)
    OmegaConf.set_readonly(cfg, False)
    cfg.run.replicates = int(replicates)
    cfg.run.progress = False
    OmegaConf.set_readonly(cfg, True)
    t0 = time.perf_counter()
    with _ENSEMBLE_LOCK:
        result = run_ensemble(cfg, progress=False)
    row0 = {k: result.outcomes[k].iloc[0] for k in ("highest_rung", "ceasefire", "day_ceasefire")}
    return {"summary": result.summary, "seconds": time.perf_counter() - t0, "replicates": int(replicates),
            "replicate0": row0}


# ====================================================================== the per-tab state
class Classroom:
    """One browser tab's state: the applied settings, the story and teacher mode's comparison.

    Every method that changes a story takes ``lock``: the Play loop and the buttons may run at once.
    """

    def __init__(self, choice: dict[str, Any]):
        self.lock = threading.RLock()
        self.story: Story | None = None
        self.compare: Story | None = None
        self.applied: dict[str, Any] = {}
        self.changes: list[str] = []
        self.cfg: DictConfig | None = None
        self.compare_cfg: DictConfig | None = None
        self.apply(choice)

    def apply(self, choice: dict[str, Any], teacher: bool = False) -> None:
        """Build the story of ``choice`` (Reset). A bad setting raises and leaves the old story."""
        cfg = build_config(choice)
        story = make_story(cfg)
        _, base = preset(choice["scenario"], choice["policy"])
        with self.lock:
            self.cfg, self.story = cfg, story
            self.applied = copy.deepcopy(choice)
            self.changes = describe_changes(base, choice["levers"], story.names)
            self.compare, self.compare_cfg = None, None
        if teacher:
            self.set_compare(choice["compare"])

    def set_compare(self, policy: str | None) -> None:
        """Teacher mode: the same scenario, seed and days under another policy preset, caught up."""
        if policy is None:
            with self.lock:
                self.compare, self.compare_cfg = None, None
            return
        choice = dict(self.applied, compare=policy)
        cfg = build_config(choice, policy=policy)
        story = make_story(cfg)
        with self.lock:
            story.run(self.story.day)
            self.compare, self.compare_cfg = story, cfg
            self.applied["compare"] = policy

    def step(self, days: int = 1) -> None:
        with self.lock:
            for _ in range(days):
                if not self.story.running:
                    break
                self.story.step()
                if self.compare is not None:
                    self.compare.step()

    def run_to_end(self) -> None:
        with self.lock:
            while self.story.running:
                self.step()

    @property
    def running(self) -> bool:
        return self.story is not None and self.story.running


# ====================================================================== drawings
def _layout(story: Story) -> dict[str, tuple[float, float]]:
    """Fixed positions: the belligerents in the middle, third parties on arcs above and below,
    each nearer the side it leans to (by the scenario's affinities, so nodes never jump)."""
    sc = story.model.inputs.scenario
    b0, b1 = sc.belligerents
    pos = {sc.actors[b0]: (-0.75, 0.0), sc.actors[b1]: (0.75, 0.0)}
    lean = sorted(sc.third_parties, key=lambda t: (sc.affinity[t, b1] - sc.affinity[t, b0], sc.actors[t]))
    top, bottom = lean[0::2], lean[1::2]
    for row, sign in ((top, 1.0), (bottom, -1.0)):
        n = len(row)
        for i, t in enumerate(row):
            angle = math.pi * (0.88 - 0.76 * (i + 0.5) / n) if n else 0.0
            pos[sc.actors[t]] = (1.75 * math.cos(angle), sign * 1.15 * math.sin(angle) + sign * 0.15)
    return pos


def _mix(c1: str, c2: str, t: float) -> str:
    a = [int(c1[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(c2[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b))


#: Affinity colours from -1 (hostile, red) through 0 (pale yellow) to +1 (friendly, green).
AFFINITY_STOPS = ((-1.0, "#b2182b"), (-0.5, "#ef8a62"), (0.0, "#f7f4b9"), (0.5, "#91cf60"), (1.0, "#1a7837"))


def affinity_colour(a: float) -> str:
    """The colour of a tie of affinity ``a`` in [-1, 1]."""
    a = min(1.0, max(-1.0, float(a)))
    for (x0, c0), (x1, c1) in zip(AFFINITY_STOPS, AFFINITY_STOPS[1:]):
        if a <= x1:
            return _mix(c0, c1, (a - x0) / (x1 - x0))
    return AFFINITY_STOPS[-1][1]


def _t(x: float, y: float, text: str, size: float = 11, anchor: str = "middle", weight: str = "normal",
       fill: str = "#263238", cls: str = "") -> str:
    c = f' class="{cls}"' if cls else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" '
            f'fill="{fill}"{c}>{html.escape(text)}</text>')


def network_svg(story: Story, width: int = 640, height: int = 440) -> str:
    """The alliance network: India and Pakistan (or the scenario's pair) coloured by their current
    rung, third parties by today's action, ties coloured by their current affinity."""
    sc = story.model.inputs.scenario
    now = story.history[-1]
    prev = story.history[-2] if len(story.history) > 1 else now
    aff = story.affinity()
    pos = _layout(story)
    plot_h = height - 70

    def px(p: tuple[float, float]) -> tuple[float, float]:
        return ((p[0] + 2.35) / 4.7 * width, (1.75 - p[1]) / 3.5 * plot_h)

    out = [f'<svg class="network" viewBox="0 0 {width} {height}" width="100%" '
           f'style="max-width:{width}px" xmlns="http://www.w3.org/2000/svg" font-family="Roboto, sans-serif">']
    bel = set(sc.belligerent_ids)
    seen: set[frozenset[str]] = set()
    for u, v, data in story.model.inputs.scenario.graph(affinity=aff).edges(data=True):
        pair = frozenset((u, v))
        a = float(data.get("affinity", 0.0))
        if pair in seen or a == 0.0:
            continue
        seen.add(pair)
        (x1, y1), (x2, y2) = px(pos[u]), px(pos[v])
        opacity = 0.95 if pair & bel else 0.35
        out.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{affinity_colour(a)}" '
                   f'stroke-width="{1 + 5 * abs(a):.1f}" stroke-linecap="round" opacity="{opacity}">'
                   f'<title>{html.escape(f"{u}–{v}: affinity {a:+.2f}")}</title></line>')
    names = story.names
    first, second = (names[b] for b in sc.belligerent_ids)
    for b, actor in enumerate(sc.belligerent_ids):
        x, y = px(pos[actor])
        rung = now.rung[b]
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="38" fill="{RUNG_COLOURS[rung]}" stroke="#000" '
                   f'stroke-width="1.5"><title>{html.escape(names[actor])}: rung {rung}</title></circle>')
        ink = RUNG_INK[rung]
        out.append(_t(x, y - 2, names[actor], 13 if len(names[actor]) <= 8 else 11, weight="700", fill=ink))
        out.append(_t(x, y + 15, f"rung {rung}", 11, fill=ink))
    for k, actor in enumerate(sc.third_party_ids):
        x, y = px(pos[actor])
        act = now.tp_action[k]
        ally = names[sc.belligerent_ids[int(np.argmax(prev.aff[k]))]]
        label = ACTION_SHORT.get(act, "").format(first=first, second=second, ally=ally)
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="20" fill="{ACTION_COLOURS.get(act, "#eceff1")}" '
                   f'stroke="{"#37474f" if act else "#90a4ae"}" stroke-width="{2 if act else 1}"/>')
        out.append(_t(x, y + 4, actor, 10, weight="700"))
        below = y > plot_h / 2
        ny = y + 33 if below else (y - 40 if label else y - 27)
        out.append(_t(x, ny, names[actor], 10.5, fill="#37474f" if act else "#78909c"))
        if label:
            out.append(_t(x, ny + 13, label, 10.5, weight="600"))
    # Legend: rungs, then the affinity scale.
    y0 = plot_h + 14
    out.append(_t(8, y0, f"{first} and {second}: current rung", 10.5, anchor="start", weight="600"))
    for k in range(6):
        x = 8 + (k % 3) * 150
        y = y0 + 10 + (k // 3) * 18
        out.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{RUNG_COLOURS[k]}"/>')
        out.append(_t(x + 16, y + 10, f"{k} {RUNGS[k]}", 10, anchor="start"))
    gx = width - 178
    out.append(_t(gx, y0, "ties: affinity, hostile to friendly", 10.5, anchor="start", weight="600"))
    stops = "".join(f'<stop offset="{(a + 1) / 2:.2f}" stop-color="{c}"/>' for a, c in AFFINITY_STOPS)
    out.append(f'<defs><linearGradient id="affgrad">{stops}</linearGradient></defs>'
               f'<rect x="{gx}" y="{y0 + 10}" width="170" height="10" fill="url(#affgrad)"/>')
    for a in (-1, 0, 1):
        out.append(_t(gx + (a + 1) / 2 * 170, y0 + 34, f"{a:+d}" if a else "0", 10))
    out.append("</svg>")
    return "".join(out)


def _ticks(right: int) -> list[int]:
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if right / s <= 12)
    return list(range(0, right + 1, step))


def timeline_svg(story: Story, width: int = 640, height: int = 230) -> str:
    """Both rungs day by day (a step line each), ceasefire days shaded, attack days marked."""
    tl = story.timeline()
    days = tl["day"]
    horizon = story.model.days
    right = min(horizon, max(20, int(days[-1] * 1.15) + 2))
    left, top, bottom, rpad = 92, 26, 28, 10
    w, h = width - left - rpad, height - top - bottom

    def X(d: float) -> float:
        return left + d / right * w

    def Y(r: float) -> float:
        return top + (5.4 - r) / 5.8 * h

    out = [f'<svg class="timeline" viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" '
           f'xmlns="http://www.w3.org/2000/svg" font-family="Roboto, sans-serif">']
    for d, on in zip(days, tl["ceasefire_in_force"]):
        if on:
            out.append(f'<rect x="{X(d):.1f}" y="{top}" width="{max(X(d + 1) - X(d), 0.5):.2f}" height="{h}" '
                       f'fill="#bbdefb"/>')
    labels = ["0 none", "1 coercion", "2 LoC clashes", "3 strikes", "4 war", "5 nuclear"]
    for r in range(6):
        out.append(f'<line x1="{left}" x2="{left + w}" y1="{Y(r):.1f}" y2="{Y(r):.1f}" stroke="#eeeeee"/>')
        out.append(_t(left - 6, Y(r) + 4, labels[r], 10, anchor="end", fill="#455a64"))
    for d in _ticks(right):
        out.append(f'<line x1="{X(d):.1f}" x2="{X(d):.1f}" y1="{top + h}" y2="{top + h + 4}" stroke="#90a4ae"/>')
        out.append(_t(X(d), top + h + 15, str(d), 10, fill="#455a64"))
    out.append(_t(left + w, height - 2, "day", 10, anchor="end", fill="#455a64"))
    out.append(f'<rect x="{left}" y="{top}" width="{w}" height="{h}" fill="none" stroke="#90a4ae"/>')
    for b, actor in enumerate(story.belligerent_ids):
        rungs = tl[actor]
        off = 0.06 if b == 0 else -0.06
        path = [f"M{X(days[0]):.1f},{Y(rungs[0] + off):.1f}"]
        for d, r in zip(days[1:], rungs[1:]):
            path.append(f"H{X(d):.1f}V{Y(r + off):.1f}")
        path.append(f"H{X(days[-1] + 1):.1f}")
        out.append(f'<path d="{"".join(path)}" fill="none" stroke="{BELLIGERENT_COLOURS[b]}" stroke-width="2.5"/>')
    for d, hit in zip(days, tl["attack"]):
        if hit:
            x = X(d + 0.5)
            out.append(f'<path d="M{x - 5:.1f},{top + 2} L{x + 5:.1f},{top + 2} L{x:.1f},{top + 10} Z" '
                       f'fill="#b71c1c"/>')
    x = left
    for colour, label, kind in [*((BELLIGERENT_COLOURS[b], story.name(a, in_sentence=False), "line")
                                  for b, a in enumerate(story.belligerent_ids)),
                                ("#bbdefb", "ceasefire in force", "box"), ("#b71c1c", "militant attack", "tri")]:
        if kind == "line":
            out.append(f'<line x1="{x}" x2="{x + 18}" y1="12" y2="12" stroke="{colour}" stroke-width="3"/>')
        elif kind == "box":
            out.append(f'<rect x="{x}" y="6" width="18" height="12" fill="{colour}"/>')
        else:
            out.append(f'<path d="M{x + 4},7 L{x + 14},7 L{x + 9},16 Z" fill="{colour}"/>')
        out.append(_t(x + 23, 16, label, 10.5, anchor="start"))
        x += 23 + 7 * len(label) + 18
    out.append("</svg>")
    return "".join(out)


def gauge_html(story: Story, compact: bool = False) -> str:
    """The escalation-ladder gauge: one ladder per belligerent, the current rung lit."""
    cols = []
    top = story.model.top_rung
    for g in story.gauge():
        rows = []
        for k in range(5, -1, -1):
            here = k == g["rung"]
            style = (f"background:{RUNG_COLOURS[k]};color:{RUNG_INK[k]};font-weight:600" if here
                     else "background:#f5f5f5;color:#9e9e9e" if k > top else "background:#eceff1;color:#455a64")
            note = " ◀" if here else (" · highest so far" if k == g["highest"] and k > g["rung"] else "")
            rows.append(f'<div style="padding:{1 if compact else 3}px 8px;margin:2px 0;border-radius:4px;'
                        f'font-size:{11 if compact else 13}px;{style}">{k} · {html.escape(RUNGS[k])}{note}</div>')
        name = html.escape(g["name"])
        cols.append(f'<div style="flex:1;min-width:150px;padding:0 6px">'
                    f'<div class="gauge-label" style="font-weight:700;font-size:14px;margin-bottom:2px">'
                    f'{name}: rung {g["rung"]} ({html.escape(g["rung_name"])})</div>{"".join(rows)}</div>')
    return f'<div style="display:flex;gap:8px">{"".join(cols)}</div>'


def state_html(story: Story) -> str:
    """A few of each side's state variables, for the curious."""
    now = story.history[-1]
    cells = []
    for b, actor in enumerate(story.belligerent_ids):
        cells.append(f"<b>{html.escape(story.name(actor, in_sentence=False))}</b>: grievance {now.grievance[b]:.1f}, "
                     f"pressure {now.pressure[b]:.2f}, backing {now.backing[b]:.2f}, "
                     f"deaths {now.casualties[b]:,.0f}")
    cf = {"none": "no ceasefire", "agreed": "ceasefire agreed", "holding": "ceasefire holding",
          "broken": "ceasefire broken"}[story.ceasefire_state()]
    return (f'<div style="font-size:12px;color:#455a64">{" · ".join(cells)} · {cf}'
            f'{f" · militant attacks since day 0: {now.attacks}" if now.attacks else ""}</div>')


EVENT_STYLE = {"rung": "font-weight:600", "ceasefire": "color:#1565c0;font-weight:600",
               "ceasefire_broken": "color:#b71c1c;font-weight:600", "attack": "color:#b71c1c;font-weight:600",
               "end": "font-weight:700", "trigger": "font-weight:700", "crisis_over": "color:#2e7d32;font-weight:600",
               "ceasefire_holding": "color:#1565c0", "misperception": "color:#6a1b9a", "loc": "color:#78909c",
               "third_party": "color:#37474f"}


def log_html(story: Story, show_loc: bool, height: int = 300) -> str:
    """The event log: the newest day first, each day's events in the order they happened."""
    lines = []
    days: dict[int, list] = {}
    for e in story.events:
        days.setdefault(e.day, []).append(e)
    for e in (e for d in sorted(days, reverse=True) for e in days[d]):  # newest day first, each day in order
        if e.kind == "loc" and not show_loc:
            continue
        lines.append(f'<div class="event event-{e.kind}" style="{EVENT_STYLE.get(e.kind, "")};padding:1px 0">'
                     f'{html.escape(e.line)}</div>')
    return (f'<div class="event-log" style="max-height:{height}px;overflow-y:auto;font-size:13px;'
            f'line-height:1.45">{"".join(lines)}</div>')


def _fmt(key: str, entry: dict[str, Any]) -> str:
    est, lo, hi = entry.get("estimate"), entry.get("ci_low"), entry.get("ci_high")
    if est is None or (isinstance(est, float) and math.isnan(est)):
        return "—"
    if key.startswith("p_") or key.startswith("share_"):
        return f"{est:.1%} [{lo:.1%}, {hi:.1%}]"
    return f"{est:,.1f} [{lo:,.1f}, {hi:,.1f}]"


def odds_html(results: list[tuple[str, dict[str, Any]]]) -> str:
    """The outcome table with 95% intervals, one column per policy."""
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{html.escape(t)}</th>" for t, _ in results)
    rows = []
    for o in HEADLINE:
        key, label = o.key, o.label
        cells = [r["summary"].get(key) for _, r in results]
        if all(c is None for c in cells):
            continue
        tds = "".join(f"<td style='padding:2px 8px;white-space:nowrap'>{_fmt(key, c) if c else '—'}</td>"
                      for c in cells)
        rows.append(f"<tr><td style='padding:2px 8px'>{html.escape(label)}</td>{tds}</tr>")
    n = results[0][1]["replicates"]
    secs = sum(r["seconds"] for _, r in results)
    return (f"<table class='odds' style='font-size:13px;border-collapse:collapse'><tr><th style='text-align:left;"
            f"padding:2px 8px'>outcome ({n:,} replicates, 95% interval)</th>{head}</tr>{''.join(rows)}</table>"
            f"<div style='font-size:12px;color:#607d8b'>Replicate 0 of each run is the story stepped on this page "
            f"(same seed). Computed in {secs:.1f} s.</div>")


# ====================================================================== the page
def Heading(text: str) -> None:
    """A section title (plain HTML: Solara's Markdown would fetch KaTeX from a CDN)."""
    solara.HTML(tag="div", unsafe_innerHTML=html.escape(text), style="font-size:17px;font-weight:600;margin:10px 0 4px")


def Line(markup: str, style: str = "") -> None:
    """A line of trusted HTML (every value in it is escaped by the caller)."""
    solara.HTML(tag="div", unsafe_innerHTML=markup, style=style)


def _guard(error: solara.Reactive, fn: Callable[[], Any]) -> bool:
    """Run a button's work; a bad setting or any failure becomes one line on the page."""
    try:
        fn()
    except DiplosimError as exc:
        error.set(one_line(exc))
        return False
    except Exception as exc:  # never a traceback in the page; the server log keeps it
        log.exception("classroom app: unexpected error")
        error.set(f"Something went wrong: {one_line(exc)}")
        return False
    error.set("")
    return True


@solara.component
def Controls(choice: solara.Reactive, classroom: Classroom, error: solara.Reactive, teacher: bool):
    c = choice.value
    lv = c["levers"]
    names = c["third_party_names"]

    def reload(scenario: str | None = None, policy: str | None = None):
        def work():
            new = choice_for(scenario or c["scenario"], policy or c["policy"], seed=c["seed"])
            new["compare"] = c["compare"] if c["compare"] in policy_options() else new["compare"]
            choice.set(new)
        _guard(error, work)

    def set_lever(path: tuple[str, ...], value: Any):
        new = copy.deepcopy(c)
        node = new["levers"]
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        choice.set(new)

    def set_field(key: str, value: Any):
        choice.set({**c, key: value})

    with solara.Card("Scenario and seed", margin=0, classes=["mb-2"]):
        solara.Select("Scenario", values=scenario_options(), value=c["scenario"], on_value=lambda v: reload(scenario=v))
        solara.Select("Policy preset", values=policy_options(), value=c["policy"], on_value=lambda v: reload(policy=v))
        with solara.Row(gap="8px"):
            solara.InputText("Seed", value=c["seed"], on_value=lambda v: set_field("seed", v), style="max-width:140px")
            solara.InputText("Days", value=c["days"], on_value=lambda v: set_field("days", v), style="max-width:70px")
        solara.Button("New seed", text=True, icon_name="mdi-dice-5",
                      on_click=lambda: set_field("seed", str(secrets.randbelow(2**31))))
    with solara.Card("Policy levers", margin=0, classes=["mb-2"]):
        solara.Checkbox(label="DGMO hotline", value=lv["hotline"], on_value=lambda v: set_lever(("hotline",), v))
        solara.SliderFloat("Hotline works on this share of days", value=lv["hotline_reliability"], min=0.0, max=1.0,
                           step=0.05, on_value=lambda v: set_lever(("hotline_reliability",), float(v)))
        Line("<b>Confidence-building measures</b>", style="margin-top:8px")
        for key, label in CBM_LABELS.items():
            solara.Checkbox(label=label, value=lv["cbm"][key], on_value=lambda v, key=key: set_lever(("cbm", key), v))
        if "neutral_site_talks" in lv:
            solara.Checkbox(label="Neutral-site talks framework", value=lv["neutral_site_talks"],
                            on_value=lambda v: set_lever(("neutral_site_talks",), v))
        solara.SliderFloat("Trade ties (× today's)", value=lv["trade_ties"], min=0.0, max=3.0, step=0.25,
                           on_value=lambda v: set_lever(("trade_ties",), float(v)))
        by_label = {label: key for key, label in IWT_LABELS.items()}
        solara.Select("Indus Waters Treaty", values=list(by_label),
                      value=IWT_LABELS.get(lv["indus_waters_treaty"], lv["indus_waters_treaty"]),
                      on_value=lambda v: set_lever(("indus_waters_treaty",), by_label[v]))
    with solara.Card("Third parties", margin=0, classes=["mb-2"]):
        tps = list(names)
        Line(html.escape(", ".join(f"{a} {names.get(a, '')}".strip() for a in tps) or "none"),
             style="font-size:12px;color:#607d8b")
        for role, label in TP_ROLES.items():
            if role in lv["third_parties"]:
                solara.SelectMultiple(label, values=[a for a in tps if a in lv["third_parties"][role]], all_values=tps,
                                      on_value=lambda v, role=role: set_lever(("third_parties", role), list(v)),
                                      dense=True)
    if teacher:
        with solara.Card("Teacher mode: compare with", margin=0, classes=["mb-2"]):
            def set_compare(v):
                set_field("compare", v)
                _guard(error, lambda: classroom.set_compare(v))
            solara.Select("Second policy (same seed)", values=policy_options(), value=c["compare"],
                          on_value=set_compare)


@solara.component
def StoryView(story: Story, title: str, day: int, show_loc: bool, compact: bool = False):
    Heading(title)
    solara.HTML(unsafe_innerHTML=gauge_html(story, compact=compact))
    solara.HTML(unsafe_innerHTML=state_html(story))
    solara.HTML(unsafe_innerHTML=timeline_svg(story, height=200 if compact else 230))
    Line("<b>Events</b> (newest day first)", style="margin-top:6px")
    solara.HTML(unsafe_innerHTML=log_html(story, show_loc, height=220 if compact else 300))


@solara.component
def Page():
    initial = solara.use_memo(default_choice, [])
    choice = solara.use_reactive(initial)
    # One Classroom per browser tab (per Solara kernel): never shared between students.
    classroom = solara.use_memo(lambda: Classroom(initial), [])
    tick = solara.use_reactive(0)
    error = solara.use_reactive("")
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(list(SPEEDS)[1])
    teacher = solara.use_reactive(False)
    show_loc = solara.use_reactive(False)
    odds_request = solara.use_reactive(0)

    def bump():
        tick.set(tick.value + 1)

    def do_step():
        _guard(error, classroom.step)
        bump()

    def do_reset():
        playing.set(False)
        ok = _guard(error, lambda: classroom.apply(choice.value, teacher=teacher.value))
        if ok:
            odds_request.set(0)
        bump()

    def do_run_to_end():
        playing.set(False)
        _guard(error, classroom.run_to_end)
        bump()

    def set_teacher(on: bool):
        teacher.set(on)
        _guard(error, lambda: classroom.set_compare(classroom.applied.get("compare") if on else None))
        bump()

    async def play_loop():
        while playing.value:
            if not _guard(error, classroom.step) or not classroom.running:
                playing.set(False)
            tick.set(tick.value + 1)
            await asyncio.sleep(SPEEDS.get(speed.value, 0.33))

    solara.lab.use_task(play_loop, dependencies=[playing.value])

    def compute_odds():
        if odds_request.value == 0:
            return None
        changed = f" + {', '.join(classroom.changes)}" if classroom.changes else ""
        out = [(f"A: {classroom.applied['policy']}{changed}", odds(classroom.cfg))]
        if classroom.compare_cfg is not None:
            out.append((f"B: {classroom.applied['compare']}", odds(classroom.compare_cfg)))
        return out

    odds_task = solara.lab.use_task(compute_odds, dependencies=[odds_request.value], raise_error=False)

    tick.value  # read, so that each bump re-renders the page (Solara re-renders readers only)
    story = classroom.story
    day = story.day
    sc = story.model.inputs.scenario
    solara.Title("diplosim classroom")
    with solara.AppBar():
        solara.AppBarTitle("diplosim classroom: an India–Pakistan crisis, day by day")
        solara.Switch(label="Teacher mode", value=teacher.value, on_value=set_teacher, classes=["mt-5"])
    with solara.Sidebar():
        Controls(choice, classroom, error, teacher.value)

    with solara.Column(style="padding:8px 16px"):
        with solara.Row(gap="8px", style="align-items:center;flex-wrap:wrap"):
            solara.Button("Step", color="primary", on_click=do_step, disabled=playing.value or not classroom.running)
            solara.Button("Pause" if playing.value else "Play", color="primary",
                          on_click=lambda: playing.set(not playing.value), disabled=not classroom.running)
            solara.Button("Reset", color="secondary", on_click=do_reset)
            solara.Button("Run to end", outlined=True, on_click=do_run_to_end,
                          disabled=playing.value or not classroom.running)
            solara.Select("Speed", values=list(SPEEDS), value=speed, dense=True, style="max-width:220px")
            solara.Text(f"Day {day} of {story.model.days}", classes=["day-counter"],
                        style="font-size:18px;font-weight:700;margin-left:12px")
        if error.value:
            solara.Error(error.value, dense=True, classes=["app-error"])
        applied = classroom.applied
        pending = {k: choice.value[k] for k in ("scenario", "policy", "seed", "days", "levers")}
        if pending != {k: applied.get(k) for k in pending}:
            solara.Info("Settings changed: press Reset to start the crisis again with them.", dense=True)
        changed = f" + {', '.join(classroom.changes)}" if classroom.changes else ""
        Line(f"<b>{html.escape(sc.title)}</b> · policy <b class='applied-policy'>"
             f"{html.escape(applied['policy'] + changed)}</b> · seed {html.escape(str(applied['seed']))}",
             style="margin-top:4px")
        Line("In force: " + html.escape(" · ".join(policy_state(story.model.inputs))),
             style="font-size:12px;color:#455a64")
        if teacher.value and classroom.compare is not None:
            with solara.Columns([1, 1]):
                StoryView(story, f"A: {applied['policy']}{changed}", day, show_loc.value, compact=True)
                StoryView(classroom.compare, f"B: {applied.get('compare')} (same seed)", day, show_loc.value,
                          compact=True)
        else:
            with solara.Columns([5, 6]):
                with solara.Column(gap="4px"):
                    Heading("Escalation ladder")
                    solara.HTML(unsafe_innerHTML=gauge_html(story))
                    solara.HTML(unsafe_innerHTML=state_html(story))
                    Heading("Timeline")
                    solara.HTML(unsafe_innerHTML=timeline_svg(story))
                with solara.Column(gap="4px"):
                    Heading("Alliance network")
                    solara.HTML(unsafe_innerHTML=network_svg(story))
            Heading("Event log (newest day first)")
            solara.HTML(unsafe_innerHTML=log_html(story, show_loc.value))
        solara.Checkbox(label="Show LoC firing incidents in the log", value=show_loc)
        if teacher.value:
            with solara.Card(f"The odds: {ODDS_REPLICATES:,} replicates of these settings", margin=0):
                solara.Button(f"Run {ODDS_REPLICATES:,} replicates", color="primary",
                              on_click=lambda: odds_request.set(odds_request.value + 1),
                              disabled=odds_task.pending)
                if odds_task.pending:
                    solara.Text(f"Running {ODDS_REPLICATES:,} replicates …")
                    solara.ProgressLinear(True)
                elif odds_task.error:
                    exc = odds_task.exception
                    msg = one_line(exc) if isinstance(exc, DiplosimError) else f"Something went wrong: {one_line(exc)}"
                    solara.Error(msg, dense=True, classes=["app-error"])
                elif odds_task.finished and odds_task.value:
                    solara.HTML(unsafe_innerHTML=odds_html(odds_task.value))


# ====================================================================== the command
def main(argv: list[str] | None = None) -> int:
    """``diplosim-app [--port N]``: serve the classroom app on 127.0.0.1 and print its address."""
    parser = argparse.ArgumentParser(
        prog="diplosim-app",
        description="Serve the diplosim classroom app on this computer (127.0.0.1); no internet needed.")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port to serve on (default {DEFAULT_PORT}; 0 picks a free one)")
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"--port {args.port}: must be a port number from 0 to 65535")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, args.port))
    except OSError as exc:
        sock.close()
        print(f"diplosim-app: error: cannot serve on {HOST}:{args.port} ({exc.strerror or exc}); "
              f"try another port, e.g. --port {args.port + 1 if args.port else DEFAULT_PORT + 1}", file=sys.stderr)
        return 2
    sock.listen(128)  # from now on a browser's connection waits for the server instead of being refused
    port = sock.getsockname()[1]
    # Solara reads these at request time: this module is the app, no usage telemetry leaves the
    # laptop, and the front end comes from the locally installed solara-assets (no CDN).
    os.environ["SOLARA_APP"] = __name__ if __name__ != "__main__" else "sim.app"
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    os.environ["SERVER_NAME"], os.environ["SERVER_PORT"] = HOST, str(port)
    import solara.server.settings as solara_settings
    import uvicorn

    solara_settings.telemetry.mixpanel_enable = False
    solara_settings.main.mode = "production"
    solara_settings.theme.show_banner = False  # the "runs on Solara" badge covers the page's corner
    # Plain http on 127.0.0.1, never inside an iframe: Solara's advice on cross-site cookies does not apply.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https", category=UserWarning)
    config = uvicorn.Config("solara.server.starlette:app", host=HOST, port=port, log_level="warning")
    server = uvicorn.Server(config)
    print(f"diplosim classroom app: http://{HOST}:{port}/  (press Ctrl-C to stop)", flush=True)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

