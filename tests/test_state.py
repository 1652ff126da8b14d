"""The state declaration (sim/core/state.py) is the model's state: what setup allocates, what the day
keeps, what the agents expose and what the story's Snapshot copies."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim.core import state
from sim.core.agents import Belligerent
from sim.core.model import CrisisModel
from sim.views.story import Snapshot, Story, snapshot


def _model(**kw) -> CrisisModel:
    return CrisisModel(seed=3, days=60, replicates=kw.pop("replicates", 50), **kw)


@pytest.mark.parametrize("per_replicate", [False, True], ids=["floats", "param_arrays"])
def test_every_declared_variable_keeps_its_shape_and_dtype_through_the_days(per_replicate):
    arrays = {"misperception_prob": np.linspace(0.0, 0.2, 50)} if per_replicate else None
    model = _model(param_arrays=arrays)
    state.check(model)  # after setup
    for _ in range(30):
        model.step()
        state.check(model)


def test_check_names_a_variable_setup_left_misshapen():
    model = _model()
    model.trust = np.zeros((model.replicates, 2))
    with pytest.raises(TypeError, match="trust"):
        state.check(model)
    del model.trust
    with pytest.raises(TypeError, match="trust"):
        state.check(model)


def test_allocate_fills_exactly_the_variables_not_set_in_setup():
    arrays = state.allocate(4, 3)
    assert set(arrays) == {v.name for v in state.STATE if v.init is not state.SETUP}
    for v in state.STATE:
        if v.name in arrays:
            assert arrays[v.name].shape == v.shape(4, 3) and arrays[v.name].dtype == v.np_dtype
            assert (arrays[v.name] == v.init).all(), v.name


def test_no_day_scratch_is_kept_on_the_model():
    """A day adds nothing to the model: what one step of the day hands to the next is passed, not
    stashed, and the reporters keep their day's outcomes to themselves."""
    model = _model(replicates=1)
    before = set(vars(model))
    for _ in range(3):
        model.step()  # R = 1: the DataCollector's reporters run too
    assert set(vars(model)) == before
    assert not {"_pressed", "_backs", "_true_moves", "_reported"} & set(vars(model))
    assert len(model.datacollector.get_model_vars_dataframe()) == 3


def test_agents_expose_every_per_country_variable_as_their_own_column():
    model = _model()
    model.run()
    for v in state.STATE:
        if v.kind == "dyad":
            continue
        agents = model.belligerent_agents if v.kind == "belligerent" else model.third_party_agents
        for agent in agents:
            column = getattr(agent, v.agent_attr)
            assert np.array_equal(column, getattr(model, v.name)[:, agent.slot]), (v.name, agent.actor_id)
            assert np.shares_memory(column, getattr(model, v.name)), v.name  # a view, not a copy


def test_every_agent_class_is_used():
    model = _model(replicates=1)
    kinds = {type(a).__name__ for a in model.agents}
    assert kinds == {"Belligerent", "ThirdParty"}
    assert len(model.belligerent_agents) == 2 and len(model.third_party_agents) == model.T


def test_snapshot_has_a_field_per_declared_variable_as_plain_values():
    model = _model(replicates=2)
    model.run()
    snap = snapshot(model, 1)
    names = [f.name for f in dataclasses.fields(Snapshot)]
    assert names == ["day", "running", *(v.name for v in state.STATE)]
    for v in state.STATE:
        value = getattr(snap, v.name)
        scalar = {"int": int, "float": float, "bool": bool}[v.dtype]
        arr = getattr(model, v.name)[1]
        if v.kind == "dyad":
            assert type(value) is scalar and value == arr[0], v.name
        else:
            flat = [x for row in value for x in row] if v.kind == "tie" else list(value)
            assert all(type(x) is scalar for x in flat), v.name
            assert np.array_equal(np.asarray(value), arr), v.name
    assert snap.attack is snap.attack_today
    with pytest.raises(dataclasses.FrozenInstanceError):
        snap.rung = (0, 0)


def test_snapshot_reads_per_country_values_through_the_agents(monkeypatch):
    model = _model(replicates=1)
    monkeypatch.setattr(Belligerent, "grievance", property(lambda self: np.full(1, 100.0 + self.slot)))
    assert Story(model).history[0].grievance == (100.0, 101.0)
