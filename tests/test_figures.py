"""Figures and reports (issue 5): what is drawn equals what was computed.

Each figure is built from a small real run and its artists are read back: the stacked areas
are the daily shares, the forest-plot points and bars are the summary's estimates and
intervals, the survival steps are the share of replicates without a ceasefire, the network's
after-state is the mean change in affinity, and the sweep heatmap's cells are the table's
estimates. A figure whose data are missing is skipped with a note; ``diplosim`` writes the
figures and the report by default and none with ``run.figures=false``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math

import matplotlib
import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest

import sim
import sim.views.render as render_module
import sim.views.figures as figs
import sim.views.render as render
from sim.drivers.cli import main
from sim.inputs.scenario import load_scenario
from sim.inputs.scenario.sections import parse_observed_path
from sim.runs.ensemble import compare
from sim.runs.results import write_results
from sim.stats.intervals import tango_interval
from sim.views.figures import (FigureSkipped, RunData, ceasefire_survival, difference_plot, differences, escalation_figure,
                               forest_plot, highest_rung_figure, load_run, network_figure, network_matrices, observed_path,
                               survival_plot, sweep_heatmap, sweep_lines)
from sim.views.render import compare_policies, plot_run
from sim.views.report import summary_blocks
from sim.views.tables import format_runs, format_table
from sim.vocab.ladder import RUNG_COLOURS, RUNG_SHORT
from sim.vocab.outcomes import DAY_MEDIANS, PROBABILITIES, UNBOUNDED
from sim.vocab.palette import LINESTYLES, MARKERS

from helpers import copy_scenario, edit_yaml

DAYS = 60
# At the point: these tests check the figures and the report's layout of a run at the point; the
# columns a posterior run adds (90% over parameters) are tested in test_posterior.py.
SMALL = ["run.replicates=600", f"run.days={DAYS}", "run.progress=false", "run.parameters=point"]
RUN_FIGURE_NAMES = ("escalation", "highest_rung", "outcomes", "ceasefire_survival", "brokers", "network")


@pytest.fixture(scope="module")
def base():
    return sim.run_ensemble(overrides=SMALL)


@pytest.fixture(scope="module")
def hotline_off():
    return sim.run_ensemble(overrides=[*SMALL, "policy=hotline_off"])


PATH = [[0, 0, 0], [1, 1, 0], [2, 2, 2], [15, 3, 3], [18, 1, 1]]  # [day, IND rung, PAK rung] change points


@pytest.fixture(scope="module")
def with_path(tmp_path_factory):
    """A small run of a copy of pahalgam_2025 whose observed outcome holds a known daily path."""
    load_scenario.cache_clear()
    folder = copy_scenario(tmp_path_factory.mktemp("scen"), "path_case")
    edit_yaml(folder, lambda meta: meta.setdefault("observed", {}).__setitem__(
        "path", {"value": PATH, "source": "test: the 2025 path as day, India, Pakistan"}))
    return sim.run_ensemble(overrides=[f"scenario.dir={folder}", "scenario.name=path_case", *SMALL])


@pytest.fixture(scope="module")
def no_path_scenario(tmp_path_factory):
    """A copy of pahalgam_2025 whose observed outcome lacks the daily path."""
    load_scenario.cache_clear()
    folder = copy_scenario(tmp_path_factory.mktemp("scen"), "no_path_case")
    edit_yaml(folder, lambda meta: meta.setdefault("observed", {}).pop("path", None))
    return folder


def _gid(ax, gid):
    found = [a for a in [*ax.lines, *ax.collections, *ax.patches] if a.get_gid() == gid]
    assert found, f"no artist {gid!r} on {ax.get_title()!r}"
    return found[0]


def _legend_texts(fig) -> list[str]:
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    return [t.get_text() for lg in legends for t in lg.get_texts()]


# ------------------------------------------------------------------------------ escalation
def test_stacked_areas_equal_the_daily_shares(base):
    fig = escalation_figure(base)
    daily = base.daily
    for ax, bel in zip(fig.axes, ("IND", "PAK")):
        assert bel in ax.get_title()
        cum = np.zeros(len(daily))
        for k in range(6):
            share = daily[f"share_rung{k}_{bel}"].to_numpy()
            lower, cum = cum, cum + share
            verts = _gid(ax, f"rung{k}").get_paths()[0].vertices
            for day in (0, 1, 5, 17, 30, DAYS):
                ys = verts[verts[:, 0] == day, 1]
                assert ys.max() == pytest.approx(cum[day], abs=1e-12), (bel, k, day)
                assert ys.min() == pytest.approx(lower[day], abs=1e-12), (bel, k, day)
        assert cum == pytest.approx(np.ones(len(daily)))  # the bands fill the panel
        assert "days" in ax.get_xlabel() and "2025" in ax.get_xlabel()
    assert "share of replicates" in fig.axes[0].get_ylabel()
    legend = _legend_texts(fig)
    assert legend[:6] == list(RUNG_SHORT[::-1])
    assert "observed ceasefire (day 18)" in legend  # pahalgam_2025 records its ceasefire day


def test_fan_chart_and_exceedance_follow_the_highest_rung(with_path):
    base = with_path
    fig = highest_rung_figure(base)
    ax, ax2 = fig.axes[:2]
    highest = base.outcomes["highest_rung"].to_numpy()
    # on the last day the highest rung so far is each replicate's highest rung
    median = _gid(ax, "median").get_ydata()
    cdf = np.cumsum(np.bincount(highest, minlength=6)) / highest.size
    assert median[-1] == int(np.argmax(cdf >= 0.5))
    assert _gid(ax, "mean").get_ydata()[-1] == pytest.approx(highest.mean())
    strikes = _gid(ax2, "exceed3").get_ydata()
    assert strikes[-1] == pytest.approx(base.summary["p_strikes"]["estimate"])
    assert ax2.get_yscale() == "log" and "share of replicates" in ax2.get_ylabel()
    assert ax.get_ylabel() == "highest rung so far" and "days" in ax2.get_xlabel()
    # the observed path, highest rung so far: [day, IND, PAK] = [0,0,0] [1,1,0] [2,2,2] [15,3,3] [18,1,1]
    observed = _gid(ax, "observed").get_ydata()
    assert [observed[d] for d in (0, 1, 2, 14, 15, 16, 40)] == [0, 1, 2, 2, 3, 3, 3]
    assert not fig.diplosim_notes


def test_observed_path_parsing(with_path):
    run = load_run(with_path)
    path = observed_path(run)
    assert list(path.loc[[0, 1, 2, 15, 18, 30], "rung"]) == [0, 1, 2, 3, 1, 1]
    assert list(path.loc[[1, 2], "rung_PAK"]) == [0, 2]
    assert list(path.loc[[18, 30], "highest_so_far"]) == [3, 3]
    # other accepted forms: dated entries per side (day 0 = the trigger, 22 Apr 2025), {day: rung}
    sc = run.scenario
    for value in ([{"date": "2025-04-22", "IND": 0, "PAK": 0}, {"date": "2025-04-23", "IND": 1, "PAK": 0},
                   {"date": "2025-04-24", "IND": 2, "PAK": 2}, {"date": "2025-05-07", "IND": 3, "PAK": 3},
                   {"date": "2025-05-10", "IND": 1, "PAK": 1}], {0: 0, 1: 1, 2: 2, 15: 3, 18: 1}):
        # the path is parsed when the scenario is loaded: parse this form as the loader does
        points, problem = parse_observed_path(value, sc.trigger["date"], sc.belligerent_ids)
        assert problem == ""
        other = observed_path(dataclasses.replace(run, _scenario=dataclasses.replace(sc, observed_path=points)))
        assert list(other["rung"]) == list(path["rung"])


def test_a_missing_observed_path_is_a_note_not_a_crash(no_path_scenario, tmp_path):
    result = sim.run_ensemble(overrides=[f"scenario.dir={no_path_scenario}", "scenario.name=no_path_case",
                                         "run.replicates=200", "run.days=30", "run.progress=false"])
    fig = highest_rung_figure(result)
    assert any("observed.path" in n and "no_path_case" in n for n in fig.diplosim_notes), fig.diplosim_notes
    assert not [a for a in fig.axes[0].lines if a.get_gid() == "observed"]
    assert _gid(fig.axes[0], "observed_highest").get_ydata()[0] == 3  # the recorded highest rung stays
    drawn = plot_run(result, tmp_path / "out")
    assert set(drawn.figures) == set(RUN_FIGURE_NAMES)
    assert any(n.startswith("highest_rung:") and "observed.path" in n for n in drawn.notes)
    assert "observed.path" in (tmp_path / "out" / "report.md").read_text()


def test_an_unreadable_observed_path_is_a_note(tmp_path):
    load_scenario.cache_clear()
    folder = copy_scenario(tmp_path, "bad_path_case")
    edit_yaml(folder, lambda m: m["observed"].__setitem__("path", {"value": [[0, 9, 0]], "source": "test"}))
    result = sim.run_ensemble(overrides=[f"scenario.dir={folder}", "scenario.name=bad_path_case",
                                         "run.replicates=50", "run.days=20", "run.progress=false"])
    fig = highest_rung_figure(result)
    assert any("cannot be read" in n and "outside 0-5" in n for n in fig.diplosim_notes), fig.diplosim_notes


# ------------------------------------------------------------------------------ forest plot
def test_forest_points_are_the_estimates_and_bars_the_intervals(base, hotline_off):
    fig = forest_plot([base, hotline_off])
    ax_p, ax_d = fig.axes[:2]
    keys = [o.key for o in PROBABILITIES]
    assert [t.get_text() for t in ax_p.get_yticklabels()] == [o.short for o in PROBABILITIES]
    for i, run in enumerate((base, hotline_off)):
        container = ax_p.containers[i]
        assert container.get_label() == run.cfg.policy.name
        x = container.lines[0].get_xdata()
        segments = container.lines[2][0].get_segments()
        for j, key in enumerate(keys):
            e = run.summary[key]
            assert x[j] == pytest.approx(e["estimate"])
            assert segments[j][:, 0] == pytest.approx([e["ci_low"], e["ci_high"]])
        days = ax_d.containers[i].lines[0].get_xdata()
        assert list(days) == pytest.approx([run.summary[o.key]["estimate"] for o in DAY_MEDIANS])
    assert "probability" in ax_p.get_xlabel() and "days" in ax_d.get_xlabel()
    assert _legend_texts(fig) == ["baseline", "hotline_off"]


def test_an_unbounded_median_interval_is_drawn_and_written_as_unbounded(base):
    # A median of at most 5 values has no finite 95% interval: null bounds in summary.json
    # (sim.stats.intervals.median_ci), a dotted line across the forest plot, "n too small" in tables.
    run = load_run(base)
    key = "median_kinetic_days"
    summary = {**run.summary, key: {"estimate": 2.0, "ci_low": None, "ci_high": None, "n": 3}}
    few = RunData(label="few", cfg=run.cfg, summary=summary, daily=run.daily, _outcomes=run.outcomes)
    ax_d = forest_plot(few).axes[1]
    y = len(DAY_MEDIANS) - 1 - [o.key for o in DAY_MEDIANS].index(key)
    line = _gid(ax_d, "run0_unbounded")
    assert list(line.get_xdata()) == [0, 1] and list(line.get_ydata()) == [y, y]
    assert line.get_transform() == ax_d.get_yaxis_transform()  # the whole panel's width, whatever the days
    assert sum(UNBOUNDED in t.get_text() for t in ax_d.texts) == 1
    label = next(o.label for o in DAY_MEDIANS if o.key == key)
    assert any(label in r and UNBOUNDED in r for r in format_table(summary, "t").splitlines())
    assert [label, "2.0", UNBOUNDED, "3"] in summary_blocks(few)[1][2]
    collected = pd.DataFrame({"run": ["r0", "r0"], "outcome": ["median_duration_days", "p_strikes"],
                              "estimate": [4.0, 0.5], "ci_low": [math.nan, 0.4], "ci_high": [math.nan, 0.6]})
    assert f"4.0 {UNBOUNDED}" in format_runs(collected, [])


def test_tango_interval():
    z = 1.959963984540054
    est, lo, hi = tango_interval(0, 0, 1000)
    assert est == 0 and hi == pytest.approx(z * z / (1000 + z * z)) and lo == pytest.approx(-hi)
    est, lo, hi = tango_interval(30, 10, 1000)
    assert est == pytest.approx(0.02) and lo < 0.02 < hi and 0 < lo
    assert tango_interval(10, 0, 10)[2] == 1.0


def test_paired_differences_against_a_baseline(base, hotline_off):
    diff = differences([base, hotline_off]).set_index("outcome")
    assert diff["paired"].all()
    a = base.outcomes.sort_values("replicate")
    b = hotline_off.outcomes.sort_values("replicate")
    per_rep = (b["accidental_escalations"].to_numpy() > 0).astype(int) - (a["accidental_escalations"].to_numpy() > 0)
    row = diff.loc["p_accidental_escalation"]
    assert row["difference"] == pytest.approx(per_rep.mean())
    assert row["ci_low"] < row["difference"] < row["ci_high"]
    # common random numbers: the paired interval is narrower than the unpaired one
    assert (row["ci_high"] - row["ci_low"]) / 2 < row["unpaired_halfwidth"]
    fig = difference_plot([base, hotline_off])
    ax = fig.axes[0]
    keys = [o.key for o in PROBABILITIES]
    x = ax.containers[0].lines[0].get_xdata()
    assert x == pytest.approx(100 * diff.loc[keys, "difference"].to_numpy())
    assert "percentage points" in ax.get_xlabel()
    assert _legend_texts(fig) == ["hotline_off − baseline (paired)"]


def test_runs_on_different_seeds_are_unpaired(base):
    other = sim.run_ensemble(overrides=[*SMALL, "policy=hotline_off", "run.seed=1"])
    diff = differences([base, other])
    assert not diff["paired"].any()
    fig = difference_plot([base, other], baseline="baseline")
    line = fig.axes[0].containers[0].lines[0]
    assert line.get_markerfacecolor() == "white"  # open markers: unpaired
    assert _legend_texts(fig) == ["hotline_off − baseline (unpaired)"]


def test_the_reports_differences_are_the_paired_contrast(base, hotline_off, tmp_path):
    """One paired engine: the comparison report's differences and sim.compare (contrasts.csv) agree exactly."""
    diff = differences([base, hotline_off]).set_index("outcome")
    contrast = compare(base, hotline_off).set_index("outcome")
    keys = [o.key for o in PROBABILITIES]
    assert diff["paired"].all() and list(diff.index) == keys
    for col in ("difference", "ci_low", "ci_high", "unpaired_ci_low", "unpaired_ci_high", "width_ratio", "n"):
        assert diff.loc[keys, col].tolist() == contrast.loc[keys, col].tolist(), col  # exactly, not approximately
    # the rare outcome keeps a paired interval with a width (Tango's), not a collapsed normal one
    row = diff.loc["p_war"]
    assert row["ci_low"] <= row["difference"] <= row["ci_high"] and row["ci_high"] > row["ci_low"]
    # and the report prints those numbers
    compare_policies([base, hotline_off], tmp_path / "cmp")
    md = (tmp_path / "cmp" / "report.md").read_text()
    row = diff.loc["p_ceasefire"]
    assert (f"| {100 * row['difference']:+.2f} | [{100 * row['ci_low']:+.2f}, {100 * row['ci_high']:+.2f}] | paired | "
            f"{1 / row['width_ratio']:.1f}× |") in md


