"""The classroom app without a browser: the event log, the gauge and the timeline report exactly
the state of a CrisisModel stepped directly in the test; watching a model never changes it; the
page's levers compose the same config as the presets; bad settings give one line; each page
(browser tab) has its own model."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import sim
from sim.views import app
from sim.views.story import ACTION_TEXT, RUNG_DOWN, RUNG_UP, Story
from sim.core.model import CrisisModel
from sim.inputs.resolve import build_inputs
from sim.vocab.ladder import ACT_NONE, CF_AGREED, CF_HOLDING, RUNGS

SEEDS = (20250422, 1, 2, 3, 7)
POLICIES = ("baseline", "hotline_off")
DAYS = 60
B = 2000  # run.block_size: the story is replicate 0 of an ensemble with this block size


def _cfg(policy: str, seed: int, days: int = DAYS):
    return sim.compose_config([f"policy={policy}", f"run.seed={seed}", f"run.days={days}", "run.replicates=1",
                               "run.progress=false", f"run.block_size={B}"])


def _model(cfg) -> CrisisModel:
    return CrisisModel(build_inputs(cfg), replicates=1, seed=int(cfg.run.seed), block=0, block_size=B)


def _record(model: CrisisModel) -> list[dict]:
    """Step a model directly to its end; record replicate 0's state after each day (day 0 first)."""

    def state() -> dict:
        return {"day": model.day, "rung": model.rung[0].copy(), "max_rung": model.max_rung[0].copy(),
                "tp_action": model.tp_action[0].copy(), "aff": model.aff[0].copy(), "cf": int(model.cf[0, 0]),
                "cf_breaks": int(model.cf_breaks[0, 0]), "attack": bool(model.attack_today[0, 0]),
                "broker": int(model.broker[0, 0]), "broker_kind": int(model.broker_kind[0, 0]),
                "first_cf_day": int(model.first_cf_day[0, 0]), "running": bool(model.running)}

    out = [state()]
    while model.running:
        model.step()
        out.append(state())
    return out


@pytest.fixture(scope="module")
def cases():
    """(policy, seed) -> (recorded states of a directly stepped model, a Story stepped alongside)."""
    out = {}
    for policy in POLICIES:
        for seed in SEEDS:
            cfg = _cfg(policy, seed)
            rec = _record(_model(cfg))
            story = Story(_model(cfg))
            gauges = [story.gauge()]
            while story.running:
                story.step()
                gauges.append(story.gauge())
            out[(policy, seed)] = (rec, story, gauges)
    return out


def _in_force(cf: int) -> bool:
    return cf in (CF_AGREED, CF_HOLDING)


def test_watching_a_model_does_not_change_it():
    cfg = _cfg("baseline", 20250422, days=120)
    direct, watched = _model(cfg), _model(cfg)
    direct.run()
    Story(watched).run()
    a, b = direct.outcomes(), watched.outcomes()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    for name in ("rung", "grievance", "commitment", "pressure", "backing", "casualties", "aff", "lev", "trust"):
        np.testing.assert_array_equal(getattr(direct, name), getattr(watched, name), err_msg=name)


def test_rung_events_are_the_rung_changes(cases):
    for (policy, seed), (rec, story, _) in cases.items():
        ids = story.belligerent_ids
        expected = {(s["day"], ids[b], int(s["rung"][b])) for prev, s in zip(rec, rec[1:])
                    for b in range(2) if s["rung"][b] != prev["rung"][b]}
        got = {(e.day, e.actor, e.value) for e in story.events if e.kind == "rung" and e.day > 0}
        assert got == expected, (policy, seed)
        for e in story.events:
            if e.kind == "rung" and e.day > 0:
                assert e.text.endswith(f"(rung {e.value})")
                assert e.text.startswith(story.name(e.actor, in_sentence=False))
    assert any(e.kind == "rung" and e.value >= 3 for _, s, _ in cases.values() for e in s.events), \
        "no seed reaches strikes: the test would not exercise the strike wording"


