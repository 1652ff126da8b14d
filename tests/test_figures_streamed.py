"""Figures with bounded memory (issue 11): a run's figures and report read only the columns they draw.

The ``diplosim`` command keeps its finished blocks on disk; drawing its figures used to read
every column of every replicate into one table first. Here the figure step of the command, and
of a results directory read back, is watched: the whole table (``RunData.outcomes``,
``EnsembleResult.outcomes``, a Parquet read of every column) is never asked for, and the only
per-replicate columns read, a block at a time, are the ceasefire day (survival curve) and the
leverage changes (network figure). The figures and the report drawn from those streamed blocks
are those drawn from the table in memory.
"""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import sim
from sim.drivers.cli import main
from sim.runs import reader
from sim.runs.ensemble import EnsembleResult, execute, prepare_run
from sim.runs.reader import RunData, load_run, network_matrices, outcome_chunks
from sim.runs.store import DiskStore
from sim.stats.curves import ceasefire_survival, ceasefire_survival_blocks
from sim.views.render import RUN_FIGURES, plot_run

# Several blocks (and row groups), so that streaming is not one chunk in disguise.
SMALL = ["run.replicates=600", "run.block_size=150", "run.days=40", "run.progress=false", "run.name=s"]
FIGURES = {name for name, *_ in RUN_FIGURES}
NEEDED = {"day_ceasefire"}  # and every leverage_change_* column: see _needed


def _needed(columns) -> set[str]:
    return NEEDED | {c for c in columns if c.startswith("leverage_change_")}


