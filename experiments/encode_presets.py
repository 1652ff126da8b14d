"""Write the eighteen historical presets from the record by the coding rules (the first encoding).

    .venv/bin/python experiments/encode_presets.py

docs/coding_rules.md defines the crises, the coded inputs, their levels and values, and the one
rule: an input may use only what was public on or before the trigger day. This script and
experiments/encode_crises.py (the crises: each trigger's kind, victim, toll and commitments, the
observed outcome, the third parties' roles) hold the *facts* the rules ask for (alliances,
arms-supply shares, aid, earlier crises' roles, the CBMs in force), each with its date and
source, and this script applies the rules to them: the points of attention and pressure, the precedents of
facilitation and mediation, the levels of backing, affinity and leverage. It writes
``scenarios/<preset>/{scenario.yaml,actors.csv,edges.csv}`` and ``conf/scenario/<preset>.yaml``.
Each preset is complete in itself (no ``base:``): the conventions that are not coded per crisis
(audience costs, economic exposure, event rates, restraint, geography) are written into every
preset from :data:`CONVENTIONS`, marked ``known: standing``, and tests/test_encoding.py checks
that they are the same everywhere.

A code's ``known`` is the date from which the code holds: the latest of the dated facts it rests
on (a treaty's signature, the end of an earlier crisis, the end of an arms-share window), or the
trigger day itself for a level 0 ("nothing of the kind by the trigger day") and for facts that
simply hold on that day. "general knowledge" marks facts the record (docs/brief.md part H) does
not state, as the record itself does; where the sources do not settle a code it takes the lower
level (for the signed affinity scale, the level nearer 0) and says so.

The files this writes are the first encoding; edit the facts here and re-run, not the files.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.inputs.scenario.keys import CODING_LEVELS  # noqa: E402

from encode_crises import CRISES, EXTRA_OBSERVED, GK, Crisis  # noqa: E402

BELLIGERENTS = ("IND", "PAK")
THIRD_PARTIES = ("USA", "RUS", "CHN", "GBR", "IRN", "SAU", "ARE")
NAMES = {"IND": "India", "PAK": "Pakistan", "USA": "United States", "CHN": "China", "GBR": "United Kingdom",
         "IRN": "Iran", "SAU": "Saudi Arabia", "ARE": "United Arab Emirates"}
ARE_FOUNDED = "1971-12-02"
SOVIET_END = "1991-12-26"
SIMLA = "1972-07-02"

# ------------------------------------------------------------------ the conventions (not coded)
CONV = "convention set once for all presets, not coded per crisis (docs/coding_rules.md)"
CONVENTIONS_BELLIGERENT = {
    "IND": {"grievance0": (0.0, f"no grievance before the trigger beyond the trigger itself; {CONV}"),
            "audience_cost": (1.2, f"audience cost of backing down (Fearon 1994, Tomz 2007, brief H§4c); size assumed; {CONV}"),
            "economic_exposure": (0.3, f"diversified economy (brief H§5a); size assumed; {CONV}"),
            "accept_facilitation": (1.0, f"accepts bilateral and quiet facilitation (brief H§4a); {CONV}"),
            "internationalise": (0.0, f"no incentive to internationalise Kashmir (brief H§4a); {CONV}"),
            "water_dependence": (0.0, "upper riparian of the Indus system: geography (brief H§4b)")},
    "PAK": {"grievance0": (0.0, f"no grievance before the trigger beyond the trigger itself; {CONV}"),
            "audience_cost": (1.0, f"audience cost of backing down; the army's standing (assumption); {CONV}"),
            "economic_exposure": (0.6, f"dependence on outside finance (brief H§4c); size assumed; {CONV}"),
            "accept_facilitation": (1.0, f"accepts any channel (brief H§4a); {CONV}"),
            "internationalise": (1.0, f"seeks third-party intervention (brief H§4a); {CONV}"),
            "water_dependence": (1.0, "lower riparian of the Indus system: geography (brief H§4b)")},
}
RESTRAINT = {"USA": 1.0, "RUS": 1.0, "CHN": 1.0, "GBR": 1.0, "IRN": 1.0, "SAU": 0.5, "ARE": 0.5}
RATES = {
    "attack_rate_per_year": (0.26, "terror-triggered crisis rate 0.21/yr (brief H§2d) / P(crisis | mass-casualty attack) 0.8 (brief H§6)"),
    "attack_victim_share": (0.85, "share of attacks striking trigger.victim: all six terror-triggered crises since 2001 struck India (brief H§2d); assumption"),
    "attack_deaths_median": (28.5, "median death toll of the trigger attacks 2001-2025: 15, 31, 166, 19, 40, 26 (brief H§1a)"),
    "attack_deaths_log_sd": (0.9, "log-sd of the same six tolls: ≈0.9"),
    "loc_incidents_per_year": (2000, "cfv_baseline_per_year with no ceasefire understanding (brief H§6; MHA 2018-2020: 2,140-5,133)"),
    "cbm_cfv_multiplier": (0.05, "DGMO understanding cuts LoC incidents 86-99.5% (brief H§2e)"),
}


def year(d: str) -> int:
    return int(d[:4])


def before(fact: str, trigger: str) -> bool:
    return bool(fact) and fact <= trigger


# ------------------------------------------------------------------ the facts
#: Defence treaties and alliances in force (third party, belligerent, from, to, source).
ALLIANCES = [
    ("USA", "PAK", "1954-05-19", "1979-03-12", f"Mutual Defense Assistance Agreement 1954, SEATO 1954, CENTO 1955 (brief H§5c); Pakistan left CENTO 12 Mar 1979 ({GK})"),
    ("GBR", "PAK", "1954-09-08", "1979-03-12", f"SEATO 1954 and CENTO 1955 allies ({GK})"),
    ("IRN", "PAK", "1955-11-03", "1979-03-12", f"CENTO (Baghdad Pact) partners ({GK})"),
    ("RUS", "IND", "1971-08-09", "1991-08-09", "1971 Treaty of Peace, Friendship and Cooperation, twenty years (brief H§5c)"),
]
#: "All-weather" partnerships (count for affinity and backing, not as a defence treaty).
ALL_WEATHER = [("CHN", "PAK", "2015-04-20", "All-Weather Strategic Cooperative Partnership 2015 (brief H§5c)")]
#: Wars between a third party and a belligerent (for affinity −2 within ten years).
WARS = [("CHN", "IND", "1962-11-21", "Sino-Indian war, Oct-Nov 1962 (general knowledge)")]
#: Hostility by the rule's criteria (unsettled border dispute, sanctions in force): (tp, bel, from, to, source).
HOSTILE = [
    ("CHN", "IND", "1959-10-21", "9999-12-31", f"unsettled border dispute, public since the Kongka Pass clash of 1959 ({GK})"),
    ("USA", "PAK", "1990-10-01", "2001-09-22", f"Pressler sanctions from Oct 1990, lifted Sep 2001 ({GK})"),
    ("USA", "IND", "1998-05-13", "2001-09-22", f"sanctions after the May 1998 tests (brief H§1a row 11), lifted Sep 2001 ({GK})"),
]
#: Aid, loan or finance dependence of a belligerent on a third party: (tp, bel, from, to, source).
AID = [
    ("USA", "IND", "1951-06-15", "1971-12-06", f"US food aid from the India Emergency Food Aid Act of Jun 1951 and PL-480, until the aid cut of Dec 1971 ({GK})"),
    ("USA", "PAK", "1954-05-19", "1990-10-01", f"US military and economic aid, 1954-1990 (cut by the Pressler sanctions) ({GK})"),
    ("USA", "PAK", "2001-09-22", "2018-01-04", f"US aid after 9/11, until security assistance was suspended in Jan 2018 ({GK})"),
    ("SAU", "PAK", "1980-01-01", "9999-12-31", f"Saudi finance and oil credit for Pakistan from the 1980s ({GK})"),
    ("ARE", "PAK", "2018-12-21", "9999-12-31", f"UAE deposits with Pakistan's central bank from Dec 2018 ({GK})"),
]
#: Friendly ties by the rule (strategic partnership, or aid with no arms): (tp, bel, from, to, source).
FRIENDLY = [
    ("USA", "IND", "2004-01-12", "9999-12-31", f"Next Steps in Strategic Partnership 2004, civil nuclear deal 2008, Major Defense Partner 2016 (brief H§5c, {GK})"),
    ("USA", "PAK", "2004-06-16", "9999-12-31", "major non-NATO ally 2004 (brief H§5c)"),
    ("RUS", "IND", "1993-01-28", "9999-12-31", f"Treaty of Friendship 1993, strategic partnership 2000, 'special and privileged' 2010 (brief H§5c, {GK})"),
    ("CHN", "PAK", "1963-03-02", "9999-12-31", f"boundary agreement of 2 Mar 1963 and Chinese aid from 1964 ({GK})"),
    ("GBR", "IND", "1947-08-15", "9999-12-31", f"Commonwealth ties; arms and aid supplier ({GK})"),
    ("GBR", "PAK", "1947-08-15", "9999-12-31", f"Commonwealth ties; arms and aid supplier ({GK})"),
    ("IRN", "IND", "2016-05-23", "9999-12-31", f"Chabahar port agreement, May 2016 ({GK}; brief H§5c)"),
    ("SAU", "IND", "2010-03-01", "9999-12-31", f"Riyadh Declaration strategic partnership 2010 ({GK}); Strategic Partnership Council 2019 (brief H§5c)"),
    ("ARE", "IND", "2017-01-25", "9999-12-31", "Comprehensive Strategic Partnership 2017 (brief H§5c)"),
]

#: Arms-import share levels (0 <5%, 1 5-20%, 2 20-50%, 3 >50%) of each belligerent by supplier,
#: for the five years before the trigger: {(tp, bel): {trigger year: level}} (0 where absent).
_SHARE_YEARS = (1947, 1951, 1965, 1971, 1984, 1987, 1990, 1998, 1999, 2001, 2002, 2008, 2014, 2016, 2019, 2025)


def _levels(**by_year: int) -> dict[int, int]:
    return {int(k[1:]): v for k, v in by_year.items()}


ARMS: dict[tuple[str, str], dict[int, int]] = {
    ("GBR", "IND"): _levels(y1947=3, y1951=3, y1965=2, y1971=1, y1984=1, y1987=1),
    ("GBR", "PAK"): _levels(y1947=3, y1951=3),
    ("RUS", "IND"): _levels(y1965=1, y1971=3, y1984=3, y1987=3, y1990=3, y1998=3, y1999=3, y2001=3, y2002=3, y2008=3,
                            y2014=3, y2016=3, y2019=3, y2025=2),
    ("USA", "IND"): _levels(y1965=1, y2014=1, y2016=1, y2019=1, y2025=1),
    ("USA", "PAK"): _levels(y1965=3, y1984=2, y1987=2, y1990=2, y2008=2, y2014=2, y2016=1, y2019=1),
    ("CHN", "PAK"): _levels(y1971=2, y1984=2, y1987=2, y1990=2, y1998=2, y1999=2, y2001=2, y2002=2, y2008=2,
                            y2014=3, y2016=3, y2019=3, y2025=3),
}
ARMS_SOURCE = {
    2025: "SIPRI 2020-24: Russia 36% of India's arms imports, China 81% of Pakistan's; USA ≈13% of India's (2019-23) (brief H§5b)",
    2019: f"SIPRI 2014-18 ({GK}); India: Russia 55% in 2015-19, Pakistan: China 74% in 2015-19 (brief H§5b)",
}


def arms_level(tp: str, bel: str, trigger: str) -> int:
    return ARMS.get((tp, bel), {}).get(year(trigger), 0)


def arms_known(trigger: str) -> str:
    y = year(trigger)
    return trigger if y <= 1947 else f"{y - 1}-12-31"


def arms_source(trigger: str) -> str:
    y = year(trigger)
    if y in ARMS_SOURCE:
        return ARMS_SOURCE[y]
    if y <= 1951:
        return f"before arms-share data: the UK the principal supplier of both armies, inherited from British India ({GK})"
    return f"SIPRI arms-transfer shares {y - 5}-{y - 1}, approximate ({GK})"


def in_force(spans, tp: str, bel: str, trigger: str) -> list[tuple[str, str]]:
    """The (from, source) of the spans of ``tp``-``bel`` in force on the trigger day."""
    return [(s[2], s[-1]) for s in spans if s[0] == tp and s[1] == bel and s[2] <= trigger < s[3]]


def present(tp: str, trigger: str) -> bool:
    return tp != "ARE" or trigger >= ARE_FOUNDED


def earlier(c: Crisis) -> list[Crisis]:
    """The crises of the list that ended before this one's trigger day, in order."""
    return [e for e in CRISES if e.end and e.end <= c.date and e.row < c.row]