def test_third_party_events_are_the_actions_of_the_day(cases):
    for (policy, seed), (rec, story, _) in cases.items():
        tps = story.third_party_ids
        expected = {(s["day"], tps[k], int(a)) for s in rec[1:] for k, a in enumerate(s["tp_action"])
                    if a != ACT_NONE}
        got = {(e.day, e.actor, e.value) for e in story.events if e.kind == "third_party"}
        assert got == expected, (policy, seed)
        for prev, s in zip(rec, rec[1:]):
            for k, a in enumerate(s["tp_action"]):
                if a == ACT_NONE:
                    continue
                ally = story.belligerent_ids[int(np.argmax(prev["aff"][k]))]
                b0, b1 = story.belligerent_ids
                text = ACTION_TEXT[a].format(actor=story.name(tps[k]), first=story.name(b0), second=story.name(b1),
                                             ally=story.name(ally))
                assert f"Day {s['day']}: {text[0].upper() + text[1:]}" in [e.line for e in story.events]


def test_ceasefire_events_are_the_ceasefires(cases):
    seen_third_party = seen_hotline = False
    for (policy, seed), (rec, story, _) in cases.items():
        formed = [s["day"] for prev, s in zip(rec, rec[1:]) if _in_force(s["cf"]) and not _in_force(prev["cf"])]
        events = [e for e in story.events if e.kind == "ceasefire"]
        assert [e.day for e in events] == formed, (policy, seed)
        broken = [s["day"] for prev, s in zip(rec, rec[1:]) if s["cf_breaks"] > prev["cf_breaks"]]
        assert [e.day for e in story.events if e.kind == "ceasefire_broken"] == broken
        attacks = [s["day"] for s in rec[1:] if s["attack"]]
        assert [e.day for e in story.events if e.kind == "attack"] == attacks
        if formed:
            first, end = events[0], rec[-1]
            assert first.day == end["first_cf_day"]
            assert first.value == end["broker"]  # 0 hotline, 1 + k third party k
            if end["broker"] == 0:
                assert first.text == "ceasefire agreed over the DGMO hotline"
                seen_hotline = True
            else:
                actor = story.third_party_ids[end["broker"] - 1]
                assert first.actor == actor and story.names[actor] in first.text
                assert first.text.endswith("facilitation" if end["broker_kind"] == 1 else "mediation")
                seen_third_party = True
        if policy == "hotline_off":
            assert all(e.value != 0 for e in events), "a ceasefire over a hotline that is off"
    assert seen_hotline and seen_third_party, "the seeds should show both kinds of channel"


def test_gauge_and_timeline_are_the_model_state(cases):
    for (policy, seed), (rec, story, gauges) in cases.items():
        assert len(gauges) == len(rec)
        for s, gauge in zip(rec, gauges):
            for b, g in enumerate(gauge):
                assert g["actor"] == story.belligerent_ids[b]
                assert g["rung"] == s["rung"][b] and g["highest"] == s["max_rung"][b]
                assert g["rung_name"] == RUNGS[s["rung"][b]]
        tl = story.timeline()
        assert tl["day"] == [s["day"] for s in rec]
        for b, actor in enumerate(story.belligerent_ids):
            assert tl[actor] == [int(s["rung"][b]) for s in rec]
        assert tl["ceasefire_in_force"] == [_in_force(s["cf"]) for s in rec]
        assert tl["attack"] == [s["attack"] for s in rec]
        html = app.gauge_html(story)
        for g in gauges[-1]:
            assert f"{g['name']}: rung {g['rung']} ({g['rung_name']})" in html


