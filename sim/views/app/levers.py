"""The classroom app's settings and state, without Solara: presets, levers, configs and odds.

What the page's sidebar offers (scenario and policy presets, the policy levers, the third-party
roles), how the page's settings become a Hydra config (:func:`build_config`: the presets, the
seed and days, and only the levers changed on the page, checked like any composed config), the
story of a config (:func:`make_story`: replicate 0 of the ensemble of the same settings), the
per-tab state (:class:`Classroom`) and the odds of 1,000 replicates (:func:`odds`). Everything
here can be tested without a browser or a Solara kernel.
"""

from __future__ import annotations

import copy
import functools
import math
import threading
import time
from typing import Any

from omegaconf import DictConfig, OmegaConf, open_dict
from omegaconf.errors import OmegaConfBaseException

from sim.core.model import CrisisModel
from sim.inputs.compose import available, compose_config, explain_hydra_error
from sim.inputs.errors import ConfigError
from sim.inputs.resolve import Inputs, build_inputs
from sim.inputs.validate import validate
from sim.runs.ensemble import run_ensemble
from sim.views.story import Story

#: Replicates behind teacher mode's odds table.
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


#: The Indus Waters Treaty's states as the page names them.
IWT_LABELS = {"in_force": "in force", "abeyance": "in abeyance"}

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
    cond = inputs.conditions
    out: dict[str, Any] = {
        "hotline": bool(cond["hotline"]),
        "hotline_reliability": float(pol.hotline_reliability),
        "cbm": {k: bool(cond[k]) for k in CBM_LABELS},
        "trade_ties": float(pol.trade_ties),
        "indus_waters_treaty": str(cond["indus_waters_treaty"]),
        "neutral_site_talks": bool(pol.neutral_site_talks),
    }
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
    """Run ``replicates`` replicates of a one-replicate config.

    Args:
        cfg_one: The config of a story (:func:`build_config`).
        replicates: How many replicates to run.

    Returns:
        ``summary`` (the run's summary), ``seconds``, ``replicates`` and ``replicate0`` (the
        first replicate's highest rung and ceasefire: the story on the page).
    """
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

    Args:
        choice: The page's settings to start with (see :func:`choice_for`).

    Attributes:
        story: The story stepped on the page.
        compare: Teacher mode's story of the second policy (same seed), or None.
        applied: The settings of ``story`` (a copy: the sidebar may change meanwhile).
        changes: The levers changed from the preset, in words.
        cfg: The config of ``story``; ``compare_cfg`` that of ``compare``.
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
        """Advance the story (and the comparison) ``days`` days, or until the story ends."""
        with self.lock:
            for _ in range(days):
                if not self.story.running:
                    break
                self.story.step()
                if self.compare is not None:
                    self.compare.step()

    def run_to_end(self) -> None:
        """Step until the story ends (nuclear use or the last day)."""
        with self.lock:
            while self.story.running:
                self.step()

    @property
    def running(self) -> bool:
        """Whether the story has days left to step."""
        return self.story is not None and self.story.running