def previous(c: Crisis) -> Crisis | None:
    prior = [e for e in CRISES if e.row < c.row]
    return prior[-1] if prior else None


# ------------------------------------------------------------------ the rules
def superpower(tp: str) -> bool:
    return tp in ("USA", "RUS")


def p5(tp: str, trigger: str) -> bool:
    return tp in ("USA", "RUS", "GBR") or (tp == "CHN" and trigger >= "1971-10-25")


def code_attention(tp: str, c: Crisis) -> tuple[int, str, str]:
    points, why, dates = 0, [], []
    ally = [x for b in BELLIGERENTS for x in in_force(ALLIANCES, tp, b, c.date)]
    if ally:
        points += 1
        why.append(f"+1 alliance: {ally[0][1]}")
        dates.append(ally[0][0])
    supplier = [b for b in BELLIGERENTS if arms_level(tp, b, c.date) >= 2]
    if supplier:
        points += 1
        why.append(f"+1 supplies ≥20% of {'/'.join(supplier)}'s arms: {arms_source(c.date)}")
        dates.append(arms_known(c.date))
    if superpower(tp):
        points += 1
        why.append("+1 superpower")
    prev = previous(c)
    if prev and tp in prev.roles and prev.end <= c.date:
        points += 1
        why.append(f"+1 in the previous crisis ({prev.preset}): {prev.roles_source}")
        dates.append(prev.end)
    points = min(points, 3)
    return points, "; ".join(why) or f"no alliance, major arms supply, superpower status or role in the previous crisis ({prev.preset if prev else 'none'})", max(dates) if dates else c.date