def test_the_log_reads_in_order_and_ends_with_the_run(cases):
    for (policy, seed), (rec, story, _) in cases.items():
        days = [e.day for e in story.events]
        assert days == sorted(days)
        assert story.events[0].kind == "trigger" and story.events[0].day == 0
        assert story.events[-1].kind == "end" and story.events[-1].day == rec[-1]["day"]
        assert all(e.line == f"Day {e.day}: {e.text}" for e in story.events)
    assert set(RUNG_UP) == {1, 2, 3, 4, 5} and set(RUNG_DOWN) == {0, 1, 2, 3, 4}


def test_the_story_is_replicate_zero_of_the_ensemble():
    choice = app.default_choice()
    choice["days"] = str(DAYS)
    cfg = app.build_config(choice)
    story = app.make_story(cfg)
    story.run()
    ens = app.odds(cfg, replicates=300)
    assert ens["replicates"] == 300
    out = story.model.outcomes()
    assert ens["replicate0"]["highest_rung"] == out["highest_rung"][0]
    assert ens["replicate0"]["ceasefire"] == out["ceasefire"][0]
    res = sim.run_ensemble(sim.compose_config([f"run.seed={cfg.run.seed}", f"run.days={DAYS}",
                                               "run.replicates=300", "run.progress=false"]))
    row = res.outcomes.iloc[0]
    for key in ("highest_rung", "duration_days", "kinetic_days", "broker", "casualties"):
        assert row[key] == out[key][0], key


def test_levers_compose_the_same_config_as_the_presets():
    base = app.choice_for("pahalgam_2025", "baseline")
    off = copy.deepcopy(base)
    off["levers"]["hotline"] = False
    a = build_inputs(app.build_config(off))
    b = build_inputs(app.build_config(app.choice_for("pahalgam_2025", "hotline_off")))
    assert a.conditions == b.conditions
    for key in a.tp_policy:
        np.testing.assert_array_equal(a.tp_policy[key], b.tp_policy[key])
    # The same story: the lever is the preset.
    s1, s2 = app.make_story(app.build_config(off)), app.make_story(app.build_config(
        app.choice_for("pahalgam_2025", "hotline_off")))
    s1.run(), s2.run()
    assert [e.line for e in s1.events] == [e.line for e in s2.events]
    # A third party's lever reaches the model.
    quiet = copy.deepcopy(base)
    quiet["levers"]["third_parties"]["engage"] = [a for a in quiet["levers"]["third_parties"]["engage"] if a != "USA"]
    inputs = build_inputs(app.build_config(quiet))
    usa = inputs.scenario.third_party_ids.index("USA")
    assert inputs.tp_policy["engage"][usa] == 0
    assert app.describe_changes(base["levers"], quiet["levers"], {"USA": "United States"}) == \
        ["United States stays out"]
    story = app.make_story(app.build_config(quiet))
    story.run()
    assert not any(e.actor == "USA" for e in story.events)


@pytest.mark.parametrize("field, value, message", [
    ("seed", "abc", "seed: 'abc' is not a whole number"),
    ("seed", "-3", "run.seed=-3 is out of range"),
    ("days", "0", "run.days=0 is out of range"),
    ("days", "ten", "days: 'ten' is not a whole number"),
])
def test_bad_settings_give_one_line(field, value, message):
    choice = dict(app.default_choice(), **{field: value})
    with pytest.raises(sim.ConfigError) as err:
        app.build_config(choice)
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_a_bad_lever_value_gives_one_line_and_keeps_the_old_story():
    room = app.Classroom(app.default_choice())
    room.step(3)
    bad = app.default_choice()
    bad["levers"]["trade_ties"] = 20.0
    with pytest.raises(sim.ConfigError, match=r"^policy.trade_ties=20.0 is out of range"):
        room.apply(bad)
    assert room.story.day == 3


# ---------------------------------------------------------------- the page, rendered without a browser
def _render():
    """Render the page as the server does (inside Solara's AppLayout, which holds the sidebar)."""
    import ipyvuetify as v
    import solara

    @solara.component
    def Served():
        with solara.AppLayout():
            app.Page()

    box, rc = solara.render(Served(), handle_error=False)
    return rc, v


