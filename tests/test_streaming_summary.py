"""The summary read block by block equals the summary of the whole table (bounded memory, exact)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.stats.intervals import mean_ci, median_ci
from sim.stats.summary import StreamingSummary, summarise


@settings(max_examples=60, deadline=None, database=None)
@given(values=st.lists(st.one_of(st.integers(0, 6).map(float), st.floats(-1e6, 1e6, allow_nan=False),
                                 st.just(float("nan"))), min_size=0, max_size=400),
       block=st.integers(1, 97), cap=st.sampled_from([1, 5, 50, 10**6]))
def test_streamed_median_and_mean_equal_the_whole_table(values, block, cap):
    x = np.asarray(values, dtype=float)
    df = pd.DataFrame({"x": x})
    blocks = [df.iloc[i:i + block] for i in range(0, len(df), block)] or [df]
    s = StreamingSummary(lambda: blocks, cap=cap)
    s.median("m", lambda d: d["x"], n="values")
    s.mean("a", lambda d: d["x"])
    out = s.compute()
    want = median_ci(x)
    got = out["m"]
    for w, g in zip(want, (got["estimate"], got["ci_low"], got["ci_high"])):
        assert (np.isnan(w) and g is None) or w == g
    m = mean_ci(x)
    if np.isnan(m[0]):
        assert out["a"]["estimate"] is None
    else:
        assert out["a"]["estimate"] == pytest.approx(m[0], rel=1e-12, abs=1e-9)


def test_summary_of_blocks_equals_summary_of_the_concatenated_outcomes_exactly():
    res = sim.run_ensemble(overrides=["run.replicates=900", "run.block_size=200", "run.days=40",
                                      "run.progress=false"])
    sc = sim.load_scenario("pahalgam_2025")
    whole = summarise(res.outcomes, 40, res.broker_names, sc.third_party_ids, sc.belligerent_ids)
    assert whole.keys() == res.summary.keys()
    for key, entry in res.summary.items():
        for field in ("estimate", "ci_low", "ci_high"):
            a, b = entry[field], whole[key][field]
            assert a == b, (key, field)  # exactly: at most `cap` values, kept whole
        assert entry["n"] == whole[key]["n"]


@pytest.mark.parametrize("low", [0, -3])
def test_whole_numbers_are_counted_exactly_without_rereading(low):
    g = np.random.default_rng(5)
    x = g.integers(low, 200, 5000).astype(float)
    x[g.random(5000) < 0.2] = np.nan
    blocks = [pd.DataFrame({"x": x[i:i + 700]}) for i in range(0, 5000, 700)]
    reads = []

    def source(columns=None):
        reads.append(columns)
        return blocks

    s = StreamingSummary(source, cap=10)
    s.median("m", lambda d: d["x"], columns=["x"])
    out = s.compute()["m"]
    assert (out["estimate"], out["ci_low"], out["ci_high"]) == median_ci(x)
    # non-negative whole numbers: one pass; otherwise later passes read only the column needed
    assert reads == [None] if low == 0 else (reads[0] is None and reads[1:] and all(r == ["x"] for r in reads[1:]))


def test_outcomes_file_gathers_blocks_into_few_row_groups_and_reads_back_block_by_block(tmp_path, monkeypatch):
    """Row groups hold whole blocks (a small footer at any size); readers still get the run's blocks."""
    import pyarrow.parquet as pq

    from sim.runs import store
    from sim.runs.reader import outcome_chunks

    monkeypatch.setattr(store, "ROW_GROUP_ROWS", 1000)  # 4 blocks of 250 per group, at a test's size
    cfg = sim.compose_config(["run.replicates=2600", "run.block_size=250", "run.days=15", "run.progress=false"])
    res = sim.run_ensemble(cfg, work_dir=str(tmp_path / "work"))
    assert res.write_outcomes(tmp_path / "o.parquet") == 2600
    meta = pq.ParquetFile(tmp_path / "o.parquet").metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [1000, 1000, 600]
    chunks, blocks = list(outcome_chunks(tmp_path / "o.parquet")()), list(res.iter_outcomes())
    assert [len(c) for c in chunks] == [250] * 10 + [100] == [len(b) for b in blocks]
    for got, want in zip(chunks, blocks):
        pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))