def code_pressure(tp: str, c: Crisis) -> tuple[int, str, str]:
    points, why, dates = 0, [], []
    for b in BELLIGERENTS:
        if arms_level(tp, b, c.date) >= 2:
            points += 1
            why.append(f"+1 {b} depends on it for arms (≥20%): {arms_source(c.date)}")
            dates.append(arms_known(c.date))
        elif in_force(AID, tp, b, c.date):
            start, src = in_force(AID, tp, b, c.date)[0]
            points += 1
            why.append(f"+1 {b} depends on it for aid or finance: {src}")
            dates.append(start)
    if superpower(tp):
        points += 1
        why.append("+1 superpower")
    if p5(tp, c.date):
        points += 1
        why.append("+1 permanent member of the UN Security Council" + (" (PRC seat from 25 Oct 1971)" if tp == "CHN" else ""))
        if tp == "CHN":
            dates.append("1971-10-25")
    points = min(points, 4)
    return points, "; ".join(why) or "no arms or aid dependence, not a superpower or permanent member", max(dates) if dates else c.date


def code_precedent(tp: str, c: Crisis, roles: set[str]) -> tuple[list[Crisis], str]:
    hits = [e for e in earlier(c) if roles & e.roles.get(tp, set())]
    return hits, (max(e.end for e in hits) if hits else c.date)


