"""The classroom app's pictures speak the project's one vocabulary: rung colours and ink from the
ladder, country, third-party, affinity and action colours from the palette, node positions from
the one network layout, and the odds table's labels and number formats from the outcome
catalogue. Pure functions of a Story or a summary, so no browser and no Solara kernel."""

from __future__ import annotations

import re

import numpy as np
import pytest

import sim
from sim.core.model import CrisisModel
from sim.inputs.resolve import build_inputs
from sim.views.app import drawings
from sim.views.layout import network_layout
from sim.views.story import Story
from sim.vocab.ladder import RUNG_COLOURS, RUNG_INK, RUNG_SHORT, RUNGS
from sim.vocab.outcomes import HEADLINE, PROBABILITIES, UNBOUNDED
from sim.vocab.palette import (
    ACTION_COLOURS,
    AFFINITY_STOPS,
    BELLIGERENT_COLOURS,
    THIRD_PARTY_COLOUR,
    affinity_colour,
)

#: The app's own rung colours before it spoke the ladder's (calm green to nuclear black).
OLD_RUNG_COLOURS = ("#2e7d32", "#9e9d24", "#f9a825", "#ef6c00", "#c62828", "#212121")


def _story(days: int = 6, seed: int = 20250422) -> Story:
    cfg = sim.compose_config([f"run.seed={seed}", "run.days=60", "run.replicates=1", "run.progress=false"])
    story = Story(CrisisModel(build_inputs(cfg), replicates=1, seed=seed, block=0,
                              block_size=int(cfg.run.block_size)))
    story.run(days)
    return story


@pytest.fixture(scope="module")
def story() -> Story:
    return _story()


def _circles(svg: str) -> dict[str, dict[str, str]]:
    """The network's nodes: actor id -> the circle's attributes."""
    out = {}
    for tag in re.findall(r"<circle [^>]*>", svg):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
        if "data-actor" in attrs:
            out[attrs["data-actor"]] = attrs
    return out


def test_countries_and_rungs_never_share_a_colour():
    countries = {c.lower() for c in (*BELLIGERENT_COLOURS, THIRD_PARTY_COLOUR)}
    assert not countries & {c.lower() for c in RUNG_COLOURS}


def test_the_network_colours_rungs_by_the_ladder_and_countries_by_the_palette(story):
    svg = drawings.network_svg(story)
    nodes = _circles(svg)
    now = story.history[-1]
    for b, actor in enumerate(story.belligerent_ids):
        assert nodes[actor]["fill"] == RUNG_COLOURS[now.rung[b]], actor
        assert nodes[actor]["stroke"] == BELLIGERENT_COLOURS[b], actor
    for k, actor in enumerate(story.third_party_ids):
        assert nodes[actor]["fill"] == ACTION_COLOURS[now.tp_action[k]], actor
        assert nodes[actor]["stroke"] == THIRD_PARTY_COLOUR, actor
    for k, colour in enumerate(RUNG_COLOURS):  # the legend: every rung, by its short name
        assert f'fill="{colour}"' in svg and f">{RUNG_SHORT[k]}<" in svg
    shapes = set(re.findall(r'<(?:circle|rect) [^>]*fill="(#[0-9a-f]{6})"', svg))
    assert not shapes & set(OLD_RUNG_COLOURS), "the app's own rung colours are gone"
    assert {RUNG_COLOURS[r] for r in now.rung} <= shapes


def test_the_network_ties_are_coloured_by_the_palettes_affinity_scale(story):
    svg = drawings.network_svg(story)
    ties = re.findall(r'<line class="tie" [^>]*stroke="(#[0-9a-f]{6})"[^>]*><title>([A-Z]+)–([A-Z]+): '
                      r'affinity ([+-][0-9.]+)</title>', svg)
    assert ties, "no ties drawn"
    aff = story.affinity()
    actors = list(story.model.inputs.scenario.actors)
    for colour, u, v, shown in ties:
        a = float(aff[actors.index(u), actors.index(v)])
        assert float(shown) == pytest.approx(a, abs=0.005)
        assert colour == affinity_colour(a), (u, v)
    for _, colour in AFFINITY_STOPS:  # the legend's gradient is the palette's scale
        assert f'stop-color="{colour}"' in svg


def test_the_network_nodes_stand_where_the_one_layout_puts_them(story):
    """The layout's box is scaled onto the picture (the same affine map for every node)."""
    nodes = _circles(drawings.network_svg(story))
    layout = network_layout(story.model.inputs.scenario)
    assert set(nodes) == set(layout)
    xs = np.array([layout[a][0] for a in layout])
    ys = np.array([layout[a][1] for a in layout])
    px = np.array([float(nodes[a]["cx"]) for a in layout])
    py = np.array([float(nodes[a]["cy"]) for a in layout])
    for src, dst in ((xs, px), (ys, py)):
        slope, icept = np.polyfit(src, dst, 1)
        np.testing.assert_allclose(slope * src + icept, dst, atol=0.11)  # one decimal in the SVG
    assert np.polyfit(xs, px, 1)[0] > 0 and np.polyfit(ys, py, 1)[0] < 0  # east right, north up
    assert px.min() > 20 and px.max() < 620  # inside the 640-pixel picture, names and all


def test_the_gauge_lights_the_rung_in_the_ladders_colour_and_ink(story):
    html = drawings.gauge_html(story)
    for g in story.gauge():
        k = g["rung"]
        assert g["colour"] == RUNG_COLOURS[k]
        assert f"background:{RUNG_COLOURS[k]};color:{RUNG_INK[k]}" in html
        assert f"{k} · {RUNGS[k]} ◀" in html


def test_the_timeline_names_the_rungs_and_draws_each_side_in_its_colour(story):
    svg = drawings.timeline_svg(story)
    for short in RUNG_SHORT:
        assert f">{short}<" in svg
    for colour in BELLIGERENT_COLOURS:
        assert f'stroke="{colour}" stroke-width="2.5"' in svg


def test_the_odds_table_takes_labels_and_formats_from_the_catalogue():
    def entry(est, lo, hi):
        return {"estimate": est, "ci_low": lo, "ci_high": hi, "n": 1000}

    summary = {o.key: entry(0.25, 0.2, 0.3125) for o in PROBABILITIES}
    summary["median_duration_days"] = entry(12.0, 10.0, 14.5)
    summary["median_casualties"] = entry(1234.5, 1000.0, 1500.25)
    html = drawings.odds_html([("A: baseline", {"summary": summary, "seconds": 1.0, "replicates": 1000})])
    rows = re.findall(r"<tr><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td></tr>", html)
    shown = {label: cell for label, cell in rows}
    for o in HEADLINE:
        label = o.label.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if o.key not in summary:
            assert label not in shown, f"{o.key}: a row for an outcome the summary lacks"
        elif o.unit == "probability":
            assert shown[label] == "25.0% [20.0%, 31.2%]", o.key
    assert shown["Median crisis duration (days)"] == "12.0 [10.0, 14.5]"
    assert shown["Median deaths (both sides)"] == "1,234.5 [1,000.0, 1,500.2]"
    summary["median_duration_days"] = entry(3.0, None, None)  # at most 5 values: no finite interval
    html = drawings.odds_html([("A: baseline", {"summary": summary, "seconds": 1.0, "replicates": 1000})])
    shown = dict(re.findall(r"<tr><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td></tr>", html))
    assert shown["Median crisis duration (days)"] == f"3.0 {UNBOUNDED}"
    assert "outcome (1,000 replicates, 95% interval)" in html