def test_pairing_is_the_one_definition_of_the_pairing_keys(base, tmp_path, monkeypatch):
    """Runs that differ only in a key outside PAIRING_KEYS (the horizon in days) are still paired."""
    longer = sim.run_ensemble(overrides=[*SMALL[:1], f"run.days={DAYS + 10}", "run.progress=false",
                                         "run.parameters=point", "policy=hotline_off"])
    assert differences([base, longer])["paired"].all()


# ------------------------------------------------------------------------------ survival
def test_survival_curve_is_the_share_without_ceasefire(base, hotline_off):
    fig = survival_plot([base, hotline_off])
    ax = fig.axes[0]
    for i, run in enumerate((base, hotline_off)):
        y = _gid(ax, f"run{i}").get_ydata()
        day_cf = run.outcomes["day_ceasefire"].to_numpy()
        for day in (0, 5, 10, 18, 30, DAYS):
            expected = np.mean(np.isnan(day_cf) | (day_cf > day))
            assert y[day] == pytest.approx(expected), (i, day)
        band = _gid(ax, f"band{i}").get_paths()[0].vertices
        for day in (5, 10, 30):
            ys = band[band[:, 0] == day, 1]
            assert ys.min() - 1e-12 <= y[day] <= ys.max() + 1e-12
    assert "no ceasefire yet" in ax.get_ylabel() and "days" in ax.get_xlabel()
    assert _legend_texts(fig)[:2] == ["baseline", "hotline_off"]


