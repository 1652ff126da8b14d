"""The crises of docs/coding_rules.md as the record gives them: trigger, kind, victim, toll, the
commitments on the trigger day, the observed outcome, and the roles third parties played (which
later crises count as precedents). Read by experiments/encode_presets.py, which applies the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

GK = "general knowledge"
LOWER = "not settled in the sources: lower level"


@dataclass
class Crisis:
    preset: str
    row: int
    title: str
    date: str
    end: str  # termination (for precedents: known when the crisis ended); "" if open-ended
    kind: str
    kind_source: str
    victim: str
    victim_source: str
    deaths: int
    deaths_source: str
    description: str
    commitment: dict[str, tuple[int, str]]  # actor -> (level, source)
    observed: dict[str, tuple[object, str]]
    roles: dict[str, set[str]] = field(default_factory=dict)  # third party -> {message, press, mediate, agreement}
    roles_source: str = ""


R = "brief H§1a row"
CRISES = [
    Crisis("junagadh_1947", 1, "Junagadh accession crisis, 1947", "1947-08-17", "1948-02-24", "accession",
           f"Junagadh's ruler acceded to Pakistan: a change in the legal status of disputed territory ({R} 1)",
           "IND", "the accession threatened India's claim to a Hindu-majority state inside its territory ({R} 1)".format(R=R),
           0, f"no interstate fighting, no death on the trigger day ({R} 1)", "Junagadh accedes to Pakistan",
           {"IND": (0, f"no public commitment on the trigger day in the sources ({R} 1): level 0"),
            "PAK": (0, f"the act was the Nawab's accession, not Pakistan's forces; Pakistan accepted it only on 13 Sep 1947 ({GK})")},
           {"highest_rung": (1, f"diplomatic moves and mobilisation, no interstate fighting ({R} 1: max. rung 1)"),
            "duration_days": (192, f"ICB BREXIT ({R} 1, H§1b)"),
            "ending": ("unilateral", f"unilateral: Indian takeover, plebiscite Feb 1948 ({R} 1; ICB FOROUT=4)")}),
    Crisis("kashmir_1947", 2, "First Kashmir War, 1947-49 (pre-nuclear)", "1947-10-24", "1949-01-01", "incursion",
           f"tribal invasion of Jammu and Kashmir by irregulars from Pakistan ({R} 2)",
           "IND", f"the invasion threatened Jammu and Kashmir, which acceded to India on 26 Oct; ICB's first-triggered actor ({R} 2)",
           0, f"no trigger-day toll in the sources ({R} 2 gives war totals only): 0", "Tribal invasion of Jammu and Kashmir",
           {"IND": (0, f"no public commitment on the trigger day in the sources ({R} 2): level 0"),
            "PAK": (0, f"irregulars; Pakistan denied sponsoring the invasion ({R} 2, {GK})")},
           {"highest_rung": (4, f"the First Kashmir War, ICB SEVVIOSY=4 ({R} 2, H§1b)"),
            "duration_days": (436, f"ICB BREXIT ({R} 2)"),
            "ending": ("ceasefire", f"formal: UN-brokered ceasefire 1 Jan 1949, Karachi Agreement Jul 1949 ({R} 2; FOROUT=1)")}),
    Crisis("punjab_1951", 4, "Punjab war scare, 1951", "1951-07-07", "1951-08-16", "mobilisation",
           f"Indian troop concentrations on the Punjab border ({R} 4)",
           "PAK", f"the Indian troop concentrations threatened Pakistan ({R} 4)",
           0, f"mobilisation only, no deaths ({R} 4)", "Indian troop concentrations on the Punjab border",
           {"PAK": (0, f"no public commitment on the trigger day in the sources ({R} 4): level 0"),
            "IND": (1, f"the act was by India's own forces (a mobilisation, {R} 4)")},
           {"highest_rung": (1, f"mobilisation only ({R} 4: max. rung 1)"),
            "duration_days": (40, f"ICB BREXIT ({R} 4)"),
            "ending": ("tacit", f"tacit understanding ({R} 4; FOROUT=3)")},
           {"USA": {"press", "mediate", "message"}, "GBR": {"press", "mediate", "message"}},
           f"UN (Graham) and US/UK pressure/mediation, MEDIATE=4 ({R} 4)"),
    Crisis("rann_kutch_1965", 5, "Rann of Kutch clashes, 1965 (pre-nuclear)", "1965-04-08", "1965-06-30", "clash",
           f"border-patrol clashes where the boundary itself was disputed ({R} 5)",
           "IND", f"clash: India, the first triggered (Pakistani attack on an Indian post, {GK})",
           0, f"no trigger-day toll in the sources ({R} 5: tens to low hundreds over the crisis): 0",
           "Border-patrol clashes in the Rann of Kutch",
           {"IND": (0, f"no public commitment on the trigger day in the sources ({R} 5): level 0"),
            "PAK": (1, f"the clash was by Pakistan's own forces ({R} 5)")},
           {"highest_rung": (2, f"serious border clashes, ICB SEVVIOSY=3 ({R} 5, H§1b)"),
            "duration_days": (84, f"ICB BREXIT ({R} 5)"),
            "ending": ("ceasefire", f"formal agreement of 30 Jun 1965 ({R} 5; FOROUT=1)")},
           {"GBR": {"mediate", "message", "agreement"}}, f"UK mediation (PM Wilson), agreement of 30 Jun 1965 ({R} 5)"),
    Crisis("kashmir_1965", 6, "Operation Gibraltar and the 1965 war (pre-nuclear)", "1965-08-05", "1966-01-10", "incursion",
           f"Operation Gibraltar: armed infiltration across the ceasefire line ({R} 6)",
           "IND", f"the infiltration into Jammu and Kashmir threatened India ({R} 6)",
           0, f"no trigger-day toll in the sources ({R} 6 gives war totals only): 0",
           "Operation Gibraltar infiltration into Jammu and Kashmir",
           {"IND": (0, f"no public commitment on the trigger day in the sources ({R} 6): level 0"),
            "PAK": (0, f"Pakistan denied the infiltration, presented as a local uprising ({GK})")},
           {"highest_rung": (4, f"full-scale war, ICB SEVVIOSY=4 ({R} 6, H§1b)"),
            "duration_days": (159, f"ICB BREXIT ({R} 6)"),
            "ending": ("ceasefire", f"UN ceasefire 23 Sep 1965, Tashkent Declaration 10 Jan 1966, semi-formal ({R} 6; FOROUT=2)")},
           {"USA": {"press"}, "GBR": {"press"}, "RUS": {"mediate", "message", "agreement"}},
           f"US/UK arms embargo (pressure); USSR mediation at Tashkent ({R} 6)"),
    Crisis("bangladesh_1971", 7, "Bangladesh war, 1971 (pre-nuclear)", "1971-03-25", "1971-12-17", "civil_war",
           f"the crackdown in East Pakistan: a civil war whose violence and refugees spilled onto India ({R} 7)",
           "IND", f"the refugees and violence spilled onto India ({R} 7)",
           0, f"no Indian deaths on the trigger day in the sources ({R} 7): 0", "Crackdown in East Pakistan",
           {"IND": (0, f"no public commitment on the trigger day in the sources ({R} 7): level 0"),
            "PAK": (1, f"the crackdown was by Pakistan's own forces ({R} 7)")},
           {"highest_rung": (4, f"full war from 3 Dec, ICB SEVVIOSY=4 ({R} 7, H§1b)"),
            "duration_days": (268, f"ICB BREXIT ({R} 7)"),
            "ending": ("imposed", f"imposed: surrender 16 Dec, Indian unilateral ceasefire 17 Dec ({R} 7; FOROUT=5)")},
           {"USA": {"press"}}, f"US tilt and USS Enterprise ({R} 7)"),
    Crisis("siachen_1984", 8, "Siachen, Operation Meghdoot, 1984", "1984-04-13", "", "accession",
           f"Indian occupation of the unheld Saltoro ridge ({R} 8)",
           "PAK", f"the occupation of ground Pakistan claimed threatened Pakistan ({R} 8)",
           0, f"no deaths on the trigger day in the sources ({R} 8): 0", "Indian occupation of the Saltoro ridge",
           {"PAK": (0, f"no public commitment on the trigger day in the sources ({R} 8): level 0"),
            "IND": (1, f"the occupation was by India's own forces ({R} 8)")},
           {"highest_rung": (2, f"fighting on the glacier ({R} 8: max. rung 2)"),
            "duration_days": (7167, f"open-ended ({R} 8): right-censored at 7,167 days, the span to the 26 Nov 2003 "
                                    "ceasefire that covers the AGPL (brief H§2e), after which the glacier is quiet; a lower bound"),
            "duration_censored": (True, f"the crisis has no termination ({R} 8); duration_days is a lower bound"),
            "ending": ("faded", f"no settlement; quiet under the 2003 ceasefire ({R} 8): it faded, no agreement ended it")}),
    Crisis("brasstacks_1987", 9, "Brasstacks, Punjab war scare II, 1987", "1987-01-23", "1987-02-19", "mobilisation",
           f"Exercise Brasstacks and the counter-deployments; crisis phase from 23 Jan 1987 ({R} 9)",
           "IND", f"the crisis phase began with Pakistan's armour deployed opposite Punjab ({GK}; {R} 9)",
           0, f"no deaths ({R} 9)", "Pakistani counter-deployments during Exercise Brasstacks",
           {"IND": (0, f"no public commitment on the trigger day in the sources ({R} 9): level 0"),
            "PAK": (1, f"the deployment was by Pakistan's own forces ({R} 9)")},
           {"highest_rung": (1, f"deployments only ({R} 9: max. rung 1)"),
            "duration_days": (36, f"ICB BREXIT ({R} 9)"),
            "ending": ("ceasefire", f"formal bilateral pull-back agreement, Feb 1987 ({R} 9; FOROUT=1)")}),
    Crisis("kashmir_1990", 10, "Kashmir uprising and the compound crisis, 1990", "1990-01-14", "1990-06-30", "insurgency",
           f"the Kashmir uprising and mobilisations ({R} 10)",
           "IND", f"the uprising on India's territory, which India blamed on Pakistan's support ({R} 10)",
           0, f"insurgency deaths excluded ({R} 10); no interstate deaths on the trigger day: 0",
           "Kashmir uprising",
           {"IND": (0, f"no public commitment on the trigger day in the sources ({R} 10): level 0"),
            "PAK": (0, f"Pakistan denied arming the insurgents ({GK})")},
           {"highest_rung": (2, f"SEVVIOSY=3, LoC clashes ({R} 10: max. rung 2)"),
            "duration_days": (168, f"ICB BREXIT ({R} 10)"),
            "ending": ("tacit", f"unilateral acts, tacit de-escalation ({R} 10)")},
           {"USA": {"press", "mediate", "message"}}, f"US Gates mission, pressure/mediation, MEDIATE=4 ({R} 10)"),
    Crisis("nuclear_tests_1998", 11, "Nuclear tests, 1998", "1998-05-11", "1998-06-11", "nuclear_test",
           f"India's nuclear tests of 11 May 1998 ({R} 11)",
           "PAK", f"India's tests threatened Pakistan ({R} 11)",
           0, f"no deaths ({R} 11)", "Indian nuclear tests at Pokhran",
           {"PAK": (1, f"Pakistan condemned the tests on the day ({GK})"),
            "IND": (2, f"India's government announced the tests as policy on 11 May ({GK})")},
           {"highest_rung": (1, f"tests and threats, no fighting ({R} 11: max. rung 1)"),
            "duration_days": (30, f"ICB BREXIT ({R} 11)"),
            "ending": ("unilateral", f"unilateral: test moratoria ({R} 11; FOROUT=4)")},
           {"USA": {"press"}, "RUS": {"press"}, "CHN": {"press"}, "GBR": {"press"}},
           f"US/G8/P5 sanctions and pressure; UNSC Res. 1172 ({R} 11)"),
    Crisis("kargil_1999", 12, "Kargil conflict, 1999", "1999-05-09", "1999-07-04", "incursion",
           f"Pakistani forces in positions across the LoC, discovered 3-9 May ({R} 12)",
           "IND", f"the intrusion across the LoC into India's side ({R} 12)",
           0, f"no trigger-day toll in the sources ({R} 12): 0", "Discovery of Pakistani intrusions across the LoC in Kargil",
           {"IND": (0, f"no public commitment on the trigger day in the sources ({R} 12): level 0"),
            "PAK": (0, f"Pakistan denied its army's role, presenting the intruders as mujahideen ({GK})")},
           {"highest_rung": (4, f"limited war confined to the LoC, >1,000 battle deaths (COW/UCDP); ICB codes serious clashes ({R} 12)"),
            "duration_days": (56, f"ICB BREXIT ({R} 12)"),
            "ending": ("unilateral", f"Pakistani withdrawal under US pressure ({R} 12; FOROUT=4)")},
           {"USA": {"press"}}, f"US pressure on Pakistan (Clinton-Sharif) ({R} 12)"),
    Crisis("twin_peaks_2001", 13, "Parliament attack and mobilisation (Twin Peaks I), 2001", "2001-12-13", "2002-01-12", "attack",
           f"militant attack on India's Parliament ({R} 13)", "IND", f"the attack on India's Parliament ({R} 13)",
           10, f"15 dead including 5 attackers ({R} 13, [AFP 2003])", "Attack on India's Parliament",
           {"IND": (1, f"the government condemned the attack on the day ({GK}); the mobilisation came after"),
            "PAK": (0, f"non-state attackers; Pakistan denied involvement ({R} 13)")},
           {"highest_rung": (1, f"mass mobilisation, LoC firing ({R} 13: max. rung 1)"),
            "duration_days": (31, f"ICB BREXIT ({R} 13)"),
            "ending": ("tacit", f"Musharraf's speech of 12 Jan 2002; unilateral Pakistani steps, tacit ({R} 13)")},
           {"USA": {"press"}, "GBR": {"press"}}, f"US (Powell, Armitage) and UK pressure on Pakistan ({R} 13)"),
    Crisis("kaluchak_2002", 14, "Kaluchak massacre (Twin Peaks II), 2002", "2002-05-14", "2002-10-17", "attack",
           f"militant attack on soldiers' families at Kaluchak ({R} 14)", "IND", f"the attack near Jammu ({R} 14)",
           32, f"31-34 killed: geometric mean 32.5, rounded ({R} 14)", "Kaluchak massacre of soldiers' families near Jammu",
           {"IND": (1, f"the government condemned the attack on the day ({GK}); the 'decisive battle' speech came on 22 May"),
            "PAK": (0, f"non-state attackers; Pakistan denied involvement ({GK})")},
           {"highest_rung": (2, f"LoC shelling ({R} 14: max. rung 2)"),
            "duration_days": (156, f"ICB BREXIT ({R} 14)"),
            "ending": ("tacit", f"tacit; India demobilised in Oct 2002 ({R} 14; FOROUT=3)")},
           {"USA": {"press", "mediate", "message"}, "GBR": {"press", "mediate", "message"}, "RUS": {"mediate", "message"}},
           f"US (Armitage), UK (Straw), Russia (Putin at Almaty): mediation/pressure, MEDIATE=4 ({R} 14)"),
    Crisis("mumbai_2008", 15, "Mumbai attacks (26/11), 2008", "2008-11-26", "2009-01-15", "attack",
           f"Lashkar-e-Taiba attack on Mumbai ({R} 15)", "IND", f"the attack on Mumbai ({R} 15)",
           169, f"166-172 killed: geometric mean 169 ({R} 15)", "Lashkar-e-Taiba attacks in Mumbai",
           {"IND": (1, f"the government condemned the attack on the day ({GK})"),
            "PAK": (0, f"non-state attackers; Pakistan denied involvement ({GK})")},
           {"highest_rung": (1, f"no interstate fighting; diplomatic pressure ({R} 15: max. rung 1)"),
            "duration_days": (50, f"approximate, [Nayak & Krepon 2012] ({R} 15)"),
            "ending": ("tacit", f"tacit de-escalation, the 'unfinished crisis' ({R} 15)")},
           {"USA": {"press"}, "GBR": {"press"}}, f"US (Rice, Mullen), UK: pressure and evidence sharing ({R} 15)"),
    Crisis("border_firing_2014", 16, "LoC and border firing, 2014", "2014-10-06", "2014-10-31", "clash",
           f"LoC/IB shelling ({R} 16)", "IND", "clash: ICB's first-triggered actor not in the record, so India (coding rules §A)",
           0, f"no trigger-day toll in the sources ({R} 16: ≈10-30 civilians over the crisis): 0",
           "Shelling along the LoC and the international border",
           {"IND": (0, f"no public commitment on the trigger day in the sources ({R} 16): level 0"),
            "PAK": (1, f"the firing was by Pakistan's own forces ({R} 16)")},
           {"highest_rung": (2, f"LoC/IB shelling ({R} 16: max. rung 2)"),
            "duration_days": (26, f"ICB BREXIT ({R} 16)"),
            "ending": ("faded", f"faded, FOROUT=7 ({R} 16)")}),
    Crisis("uri_2016", 17, "Uri attack and surgical strikes, 2016", "2016-09-18", "2016-09-20", "attack",
           f"militant attack on the Uri army base ({R} 17)", "IND", f"the attack on the Indian Army base ({R} 17)",
           19, f"19 Indian soldiers killed ({R} 17)", "Attack on the Indian Army base at Uri",
           {"IND": (2, f"PM Modi on the day: those behind the attack 'will not go unpunished' ({GK}; brief H§4c); "
                       "no standing retaliation norm yet (level 2, not 3)"),
            "PAK": (0, f"non-state attackers; Pakistan denied involvement ({GK})")},
           {"highest_rung": (3, f"cross-LoC special-forces raid, 29 Sep 2016 ({R} 17)"),
            "duration_days": (3, f"ICB BREXIT: 3 days to 20 Sep, which ends before the strikes of 29 Sep (an oddity of ICB coding, {R} 17, H§1b notes)"),
            "ending": ("tacit", f"unilateral, tacit ({R} 17)")}),
    Crisis("pulwama_2019", 18, "Pulwama attack and Balakot strikes, 2019", "2019-02-14", "2019-03-01", "attack",
           f"Jaish-e-Mohammed suicide attack on a CRPF convoy ({R} 18)", "IND", f"the attack on the CRPF convoy ({R} 18)",
           40, f"40 CRPF personnel killed ({R} 18)", "Jaish-e-Mohammed suicide attack on a CRPF convoy at Pulwama",
           {"IND": (2, f"PM Modi on the day: the sacrifices 'shall not go in vain' ({GK}); the 'free hand' came on 15 Feb; "
                       "retaliation norm level 1, so level 2, not 3"),
            "PAK": (0, f"non-state attackers; Pakistan denied involvement ({GK})")},
           {"highest_rung": (3, f"IAF strike at Balakot 26 Feb, PAF raid and dogfight 27 Feb ({R} 18)"),
            "duration_days": (15, f"trigger to the pilot's release on 1 Mar ({R} 18)"),
            "ending": ("tacit", f"Pakistan returned the pilot on 1 Mar ({R} 18)")},
           {t: {"press", "message"} for t in ("USA", "SAU", "ARE", "GBR", "CHN")},
           f"US (Pompeo), Saudi Arabia, UAE, UK, China: pressure/facilitation ({R} 18)"),
    Crisis("pahalgam_2025", 19, "Pahalgam-Sindoor crisis, 2025", "2025-04-22", "2025-05-10", "attack",
           f"militant attack on tourists ({R} 19)", "IND", f"the attack on tourists at Pahalgam ({R} 19)",
           26, f"26 killed at Pahalgam ({R} 19)", "Attack on tourists at Pahalgam, Jammu and Kashmir",
           {"IND": (3, f"PM Modi on the day: those behind it 'will not be spared' ({GK}), backed by the standing norm of "
                       "punitive response (retaliation norm level 2: 2016, 2019)"),
            "PAK": (0, f"non-state attackers; Pakistan denied involvement ({GK})")},
           {"highest_rung": (3, f"missile, drone and air strikes 7-10 May 2025 ({R} 19)"),
            "duration_days": (18, f"trigger to the ceasefire of 10 May ({R} 19)"),
            "ending": ("ceasefire", f"ceasefire agreed on the DGMO hotline, 10 May 2025 ({R} 19)")}),
]

#: Extra observed entries of the presets that have them (pictures of the record, never inputs).
EXTRA_OBSERVED = {
    "pulwama_2019": {
        "path": ([[0, 0, 0], [1, 1, 0], [2, 1, 1], [12, 3, 1], [13, 3, 3], [15, 1, 1]],
                 "day, India's rung, Pakistan's rung: MFN withdrawn 15 Feb; Balakot 26 Feb (day 12); PAF raid 27 Feb "
                 "(day 13); pilot released 1 Mar (day 15) (brief H§1a row 18, H§4d)")},
    "pahalgam_2025": {
        "days_to_ceasefire": (18, "ceasefire 17:00 IST 10 May 2025, agreed on the DGMO hotline (brief H§1a row 19)"),
        "path": ([[0, 0, 0], [1, 1, 0], [2, 2, 2], [15, 3, 3], [18, 1, 1]],
                 "day, India's rung, Pakistan's rung: measures of 23 Apr (day 1), LoC firing from 24 Apr (day 2), "
                 "strikes 7-10 May (days 15-18), ceasefire 10 May (day 18) (brief H§4d)"),
        "broker": ("bilateral", "DGMO hotline; India calls it bilateral, the US claims mediation (brief H§1a row 19)")},
}