def code_facilitation(tp: str, c: Crisis) -> tuple[int, str, str]:
    hits, known = code_precedent(tp, c, {"message"})
    n = min(len(hits), 2)
    if not hits:
        return 0, "carried no messages and hosted no talks in an earlier crisis of the list", known
    return n, "carried messages or hosted talks in " + "; ".join(f"{e.preset} ({e.roles_source})" for e in hits), known


def code_mediation(tp: str, c: Crisis) -> tuple[int, str, str]:
    agreed, known2 = code_precedent(tp, c, {"agreement"})
    if agreed:
        return 2, "mediated an agreement the two signed: " + "; ".join(f"{e.preset} ({e.roles_source})" for e in agreed), min(e.end for e in agreed)
    offered, known1 = code_precedent(tp, c, {"mediate"})
    if offered:
        return 1, "mediated or offered mediation in an earlier dispute: " + f"{offered[0].preset} ({offered[0].roles_source})", offered[0].end
    return 0, "no mediation precedent in the sources before the trigger", c.date


def principal(tp: str, bel: str, trigger: str) -> bool:
    mine = arms_level(tp, bel, trigger)
    return mine >= 2 and all(arms_level(o, bel, trigger) <= mine for o in THIRD_PARTIES)


#: Declared diplomatic support of a belligerent on the dispute: (tp, bel, from, to, source).
DECLARED = [
    ("CHN", "PAK", "1964-02-23", "9999-12-31", f"Zhou Enlai-Ayub Khan communiqué of Feb 1964 backing Pakistan on Kashmir ({GK})"),
    ("RUS", "IND", "1955-12-10", "9999-12-31", f"Khrushchev in Srinagar, Dec 1955: Kashmir part of India; Soviet UNSC vetoes 1957, 1962 ({GK})"),
]