def test_survival_table_with_censoring():
    tab = ceasefire_survival(np.array([1, 1, 3, np.nan, np.nan]), 4)
    assert list(tab["survival"]) == pytest.approx([1.0, 0.6, 0.6, 0.4, 0.4])
    assert list(tab["at_risk"]) == [5, 5, 3, 3, 2]
    assert (tab["ci_low"] <= tab["survival"]).all() and (tab["survival"] <= tab["ci_high"]).all()


# ------------------------------------------------------------------------------ brokers, network
def test_broker_bars_are_the_shares(base):
    fig = figs.broker_plot(base)
    ax = fig.axes[0]
    bars = [p for p in ax.patches if p.get_gid() == "run0"] or list(ax.containers[0])
    names = [k for k in base.summary if k.startswith("share_brokered_")]
    assert [b.get_width() for b in bars] == pytest.approx([base.summary[k]["estimate"] for k in names])
    assert "share of ceasefires" in ax.get_xlabel()


def test_broker_figure_without_ceasefires_is_skipped(base):
    run = load_run(base)
    summary = {k: ({"estimate": None, "ci_low": None, "ci_high": None, "n": 0} if k.startswith("share_brokered_")
                   else v) for k, v in run.summary.items()}
    empty = RunData(label="none", cfg=run.cfg, summary=summary, daily=run.daily, _outcomes=run.outcomes)
    with pytest.raises(FigureSkipped, match="no replicate reached a ceasefire"):
        figs.broker_plot(empty)


