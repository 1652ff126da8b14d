"""The outcome catalogue (sim.vocab.outcomes) is the one list of outcomes: the model reports
exactly its columns, the summary holds exactly its statistics, and every key resolves."""

from __future__ import annotations

import math

import pytest

import sim
from sim.vocab.outcomes import (COLUMNS, HEADLINE, OUTCOMES, REPORTERS, column_names, expand, filled, instances,
                                 outcome)

RUN = ["run.replicates=300", "run.progress=false", "run.days=60"]


@pytest.fixture(scope="module", params=["pahalgam_2025", "kashmir_1965", "era_2025"])
def run(request):
    extra = ["run.days=400"] if request.param == "era_2025" else []
    return sim.run_ensemble(sim.compose_config([f"scenario={request.param}", *RUN, *extra]))


def test_the_model_reports_exactly_the_catalogues_columns_in_order(run):
    sc = sim.load_scenario(run.cfg.scenario.name)
    # replicate, block, draw (its posterior draw) and broker_name are written beside the model's columns
    model_columns = [c for c in run.outcomes.columns if c not in ("replicate", "block", "draw", "broker_name")]
    assert model_columns == column_names(sc.belligerent_ids, sc.third_party_ids)


def test_the_summary_holds_exactly_the_catalogues_statistics(run):
    sc = sim.load_scenario(run.cfg.scenario.name)
    expected = [o.key for o in expand(OUTCOMES, run.broker_names, sc.third_party_ids, sc.belligerent_ids)
                if o.summary and (not o.era_only or run.cfg.run.horizon == "era")]
    assert list(run.summary) == expected


def test_every_summary_key_resolves_with_its_unit_and_a_label_naming_its_actor(run):
    for key, entry in run.summary.items():
        o = outcome(key)
        assert o.key == key and "{" not in o.label and "{" not in o.column
        assert o.column in run.outcomes.columns, key
        if o.kind == "proportion" and entry["estimate"] is not None:
            assert 0.0 <= entry["estimate"] <= 1.0
    assert outcome("p_engaged_USA").label == "P(USA engaged)"
    assert outcome("mean_affinity_change_USA_IND").column == "affinity_change_USA_IND"
    with pytest.raises(KeyError, match="not an outcome"):
        outcome("p_nonsense")


def test_reporters_and_headline_come_from_the_catalogue():
    assert set(REPORTERS) == {c.name for c in COLUMNS if c.reporter}
    assert [o.key for o in HEADLINE][:2] == ["p_strikes", "p_war"]
    assert all(o.format(0.12345) == f"{0.12345:.{o.digits}f}" for o in HEADLINE)
    assert outcome("p_war").format(None) == "—" and outcome("p_war").format(math.nan) == "—"


def test_paired_contrasts_are_means_or_proportions_over_a_declared_column():
    declared = {c.name for c in COLUMNS}
    for o in OUTCOMES:
        if o.paired:
            assert o.kind in ("proportion", "mean"), o.key
            assert o.column in declared, o.key


def test_templated_keys_are_read_back_by_the_catalogue(run):
    sc = sim.load_scenario(run.cfg.scenario.name)
    assert filled("share_brokered_{broker}", run.summary) == run.broker_names
    assert filled("p_engaged_{tp}", run.summary) == list(sc.third_party_ids)
    ties = instances("mean_affinity_change_{tp}_{b}", run.summary)
    assert len(ties) == 2 * len(sc.third_party_ids) and all(outcome(k).unit.startswith("affinity") for k in ties)
    assert filled("p_engaged_{tp}", ["p_engaged_", "p_war"]) == []  # an empty slot is not an instance
