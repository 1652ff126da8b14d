"""CrisisModel works with mesa.batch_run as it is: one replicate a run, outcomes as model reporters."""

from __future__ import annotations

import math

import mesa
import numpy as np
import pytest

import sim
from sim.core.model import CrisisModel
from sim.vocab.outcomes import REPORTERS


@pytest.fixture(scope="module")
def batch():
    return mesa.batch_run(CrisisModel, parameters={"rng": range(6), "policy": "baseline", "days": 40},
                          max_steps=100, data_collection_period=-1, display_progress=False)


def test_batch_run_returns_one_row_per_run_with_every_reporter(batch):
    assert len(batch) == 6
    for row in batch:
        assert set(REPORTERS) <= set(row)
        # The model stops itself at its 40-day horizon although max_steps is 100. Mesa 3.3 labels
        # that last row Step 39 (steps - 1), Mesa 3.5 labels it 40.0.
        assert int(row["Step"]) in (39, 40)


def test_batch_run_rows_equal_the_model_stepped_directly_and_the_ensemble(batch):
    for row in batch:
        seed = row["rng"]
        direct = CrisisModel(seed=seed, days=40).run()
        out = direct.outcomes()
        ens = sim.run_ensemble(overrides=[f"run.seed={seed}", "run.replicates=1", "run.block_size=1", "run.days=40",
                                          "run.progress=false"]).outcomes.iloc[0]
        for key in ("highest_rung", "strikes", "ceasefire", "duration_days", "casualties", "loc_incidents"):
            assert row[key] == out[key][0] == ens[key], key
        same_day = (math.isnan(row["day_ceasefire"]) and math.isnan(ens["day_ceasefire"])) \
            or row["day_ceasefire"] == ens["day_ceasefire"]
        assert same_day


def test_batch_run_seeds_give_different_worlds(batch):
    assert len({(r["day_ceasefire"], r["casualties"], r["loc_incidents"]) for r in batch}) > 1


def test_model_rejects_a_generator_as_rng():
    with pytest.raises(sim.ConfigError, match="rng"):
        CrisisModel(rng=np.random.default_rng(1))