def test_network_after_is_before_plus_the_mean_change(base):
    m = network_matrices(base)
    sc = m["scenario"]
    usa, ind = sc.actors.index("USA"), sc.actors.index("IND")
    change = base.summary["mean_affinity_change_USA_IND"]["estimate"]
    assert m["affinity_after"][usa, ind] - m["affinity_before"][usa, ind] == pytest.approx(change)
    lev = base.outcomes["leverage_change_USA_IND"].mean()
    assert m["leverage_after"][usa, ind] - m["leverage_before"][usa, ind] == pytest.approx(lev)
    fig = network_figure(base)
    before, after = fig.axes[0], fig.axes[1]
    for ax, aff, lev in ((before, m["affinity_before"], m["leverage_before"]),
                         (after, m["affinity_after"], m["leverage_after"])):
        edge = _gid(ax, "edge_IND_USA")
        assert edge.get_linewidth() == pytest.approx(0.8 + 9.0 * lev[usa, ind])
        cmap = matplotlib.colormaps["RdBu"]
        assert mcolors.to_rgba(edge.get_color()) == pytest.approx(cmap((aff[usa, ind] + 1) / 2))
    # stable places: each actor's node sits at the same spot in both panels
    assert [c.get_offsets().tolist() for c in before.collections] == [c.get_offsets().tolist()
                                                                      for c in after.collections]
    assert _gid(before, "edge_IND_PAK").get_linestyle() == "--"  # a hostile tie is dashed


