"""The model core reads plain inputs only, and a run builds its inputs once.

Inputs (sim.inputs.resolve) hold no Hydra/OmegaConf object: the model built from them never
touches a config, and no module of sim/core imports Hydra or OmegaConf or composes a config
(the keyword path composes presets in sim.inputs.presets). A run builds its inputs once: the
RunSpec carries them to the command line's notes and calibration check, and a worker process
given the plain config rebuilds them at most once per config.
"""

from __future__ import annotations

import ast
import dataclasses
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.core.model import CrisisModel
from sim.drivers import cli
from sim.inputs import presets, resolve
from sim.inputs.compose import compose_config, to_container
from sim.inputs.resolve import Inputs, PolicyInputs, build_inputs
from sim.runs import ensemble

CORE = Path(sim.__file__).resolve().parent / "core"
PLAIN = (str, int, float, bool, type(None), np.ndarray, np.integer, np.floating, np.bool_, Path)


def _leaves(value, where: str):
    """Every leaf of a value made of frozen dataclasses, mappings and tuples, with where it is."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        assert type(value).__dataclass_params__.frozen, f"{where}: {type(value).__name__} is not frozen"
        for f in dataclasses.fields(value):
            yield from _leaves(getattr(value, f.name), f"{where}.{f.name}")
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, f"{where}[{k!r}]")
    elif isinstance(value, (tuple, list)):
        for i, v in enumerate(value):
            yield from _leaves(v, f"{where}[{i}]")
    else:
        yield where, value


@pytest.fixture(scope="module")
def inputs() -> Inputs:
    return build_inputs(compose_config(["policy=us_public_mediation", "run.days=40"]))


def test_inputs_are_plain_frozen_data_without_config_objects(inputs):
    assert isinstance(inputs.policy, PolicyInputs)
    for where, leaf in _leaves(inputs, "inputs"):
        assert isinstance(leaf, PLAIN), f"{where} is a {type(leaf).__module__}.{type(leaf).__name__}"
        assert not type(leaf).__module__.startswith(("omegaconf", "hydra")), where


def test_a_model_runs_from_unpickled_inputs_and_gives_the_same_numbers(inputs):
    again = pickle.loads(pickle.dumps(inputs))
    a = CrisisModel(inputs, replicates=200, seed=5).run().outcomes()
    b = CrisisModel(again, replicates=200, seed=5).run().outcomes()
    for key in a:
        assert np.array_equal(a[key], b[key], equal_nan=True), key


def test_the_model_holds_no_config_object(inputs):
    model = CrisisModel(inputs, replicates=3, seed=1)
    model.run()
    for name, value in vars(model).items():
        for where, leaf in _leaves(value, name):
            assert not type(leaf).__module__.startswith(("omegaconf", "hydra")), where


def test_policy_inputs_hold_the_levers_the_model_reads():
    cfg = compose_config(["policy=hotline_off", "policy.trade_ties=0.5", "policy.neutral_site_talks=true"])
    pol = build_inputs(cfg).policy
    assert pol == PolicyInputs(name="hotline_off", trade_ties=0.5, hotline_reliability=float(cfg.policy.hotline_reliability),
                               neutral_site_talks=True)
    # exactly the levers the model reads; the conditions (hotline, CBMs) are resolved into Inputs.conditions
    assert {f.name for f in dataclasses.fields(pol)} == {"name", "trade_ties", "hotline_reliability",
                                                         "neutral_site_talks"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        pol.trade_ties = 1.0


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("path", sorted(CORE.glob("*.py")), ids=lambda p: p.name)
def test_no_core_module_imports_hydra_or_omegaconf_or_composes(path):
    bad = [n for n in _imports(path) if n.split(".")[0] in ("hydra", "omegaconf") or n == "sim.inputs.compose"]
    assert not bad, f"{path.name} imports {bad}"
    assert "DictConfig" not in path.read_text(encoding="utf-8"), path.name


def test_keyword_path_and_from_presets_equal_the_inputs_path():
    kw = CrisisModel(seed=4, policy="hotline_off", days=30).run().outcomes()
    fp = CrisisModel.from_presets(policy="hotline_off", days=30, seed=4).run().outcomes()
    cfg = compose_config(["scenario=pahalgam_2025", "policy=hotline_off"])
    direct = CrisisModel(build_inputs(cfg), seed=4, days=30).run().outcomes()
    for key in direct:
        assert np.array_equal(kw[key], direct[key], equal_nan=True), key
        assert np.array_equal(fp[key], direct[key], equal_nan=True), key
    # The composition is cached: batch_run's models share one Inputs.
    assert CrisisModel(seed=1, policy="hotline_off").inputs is CrisisModel(seed=2, policy="hotline_off").inputs
    assert presets.preset_inputs("pahalgam_2025", "hotline_off") is CrisisModel(seed=3, policy="hotline_off").inputs


def test_from_presets_names_a_bad_preset():
    with pytest.raises(sim.ConfigError, match="policy"):
        CrisisModel.from_presets(policy="no_such_policy")


@pytest.fixture()
def count_builds(monkeypatch):
    """Count build_inputs calls, wherever a module of the package bound the name."""
    calls: list[str] = []
    original = resolve.build_inputs

    def counting(cfg):
        calls.append(str(cfg.policy.name))
        return original(cfg)

    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("sim") and getattr(module, "build_inputs", None) is original:
            monkeypatch.setattr(module, "build_inputs", counting)
    monkeypatch.setattr(ensemble, "_INPUTS_CACHE", type(ensemble._INPUTS_CACHE)())
    return calls


def test_a_command_line_run_builds_its_inputs_once(count_builds, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = cli.main(["run.replicates=60", "run.block_size=20", "run.progress=false", "run.figures=false",
                     "run.name=once", "policy=gulf_facilitation"])
    assert code == 0, capsys.readouterr().err
    assert count_builds == ["gulf_facilitation"]


def test_a_worker_rebuilds_inputs_at_most_once_per_config(count_builds):
    cfg = compose_config(["run.replicates=30", "run.block_size=10", "run.days=20", "run.progress=false"])
    spec = ensemble.prepare_run(cfg)
    assert len(count_builds) == 1
    ensemble._INPUTS_CACHE.clear()  # as in a fresh worker process, given only the plain config
    for task in spec.tasks:
        ensemble.run_block(pickle.loads(pickle.dumps(task)))
    assert len(count_builds) == 2
    other = dict(spec.tasks[0], cfg=to_container(compose_config(["policy=hotline_off", "run.days=20"])))
    ensemble.run_block(other)
    ensemble.run_block(other)
    assert len(count_builds) == 3
