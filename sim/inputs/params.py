"""The behavioural parameters of the crisis model, declared once.

Every parameter is a dataclass field whose metadata carries its meaning, unit, valid range and
the basis of its default. The Hydra schema, the range checks, the per-replicate parameter arrays
and the parameter table in ODD.md are all derived from this one declaration.

These are the model's *free* parameters (behavioural coefficients). Numbers given by the record
(actors, network, trigger, attack and incident rates) live in ``scenarios/<name>/`` with their
sources; policy levers live in the ``policy`` config group.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

# The `basis` of each parameter names its source: "brief H§..." and "brief M§..." are sections of
# docs/brief.md (the domain record and the design brief); authors and years are works listed in
# docs/bibliography.md.


def param(default: float, doc: str, unit: str, lo: float, hi: float, basis: str) -> Any:
    """Declare one scalar parameter with its documentation and valid range [lo, hi]."""
    return field(default=default, metadata={"doc": doc, "unit": unit, "range": (lo, hi), "basis": basis})


@dataclass
class ModelParams:
    """Free behavioural parameters; every field may be given as an array over replicates."""

    # --- Belligerent choice (step 4): a logit over down / hold / up -------------------------
    temperature: float = param(
        1.0, "Logit temperature of belligerent choices (bounded rationality); utilities are in its units",
        "utility", 0.05, 10.0, "convention: fixes the utility scale")
    hold_bias: float = param(
        2.0, "Utility of holding the current rung (status-quo inertia of a government's day)",
        "utility", 0.0, 10.0, "tuned so that moves take days, not hours (brief H§4d: ≈6 moves in 18 days, 2025)")
    w_grievance: float = param(
        1.0, "Weight of grievance (need to retaliate) in the drive to escalate",
        "utility/grievance", 0.0, 10.0, "grievance is in utility units by construction")
    w_retaliation_norm: float = param(
        3.0, "Drive to escalate of a side with a retaliation norm whose grievance is not yet answered by a strike",
        "utility", 0.0, 20.0, "India's post-2016 norm: mass-casualty attacks answered with strikes (brief M§1); size tuned; not identified by the record (posterior sd / prior sd 0.98 in the fit of all candidates, experiments/calibrate.py --all-parameters): fixed at this hand-set default")
    grievance_share_without_norm: float = param(
        0.4, "Share of an unanswered attack's grievance that drives escalation into fighting (rung 2 and up) "
        "for a side without a retaliation norm ('strategic restraint'); with norm n the share is s + (1 - s)·n",
        "share", 0.0, 1.0, "pre-2016 India answered attacks with mobilisation and pressure, not fire: 2001, 2008 "
        "stayed at rung 1, 2002 at LoC shelling (brief H§1a rows 13-15); hand-set default, the fitted value "
        "is in conf/params/default.yaml (experiments/calibrate.py)")
    w_reciprocity: float = param(
        8.0, "Weight of a perceived gap above (opponent higher than self) in the drive to escalate",
        "utility/rung", 0.0, 10.0, "tit-for-tat reciprocity; tuned to the 2019 and 2025 strike/counter-strike sequences")
    w_reciprocity_down: float = param(
        1.0, "Weight of a perceived gap below (opponent lower than self) pulling a side down",
        "utility/rung", 0.0, 10.0, "assumed: de-escalation is matched more slowly than escalation")
    w_backing: float = param(
        0.6, "Weight of ally backing in the drive to escalate (moral hazard)",
        "utility/backing", 0.0, 10.0, "direction from brief H§4 (ally backing emboldens); size assumed")
    w_pressure: float = param(
        1.0, "Weight of third-party pressure against escalation",
        "utility/pressure", 0.0, 10.0, "direction from ICB USEFCT (US pressure abated Kargil, 2001-02); size assumed")
    w_internationalise: float = param(
        0.4, "Extra drive to escalate for a side that seeks internationalisation while no third party is engaged",
        "utility", 0.0, 5.0, "brief H§4a: Pakistan seeks intervention; size assumed")
    w_casualties: float = param(
        0.25, "Weight of own cumulative casualties (log1p) against escalation (costs of fighting)",
        "utility/log-death", 0.0, 5.0, "assumed; Bercovitch: settlement likelier as costs mount (brief H§4a)")
    threshold_rung1: float = param(
        7.5, "One-off political threshold of moving from rung 0 to 1 (coercion, mobilisation)",
        "utility", 0.0, 50.0, "tuned: peacetime rung 0 is stable (no crisis without a trigger, brief H§2d)")
    threshold_rung2: float = param(
        2.5, "One-off threshold of moving from rung 1 to 2 (LoC shelling)", "utility", 0.0, 50.0,
        "tuned: LoC firing followed the 2025 attack within 2 days (brief H§4d); not identified by the record (posterior sd / prior sd 0.96 in the fit of all candidates, experiments/calibrate.py --all-parameters): fixed at this hand-set default")
    threshold_rung3: float = param(
        6.5, "One-off threshold of moving from rung 2 to 3 (cross-border strikes)",
        "utility", 0.0, 50.0, "tuned to P(strikes | post-2016 crisis) ≈ 0.75 (brief M§8); not identified by the record (posterior sd / prior sd 0.96 in the fit of all candidates, experiments/calibrate.py --all-parameters): fixed at this hand-set default")
    threshold_rung4: float = param(
        1.5, "One-off threshold of moving from rung 3 to 4 (conventional war)",
        "utility", 0.0, 50.0, "tuned to P(war | crisis) pre-1998 ≈ 0.2-0.5 with nuclear danger off (brief M§8); not identified by the record (posterior sd / prior sd 0.97 in the fit of all candidates, experiments/calibrate.py --all-parameters): fixed at this hand-set default")
    threshold_rung5: float = param(
        12.0, "One-off threshold of moving from rung 4 to 5 (nuclear use)",
        "utility", 0.0, 200.0, "assumed: first use is a last resort even for a first-use doctrine")
    cost_rung1: float = param(
        0.3, "Daily cost of being at rung 1 (trade, visas, airspace closed), times (1 + economic exposure x trade ties)",
        "utility/day", 0.0, 20.0, "assumed")
    cost_rung2: float = param(
        0.8, "Daily cost of being at rung 2, times (1 + economic exposure x trade ties)", "utility/day", 0.0, 20.0,
        "assumed")
    cost_rung3: float = param(
        2.0, "Daily cost of being at rung 3, times (1 + economic exposure x trade ties)", "utility/day", 0.0, 50.0,
        "tuned: kinetic phases last days, not weeks (2019: 2 d, 2025: ≈4 d; brief H§2c)")
    cost_rung4: float = param(
        4.0, "Daily cost of being at rung 4, times (1 + economic exposure x trade ties)", "utility/day", 0.0, 100.0,
        "assumed")
    danger_rung3: float = param(
        0.5, "Nuclear danger added to the daily cost of being at rung 3 when both sides are nuclear",
        "utility", 0.0, 20.0, "deterrence (brief H§4c); tuned with cost_rung3")
    danger_rung4: float = param(
        10.0, "Nuclear danger added to the daily cost of being at rung 4 when both sides are nuclear",
        "utility", 0.0, 50.0, "tuned to P(war | post-1998 crisis) ≤ 0.11 (brief M§8; 0/9 or 1/9, brief H§2a); not identified by the record (posterior sd / prior sd 0.98 in the fit of all candidates, experiments/calibrate.py --all-parameters): fixed at this hand-set default")
    incursion_danger_factor: float = param(
        0.3, "Share of the nuclear danger of rungs 3 and 4 borne by the defender against an incursion, who "
        "fights on its own side of the line", "share", 0.0, 1.0,
        "Kargil 1999: a limited war in which Indian forces did not cross the LoC (brief H§1b notes, 'rung 3.5'); "
        "not identified by the record (posterior sd / prior sd 1.00 in the fit of all candidates, experiments/calibrate.py --all-parameters): fixed at this hand-set default")
    danger_rung5: float = param(
        30.0, "Nuclear danger added to the daily cost of being at rung 5 when both sides are nuclear",
        "utility", 0.0, 500.0, "no nuclear use in 78 years and 19 crises (brief H§2a)")
    grievance_halflife_days: float = param(
        25.0, "Half-life of grievance", "days", 0.5, 365.0,
        "tuned: the retaliation window after an attack closes within weeks (2016: 11 d, 2019: 12 d, 2025: 15 d)")
    retaliation_satisfaction: float = param(
        0.6, "Share of grievance discharged on a day a side strikes (rung ≥ 3): the need is 'answered'",
        "fraction", 0.0, 1.0, "brief H§4d: ceasefire once both sides have answered")
    grievance_from_shelling: float = param(
        0.08, "Grievance added per day the opponent is at rung 2", "grievance/day", 0.0, 5.0, "assumed")
    grievance_from_strikes: float = param(
        1.6, "Grievance added per day the opponent is at rung ≥ 3 (struck on own territory)",
        "grievance/day", 0.0, 10.0, "tuned: Pakistan answered 2019 and 2025 strikes within 1-2 days")
    grievance_from_standing_cause: float = param(
        0.3, "Grievance added per day to the victim of a standing cause (scenarios/trigger_kinds.csv: an incursion, "
        "an insurgency, a civil war) while its author stays at or above the rung the kind started it at",
        "grievance/day", 0.0, 5.0,
        "Kargil 1999: India fought until the intruders withdrew, 56 days (brief H§1a row 12); hand-set default "
        "(generalises grievance_from_incursion); not identified by the record (posterior sd / prior sd 1.07, experiments/calibrate.py --all-parameters): fixed at this default")
    grievance_per_log_death: float = param(
        3.1, "Grievance added to the victim per log1p(deaths) of a militant attack",
        "grievance", 0.0, 10.0, "tuned: India moved to coercion the day after Pahalgam (26 killed → grievance ≈10.2); hand-set default; fitted by experiments/calibrate.py: runs draw it from conf/params/posterior.csv")
    grievance_per_severity: float = param(
        3.3, "Grievance added to the victim of a trigger per step of its kind's severity (1 political act, "
        "2 non-violent military act, 3 indirect violent act, 4 violent act: ICB TRIGGR, scenarios/trigger_kinds.csv)",
        "grievance/severity", 0.0, 10.0,
        "set so that a severity-2 trigger (a mobilisation or a nuclear test, no deaths) gives what the old Rann and "
        "Kashmir 1965 presets' assumed 20-death tolls gave: grievance_per_log_death x log1p(20) / 2 = 2.163 x 3.04 / 2 "
        "≈ 3.3 (with the fitted grievance_per_log_death of conf/params/default.yaml); [ICB v14] trigger typology; "
        "size assumed, to be fitted")
    grievance_iwt_abeyance: float = param(
        0.8, "Grievance added at the start to a water-dependent side when the Indus Waters Treaty is in abeyance",
        "grievance", 0.0, 10.0, "Pakistan's NSC: diversion would be 'an act of war' (brief H§1a row 19); size assumed")
    commitment_per_escalation: float = param(
        0.5, "Public commitment added each time a side moves up a rung", "commitment", 0.0, 5.0,
        "audience costs rise with escalation (Fearon 1994; Tomz 2007, brief H§4c); size assumed")
    commitment_halflife_days: float = param(
        30.0, "Half-life of public commitment", "days", 1.0, 3650.0, "assumed")

    # --- Perception (step 2) ------------------------------------------------------------------
    misperception_prob: float = param(
        0.05, "Daily chance that a belligerent sees an active opponent (rung ≥ 1) one rung higher than it is, with no hotline",
        "probability/day", 0.0, 1.0, "assumed; worst-case reading under fog of war")
    hotline_misperception_factor: float = param(
        0.25, "Multiplier on the misperception chance on a day the DGMO hotline works",
        "factor", 0.0, 1.0, "brief H§4b: hotline clarifies intent; size assumed")
    facilitation_misperception_factor: float = param(
        0.6, "Multiplier on the misperception chance the day after a third party carried messages",
        "factor", 0.0, 1.0, "Yusuf 2018 brokered bargaining (brief H§4a); size assumed")
    prenotification_misperception_factor: float = param(
        0.85, "Multiplier on the misperception chance with missile-test pre-notification in force",
        "factor", 0.0, 1.0, "2005 agreement (brief H§4b); size assumed")

    # --- Third parties (step 3) -----------------------------------------------------------------
    attention_rung0: float = param(0.02, "Attention multiplier when the highest current rung is 0", "factor", 0.0, 20.0, "assumed")
    attention_rung1: float = param(0.3, "Attention multiplier at highest rung 1", "factor", 0.0, 20.0, "assumed")
    attention_rung2: float = param(1.0, "Attention multiplier at highest rung 2 (reference)", "factor", 0.0, 20.0, "reference level")
    attention_rung3: float = param(4.0, "Attention multiplier at highest rung 3", "factor", 0.0, 50.0,
                                   "third parties intensified contacts in the last 24-48 h of 2019 and 2025 (brief H§4d)")
    attention_rung4: float = param(8.0, "Attention multiplier at highest rung 4", "factor", 0.0, 50.0, "assumed")
    pressure_effect: float = param(
        1.6, "Pressure added to a belligerent per unit of the presser's effective leverage",
        "pressure/leverage", 0.0, 20.0, "tuned: leverage-weighted pressure shortens crises (brief M§8)")
    restraint_effect: float = param(
        0.15, "Pressure added to both belligerents by a public call for restraint", "pressure", 0.0, 5.0,
        "assumed: cheap talk moves little")
    pressure_halflife_days: float = param(
        3.0, "Half-life of third-party pressure and backing", "days", 0.25, 365.0, "assumed: a phone call's weight lasts days")
    backing_effect: float = param(
        1.0, "Backing added to a belligerent per unit of its ally's affinity when the ally backs it",
        "backing/affinity", 0.0, 10.0, "assumed")
    mediation_strain: float = param(
        0.03, "Fall in affinity between a third party and a belligerent that rejects its public mediation offer, per offer",
        "affinity", 0.0, 1.0, "2025: US offer on Kashmir strained US-India ties (brief M§1); size assumed")
    backing_strain: float = param(
        0.01, "Per day of backing: rise of the backer's affinity with its ally and fall with the ally's opponent",
        "affinity/day", 0.0, 1.0, "brief M§2; size assumed")
    pressure_resentment: float = param(
        0.004, "Fall in a pressed belligerent's affinity with the presser per day of pressure", "affinity/day", 0.0, 1.0, "assumed")
    affinity_reversion_days: float = param(
        180.0, "Time constant of affinity's return to its baseline", "days", 1.0, 36500.0, "assumed")
    leverage_depletion: float = param(
        0.01, "Share of leverage used up per day of pressure", "fraction/day", 0.0, 1.0,
        "mediation dilemma: leverage fades (Beardsley 2008, brief H§4a); size assumed")
    leverage_recovery_days: float = param(
        180.0, "Time constant of leverage's recovery", "days", 1.0, 36500.0, "brief H§6 mediation_leverage_halflife_days 180, used as a time constant (half-life ≈125 d)")

    # --- Ceasefire (steps 4-5) ----------------------------------------------------------------
    cf_intercept: float = param(
        -2.0, "Log-odds intercept of a belligerent's daily willingness to cease fire during fighting",
        "log-odds", -20.0, 20.0, "tuned: ceasefire ≈3-4 days after first strikes (brief H§4d); hand-set default; fitted by experiments/calibrate.py: runs draw it from conf/params/posterior.csv")
    cf_w_casualties: float = param(
        0.3, "Log-odds per log1p(own casualties)", "log-odds", 0.0, 10.0, "assumed")
    cf_w_pressure: float = param(
        1.5, "Log-odds per unit of third-party pressure", "log-odds", 0.0, 10.0,
        "brief H§4d: P(ceasefire | pressure high) ≈ 0.3-0.5 per day once both have answered")
    cf_w_facilitation: float = param(
        0.7, "Log-odds on a day a third party carries messages (face-saving)", "log-odds", 0.0, 10.0,
        "mediation raises agreement odds 2-3x (ICB 62% vs 20%, brief H§4a)")
    cf_w_neutral_site: float = param(
        0.5, "Log-odds with a standing neutral-site framework for talks (a venue both accept, face-saving)",
        "log-odds", 0.0, 10.0, "assumed; direction from mediation and facilitation effects (brief H§4a)")
    cf_w_danger: float = param(
        1.0, "Log-odds per unit of nuclear danger at the current highest rung", "log-odds", 0.0, 10.0,
        "2025 'alarming intelligence' spurred contacts (brief H§4c); size assumed")
    cf_w_grievance: float = param(
        0.5, "Log-odds lost per unit of own grievance (not yet answered)", "log-odds", 0.0, 10.0, "assumed")
    cf_w_commitment: float = param(
        0.2, "Log-odds lost per unit of own public commitment", "log-odds", 0.0, 10.0, "audience costs; assumed")
    cf_break_hazard: float = param(
        0.01, "Daily hazard that a ceasefire in force breaks, with no trust and no guarantee", "probability/day", 0.0, 1.0,
        "2018 understanding held ≈3 months (brief H§2e)")
    cf_trust_effect: float = param(
        2.5, "Break hazard is multiplied by exp(-cf_trust_effect × trust)", "1/trust", 0.0, 20.0,
        "2021 understanding held ≈4 years with high political backing (brief H§2e)")
    cf_guarantee_factor: float = param(
        0.7, "Break-hazard multiplier for a ceasefire agreed through a third party (a guarantor watches)",
        "factor", 0.0, 1.0, "Fortna 2003: third-party guarantees make ceasefires last (brief H§4b); size assumed")
    understanding_halflife_days: float = param(
        1095.0, "Half-life of a LoC ceasefire understanding in calm times (no fighting)", "days", 1.0, 36500.0,
        "2003 understanding held ≈3 years, 2021 ≈4 years; 2018 (weak backing) ≈3 months (brief H§2e)")
    cf_spoiler_break_prob: float = param(
        0.5, "Chance that a militant attack during a ceasefire breaks it", "probability", 0.0, 1.0, "assumed")
    cf_settle_days: float = param(
        7.0, "Days an agreed ceasefire must last before it counts as holding", "days", 0.0, 365.0, "assumed")
    trust_per_cbm: float = param(
        0.12, "Trust contributed by each confidence-building measure in force", "trust", 0.0, 1.0, "assumed")
    trust_gain_hotline_ceasefire: float = param(
        0.1, "Trust gained when a ceasefire is agreed over the hotline", "trust", 0.0, 1.0, "assumed")
    trust_loss_break: float = param(
        0.2, "Trust lost when a ceasefire breaks", "trust", 0.0, 1.0, "assumed")

    # --- Casualties and LoC incidents (step 5) -----------------------------------------------------
    casualties_rung2: float = param(
        1.5, "Deaths per day suffered by a side whose opponent is at rung 2", "deaths/day", 0.0, 1e3,
        "2025: ≈10-21 killed in J&K shelling over ≈14 nights (brief H§1a)")
    casualties_rung3: float = param(
        12.0, "Deaths per day suffered by a side whose opponent is at rung 3", "deaths/day", 0.0, 1e4,
        "2025: ≈70-100 deaths in ≈4 days of strikes (brief H§1a)")
    casualties_rung4: float = param(
        100.0, "Deaths per day suffered by a side whose opponent is at rung 4", "deaths/day", 0.0, 1e5,
        "1965: ≈4,400-7,100 deaths over ≈50 days (brief H§1a)")
    casualties_rung5: float = param(
        1e5, "Deaths on the day a side suffers nuclear use", "deaths", 0.0, 1e8,
        "order of magnitude of one low-yield urban detonation; assumed")
    loc_rate_multiplier_fighting: float = param(
        3.0, "Multiplier on the LoC incident rate while either side is at rung ≥ 2", "factor", 1.0, 100.0,
        "2025: nightly firing on ≥14 consecutive nights (brief H§2e); assumed")
    calm_days_between_crises: float = param(
        30.0, "Days with both sides at rung 0 before a new rise counts as a new crisis (era horizon)", "days",
        1.0, 3650.0, "convention: ICB counts a crisis from a new trigger after termination (brief H§0)")
    grievance_per_loc_incident: float = param(
        0.002, "Grievance added to both sides per LoC incident", "grievance", 0.0, 1.0, "assumed")


def param_specs() -> list[dict[str, Any]]:
    """Return one record per behavioural parameter: name, default, unit, range, meaning, basis."""
    out = []
    for f in fields(ModelParams):
        m = f.metadata
        out.append({"name": f.name, "default": f.default, "unit": m["unit"], "range": m["range"],
                    "doc": m["doc"], "basis": m["basis"]})
    return out


PARAM_NAMES: tuple[str, ...] = tuple(f.name for f in fields(ModelParams))