def code_backing(tp: str, c: Crisis) -> tuple[int, str, str, str]:
    """(level, backed belligerent, source, known)."""
    for b in BELLIGERENTS:
        bond = in_force(ALLIANCES, tp, b, c.date) + [(s[2], s[3]) for s in ALL_WEATHER if s[0] == tp and s[1] == b and s[2] <= c.date]
        if bond and principal(tp, b, c.date):
            return 2, b, f"{bond[0][1]}; principal arms supplier of {b} ({arms_source(c.date)})", max(bond[0][0], arms_known(c.date))
    for b in BELLIGERENTS:
        decl = in_force(DECLARED, tp, b, c.date)
        if decl:
            return 1, b, f"declared diplomatic support of {b}: {decl[0][1]}", decl[0][0]
    return 0, "", "no alliance with a principal arms supply and no declared support on the dispute before the trigger", c.date


def code_affinity(tp: str, bel: str, c: Crisis) -> tuple[int, str, str]:
    war = [w for w in WARS if w[0] == tp and w[1] == bel and w[2] <= c.date and year(c.date) - year(w[2]) <= 10
           and c.date <= f"{year(w[2]) + 10}{w[2][4:]}"]
    if war:
        return -2, f"war within the ten years before the trigger: {war[0][3]}", war[0][2]
    bond = in_force(ALLIANCES, tp, bel, c.date) + [(s[2], s[3]) for s in ALL_WEATHER if s[0] == tp and s[1] == bel and s[2] <= c.date]
    if bond:
        return 2, f"defence treaty, alliance or all-weather partnership in force: {bond[0][1]}", bond[0][0]
    hostile = in_force(HOSTILE, tp, bel, c.date)
    if hostile:
        return -1, f"hostile: {hostile[0][1]}", hostile[0][0]
    if arms_level(tp, bel, c.date) >= 1:
        return 1, f"friendly: arms supplier ({arms_source(c.date)})", arms_known(c.date)
    aid = in_force(AID, tp, bel, c.date)
    if aid:
        return 1, f"friendly: aid or finance supplier: {aid[0][1]}", aid[0][0]
    friend = in_force(FRIENDLY, tp, bel, c.date)
    if friend:
        return 1, f"friendly: {friend[0][1]}", friend[0][0]
    return 0, "neutral or distant: no treaty, arms, aid, partnership, dispute or sanctions in the sources before the trigger", c.date