# ------------------------------------------------------------------------------ sweeps
@pytest.fixture
def sweep_table():
    rows = []
    for a in (0.0, 0.5, 1.0):
        for b in ("off", "on"):
            for outcome, base in (("p_war", 0.01), ("median_days_to_ceasefire", 10.0)):
                est = base * (1 + a) + (0.02 if b == "on" else 0.0)
                rows.append({"policy.hotline_reliability": a, "policy.hotline": b, "outcome": outcome,
                             "estimate": est, "ci_low": est * 0.8, "ci_high": est * 1.2, "n": 1000})
    return pd.DataFrame(rows)


def test_sweep_heatmap_cells_are_the_estimates(sweep_table):
    fig = sweep_heatmap(sweep_table, "policy.hotline_reliability", "policy.hotline", "p_war")
    ax = fig.axes[0]
    cells = np.asarray(_gid(ax, "heatmap").get_array()).reshape(2, 3)
    expected = sweep_table[sweep_table.outcome == "p_war"].pivot(
        index="policy.hotline", columns="policy.hotline_reliability", values="estimate").to_numpy()
    assert cells == pytest.approx(expected)
    assert ax.get_xlabel() == "policy.hotline_reliability" and ax.get_ylabel() == "policy.hotline"
    assert "probability" in fig.axes[1].get_ylabel()  # the colour bar names the outcome and unit


