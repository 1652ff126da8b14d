"""Per-replicate parameters from a design file: a whole design as one vectorised ensemble."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import sim
from sim.drivers.cli import main
from test_cli import assert_refused

# Twin Peaks I, not the default 2025 case, which (encoded by the coding rules) strikes in every replicate
# whatever the design point.
RUN = ["scenario=twin_peaks_2001", "run.replicates=600", "run.block_size=250", "run.days=40", "run.progress=false",
       "run.figures=false"]
POINTS = pd.DataFrame({"w_pressure": [0.0, 1.0, 2.0, 4.0], "params.threshold_rung3": [4.0, 6.5, 6.5, 9.0]})


@pytest.fixture
def design_csv(tmp_path):
    path = tmp_path / "design.csv"
    POINTS.to_csv(path, index=False)
    return path


def test_a_design_file_runs_as_per_replicate_parameter_arrays(design_csv):
    by_file = sim.run_ensemble(overrides=RUN + [f"run.design={design_csv}"])
    arrays = {"w_pressure": np.repeat(POINTS["w_pressure"].to_numpy(), 150),
              "threshold_rung3": np.repeat(POINTS["params.threshold_rung3"].to_numpy(), 150)}
    by_arrays = sim.run_ensemble(overrides=RUN, param_arrays=arrays)
    out = by_file.outcomes
    assert out["design_point"].tolist() == list(np.repeat(np.arange(4), 150))
    assert out["params.w_pressure"].tolist() == arrays["w_pressure"].tolist()
    pd.testing.assert_frame_equal(out.drop(columns=["design_point", "params.w_pressure", "params.threshold_rung3"]),
                                  by_arrays.outcomes, check_exact=True)
    # per point: the means of the outcomes over its replicates
    means = out.groupby("design_point")["strikes"].mean().to_numpy()
    np.testing.assert_allclose(by_file.points["mean_strikes"].to_numpy(), means, rtol=0, atol=1e-12)
    assert by_file.points["replicates"].tolist() == [150] * 4
    # the design changes the numbers: more pressure, fewer strikes
    assert means[3] < means[0]


def test_the_results_directory_holds_the_design_and_its_provenance(design_csv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(RUN + [f"run.design={design_csv}", "run.name=d"]) == 0
    folder = tmp_path / "results" / "d"
    assert pd.read_parquet(folder / "design.parquet").columns.tolist() == [
        "design_point", "params.w_pressure", "params.threshold_rung3"]
    assert len(pd.read_parquet(folder / "points.parquet")) == 4
    meta = json.loads((folder / "metadata.json").read_text())
    assert meta["design"]["points"] == 4 and meta["design"]["replicates_per_point"] == 150
    assert len(meta["design"]["sha256"]) == 64


@pytest.mark.parametrize("frame, extra, key_text", [
    (pd.DataFrame({"w_presure": [1.0]}), [], "w_presure"),
    (pd.DataFrame({"w_pressure": [1.0, 99.0]}), [], "row 2"),
    (pd.DataFrame({"w_pressure": [1.0, "x"]}), [], "not a number"),
    (POINTS, ["run.replicates=601"], "multiple"),
])
def test_bad_designs_are_one_line_naming_run_design(frame, extra, key_text, tmp_path, monkeypatch, capsys):
    path = tmp_path / "bad.csv"
    frame.to_csv(path, index=False)
    monkeypatch.chdir(tmp_path)
    code = main(RUN + extra + [f"run.design={path}"])
    captured = capsys.readouterr()
    key = "run.replicates" if key_text == "multiple" else "run.design"
    assert_refused(code, captured.out, captured.err, key, tmp_path)
    assert key_text in captured.err


def test_a_missing_design_file_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = main(RUN + ["run.design=nope.parquet"])
    captured = capsys.readouterr()
    assert_refused(code, captured.out, captured.err, "run.design", tmp_path)
