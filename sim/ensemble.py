"""Ensembles: many replicates of one config, in fixed-size blocks, serially or in processes.

Replicates are split into blocks of ``run.block_size``; block k holds replicates
``k*B .. k*B+B-1`` and draws from its own random streams (keyed by seed and k), so the
per-replicate outcomes are the same whatever the executor and the number of workers. Inside a
block, one :class:`~sim.model.CrisisModel` steps all its replicates at once.
"""

from __future__ import annotations

import math
import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from .config import compose_config, to_container
from .errors import ConfigError
from .model import ACTIONS, CrisisModel, Inputs, build_inputs
from .outcomes import summarise


@dataclass
class EnsembleResult:
    """What an ensemble produced.

    Attributes:
        cfg: The composed config.
        outcomes: One row per replicate (MODEL.md §6).
        daily: One row per day: shares of replicates at each rung, highest rung so far,
            ceasefires in force and third-party actions.
        summary: ``{outcome: {estimate, ci_low, ci_high, n}}``.
        timings: Seconds spent building inputs and simulating.
        planned: Replicates planned.
        finished: Replicates finished.
    """

    cfg: DictConfig
    outcomes: pd.DataFrame
    daily: pd.DataFrame
    summary: dict[str, dict[str, Any]]
    timings: dict[str, float]
    planned: int
    finished: int
    broker_names: list[str] = field(default_factory=list)

    def summary_frame(self) -> pd.DataFrame:
        """The summary as a DataFrame indexed by outcome."""
        return pd.DataFrame.from_dict(self.summary, orient="index")


def plan_blocks(replicates: int, block_size: int) -> list[tuple[int, int, int]]:
    """``(block index, first replicate, count)`` for each block of a run."""
    return [(k, k * block_size, min(block_size, replicates - k * block_size))
            for k in range(math.ceil(replicates / block_size))]


_INPUTS_CACHE: dict[str, Inputs] = {}


def _inputs_from(container: dict[str, Any]) -> Inputs:
    key = repr(container)
    if key not in _INPUTS_CACHE:
        _INPUTS_CACHE.clear()
        _INPUTS_CACHE[key] = build_inputs(OmegaConf.create(container))
    return _INPUTS_CACHE[key]


def run_block(task: Mapping[str, Any]) -> dict[str, Any]:
    """Simulate one block of replicates (a unit of work for any executor).

    Args:
        task: ``cfg`` (plain dict), ``block``, ``start``, ``count``, ``block_size``, ``seed`` and
            optional ``param_arrays`` (this block's slice).

    Returns:
        The block's per-replicate outcomes and daily aggregates.
    """
    t0 = time.perf_counter()
    inputs = _inputs_from(task["cfg"])
    model = CrisisModel(inputs, replicates=task["count"], seed=task["seed"], block=task["block"],
                        block_size=task["block_size"], param_arrays=task.get("param_arrays"))
    model.run()
    last = model.day
    for arr in (model.daily_rungs, model.daily_max, model.daily_cf, model.daily_actions):
        arr[last + 1:] = arr[last]  # every replicate ended early (nuclear use): the state stays
    out = model.outcomes()
    out["replicate"] = np.arange(task["start"], task["start"] + task["count"])
    out["block"] = np.full(task["count"], task["block"])
    return {"block": task["block"], "outcomes": out, "daily_rungs": model.daily_rungs,
            "daily_max": model.daily_max, "daily_cf": model.daily_cf, "daily_actions": model.daily_actions,
            "seconds": time.perf_counter() - t0, "broker_names": model.broker_names()}


def _tasks(cfg: DictConfig, param_arrays: Mapping[str, np.ndarray] | None) -> list[dict[str, Any]]:
    R, B = int(cfg.run.replicates), int(cfg.run.block_size)
    container = to_container(cfg)
    arrays = {}
    for name, arr in (param_arrays or {}).items():
        arr = np.asarray(arr, dtype=float).reshape(-1)
        if arr.size != R:
            raise ConfigError(f"param_arrays.{name}: has {arr.size} values for run.replicates={R}")
        arrays[name] = arr
    return [{"cfg": container, "block": k, "start": s, "count": n, "block_size": B, "seed": int(cfg.run.seed),
             "param_arrays": {k2: a[s:s + n] for k2, a in arrays.items()} or None}
            for k, s, n in plan_blocks(R, B)]


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="rep", disable=not enabled, file=sys.stderr, dynamic_ncols=True,
                desc="replicates", smoothing=0.1)