def test_sweep_lines_follow_the_estimates_with_bands(sweep_table):
    fig = sweep_lines(sweep_table, "policy.hotline_reliability", "median_days_to_ceasefire", group="policy.hotline")
    ax = fig.axes[0]
    for i, b in enumerate(("off", "on")):
        part = sweep_table[(sweep_table.outcome == "median_days_to_ceasefire") & (sweep_table["policy.hotline"] == b)]
        assert _gid(ax, f"line{i}").get_ydata() == pytest.approx(part["estimate"].to_numpy())
        band = _gid(ax, f"band{i}").get_paths()[0].vertices
        assert band[:, 1].max() == pytest.approx(part["ci_high"].max())
    assert _legend_texts(fig) == ["off", "on"]
    assert "days" in ax.get_ylabel()


def test_sweep_tables_that_do_not_fit_give_one_line(sweep_table):
    with pytest.raises(ValueError, match="policy.hotline also vary"):
        sweep_lines(sweep_table, "policy.hotline_reliability", "p_war")
    fig = sweep_lines(sweep_table, "policy.hotline_reliability", "p_war", fixed={"policy.hotline": "on"})
    assert "policy.hotline=on" in fig.axes[0].get_title()
    with pytest.raises(ValueError, match="outcome 'p_peace' is not in the sweep table") as info:
        sweep_heatmap(sweep_table, "policy.hotline_reliability", "policy.hotline", "p_peace")
    assert "\n" not in str(info.value)
    with pytest.raises(ValueError, match="lacks column"):
        sweep_heatmap(sweep_table.drop(columns="ci_low"), "policy.hotline_reliability", "policy.hotline", "p_war")


# ------------------------------------------------------------------------------ palettes
def test_rungs_are_readable_in_greyscale():
    def luminance(colour):
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in mcolors.to_rgb(colour))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    lum = [luminance(c) for c in RUNG_COLOURS]
    assert all(a - b > 0.04 for a, b in zip(lum, lum[1:])), lum  # strictly darker up the ladder
    assert len(set(MARKERS)) == len(MARKERS) and len(set(map(str, LINESTYLES))) == len(LINESTYLES)