def code_leverage(tp: str, bel: str, c: Crisis) -> tuple[int, str, str]:
    level = arms_level(tp, bel, c.date)
    band = ("under 5%", "5-20%", "20-50%", "over 50%")[level]
    return level, f"{band} of {bel}'s arms imports: {arms_source(c.date)}", arms_known(c.date) if level else c.date


def value(family: str, code):
    levels = CODING_LEVELS[family][1]
    return code if levels is None else levels[code]


# ------------------------------------------------------------------ the dyad
def conditions(c: Crisis) -> dict[str, tuple[object, str, str]]:
    d = c.date
    hot = d > "1971-12-17"
    out = {"hotline": (hot, "DGMO hotline set up after the 1971 war (coding rules §B)" if hot else
                       "no DGMO hotline before the end of the 1971 war, 17 Dec 1971 (coding rules §B)", "1971-12-17" if hot else d)}
    if d < "1949-07-27":
        loc = (False, "no ceasefire line yet (the Karachi Agreement line dates from Jul 1949)", d)
    elif d < "1966-01-10":
        loc = (True, "the 1949 Karachi Agreement ceasefire line in force; no collapse in the record in the year before", "1949-07-27")
    elif d < "1972-12-11":
        loc = (True, "the ceasefire line restored by the Tashkent Declaration, 10 Jan 1966; no collapse in the record", "1966-01-10")
    elif d < "1989-01-01":
        loc = (True, "the Simla LoC of 1972 in force; no collapse in the record in the year before", "1972-12-11")
    elif d < "2003-11-26":
        loc = (False, "1989-2003 the LoC saw regular firing (coding rules §B; 8,376 CFVs in 2002, brief H§2e)", "1989-12-31")
    elif d < "2018-06-01":
        loc = (True, "the Nov 2003 ceasefire in force, not collapsed in the year before (brief H§2e: "
                     + {2008: "77 CFVs in 2008", 2014: "347 CFVs in 2013", 2016: "405 CFVs in 2015"}.get(year(d), "") + ")", "2003-11-26")
    elif d < "2021-02-25":
        loc = (False, "the May 2018 understanding lapsed within ≈3 months: ≈165 CFVs a month by Sep-Dec 2018 (brief H§2e)", "2018-12-31")
    else:
        loc = (True, "25 Feb 2021 DGMO joint statement, holding ('holding well', Jan 2023; brief H§2e)", "2021-02-25")
    out["loc_understanding"] = loc
    pre = d >= "2005-10-03"
    out["missile_prenotification"] = (pre, "ballistic-missile test pre-notification agreement, Oct 2005 (brief H§4b)" if pre
                                      else "the pre-notification agreement dates from 2005 (brief H§4b)", "2005-10-03" if pre else d)
    nal = d >= "1992-01-01"
    out["nuclear_nonattack_list"] = (nal, "1988 agreement; lists first exchanged 1 Jan 1992 (coding rules §B, brief H§4b)" if nal
                                     else "the non-attack lists were first exchanged on 1 Jan 1992 (coding rules §B)", "1992-01-01" if nal else d)
    p2p = {
        "1971-03-25": (False, f"trade suspended since the 1965 war and not resumed until 1974-75 ({GK})", "1965-09-06"),
        "2002-05-14": (False, f"rail, bus and air links cut after the Parliament attack, Dec 2001-Jan 2002 ({GK}; brief H§1a row 13)", "2002-01-01"),
        "2025-04-22": (False, "trade suspended by Pakistan in Aug 2019 (brief H§5a), Samjhauta Express suspended Aug 2019 "
                              f"({GK}); the Apr 2025 visa measures came after the trigger", "2019-08-08"),
    }
    out["people_to_people"] = p2p.get(d, (True, f"visas issued and trade or travel links open on the trigger day ({GK})"
                                          + ("; MFN withdrawn only on 15 Feb 2019, after the trigger (brief H§5a)" if d == "2019-02-14" else ""), d))
    if d >= "1960-09-19":
        out["indus_waters_treaty"] = ("in_force", "Indus Waters Treaty signed 19 Sep 1960, no suspension before the trigger "
                                      "(the abeyance of 23 Apr 2025 came after every trigger; brief H§4b)", "1960-09-19")
    else:
        out["indus_waters_treaty"] = ("in_force", "before the 1960 treaty: no suspension of water sharing in force (coding rules §B)", d)
    return out


