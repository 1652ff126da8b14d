"""Collect: a sweep as one tidy table (Parquet and CSV, readable without diplosim) whose numbers
match hand computations from the runs' per-replicate outcomes; paired contrasts beside it."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom, binomtest

from sim.drivers.cli import main
from sim.stats.intervals import Z95, newcombe_interval, tango_interval

ARGS = ["-m", "policy=baseline,hotline_off", "params.w_pressure=1.0,3.0", "run.replicates=400",
        "run.block_size=150", "run.days=40", "run.progress=false", "run.figures=false", "run.name=sw"]


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    work = tmp_path_factory.mktemp("collect")
    mp = pytest.MonkeyPatch()
    mp.chdir(work)
    try:
        assert main(ARGS) == 0
        for name in ("collected.parquet", "collected.csv", "contrasts.parquet", "contrasts.csv"):
            (work / "results/sw" / name).unlink()  # the sweep wrote them; collect must make them again
        assert main(["collect", "results/sw"]) == 0
    finally:
        mp.undo()
    return work / "results" / "sw"


def _outcomes(folder, policy, w):
    return pd.read_parquet(folder / f"{'0' if policy == 'baseline' else '2'}_policy={policy}_params.w_pressure={w}"
                           .replace("0_policy=baseline_params.w_pressure=3.0", "1_policy=baseline_params.w_pressure=3.0")
                           .replace("2_policy=hotline_off_params.w_pressure=3.0", "3_policy=hotline_off_params.w_pressure=3.0")
                           / "outcomes.parquet")


def test_one_row_per_run_and_outcome_with_every_swept_key_a_column(swept):
    table = pd.read_parquet(swept / "collected.parquet")
    assert {"run", "policy", "params.w_pressure", "scenario", "seed", "replicates", "days", "outcome",
            "estimate", "ci_low", "ci_high", "n"} <= set(table.columns)
    assert table.groupby(["run", "outcome"]).size().max() == 1
    assert table["run"].nunique() == 4
    assert set(zip(table["policy"], table["params.w_pressure"])) == {
        ("baseline", 1.0), ("baseline", 3.0), ("hotline_off", 1.0), ("hotline_off", 3.0)}
    csv = pd.read_csv(swept / "collected.csv")
    pd.testing.assert_frame_equal(csv[["run", "outcome", "estimate", "n"]], table[["run", "outcome", "estimate", "n"]],
                                  check_dtype=False)


@pytest.mark.parametrize("policy, w", [("baseline", 1.0), ("hotline_off", 3.0)])
def test_collected_numbers_equal_hand_computations(swept, policy, w):
    table = pd.read_parquet(swept / "collected.parquet")
    rows = table[(table["policy"] == policy) & (table["params.w_pressure"] == w)].set_index("outcome")
    df = _outcomes(swept, policy, w)
    n = len(df)
    # a proportion and its Wilson interval
    k = int(df["strikes"].sum())
    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert rows.loc["p_strikes", "estimate"] == k / n and rows.loc["p_strikes", "n"] == n
    assert rows.loc["p_strikes", "ci_low"] == pytest.approx(ci.low, abs=1e-12)
    assert rows.loc["p_strikes", "ci_high"] == pytest.approx(ci.high, abs=1e-12)
    # a median among the replicates that reach a ceasefire, with its interval [x_(j), x_(m+1-j)]
    # for the largest j with P(B <= j - 1) <= 0.025, B ~ Binomial(m, 1/2)
    days = np.sort(df["day_ceasefire"].dropna().to_numpy())
    m = days.size
    j = int((binom.cdf(np.arange(m + 1), m, 0.5) <= 0.025).sum())
    assert j >= 1
    lo, hi = j - 1, m - j
    assert rows.loc["median_days_to_ceasefire", "estimate"] == np.median(days)
    assert rows.loc["median_days_to_ceasefire", ["ci_low", "ci_high"]].tolist() == [days[lo], days[hi]]
    assert rows.loc["median_days_to_ceasefire", "n"] == m
    # a mean and its normal interval
    x = df["loc_incidents"].to_numpy(dtype=float)
    se = x.std(ddof=1) / math.sqrt(n)
    assert rows.loc["mean_loc_incidents", "estimate"] == pytest.approx(x.mean(), rel=1e-12)
    assert rows.loc["mean_loc_incidents", "ci_high"] == pytest.approx(x.mean() + Z95 * se, rel=1e-12)


def test_contrasts_equal_hand_computed_paired_differences(swept):
    c = pd.read_parquet(swept / "contrasts.parquet")
    # every swept key contrasted against its first value, the other key held: 2 + 2 contrasts
    assert sorted(c["contrast"].unique()) == [
        "params.w_pressure: 3.0 vs 1.0 (policy=baseline)", "params.w_pressure: 3.0 vs 1.0 (policy=hotline_off)",
        "policy: hotline_off vs baseline (params.w_pressure=1.0)", "policy: hotline_off vs baseline (params.w_pressure=3.0)"]
    row = c[(c["contrast"] == "policy: hotline_off vs baseline (params.w_pressure=1.0)")
            & (c["outcome"] == "p_ceasefire")].iloc[0]
    a = _outcomes(swept, "baseline", 1.0)["ceasefire"].to_numpy(dtype=float)
    b = _outcomes(swept, "hotline_off", 1.0)["ceasefire"].to_numpy(dtype=float)
    d = b - a
    n = d.size
    # a proportion: Tango's paired score interval, Newcombe's unpaired one (sim.stats.paired)
    _, lo, hi = tango_interval(int((d > 0).sum()), int((d < 0).sum()), n)
    _, u_lo, u_hi = newcombe_interval(int(b.sum()), n, int(a.sum()), n)
    assert row["difference"] == pytest.approx(d.mean(), abs=1e-12)
    assert row["ci_low"] == pytest.approx(lo, abs=1e-12)
    assert row["unpaired_ci_high"] == pytest.approx(u_hi, abs=1e-12)
    assert row["width_ratio"] == pytest.approx((hi - lo) / (u_hi - u_lo), rel=1e-9)
    assert row["n"] == 400 and row["reference_run"].startswith("0_") and row["run"].startswith("2_")
    # a mean: the normal interval of the mean difference, paired and as if independent
    row = c[(c["contrast"] == "policy: hotline_off vs baseline (params.w_pressure=1.0)")
            & (c["outcome"] == "mean_loc_incidents")].iloc[0]
    a = _outcomes(swept, "baseline", 1.0)["loc_incidents"].to_numpy(dtype=float)
    b = _outcomes(swept, "hotline_off", 1.0)["loc_incidents"].to_numpy(dtype=float)
    d = b - a
    half = Z95 * d.std(ddof=1) / math.sqrt(n)
    half_u = Z95 * math.sqrt(a.var(ddof=1) / n + b.var(ddof=1) / n)
    assert row["difference"] == pytest.approx(d.mean(), abs=1e-12)
    assert row["ci_low"] == pytest.approx(d.mean() - half, abs=1e-12)
    assert row["unpaired_ci_high"] == pytest.approx(d.mean() + half_u, abs=1e-12)
    assert row["width_ratio"] == pytest.approx(half / half_u, rel=1e-9)


def test_collect_of_a_folder_of_separate_runs_uses_the_keys_that_differ(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    common = ["run.replicates=100", "run.days=20", "run.progress=false", "run.figures=false"]
    assert main([*common, "policy=hotline_off", "run.name=a"]) == 0
    assert main([*common, "policy=hotline_off", "run.seed=3", "run.name=b"]) == 0
    assert main(["collect", "results", "--out", "tables"]) == 0
    table = pd.read_csv(tmp_path / "tables" / "collected.csv")
    assert "run.seed" in table.columns and "policy.hotline" not in table.columns
    assert sorted(table["run"].unique()) == ["a", "b"]
    assert not (tmp_path / "tables" / "contrasts.csv").exists()


def test_collect_errors_are_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for args in (["collect", "nowhere"], ["collect"], ["collect", ".", "--bogus"]):
        assert main(args) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and err.startswith("diplosim: error:")


def test_the_sweep_manifest_is_plain_json(swept):
    manifest = json.loads((swept / "sweep.json").read_text())
    assert [r["values"] for r in manifest["runs"]][1] == {"policy": "baseline", "params.w_pressure": 3.0}