def run_ensemble(cfg: DictConfig | None = None, *, overrides: list[str] | tuple[str, ...] = (),
                 param_arrays: Mapping[str, np.ndarray] | None = None, progress: bool | None = None
                 ) -> EnsembleResult:
    """Run an ensemble and summarise it.

    Args:
        cfg: A composed config; if omitted it is composed from ``overrides``.
        overrides: Hydra overrides, e.g. ``["policy=hotline_off", "run.replicates=2000"]``.
        param_arrays: Per-replicate values of behavioural parameters, ``{name: (R,) array}``.
        progress: Show a progress bar (default: ``run.progress``).

    Returns:
        The per-replicate outcomes, daily aggregates and summary.

    Raises:
        ConfigError, ScenarioError: bad input (one line naming the key or file).
        RuntimeError: fewer replicates finished than were planned.
    """
    t0 = time.perf_counter()
    if cfg is None:
        cfg = compose_config(list(overrides))
    inputs = build_inputs(cfg)  # validates the scenario and the policy before any work starts
    _INPUTS_CACHE.clear()
    _INPUTS_CACHE[repr(to_container(cfg))] = inputs
    tasks = _tasks(cfg, param_arrays)
    t_inputs = time.perf_counter() - t0
    R = int(cfg.run.replicates)
    show = bool(cfg.run.progress) if progress is None else progress
    results: list[dict[str, Any]] = []
    t1 = time.perf_counter()
    with _progress(R, show) as bar:
        if cfg.run.executor == "serial":
            for task in tasks:
                results.append(run_block(task))
                bar.update(task["count"])
        else:
            ctx = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=int(cfg.run.workers), mp_context=ctx) as pool:
                futures = {pool.submit(run_block, task): task for task in tasks}
                for fut in as_completed(futures):
                    results.append(fut.result())
                    bar.update(futures[fut]["count"])
    t_sim = time.perf_counter() - t1
    results.sort(key=lambda r: r["block"])
    outcomes = pd.DataFrame({k: np.concatenate([r["outcomes"][k] for r in results]) for k in results[0]["outcomes"]})
    finished = len(outcomes)
    if finished != R:
        raise RuntimeError(f"only {finished} of {R} planned replicates finished")
    broker_names = results[0]["broker_names"]
    outcomes.insert(0, "replicate", outcomes.pop("replicate"))
    outcomes.insert(1, "block", outcomes.pop("block"))
    outcomes["broker_name"] = pd.Categorical.from_codes(outcomes["broker"].to_numpy() + 1,
                                                        ["none", *broker_names])
    daily = _daily_frame(results, inputs, R)
    sc = inputs.scenario
    summary = summarise(outcomes, int(cfg.run.days), broker_names, sc.third_party_ids, sc.belligerent_ids,
                        horizon=str(cfg.run.horizon))
    timings = {"inputs_s": t_inputs, "simulate_s": t_sim,
               "replicate_days_per_s": R * int(cfg.run.days) / t_sim if t_sim > 0 else math.nan,
               "block_s_total": float(sum(r["seconds"] for r in results))}
    return EnsembleResult(cfg=cfg, outcomes=outcomes, daily=daily, summary=summary, timings=timings,
                          planned=R, finished=finished, broker_names=broker_names)


def _daily_frame(results: list[dict[str, Any]], inputs: Inputs, R: int) -> pd.DataFrame:
    rungs = sum(r["daily_rungs"] for r in results) / R
    top = sum(r["daily_max"] for r in results) / R
    cf = sum(r["daily_cf"] for r in results) / R
    acts = sum(r["daily_actions"] for r in results) / R
    sc = inputs.scenario
    cols: dict[str, np.ndarray] = {"day": np.arange(rungs.shape[0])}
    for b, actor in enumerate(sc.belligerent_ids):
        for k in range(6):
            cols[f"share_rung{k}_{actor}"] = rungs[:, b, k]
    for k in range(6):
        cols[f"share_highest_rung{k}"] = top[:, k]
    cols["share_ceasefire_in_force"] = cf
    for t, actor in enumerate(sc.third_party_ids):
        for a, action in enumerate(ACTIONS[1:], start=1):
            action = action.replace("first", sc.belligerent_ids[0]).replace("second", sc.belligerent_ids[1])
            cols[f"share_{actor}_{action}"] = acts[:, t, a]
    return pd.DataFrame(cols)
