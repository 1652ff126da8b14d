"""CrisisModel works with mesa.batch_run as it is: one replicate a run, outcomes as model reporters."""

from __future__ import annotations

import math

import mesa
import numpy as np
import pytest

import sim
from sim.core import columns
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


def _plain(key: str, values, model: CrisisModel):
    """Replicate 0's value of a column of ``model.outcomes()``, as the reporters give it."""
    value = values[0].item()
    if key == "broker":
        return model.broker_names()[value] if value >= 0 else "none"
    return value


def _same(a, b) -> bool:
    """Equal and of the same type (NaN equals NaN: a missing day)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("scenario", ["pahalgam_2025", "kargil_1999"])
@pytest.mark.parametrize("policy", ["baseline", "hotline_off", "us_public_mediation"])
def test_the_reporters_give_replicate_zero_of_the_outcomes_every_day(scenario, policy):
    for seed in range(6):
        model = CrisisModel(seed=seed, scenario=scenario, policy=policy, days=60)
        expected = []
        while model.running:
            model.step()
            out = model.outcomes()
            expected.append({key: _plain(key, out[key], model) for key in REPORTERS})
        rows = model.datacollector.get_model_vars_dataframe()
        assert list(rows.columns) == list(REPORTERS) and len(rows) == len(expected)
        for day, want in enumerate(expected):
            got = {key: model.datacollector.model_vars[key][day] for key in REPORTERS}
            bad = [k for k in REPORTERS if not _same(got[k], want[k])]
            assert not bad, (seed, day + 1, {k: (got[k], want[k]) for k in bad})


@pytest.mark.parametrize("scenario", ["pahalgam_2025", "kashmir_1965", "era_2025"])
def test_every_column_at_one_replicate_equals_the_table_at_that_row(scenario):
    # The reporters read the columns' definitions at one replicate (plain values); the table reads
    # them over every replicate (arrays). Every column, not only the reporters', agrees row by row.
    model = CrisisModel(seed=9, scenario=scenario, policy="us_public_mediation", replicates=40, days=90).run()
    table = model.outcomes()
    for r in range(model.replicates):
        at_r = columns.row(model, r)
        assert list(at_r) == list(table)
        bad = [k for k in table if not _same(at_r[k], table[k][r].item())]
        assert not bad, (r, bad)