def _day_text(rc, v) -> str:
    return str(rc.find(v.Html, class_="day-counter").widget.children[0])


def _html(rc) -> str:
    import solara.widgets

    return "".join(w.unsafe_innerHTML or "" for w in rc.find(solara.widgets.HTML).widgets)


def test_the_page_steps_its_own_model_and_shows_its_state():
    days = app.default_choice()["days"]
    rc1, v = _render()
    rc2, _ = _render()  # a second browser tab: its own kernel, its own Page
    step1 = rc1.find(v.Btn, children=["Step"]).widget
    for _ in range(4):
        step1.click()
    assert _day_text(rc1, v) == f"Day 4 of {days}"
    assert _day_text(rc2, v) == f"Day 0 of {days}"
    rc2.find(v.Btn, children=["Step"]).widget.click()
    assert _day_text(rc2, v) == f"Day 1 of {days}" and _day_text(rc1, v) == f"Day 4 of {days}"
    # What the page shows after 4 days is the model's state after 4 days.
    cfg = app.build_config(app.default_choice())
    direct = _model(cfg)
    for _ in range(4):
        direct.step()
    page = _html(rc1)
    sc = direct.inputs.scenario
    for b, actor in enumerate(sc.belligerent_ids):
        r = int(direct.rung[0, b])
        assert f"{sc.names[sc.actors.index(actor)]}: rung {r} ({RUNGS[r]})" in page
    story = Story(_model(cfg))
    story.run(4)
    for e in story.events:
        if e.kind != "loc":  # LoC incidents are hidden unless asked for
            assert e.line.replace("'", "&#x27;") in page


def test_a_bad_seed_in_the_page_shows_one_line_not_a_traceback():
    rc, v = _render()
    seed = rc.find(v.TextField, label="Seed").widget
    seed.v_model = "twelve"
    seed.fire_event("keyup.enter", None)  # the field commits on Enter or on leaving it
    rc.find(v.Btn, children=["Reset"]).widget.click()
    alerts = [w for w in rc.find(v.Alert).widgets if "twelve" in str(w.children)]
    assert alerts, "no message shown"
    text = "".join(str(c) for c in alerts[0].children)
    assert "seed: 'twelve' is not a whole number" in text and "Traceback" not in text
    assert _day_text(rc, v) == f"Day 0 of {app.default_choice()['days']}"  # the old story stays


def test_every_scenario_and_policy_preset_opens_in_the_app():
    for scenario in app.scenario_options():
        story = app.make_story(app.build_config(dict(app.choice_for(scenario, "baseline"), days="5")))
        story.run()
        assert story.day == 5 and story.events
    for policy in app.policy_options():
        choice = app.choice_for("pahalgam_2025", policy)
        assert app.lever_patch(choice["levers"], choice["levers"]) == {}  # untouched levers change nothing


def test_teacher_mode_compares_the_same_seed_under_a_second_policy():
    choice = dict(app.default_choice(), days=str(DAYS))
    room = app.Classroom(choice)
    room.step(5)
    room.set_compare("hotline_off")  # turned on mid-story: the comparison catches up
    assert room.compare.day == room.story.day == 5
    room.run_to_end()
    direct = Story(_model(_cfg("hotline_off", int(choice["seed"]))))
    direct.run()
    assert [e.line for e in room.compare.events] == [e.line for e in direct.events]
    mine = Story(_model(_cfg("baseline", int(choice["seed"]))))
    mine.run()
    assert [e.line for e in room.story.events] == [e.line for e in mine.events]
    html = app.odds_html([("A: baseline", app.odds(room.cfg, 200)),
                          ("B: hotline_off", app.odds(room.compare_cfg, 200))])
    assert "P(strikes: highest rung &gt;= 3)" in html and "B: hotline_off" in html