def nuclear(c: Crisis) -> tuple[bool, str, str]:
    if c.date > "1998-05-28":
        return True, "both had tested: India 1974 and 1998, Pakistan 28 May 1998 (brief H§1a row 11)", "1998-05-28"
    return False, "Pakistan had not tested before 28 May 1998 (coding rules §B)", c.date


def retaliation_norm(c: Crisis) -> tuple[int, str, str]:
    strikes = [("2016-09-29", "Uri: cross-LoC raid of 29 Sep 2016 (brief H§1a row 17)"),
               ("2019-02-26", "Pulwama: Balakot strike of 26 Feb 2019 (brief H§1a row 18)")]
    hits = [s for s in strikes if s[0] < c.date]
    if not hits:
        return 0, "India had not answered a militant attack with a cross-border strike before the trigger", c.date
    return min(len(hits), 2), "India answered militant attacks with cross-border strikes: " + "; ".join(h[1] for h in hits), hits[-1][0]


# ------------------------------------------------------------------ writing
def entry(v, source, known) -> dict:
    return {"value": v, "source": source, "known": known}


def encode(c: Crisis) -> tuple[dict, list[list], list[list]]:
    d = c.date
    tps = [t for t in THIRD_PARTIES if present(t, d)]
    meta: dict = {
        "name": c.preset, "title": c.title,
        "trigger": {"date": d, "description": c.description,
                    "victim": entry(c.victim, c.victim_source, d),
                    "deaths": entry(c.deaths, c.deaths_source, d),
                    "kind": entry(c.kind, c.kind_source, d)},
        "nuclear": entry(*nuclear(c)),
        "conditions": {k: entry(*v) for k, v in conditions(c).items()},
        "rates": {k: entry(v, f"{s}; {CONV}", "standing") for k, (v, s) in RATES.items()},
        "observed": {k: {"value": v, "source": s} for k, (v, s) in c.observed.items()},
    }
    for k, (v, s) in EXTRA_OBSERVED.get(c.preset, {}).items():
        meta["observed"][k] = {"value": v, "source": s}
    actors: list[list] = []
    soviet = d < SOVIET_END
    for b in BELLIGERENTS:
        actors.append([b, "name", NAMES[b], "", ""])
        actors.append([b, "role", "belligerent", "", "brief M§1"])
        tested = {"IND": "1974-05-18", "PAK": "1998-05-28"}[b]
        actors.append([b, "nuclear", 1 if tested <= d else 0, tested if tested <= d else d,
                       f"{NAMES[b]} had tested a nuclear device ({tested})" if tested <= d else f"{NAMES[b]} had not yet tested ({tested})"])
        for k, (v, s) in CONVENTIONS_BELLIGERENT[b].items():
            actors.append([b, k, v, "standing", s])
        lvl, src = c.commitment[b]
        role = "victim" if b == c.victim else "opponent"
        actors.append([b, "commitment0", value("belligerent.commitment0", lvl), d, f"level {lvl} ({role}): {src}"])
        if b == "IND":
            acc = d < SIMLA
            actors.append([b, "accept_mediation", 1.0 if acc else 0.0, d if acc else SIMLA,
                           "India accepted mediation before the Simla Agreement of 2 Jul 1972 (brief H§4a)" if acc
                           else "India rejects third-party mediation since the Simla Agreement of 2 Jul 1972 (brief H§4a)"])
            lvl, src, known = retaliation_norm(c)
            actors.append([b, "retaliation_norm", value("belligerent.retaliation_norm", lvl), known, f"level {lvl}: {src}"])
        else:
            actors.append([b, "accept_mediation", 1.0, d, "Pakistan has sought third-party involvement throughout (brief H§4a)"])
            actors.append([b, "retaliation_norm", 0.0, d, "Pakistan: always level 0 (coding rules §C)"])
    for t in tps:
        name = "Soviet Union" if t == "RUS" and soviet else ("Russia" if t == "RUS" else NAMES[t])
        actors.append([t, "name", name, "", ""])
        actors.append([t, "role", "third_party", "", "coding rules §D"])
        for key, fn in (("attention", code_attention), ("pressure", code_pressure),
                        ("facilitation", code_facilitation), ("mediation", code_mediation)):
            lvl, src, known = fn(t, c)
            actors.append([t, key, value(f"third_party.{key}", lvl), known, f"level {lvl}: {src}"])
        lvl, backed, src, known = code_backing(t, c)
        actors.append([t, "backing", value("third_party.backing", lvl), known, f"level {lvl}: {src}"])
        actors.append([t, "public_mediation", 0.0, d, "no public offer to mediate this dispute on or before the trigger "
                                                     "day in the sources (an offer after the trigger is outcome)"])
        actors.append([t, "restraint", RESTRAINT[t], "standing", f"calls for restraint; {CONV}"])
        actors.append([t, "public_mediation_from_day", 0, "standing", "a standing offer counts from day 0 (coding rules §D)"])
    edges: list[list] = [["IND", "PAK", "affinity", -0.8, "standing",
                          "war-rival dyad throughout, ICB PCID 12 (coding rules §E: not coded)"]]
    for t in tps:
        for b in BELLIGERENTS:
            lvl, src, known = code_affinity(t, b, c)
            edges.append([t, b, "affinity", value("edge.affinity", lvl), known, f"level {lvl}: {src}"])
    for t in tps:
        for b in BELLIGERENTS:
            lvl, src, known = code_leverage(t, b, c)
            edges.append([t, b, "leverage_security", value("edge.leverage_security", lvl), known, f"level {lvl}: {src}"])
    return meta, actors, edges