# ------------------------------------------------------------------------------ report, API, command
def test_plot_run_writes_figures_and_a_report_with_the_numbers(base, tmp_path):
    plot_run(base, tmp_path / "out", metadata={"seed": 20250422, "git": {"commit": "abc123", "dirty": False},
                                                       "versions": {"diplosim": "9.9"}})
    out = tmp_path / "out"
    for name in RUN_FIGURE_NAMES:
        for fmt in ("png", "svg"):
            assert (out / "figures" / f"{name}.{fmt}").stat().st_size > 1000, (name, fmt)
    assert (out / "figures" / "escalation.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    md = (out / "report.md").read_text()
    e = base.summary["p_strikes"]
    assert f"| {e['estimate']:.3f} | [{e['ci_low']:.3f}, {e['ci_high']:.3f}] | 600 |" in md
    m = base.summary["median_days_to_ceasefire"]
    assert f"| {m['estimate']:,.1f} | [{m['ci_low']:,.1f}, {m['ci_high']:,.1f}] |" in md
    for name in RUN_FIGURE_NAMES:
        assert f"(figures/{name}.png)" in md
    assert "replicates: 600" in md and "abc123" in md and "diplosim 9.9" in md
    page = (out / "report.html").read_text()
    assert page.count("data:image/png;base64,") == len(RUN_FIGURE_NAMES)  # one self-contained file
    assert f"{e['estimate']:.3f}" in page
    with pytest.raises(FileExistsError):
        plot_run(base, out)  # never over an earlier report


def test_compare_policies_from_results_directories(base, hotline_off, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main([*SMALL, "run.name=b", "run.figures=false"]) == 0
    assert main([*SMALL, "run.name=h", "policy=hotline_off", "run.figures=false"]) == 0
    drawn = compare_policies(["results/b", "results/h"], tmp_path / "cmp")
    assert set(drawn.figures) == {"outcomes", "differences", "ceasefire_survival", "brokers", "affinity_change"}
    # read back from Parquet and JSON: the same numbers as in memory
    x = drawn.figures["outcomes"].axes[0].containers[1].lines[0].get_xdata()
    assert x[0] == pytest.approx(hotline_off.summary["p_strikes"]["estimate"])
    md = (tmp_path / "cmp" / "report.md").read_text()
    assert "| policy | outcome | difference | 95% CI | interval | narrower by |" in md and "paired" in md
    assert not drawn.notes


def test_diplosim_writes_figures_by_default_and_none_when_off(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["run.replicates=300", f"run.days={DAYS}", "run.progress=false", "run.name=on"]) == 0
    out = capsys.readouterr().out
    run = tmp_path / "results" / "on"
    assert f"Report: {run / 'report.html'}" in out
    assert {p.name for p in (run / "figures").iterdir()} == {f"{n}.{f}" for n in RUN_FIGURE_NAMES for f in ("png", "svg")}
    meta = json.loads((run / "metadata.json").read_text())
    assert sorted(meta["figures"]["written"]) == sorted([*(f"figures/{n}.{f}" for n in RUN_FIGURE_NAMES
                                                           for f in ("png", "svg")), "report.html", "report.md"])
    assert main(["run.replicates=300", f"run.days={DAYS}", "run.progress=false", "run.name=off", "run.figures=false"]) == 0
    off = tmp_path / "results" / "off"
    assert not (off / "figures").exists() and not (off / "report.md").exists() and not (off / "report.html").exists()
    assert "figures" not in json.loads((off / "metadata.json").read_text())
    assert sorted(p.name for p in (tmp_path / "results").iterdir()) == ["off", "on"]  # no .tmp-* left


def test_run_figures_wrong_type_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["run.replicates=50", "run.progress=false", "run.figures=maybe"]) == 2
    err = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(err) == 1 and err[0].startswith("diplosim: error:") and "run.figures" in err[0]
    assert not (tmp_path / "results").exists() or not any((tmp_path / "results").iterdir())


def test_a_failing_figure_is_a_note_and_the_run_is_kept(tmp_path, monkeypatch, capsys):
    def broken(run):
        raise RuntimeError("boom")
    specs = [(n, t, broken if n == "network" else fn, c) for n, t, fn, c in render.RUN_FIGURES]
    monkeypatch.setattr(render, "RUN_FIGURES", specs)
    monkeypatch.chdir(tmp_path)
    assert main(["run.replicates=200", "run.days=30", "run.progress=false", "run.name=x"]) == 0
    err = capsys.readouterr().err
    assert "diplosim: note: network: not drawn (RuntimeError: boom)" in err and "Traceback" not in err
    run = tmp_path / "results" / "x"
    assert {"summary.json", "outcomes.parquet", "daily.parquet", "metadata.json", "config.yaml",
            "report.md", "report.html"} <= {p.name for p in run.iterdir()}
    assert (run / "figures" / "escalation.png").is_file() and not (run / "figures" / "network.png").exists()
    assert "network: not drawn (RuntimeError: boom)" in (run / "report.md").read_text()
    assert "network: not drawn (RuntimeError: boom)" in json.loads((run / "metadata.json").read_text())["figures"]["notes"]


def test_a_failing_report_keeps_the_run(tmp_path, monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise OSError("disk full")
    # the drawing step the command imports (when it runs) and hands to write_results
    monkeypatch.setattr(render_module, "draw_run", broken)
    monkeypatch.chdir(tmp_path)
    assert main(["run.replicates=100", "run.days=20", "run.progress=false", "run.name=y"]) == 0
    assert "figures and report not completed (OSError: disk full)" in capsys.readouterr().err
    assert (tmp_path / "results" / "y" / "summary.json").is_file()
    assert sorted(p.name for p in (tmp_path / "results").iterdir()) == ["y"]


def test_diplosim_figures_draws_existing_results_directories(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    common = ["run.replicates=200", "run.days=30", "run.progress=false", "run.figures=false"]
    assert main([*common, "run.name=b"]) == 0
    assert main([*common, "run.name=h", "policy=hotline_off"]) == 0
    capsys.readouterr()
    assert main(["figures", "results/h", "--out", "one", "--format", "png"]) == 0
    assert {p.name for p in (tmp_path / "one" / "figures").iterdir()} == {f"{n}.png" for n in RUN_FIGURE_NAMES}
    assert "report:" in capsys.readouterr().out and (tmp_path / "one" / "report.html").is_file()
    assert main(["figures", "results/b", "results/h", "--out", "cmp", "--baseline", "hotline_off"]) == 0
    md = (tmp_path / "cmp" / "report.md").read_text()
    assert "the baseline is **hotline_off**" in md and (tmp_path / "cmp" / "figures" / "differences.svg").is_file()
    assert main(["--help"]) == 0 and "diplosim figures RUN_DIR" in capsys.readouterr().out
    for args in (["figures", "nowhere", "--out", "x"], ["figures", "results/b"], ["figures", "--out", "x"],
                 ["figures", "results/b", "--out", "one"], ["figures", "results/b", "results/h", "--out", "y",
                                                              "--baseline", "nobody"],
                 ["figures", "results/b", "--out", "z", "--format", "gif"], ["figures", "results/b", "--bogus"]):
        assert main(args) == 2, args
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and err.startswith("diplosim: error:"), (args, err)
    assert not (tmp_path / "z").exists()


def test_write_results_calls_the_draw_step_inside_the_atomic_write(base, tmp_path):
    """Results write data only; a driver's draw step runs in the temporary folder before the rename."""
    seen = {}

    def draw(result, folder, meta):
        seen.update(folder=folder, result=result, seed=meta["seed"], final_exists=(tmp_path / "d").exists())
        (folder / "figures").mkdir()
        (folder / "figures" / "x.svg").write_text("<svg/>")
        return {"written": ["figures/x.svg"], "notes": ["x: a note"], "seconds": 0.0}

    notes: list[str] = []
    folder = write_results(base, dt.datetime.now(dt.timezone.utc), out_dir=tmp_path, name="d", draw=draw, notes=notes)
    assert seen["folder"].name.startswith(".tmp-d-") and seen["result"] is base and not seen["final_exists"]
    assert seen["seed"] == base.cfg.run.seed and (folder / "figures" / "x.svg").is_file()
    assert json.loads((folder / "metadata.json").read_text())["figures"]["notes"] == ["x: a note"] == notes
    plain = write_results(base, dt.datetime.now(dt.timezone.utc), out_dir=tmp_path, name="e")
    assert not (plain / "figures").exists() and "figures" not in json.loads((plain / "metadata.json").read_text())


def test_load_run_refuses_a_folder_that_is_not_a_results_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a diplosim results directory"):
        load_run(tmp_path)
    assert math.isnan(ceasefire_survival(np.array([]), 3)["survival"].iloc[0])


def test_sweep_figures_for_the_collect_step(sweep_table, tmp_path):
    drawn = figs.write_sweep_figures(sweep_table, tmp_path)
    assert figs.swept_keys(sweep_table) == ["policy.hotline_reliability", "policy.hotline"]
    assert set(drawn.figures) == {"p_war_lines", "p_war_heatmap", "median_days_to_ceasefire_lines",
                                  "median_days_to_ceasefire_heatmap"}
    assert (tmp_path / "p_war_heatmap.svg").is_file() and (tmp_path / "p_war_lines.png").is_file()
    three = sweep_table.assign(**{"run.seed": np.arange(len(sweep_table)) % 2})
    notes = figs.write_sweep_figures(three, tmp_path / "x").notes
    assert len(notes) == 1 and "varies 3" in notes[0]  # a note, not an error
