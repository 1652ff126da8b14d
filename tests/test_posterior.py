"""Parameter uncertainty: the posterior file, the replicate-to-draw mapping, credible intervals
over draws (summary and paired contrasts), provenance and the one-line errors of a bad posterior.

Every posterior here is written into a temporary folder and reached through run.posterior_file.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.core.model import CrisisModel
from sim.core.setup import _Params
from sim.drivers.cli import main
from sim.inputs.compose import compose_config
from sim.inputs.errors import ConfigError, DiplosimError
from sim.inputs.posterior import load_posterior
from sim.inputs.resolve import build_inputs
from sim.stats.intervals import credible_interval
from sim.stats.paired import paired_reason
from sim.stats.summary import StreamingSummary

FAST = ["run.days=40", "run.progress=false", "run.block_size=500"]


def write_posterior(path: Path, columns: dict[str, list[float]], provenance: dict | None = None) -> Path:
    """A posterior CSV (a column per parameter, a row per draw) and, if given, its .json beside it."""
    names = list(columns)
    rows = len(columns[names[0]])
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(names)
        for i in range(rows):
            w.writerow([repr(float(columns[n][i])) for n in names])
    if provenance is not None:
        path.with_suffix(".json").write_text(json.dumps(provenance))
    return path


def point_values(*names: str) -> dict[str, float]:
    cfg = compose_config(["run.parameters=point"])
    return {n: float(cfg.params[n]) for n in names}


def cfg_with(path: Path, *more: str):
    return compose_config([f"run.posterior_file={path}", *more])


# ----------------------------------------------------------------------------- replicate -> draw
def test_replicate_r_uses_row_r_mod_d_in_every_block(tmp_path):
    rows = np.linspace(5.0, 8.0, 7)
    path = write_posterior(tmp_path / "post.csv", {"threshold_rung3": rows, "w_pressure": rows / 4})
    cfg = cfg_with(path, "run.posterior_draws=5")
    inputs = build_inputs(cfg)
    assert inputs.posterior.rows == 7 and inputs.posterior.draws == 5  # D = min(posterior_draws, rows)
    # block 2 of blocks of 4: global replicates 8..11 take rows 3, 4, 0, 1
    model = CrisisModel(inputs, replicates=4, seed=1, block=2, block_size=4)
    assert model.p.draw.tolist() == [3, 4, 0, 1]
    assert model.p.threshold_rung3[:, 0].tolist() == rows[[3, 4, 0, 1]].tolist()
    assert model.p.w_pressure[:, 0].tolist() == (rows / 4)[[3, 4, 0, 1]].tolist()
    # a parameter the file does not give keeps the config's value
    assert model.p.w_grievance == float(cfg.params.w_grievance)
    # a one-replicate model (the app, mesa.batch_run) is replicate 0: row 0
    one = CrisisModel(inputs, replicates=1, seed=1)
    assert one.p.draw.tolist() == [0] and float(one.p.threshold_rung3[0, 0]) == rows[0]
    # through an ensemble of uneven blocks, the outcomes name each replicate's draw
    res = sim.run_ensemble(cfg_with(path, "run.posterior_draws=5", "run.replicates=23", "run.block_size=6",
                                    "run.days=5", "run.progress=false"))
    assert res.outcomes["draw"].tolist() == (np.arange(23) % 5).tolist()
    assert res.parameters["draws"] == 5 and res.parameters["draws_used"] == 5 and res.parameters["rows"] == 7


def test_a_file_with_fewer_rows_than_posterior_draws_is_used_whole(tmp_path):
    path = write_posterior(tmp_path / "post.csv", {"threshold_rung3": [6.0, 7.0, 8.0]})
    res = sim.run_ensemble(cfg_with(path, "run.replicates=12", *FAST))  # posterior_draws=200 by default
    assert res.parameters["draws"] == 3 and res.parameters["rows"] == 3
    assert res.summary["p_strikes"]["draws"] == 3
    assert sorted(set(res.outcomes["draw"])) == [0, 1, 2]


def test_explicit_arrays_win_over_the_posterior_for_the_parameters_they_name(tmp_path):
    path = write_posterior(tmp_path / "post.csv", {"threshold_rung3": [6.0, 7.0], "w_pressure": [0.5, 1.5]})
    inputs = build_inputs(cfg_with(path))
    p = _Params(inputs.params, {"w_pressure": np.array([3.0, 3.0, 3.0])}, 3, posterior=inputs.posterior)
    assert p.w_pressure[:, 0].tolist() == [3.0, 3.0, 3.0]  # the design / param_arrays value
    assert p.threshold_rung3[:, 0].tolist() == [6.0, 7.0, 6.0]  # the posterior's, r % D


def test_a_design_fixes_its_parameters_and_the_posterior_gives_the_others(tmp_path):
    path = write_posterior(tmp_path / "post.csv", {"threshold_rung3": [6.0, 7.0, 8.0], "w_pressure": [0.5, 1.0, 1.5]})
    design = tmp_path / "design.csv"
    pd.DataFrame({"w_pressure": [0.0, 3.0]}).to_csv(design, index=False)
    res = sim.run_ensemble(cfg_with(path, f"run.design={design}", "run.replicates=12", *FAST))
    o = res.outcomes
    assert o["params.w_pressure"].tolist() == [0.0] * 6 + [3.0] * 6
    assert o["draw"].tolist() == (np.arange(12) % 3).tolist()
    assert "params.threshold_rung3" not in o.columns  # design columns only: the posterior's are the draw's row


# ----------------------------------------------------------------------------- point vs posterior
def test_point_ignores_the_posterior_and_a_posterior_at_the_point_reproduces_it_bit_for_bit(tmp_path):
    common = ["run.replicates=600", *FAST]
    point = sim.run_ensemble(overrides=[*common, "run.parameters=point", f"run.posterior_file={tmp_path}/none.csv"])
    assert "draw" not in point.outcomes.columns and point.parameters == {"mode": "point"}
    assert all(e["cred_low"] is None and e["cred_high"] is None and e["draws"] is None for e in point.summary.values())
    # every row at the point: the same numbers as the point run, replicate by replicate
    at = point_values("threshold_rung3", "cf_intercept", "danger_rung4")
    same = write_posterior(tmp_path / "same.csv", {k: [v] * 10 for k, v in at.items()})
    post = sim.run_ensemble(overrides=[*common, f"run.posterior_file={same}"])
    pd.testing.assert_frame_equal(post.outcomes.drop(columns="draw"), point.outcomes)
    for key, e in point.summary.items():
        assert {k: post.summary[key][k] for k in ("estimate", "ci_low", "ci_high", "n")} == \
            {k: e[k] for k in ("estimate", "ci_low", "ci_high", "n")}, key
    # a posterior away from the point gives other numbers
    moved = write_posterior(tmp_path / "moved.csv", {"threshold_rung3": np.linspace(3.0, 12.0, 10)})
    other = sim.run_ensemble(overrides=[*common, f"run.posterior_file={moved}"])
    assert not other.outcomes.drop(columns="draw").equals(point.outcomes)


# ----------------------------------------------------------------------------- credible intervals
D, R = 40, 4000


@pytest.fixture(scope="module")
def identical_and_spread(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("post")
    at = point_values("threshold_rung3", "w_retaliation_norm")
    identical = write_posterior(tmp / "identical.csv", {k: [v] * D for k, v in at.items()})
    rng = np.random.default_rng(7)
    spread = write_posterior(tmp / "spread.csv", {"threshold_rung3": rng.uniform(3.0, 14.0, D),
                                                  "w_retaliation_norm": rng.uniform(0.0, 6.0, D)})
    common = [f"run.replicates={R}", f"run.posterior_draws={D}", *FAST]
    return (sim.run_ensemble(overrides=[*common, f"run.posterior_file={identical}"]),
            sim.run_ensemble(overrides=[*common, f"run.posterior_file={spread}"]))


def test_identical_draws_give_a_credible_width_of_monte_carlo_noise_and_spread_draws_a_wide_one(identical_and_spread):
    same, spread = identical_and_spread
    e0, e1 = same.summary["p_strikes"], spread.summary["p_strikes"]
    assert e0["draws"] == e1["draws"] == D
    n_d = R // D
    sd = math.sqrt(e0["estimate"] * (1 - e0["estimate"]) / n_d)  # Monte Carlo sd of a per-draw estimate
    # With no parameter spread, V_b/V_w ~ chi2(D-1)/(D-1) <= 2.0 at 99.9% for D = 40, so the shrink
    # factor is <= 0.71, and the 5-95% range of 40 draws' estimates is <= about 4.6 sd at most:
    # the shrunk width stays under 3.3 sd (and is usually 0).
    bound = 3.3 * sd
    assert e0["cred_high"] - e0["cred_low"] <= bound
    # Draws with thresholds from 3 to 14 move P(strikes) far more than the noise
    assert e1["cred_high"] - e1["cred_low"] > max(0.3, 3 * bound)
    # (not a rare event such as P(war) here, where over 95% of the draws see none: both quantiles are 0,
    # below the mean, and the interval m + (q - m)·shrink lies below the estimate; see ODD §8.2)
    for key in ("p_strikes", "p_ceasefire", "mean_loc_incidents", "median_duration_days"):
        e = spread.summary[key]
        assert e["cred_low"] <= e["estimate"] <= e["cred_high"], key
        assert e["cred_high"] - e["cred_low"] > e["ci_high"] - e["ci_low"], key  # parameters dominate here
        if key != "median_duration_days":  # a median's interval may end at the estimate (summary._entry)
            assert e["cred_low"] < e["ci_low"] and e["ci_high"] < e["cred_high"], key
    # Monte Carlo intervals are those of the pooled replicates, as ever
    assert e1["ci_low"] < e1["estimate"] < e1["ci_high"] and e1["n"] == R


def test_the_credible_interval_streamed_equals_the_one_from_the_whole_table():
    rng = np.random.default_rng(3)
    n, d = 3000, 30
    draw = np.arange(n) % d
    centre = rng.uniform(0.1, 0.9, d)
    table = pd.DataFrame({"draw": draw, "hit": rng.random(n) < centre[draw],
                          "x": rng.normal(10 * centre[draw], 1.0), "k": rng.poisson(20 * centre[draw])})

    def specs(s):
        s.prop("p", lambda t: t["hit"])
        s.mean("m", lambda t: t["x"])
        s.median("med", lambda t: t["k"], columns=["k"])
        return s.compute()

    whole = specs(StreamingSummary(table))
    blocks = specs(StreamingSummary(lambda columns=None: (table.iloc[i:i + 700] for i in range(0, n, 700)), cap=100))
    for key in ("p", "m", "med"):
        assert whole[key]["cred_low"] == pytest.approx(blocks[key]["cred_low"], rel=1e-12), key
        assert whole[key]["cred_high"] == pytest.approx(blocks[key]["cred_high"], rel=1e-12), key
    # by hand: the proportion's per-draw estimates and their binomial noise
    per = table.groupby("draw")["hit"].mean().to_numpy()
    lo, hi, draws = credible_interval(per, per * (1 - per) / (n // d))
    assert (whole["p"]["cred_low"], whole["p"]["cred_high"], whole["p"]["draws"]) == pytest.approx((lo, hi, d))
    # the per-draw median of whole numbers is exact
    med = table.groupby("draw")["k"].median().to_numpy()
    assert np.mean(med) == pytest.approx((whole["med"]["cred_low"] + whole["med"]["cred_high"]) / 2, abs=2.0)


def test_credible_interval_shrinks_noise_away_and_keeps_real_spread():
    rng = np.random.default_rng(11)
    noise = rng.normal(0.0, 1.0, 400)
    lo, hi, _ = credible_interval(0.5 + noise, np.full(400, 1.0))  # all of the spread is noise
    assert hi - lo < 1.0  # unshrunk it would be about 3.3
    real = rng.normal(0.0, 10.0, 400)
    lo, hi, _ = credible_interval(real + noise, np.full(400, 1.0))
    assert hi - lo == pytest.approx(np.subtract(*np.quantile(real + noise, [0.95, 0.05])) * math.sqrt(1 - 1 / np.var(
        real + noise, ddof=1)), rel=1e-12)
    assert all(math.isnan(v) for v in credible_interval(np.array([1.0]), np.array([0.1]))[:2])


# ----------------------------------------------------------------------------- paired contrasts
@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    rng = np.random.default_rng(5)
    path = write_posterior(tmp_path_factory.mktemp("pair") / "post.csv",
                           {"threshold_rung3": rng.uniform(5.0, 10.0, 20), "cf_intercept": rng.uniform(-3.5, -2.0, 20)})
    common = [f"run.posterior_file={path}", "run.replicates=1000", *FAST]
    return common, sim.run_ensemble(overrides=common), sim.run_ensemble(overrides=[*common, "policy=no_third_parties"])


def test_a_lever_with_a_strong_effect_in_every_draw_has_sign_agreement_one(pair):
    common, base, none = pair
    c = sim.compare(base, none).set_index("outcome")
    row = c.loc["p_third_party_engaged"]
    assert row["difference"] < -0.5 and row["draws"] == 20
    assert row["sign_agreement"] == 1.0
    assert row["cred_low"] <= row["cred_high"] < 0
    assert math.isnan(c.loc["p_nuclear", "sign_agreement"]) or c.loc["p_nuclear", "difference"] != 0
    # arms on other parameters are refused
    point = sim.run_ensemble(overrides=[*common, "run.parameters=point", "policy=no_third_parties"])
    with pytest.raises(DiplosimError, match="run.parameters differs"):
        sim.compare(base, point)
    assert "run.posterior_draws" in paired_reason(base.cfg, compose_config([*common, "run.posterior_draws=10"]))
    assert paired_reason(compose_config(["run.parameters=point"]),
                         compose_config(["run.parameters=point", "run.posterior_draws=10"])) is None


# ----------------------------------------------------------------------------- provenance
def test_metadata_records_the_posterior_file_its_hash_rows_draws_and_provenance(tmp_path, monkeypatch):
    prov = {"method": "ABC test", "created": "2026-12-01", "seed": 3, "n_draws": 4, "crises": ["uri_2016"]}
    path = write_posterior(tmp_path / "post.csv", {"threshold_rung3": [6.0, 7.0, 8.0, 9.0]}, prov)
    monkeypatch.chdir(tmp_path)
    code = main([f"run.posterior_file={path}", "run.replicates=30", "run.days=10", "run.progress=false",
                 "run.figures=false", "run.name=p"])
    assert code == 0
    meta = json.loads((tmp_path / "results" / "p" / "metadata.json").read_text())
    rec = meta["parameters"]
    assert rec["mode"] == "posterior" and rec["file"] == str(path) and rec["rows"] == 4 and rec["draws"] == 4
    assert rec["draws_used"] == 4 and rec["provenance"] == prov and rec["parameters"] == ["threshold_rung3"]
    import hashlib

    assert rec["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    summary = json.loads((tmp_path / "results" / "p" / "summary.json").read_text())
    assert summary["p_strikes"]["draws"] == 4 and summary["p_strikes"]["cred_low"] is not None


# ----------------------------------------------------------------------------- bad input
def _bad_files(tmp: Path) -> list[tuple[list[str], str, str]]:
    unknown = write_posterior(tmp / "unknown.csv", {"threshold_rung3": [6.0], "w_nonsense": [1.0]})
    outside = write_posterior(tmp / "outside.csv", {"threshold_rung3": [6.0, 99.0]})
    text = tmp / "text.csv"
    text.write_text("threshold_rung3\n6.0\nabc\n")
    empty = tmp / "empty.csv"
    empty.write_text("threshold_rung3\n")
    return [([f"run.posterior_file={tmp}/missing.csv"], "run.parameters=point", "missing.csv"),
            ([f"run.posterior_file={unknown}"], "run.posterior_file", "w_nonsense"),
            ([f"run.posterior_file={outside}"], "run.posterior_file", "out of the parameter's range"),
            ([f"run.posterior_file={text}"], "run.parameters=point", "not a number"),
            ([f"run.posterior_file={empty}"], "run.parameters=point", "no draws"),
            (["run.parameters=sampled"], "run.parameters", "posterior, point"),
            (["run.posterior_draws=1"], "run.posterior_draws", "at least 2")]


def test_every_bad_posterior_input_is_one_line_naming_it_and_the_command_exits_2(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for overrides, key, also in _bad_files(tmp_path):
        with pytest.raises(ConfigError) as info:
            build_inputs(compose_config(overrides))
        message = str(info.value)
        assert "\n" not in message and key in message and also in message, message
        code = main(["run.replicates=20", "run.progress=false", *overrides])
        err = capsys.readouterr().err
        lines = [ln for ln in err.splitlines() if ln.strip()]
        assert code == 2 and len(lines) == 1 and lines[0].startswith("diplosim: error:") and key in lines[0], err
        assert "Traceback" not in err
    assert not (tmp_path / "results").exists() or not any((tmp_path / "results").iterdir())


def test_load_posterior_is_none_at_the_point_and_reads_params_prefixed_columns(tmp_path):
    assert load_posterior(compose_config(["run.parameters=point", f"run.posterior_file={tmp_path}/no.csv"])) is None
    path = tmp_path / "prefixed.csv"
    path.write_text("params.threshold_rung3,cf_intercept\n6.5,-2.5\n7.5,-3.0\n")
    post = load_posterior(cfg_with(path))
    assert post.names == ("threshold_rung3", "cf_intercept") and post.values.tolist() == [[6.5, -2.5], [7.5, -3.0]]
    assert post.provenance == {}


# ----------------------------------------------------------------------------- where answers are shown
def test_the_table_the_report_the_comparison_and_the_app_show_both_intervals(pair, tmp_path):
    from sim.runs.reader import load_run
    from sim.views.app.drawings import odds_html
    from sim.views.report import comparison_document, run_document, to_markdown
    from sim.views.tables import format_contrast, format_table

    common, base, none = pair
    e = base.summary["p_strikes"]
    text = format_table(base.summary, "t")
    assert "95% MC" in text and "90% over parameters" in text and "20 posterior draws" in text
    row = next(line for line in text.splitlines() if line.startswith("P(strikes"))
    assert f"[{e['ci_low']:.3f}, {e['ci_high']:.3f}]" in row and f"[{e['cred_low']:.3f}, {e['cred_high']:.3f}]" in row
    point = sim.run_ensemble(overrides=["run.replicates=200", *FAST, "run.parameters=point"])
    assert "over parameters" not in format_table(point.summary, "t") and "95% CI" in format_table(point.summary, "t")
    title, blocks = run_document(load_run(base), [], [], {})
    md = to_markdown(title, blocks)
    assert "| outcome | estimate | 95% MC | 90% over parameters | n |" in md
    assert f"[{e['cred_low']:.3f}, {e['cred_high']:.3f}]" in md
    title, blocks = comparison_document([load_run(base), load_run(none)], 0, [], [])
    md = to_markdown(title, blocks)
    assert "90% over parameters" in md and "same sign" in md and "100%" in md
    contrast = sim.compare(base, none)
    assert "same sign" in format_contrast(contrast, "c") and "100%" in format_contrast(contrast, "c")
    html = odds_html([("A", {"summary": base.summary, "seconds": 1.0, "replicates": 1000})])
    assert "90% over parameters [" in html and "posterior draw 0" in html