HEADER = """# {title}: an encoding of crisis {row} of the record (docs/brief.md H§1a) by docs/coding_rules.md,
# written by experiments/encode_presets.py (edit the facts there, not this file). Every input is
# {{value, source, known}}: known is the date of the fact it rests on, on or before the trigger day,
# or `standing` for a convention; the outcome is kept apart under `observed` and is never an input.
"""


def write(c: Crisis) -> None:
    meta, actors, edges = encode(c)
    folder = ROOT / "scenarios" / c.preset
    folder.mkdir(parents=True, exist_ok=True)
    text = HEADER.format(title=c.title, row=c.row) + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=10_000)
    (folder / "scenario.yaml").write_text(text, encoding="utf-8")
    with (folder / "actors.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["actor", "key", "value", "known", "source"])
        w.writerows(actors)
    with (folder / "edges.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["from", "to", "attribute", "value", "known", "source"])
        w.writerows(edges)
    conf = ROOT / "conf" / "scenario" / f"{c.preset}.yaml"
    conf.write_text(f"# {c.title}. Data and sources: scenarios/{c.preset}/.\ndefaults:\n  - scenario_schema\n"
                    f"name: {c.preset}\n", encoding="utf-8")


def main() -> None:
    for c in CRISES:
        write(c)
        print(f"wrote scenarios/{c.preset}/")


if __name__ == "__main__":
    main()