class Watch:
    """Records every read of per-replicate outcomes while the figures are drawn."""

    def __init__(self, monkeypatch):
        self.columns: list[list[str] | None] = []
        self.whole: list[str] = []
        watch = self

        def refuse(name):
            def get(obj):
                watch.whole.append(name)
                raise AssertionError(f"{name}: the whole outcome table was read")
            return property(get)

        monkeypatch.setattr(RunData, "outcomes", refuse("RunData.outcomes"))
        monkeypatch.setattr(EnsembleResult, "outcomes", refuse("EnsembleResult.outcomes"))
        store_get = DiskStore.get

        def get(store, index, columns=None):
            watch.columns.append(None if columns is None else list(columns))
            return store_get(store, index, columns)
        monkeypatch.setattr(DiskStore, "get", get)
        chunks = reader.outcome_chunks

        def file_chunks(path, columns=None):
            watch.columns.append(None if columns is None else list(columns))
            return chunks(path, columns)
        monkeypatch.setattr(reader, "outcome_chunks", file_chunks)
        read_parquet, read_table = pd.read_parquet, pq.read_table

        def guarded(fn, name):
            def read(path, *args, columns=None, **kwargs):
                if Path(str(path)).name == "outcomes.parquet" and columns is None:
                    watch.whole.append(name)
                return fn(path, *args, columns=columns, **kwargs)
            return read
        monkeypatch.setattr(pd, "read_parquet", guarded(read_parquet, "pandas.read_parquet(outcomes.parquet)"))
        monkeypatch.setattr(pq, "read_table", guarded(read_table, "pyarrow.parquet.read_table(outcomes.parquet)"))

    def check(self, all_columns) -> None:
        assert not self.whole, self.whole
        assert self.columns, "no per-replicate outcome was read: the survival and network figures need some"
        assert None not in self.columns, "a read asked for every column"
        read = {c for cols in self.columns for c in cols}
        assert read == _needed(all_columns), sorted(read ^ _needed(all_columns))


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The default command (serial executor, blocks on disk, figures on), at a small size."""
    out = tmp_path_factory.mktemp("cli")
    assert main([*SMALL, f"run.output_dir={out}"]) == 0
    return out / "s"


@pytest.fixture(scope="module")
def in_memory(written):
    """The same config run in memory: the whole outcome table held, one chunk."""
    return sim.run_ensemble(overrides=[*SMALL, f"run.output_dir={written.parent}"])


def test_the_command_draws_its_figures_from_the_columns_they_need(tmp_path, monkeypatch):
    cfg = sim.compose_config([*SMALL, f"run.output_dir={tmp_path}"])
    spec = prepare_run(cfg, work_dir=tmp_path / "work")
    result = execute([spec])[0]  # blocks on disk, as the command keeps them
    assert isinstance(result.store, DiskStore) and len(result.block_indices) == 4
    columns = list(result.store.get(0).outcomes.columns)
    watch = Watch(monkeypatch)
    drawn = plot_run(result, tmp_path / "drawn", formats=("svg",), strict=True)
    watch.check(columns)
    assert set(drawn.figures) == FIGURES and not drawn.notes
    assert len(watch.columns) >= 2 * len(result.block_indices)  # block by block, for each of the two figures


def test_a_results_directory_draws_its_figures_from_the_columns_they_need(written, tmp_path, monkeypatch):
    assert [len(c) for c in outcome_chunks(written / "outcomes.parquet")()] == [150] * 4  # read a block at a time
    columns = pq.read_schema(written / "outcomes.parquet").names
    watch = Watch(monkeypatch)
    drawn = plot_run(written, tmp_path / "drawn", formats=("svg",), strict=True)
    watch.check(columns)
    assert set(drawn.figures) == FIGURES and not drawn.notes


def test_the_command_wrote_every_figure_and_the_report(written):
    assert {p.name for p in (written / "figures").glob("*.svg")} == {f"{n}.svg" for n in FIGURES}
    assert (written / "report.md").is_file() and (written / "report.html").is_file()


def test_streamed_figures_and_report_equal_those_of_the_table_in_memory(written, in_memory, tmp_path):
    meta = {"seed": 1, "versions": {"diplosim": "test"}}  # the same provenance for both reports
    from_table = plot_run(in_memory, tmp_path / "table", formats=("svg",), metadata=meta, strict=True)
    from_disk = plot_run(written, tmp_path / "disk", formats=("svg",), metadata=meta, strict=True)
    assert (tmp_path / "table" / "report.md").read_text() == (tmp_path / "disk" / "report.md").read_text()
    for name in FIGURES - {"network"}:  # network: its leverage means are compared below
        a = (tmp_path / "table" / "figures" / f"{name}.svg").read_bytes()
        assert a == (tmp_path / "disk" / "figures" / f"{name}.svg").read_bytes(), name
    # the survival steps are exactly the Kaplan-Meier table of the whole column
    day_cf = in_memory.outcomes["day_ceasefire"].to_numpy()
    table = ceasefire_survival(day_cf, 40)
    for drawn in (from_table, from_disk):
        step = next(ln for ln in drawn.figures["ceasefire_survival"].axes[0].lines if ln.get_gid() == "run0")
        assert np.array_equal(step.get_ydata(), table["survival"].to_numpy())
    # leverage at the horizon: before plus the mean change over every replicate
    whole = network_matrices(in_memory)
    streamed = network_matrices(written)
    sc = whole["scenario"]
    for t in sc.third_parties:
        for b in sc.belligerents:
            mean = in_memory.outcomes[f"leverage_change_{sc.actors[t]}_{sc.actors[b]}"].mean()
            expected = float(np.clip(whole["leverage_before"][t, b] + mean, 0, 1))
            assert whole["leverage_after"][t, b] == expected  # one chunk: pandas' own mean
            assert streamed["leverage_after"][t, b] == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert np.array_equal(whole["affinity_after"], streamed["affinity_after"])


def test_survival_counted_block_by_block_is_that_of_the_whole_column():
    rng = np.random.default_rng(3)
    x = np.where(rng.random(1000) < 0.4, np.nan, rng.integers(0, 50, 1000).astype(float))
    cuts = [0, 1, 137, 138, 600, 1000]
    blocks = [x[a:b] for a, b in itertools.pairwise(cuts)]
    assert ceasefire_survival_blocks(blocks, 45).equals(ceasefire_survival(x, 45))
    assert ceasefire_survival_blocks([], 3).equals(ceasefire_survival(np.array([]), 3))


def test_outcome_means_streamed_over_blocks(in_memory):
    run = load_run(in_memory)
    cols = ["leverage_change_USA_IND", "day_ceasefire", "no_such_column"]
    means = run.outcome_means(cols)
    assert set(means) == {"leverage_change_USA_IND", "day_ceasefire"}  # a column the run lacks is left out
    table = in_memory.outcomes
    assert means["leverage_change_USA_IND"] == table["leverage_change_USA_IND"].mean()
    assert means["day_ceasefire"] == table["day_ceasefire"].mean()  # NaN (no ceasefire) ignored, as pandas does
    blocks = [table.iloc[i:i + 150] for i in range(0, len(table), 150)]
    chunked = dataclasses.replace(run, _chunks=lambda columns: iter(blocks))
    for col, value in chunked.outcome_means(cols).items():
        assert value == pytest.approx(means[col], rel=1e-12)


def test_a_disk_store_leaves_out_columns_a_block_lacks(tmp_path):
    cfg = sim.compose_config([*SMALL, f"run.output_dir={tmp_path}"])
    result = execute([prepare_run(cfg, work_dir=tmp_path / "work")])[0]
    chunks = list(result.iter_outcomes(["day_ceasefire", "no_such_column"]))
    assert len(chunks) == 4 and all(list(c.columns) == ["day_ceasefire"] for c in chunks)
    assert pd.concat(chunks, ignore_index=True)["day_ceasefire"].equals(
        pd.concat(result.iter_outcomes(), ignore_index=True)["day_ceasefire"])
