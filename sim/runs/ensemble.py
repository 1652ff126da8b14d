"""Ensembles: many replicates of one config, in fixed-size blocks, on any executor, resumable.

Replicates are split into blocks of ``run.block_size``; block k holds replicates
``k*B .. k*B+B-1`` and draws from its own random streams (keyed by seed and k), so the
per-replicate outcomes are the same whatever the executor and the number of workers. Inside a
block, one :class:`~sim.core.model.CrisisModel` steps all its replicates at once.

The path of every run, single or part of a sweep, from the Python API or the command line:

1. :func:`prepare_run` checks the config (scenario, policy, parameter design) and plans the
   blocks; with a work directory, blocks finished by an earlier, interrupted attempt are found.
2. :func:`execute` sends the remaining blocks of one or more runs to the executor
   (:mod:`sim.runs.executors`), stores each block as it finishes (:mod:`sim.runs.store`) and shows progress.
3. When a run's last block is in, its summary and daily table are computed from its blocks in
   block order, reading one block at a time.
"""

from __future__ import annotations

import math
import sys
import time
from collections import OrderedDict
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

import mesa
import numpy as np
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from sim.core.model import CrisisModel, _Params
from sim.inputs.compose import compose_config, to_container
from sim.inputs.design import Design, load_design
from sim.inputs.errors import ConfigError, DiplosimError, RunIncomplete, RunInterrupted
from sim.inputs.posterior import parameters_record
from sim.inputs.resolve import Inputs, build_inputs
from sim.runs.executors import make_executor
from sim.runs.provenance import package_version
from sim.runs.store import (
    Block,
    DiskStore,
    MemoryStore,
    code_digest,
    digest,
    iter_blocks,
    write_outcomes,
)
from sim.stats.paired import paired_contrast, parameters_reason
from sim.stats.summary import summarise
from sim.vocab.keys import EXECUTION_KEYS
from sim.vocab.ladder import ACTIONS


@dataclass
class EnsembleResult:
    """What an ensemble produced.

    Attributes:
        cfg: The composed config.
        outcomes: One row per replicate (brief M§6); for a run kept on disk it is read from
            the block files when first used (see :meth:`iter_outcomes` to read block by block).
        daily: One row per day: shares of replicates at each rung, highest rung so far,
            ceasefires in force and third-party actions.
        summary: ``{outcome: {estimate, ci_low, ci_high, n, cred_low, cred_high, draws}}`` (the
            last three None with ``run.parameters=point``).
        timings: Seconds spent building inputs and simulating, and the speed.
        planned: Replicates planned.
        finished: Replicates finished.
        broker_names: Names of the broker codes (0 = bilateral hotline, then each third party).
        execution: Executor, workers, blocks planned and resumed, work key and directory.
        design: The parameter design, if the run had one.
        points: Per design point: replicates and the mean of each outcome (design runs only).
        parameters: Where the behavioural parameters came from (``metadata.json``'s ``parameters``:
            the mode and, for a posterior, its file, hash, rows, draws and provenance).
    """

    cfg: DictConfig
    daily: pd.DataFrame
    summary: dict[str, dict[str, Any]]
    timings: dict[str, float]
    planned: int
    finished: int
    broker_names: list[str] = field(default_factory=list)
    execution: dict[str, Any] = field(default_factory=dict)
    design: Design | None = None
    points: pd.DataFrame | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    store: Any = None
    block_indices: list[int] = field(default_factory=list)
    outcomes_path: Path | None = None
    _outcomes: pd.DataFrame | None = None

    @property
    def outcomes(self) -> pd.DataFrame:
        if self._outcomes is None:
            if self.outcomes_path is not None and self.outcomes_path.is_file():
                self._outcomes = pd.read_parquet(self.outcomes_path)
            else:
                self._outcomes = pd.concat(list(self.iter_outcomes()), ignore_index=True)
        return self._outcomes

    def iter_outcomes(self, columns: list[str] | None = None) -> Iterator[pd.DataFrame]:
        """The outcomes block by block, in block order (memory bounded by one block).

        Args:
            columns: Read only these columns (those the run holds) where the blocks are on disk;
                a table already in memory is yielded whole, as it costs nothing more.
        """
        if self._outcomes is not None:
            yield self._outcomes
            return
        for block in iter_blocks(self.store, self.block_indices, columns):
            yield block.outcomes

    def write_outcomes(self, path: str | Path) -> int:
        """Write ``outcomes.parquet`` block by block (row groups of whole blocks); returns the rows."""
        if self._outcomes is not None and not isinstance(self.store, DiskStore):
            self._outcomes.to_parquet(path, index=False)
            return len(self._outcomes)
        return write_outcomes(self.store, self.block_indices, path)

    def summary_frame(self) -> pd.DataFrame:
        """The summary as a DataFrame indexed by outcome."""
        return pd.DataFrame.from_dict(self.summary, orient="index")


def plan_blocks(replicates: int, block_size: int) -> list[tuple[int, int, int]]:
    """``(block index, first replicate, count)`` for each block of a run."""
    return [(k, k * block_size, min(block_size, replicates - k * block_size))
            for k in range(math.ceil(replicates / block_size))]


_INPUTS_CACHE: "OrderedDict[str, Inputs]" = OrderedDict()


def _inputs_from(container: dict[str, Any]) -> Inputs:
    key = repr(container)
    if key not in _INPUTS_CACHE:
        _INPUTS_CACHE[key] = build_inputs(OmegaConf.create(container))
        while len(_INPUTS_CACHE) > 16:  # a sweep interleaves a few configs on each worker
            _INPUTS_CACHE.popitem(last=False)
    _INPUTS_CACHE.move_to_end(key)
    return _INPUTS_CACHE[key]


_ALLOCATOR_TUNED = False


def _tune_allocator() -> None:
    """Let glibc keep freed memory for reuse (once per process that runs blocks).

    A day allocates many temporary arrays of a few hundred kB. dask's nanny starts its workers with
    MALLOC_TRIM_THRESHOLD_=64 KiB, so each of them went back to the operating system and came back
    as fresh pages: blocks ran 15-20% slower in a dask worker than in a plain process. Keeping up
    to 64 MiB of freed memory (and serving arrays under 4 MiB from it) removes the difference; the
    memory of a worker stays bounded by the block size.
    """
    global _ALLOCATOR_TUNED
    if _ALLOCATOR_TUNED:
        return
    _ALLOCATOR_TUNED = True
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-1, 64 * 2**20)  # M_TRIM_THRESHOLD
        libc.mallopt(-3, 4 * 2**20)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):  # not glibc: nothing to tune
        pass


def run_block(task: Mapping[str, Any]) -> Block:
    """Simulate one block of replicates (the unit of work of every executor).

    Args:
        task: ``cfg`` (plain dict), ``block``, ``start``, ``count``, ``block_size``, ``seed``,
            optional ``param_arrays`` (this block's slice) and ``per_point`` (design runs).

    Returns:
        The block's per-replicate outcomes (final column order) and day-by-day counts.
    """
    _tune_allocator()
    t0 = time.perf_counter()
    inputs = _inputs_from(task["cfg"])
    arrays = task.get("param_arrays")
    model = CrisisModel(inputs, replicates=task["count"], seed=task["seed"], block=task["block"],
                        block_size=task["block_size"], param_arrays=arrays)
    model.run()
    last = model.day
    for arr in (model.daily_rungs, model.daily_max, model.daily_cf, model.daily_actions):
        arr[last + 1:] = arr[last]  # every replicate ended early (nuclear use): the state stays
    start, count = task["start"], task["count"]
    names = model.broker_names()
    out = model.outcomes()
    cols: dict[str, Any] = {"replicate": np.arange(start, start + count), "block": np.full(count, task["block"])}
    if model.p.draw is not None:  # run.parameters=posterior: each replicate's posterior draw (row of the file)
        cols["draw"] = model.p.draw
    cols.update(out)
    cols["broker_name"] = pd.Categorical.from_codes(out["broker"] + 1, ["none", *names])
    if task.get("per_point"):  # a design file: each replicate's point and parameter values
        cols["design_point"] = np.arange(start, start + count, dtype=np.int64) // int(task["per_point"])
        for name, values in (arrays or {}).items():
            cols[f"params.{name}"] = np.asarray(values, dtype=float)
    daily = {"daily_rungs": model.daily_rungs, "daily_max": model.daily_max, "daily_cf": model.daily_cf,
             "daily_actions": model.daily_actions}
    # Mesa (3.3) counts agent ids per model in a class-level dict, Agent._ids, that keeps every model
    # alive: in a worker that runs hundreds of blocks that is megabytes a block. Let this one go.
    ids = getattr(mesa.Agent, "_ids", None)
    if hasattr(ids, "pop"):
        ids.pop(model, None)
    return Block(index=task["block"], start=start, count=count, outcomes=pd.DataFrame(cols), daily=daily,
                 seconds=time.perf_counter() - t0, broker_names=names)


@dataclass
class RunSpec:
    """A run ready to execute: its config, inputs, blocks and where finished blocks go."""

    cfg: DictConfig
    inputs: Inputs
    tasks: list[dict[str, Any]]
    store: MemoryStore | DiskStore
    work_key: str
    design: Design | None = None
    label: str = ""
    t_inputs: float = 0.0
    resumed: int = 0

    @property
    def replicates(self) -> int:
        return int(self.cfg.run.replicates)


def work_key(cfg: DictConfig, inputs: Inputs, arrays: Mapping[str, np.ndarray] | None) -> str:
    """The hash of everything that decides a run's numbers (not where or how it is computed)."""
    return digest({"inputs": inputs, "seed": int(cfg.run.seed), "replicates": int(cfg.run.replicates),
                   "block_size": int(cfg.run.block_size), "days": int(cfg.run.days),
                   "param_arrays": dict(arrays or {}), "code": code_digest(), "version": package_version()})


def prepare_run(cfg: DictConfig, *, param_arrays: Mapping[str, np.ndarray] | None = None,
                work_dir: str | Path | None = None, label: str = "", inputs: Inputs | None = None,
                design: Design | None = None) -> RunSpec:
    """Check a run and plan its blocks, before any work is done.

    Args:
        cfg: A composed, validated config.
        param_arrays: Per-replicate values of behavioural parameters, ``{name: (R,) array}``.
        work_dir: The work root: finished blocks go to ``<work_dir>/<work key>/`` and are found
            there again by a restarted run. None keeps them in memory.
        label: A name for progress messages.
        inputs, design: ``build_inputs(cfg)`` and ``load_design(cfg)`` when the caller has them
            already (the command checks them before the model's libraries load); else built here.

    Raises:
        ConfigError, ScenarioError: bad input (one line naming the key or file).
    """
    t0 = time.perf_counter()
    if inputs is None:
        inputs = build_inputs(cfg)  # validates the scenario and the policy before any work starts
    _INPUTS_CACHE[repr(to_container(cfg))] = inputs
    if design is None:
        design = load_design(cfg)
    if design is not None and param_arrays is not None:
        raise ConfigError("run.design: a design file and param_arrays both give parameter values; use one")
    R, B = int(cfg.run.replicates), int(cfg.run.block_size)
    arrays: dict[str, np.ndarray] = {}
    source = design.param_arrays() if design is not None else (param_arrays or {})
    for name, arr in source.items():
        arr = np.asarray(arr, dtype=float).reshape(-1)
        if arr.size != R:
            raise ConfigError(f"param_arrays.{name}: has {arr.size} values for run.replicates={R}")
        arrays[str(name)] = arr
    if arrays:
        _Params(inputs.params, arrays, R)  # names and ranges, checked here rather than in a worker
    key = work_key(cfg, inputs, arrays)
    if work_dir is not None:
        plan = {"work_key": key, "diplosim": package_version(), "code": code_digest(), "replicates": R, "block_size": B,
                "seed": int(cfg.run.seed), "config": to_container(cfg)}
        store: MemoryStore | DiskStore = DiskStore(Path(work_dir) / key, plan)
    else:
        store = MemoryStore()
    container = to_container(cfg)
    tasks = [{"cfg": container, "block": k, "start": s, "count": n, "block_size": B, "seed": int(cfg.run.seed),
              "param_arrays": {name: a[s:s + n] for name, a in arrays.items()} or None,
              "per_point": design.per_point if design is not None else None}
             for k, s, n in plan_blocks(R, B)]
    return RunSpec(cfg=cfg, inputs=inputs, tasks=tasks, store=store, work_key=key, design=design, label=label,
                   t_inputs=time.perf_counter() - t0)


def execution_settings(cfg: DictConfig) -> dict[str, Any]:
    """The settings of ``cfg`` that choose the executor (equal for every run of a sweep)."""
    return {k: to_container(OmegaConf.create({"v": OmegaConf.select(cfg, k)}))["v"] for k in EXECUTION_KEYS}


def _progress(total: int, initial: int, enabled: bool, desc: str):
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="rep", disable=not enabled, file=sys.stderr,
                dynamic_ncols=True, desc=desc, smoothing=0.1, unit_scale=True)


def execute(specs: Sequence[RunSpec], *, progress: bool | None = None,
            on_result: Callable[[int, EnsembleResult], None] | None = None,
            desc: str = "replicates", executor: Any = None) -> list[EnsembleResult]:
    """Run the unfinished blocks of one or more runs on one executor.

    The blocks of all runs share the executor (a sweep keeps every worker busy); a run is
    summarised, and ``on_result(i, result)`` called, as soon as its last block is in.

    Args:
        specs: Runs from :func:`prepare_run`.
        progress: Show a progress bar (default: ``run.progress`` of the first run).
        on_result: Called with each run's index and result as soon as it is finished.
        desc: The progress bar's label.
        executor: An executor already started (``with make_executor(cfg) as ex``), to run several
            ensembles on one pool or cluster; default: start one from ``run.executor`` and stop it.

    Raises:
        RunIncomplete: blocks failed (a worker kept dying, or an error in a block); the blocks that
            finished are kept in the work directory.
        RunInterrupted: Ctrl-C; finished blocks are kept in the work directory.
    """
    cfg0 = specs[0].cfg
    settings = execution_settings(cfg0)
    for spec in specs[1:]:
        other = execution_settings(spec.cfg)
        for key in EXECUTION_KEYS:
            if other[key] != settings[key]:
                raise ConfigError(f"{key} differs between runs: the runs of one sweep share one executor")
    # Work directories are held while their blocks are computed (the caller may hold them longer).
    held = [spec.store for spec in specs if isinstance(spec.store, DiskStore) and spec.store.acquire()]
    try:
        return _execute(specs, progress=progress, on_result=on_result, desc=desc, executor=executor)
    finally:
        for store in held:
            store.release()


def _execute(specs: Sequence[RunSpec], *, progress: bool | None, on_result: Any, desc: str, executor: Any
             ) -> list[EnsembleResult]:

    cfg0 = specs[0].cfg
    show = bool(cfg0.run.progress) if progress is None else progress
    work: list[tuple[int, dict[str, Any]]] = []
    remaining: list[int] = []
    initial = 0
    for i, spec in enumerate(specs):
        done = spec.store.done()
        todo = [t for t in spec.tasks if t["block"] not in done]
        spec.resumed = len(spec.tasks) - len(todo)
        initial += sum(t["count"] for t in spec.tasks if t["block"] in done)
        remaining.append(len(todo))
        work.extend((i, t) for t in todo)
    total = sum(spec.replicates for spec in specs)
    results: list[EnsembleResult | None] = [None] * len(specs)
    failures: dict[int, list[tuple[int, BaseException]]] = {}
    computed = [0] * len(specs)
    t_start = time.perf_counter()
    last_done = t_start
    finished_runs = 0
    info: dict[str, Any] = {}

    def finish(i: int) -> None:
        nonlocal last_done, finished_runs
        now = time.perf_counter()
        spec = specs[i]
        result = _finish(spec, info, simulate_s=now - max(last_done if finished_runs else t_start, t_start),
                         computed=computed[i], t_exec=t_exec)
        last_done, finished_runs = now, finished_runs + 1
        results[i] = result
        if on_result is not None:
            on_result(i, result)

    try:
        with _progress(total, initial, show, desc) as bar:
            with (nullcontext(executor) if executor is not None else make_executor(cfg0)) as ex:
                t_exec = time.perf_counter() - t_start
                info.update(ex.describe())
                for i, n in enumerate(remaining):
                    if n == 0:
                        finish(i)
                for pos, block, err in ex.imap(run_block, [t for _, t in work]):
                    i, task = work[pos]
                    if hasattr(ex, "restarts"):
                        info["pool_restarts"] = ex.restarts
                    if err is not None:
                        failures.setdefault(i, []).append((task["block"], err))
                    else:
                        specs[i].store.put(block)
                        computed[i] += block.count
                        bar.update(block.count)
                    remaining[i] -= 1
                    if remaining[i] == 0 and i not in failures:
                        finish(i)
                        if len(specs) > 1:
                            bar.set_description(f"{desc} ({finished_runs}/{len(specs)} runs done)")
    except KeyboardInterrupt:
        raise RunInterrupted(_saved_message(specs, "interrupted")) from None
    if failures:
        i, lst = next(iter(sorted(failures.items())))
        block, err = lst[0]
        spec = specs[i]
        planned = spec.replicates
        lost = sum(t["count"] for t in spec.tasks if t["block"] in {b for b, _ in lst})
        detail = f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}".rstrip(": ")
        raise RunIncomplete(f"only {planned - lost:,} of {planned:,} planned replicates finished"
                            f"{' in ' + spec.label if spec.label else ''}: block {block} failed ({detail})"
                            f"{_saved_message(specs, '')}") from err
    return [r for r in results if r is not None]


def _saved_message(specs: Sequence[RunSpec], prefix: str) -> str:
    disk = [s for s in specs if isinstance(s.store, DiskStore)]
    if not disk:
        return f"{prefix}; no results were written" if prefix else ""
    blocks = sum(len(s.store.done()) for s in disk)
    total = sum(len(s.tasks) for s in disk)
    where = disk[0].store.path if len(disk) == 1 else disk[0].store.path.parent
    return (f"{prefix}; {blocks} of {total} blocks are kept in {where}: run the same command again to resume")


def _finish(spec: RunSpec, info: Mapping[str, Any], simulate_s: float, computed: int, t_exec: float
            ) -> EnsembleResult:
    cfg, inputs = spec.cfg, spec.inputs
    R, days = spec.replicates, int(cfg.run.days)
    indices = [t["block"] for t in spec.tasks]
    expected = {t["block"]: t["count"] for t in spec.tasks}
    t0 = time.perf_counter()
    acc: dict[str, Any] = {"rows": 0, "daily": None, "seconds": 0.0, "names": None, "point_sums": None}

    def first_pass() -> Iterator[pd.DataFrame]:
        for block in iter_blocks(spec.store, indices):
            if block.count != expected[block.index] or len(block.outcomes) != block.count:
                raise RunIncomplete(f"block {block.index} holds {len(block.outcomes)} replicates, "
                                    f"not {expected[block.index]}")
            acc["rows"] += len(block.outcomes)
            acc["seconds"] += block.seconds
            acc["names"] = acc["names"] or block.broker_names
            if acc["daily"] is None:
                acc["daily"] = {k: v.astype(np.int64, copy=True) for k, v in block.daily.items()}
            else:
                for k, v in block.daily.items():
                    acc["daily"][k] += v
            if spec.design is not None:
                _add_point_sums(acc, block.outcomes, len(spec.design.points))
            yield block.outcomes

    passes = {"n": 0}

    def blocks(columns: list[str] | None = None) -> Iterator[pd.DataFrame]:
        passes["n"] += 1
        if passes["n"] == 1:
            return first_pass()
        return (b.outcomes for b in iter_blocks(spec.store, indices, columns))

    names = spec.store.get(indices[0], ["replicate"]).broker_names
    sc = inputs.scenario
    summary = summarise(blocks, days, names, sc.third_party_ids, sc.belligerent_ids, horizon=str(cfg.run.horizon))
    if acc["rows"] != R:
        raise RunIncomplete(f"only {acc['rows']:,} of {R:,} planned replicates finished")
    daily = _daily_frame(acc["daily"], inputs, R)
    points = _points_frame(acc, spec.design) if spec.design is not None else None
    outcomes = None
    if isinstance(spec.store, MemoryStore):
        outcomes = pd.concat([spec.store.get(k).outcomes for k in indices], ignore_index=True)
    timings = {"inputs_s": spec.t_inputs, "executor_start_s": t_exec, "simulate_s": simulate_s,
               "summarise_s": time.perf_counter() - t0,
               "replicate_days_per_s": computed * days / simulate_s if simulate_s > 0 and computed else math.nan,
               "block_s_total": acc["seconds"]}
    execution = {**info, "blocks": len(indices), "blocks_resumed": spec.resumed, "block_size": int(cfg.run.block_size),
                 "replicates_computed": computed, "work_key": spec.work_key,
                 "work_dir": str(spec.store.path) if spec.store.path is not None else None}
    return EnsembleResult(cfg=cfg, daily=daily, summary=summary, timings=timings, planned=R, finished=acc["rows"],
                          broker_names=list(names), execution=execution, design=spec.design, points=points,
                          parameters=parameters_record(cfg, inputs.posterior, R),
                          store=spec.store, block_indices=indices, _outcomes=outcomes)


def _add_point_sums(acc: dict[str, Any], df: pd.DataFrame, points: int) -> None:
    cols = [c for c in df.columns if c not in ("replicate", "block", "design_point", "broker_name")
            and not c.startswith("params.") and (df[c].dtype.kind in "biuf")]
    if acc["point_sums"] is None:
        acc["point_cols"] = cols
        acc["point_sums"] = np.zeros((points, len(cols)))
        acc["point_counts"] = np.zeros((points, len(cols)), dtype=np.int64)
    values = df[acc["point_cols"]].to_numpy(dtype=float)
    ok = ~np.isnan(values)
    idx = df["design_point"].to_numpy()
    np.add.at(acc["point_sums"], idx, np.where(ok, values, 0.0))
    np.add.at(acc["point_counts"], idx, ok)


def _points_frame(acc: dict[str, Any], design: Design) -> pd.DataFrame:
    table = design.table()
    table.insert(1, "replicates", np.full(len(table), design.per_point, dtype=np.int64))
    with np.errstate(invalid="ignore", divide="ignore"):
        means = acc["point_sums"] / acc["point_counts"]
    for j, col in enumerate(acc["point_cols"]):
        table[f"mean_{col}"] = means[:, j]
    return table


def run_ensemble(cfg: DictConfig | None = None, *, overrides: list[str] | tuple[str, ...] = (),
                 param_arrays: Mapping[str, np.ndarray] | None = None, progress: bool | None = None,
                 work_dir: str | Path | None = None, executor: Any = None) -> EnsembleResult:
    """Run an ensemble and summarise it.

    Args:
        cfg: A composed config; if omitted it is composed from ``overrides``.
        overrides: Hydra overrides, e.g. ``["policy=hotline_off", "run.replicates=2000"]``.
        param_arrays: Per-replicate values of behavioural parameters, ``{name: (R,) array}``
            (or give a design file as ``run.design``).
        progress: Show a progress bar (default: ``run.progress``).
        work_dir: Keep finished blocks in ``<work_dir>/<work key>/`` (default: ``run.work_dir``;
            empty: in memory). A run restarted with the same config and work directory computes
            only the blocks not yet there, and ends with the results of an uninterrupted run.
        executor: A started executor to reuse (see :func:`execute`), e.g. one dask cluster for
            many ensembles: ``with sim.runs.executors.make_executor(cfg) as ex: run_ensemble(cfg, executor=ex)``.

    Returns:
        The per-replicate outcomes, daily aggregates and summary.

    Raises:
        ConfigError, ScenarioError: bad input (one line naming the key or file).
        RunIncomplete: fewer replicates finished than were planned.
    """
    if cfg is None:
        cfg = compose_config(list(overrides))
    root = work_dir if work_dir is not None else (str(cfg.run.work_dir) or None)
    spec = prepare_run(cfg, param_arrays=param_arrays, work_dir=root)
    return execute([spec], progress=progress, executor=executor)[0]


def compare(a: EnsembleResult, b: EnsembleResult) -> pd.DataFrame:
    """Paired differences b - a of each outcome, with paired and unpaired 95% intervals and, for
    posterior runs, the 90% interval over parameter draws and the draws' sign agreement.

    Raises:
        DiplosimError: the arms' parameters differ (one point, one posterior; other posterior
            files or draws), so replicate i of each did not meet the same parameters.
    """
    why = parameters_reason(a.parameters, b.parameters)
    if why is not None:
        raise DiplosimError(f"the two arms are not paired: {why}")
    return paired_contrast(a.iter_outcomes, b.iter_outcomes, a.broker_names, b.broker_names)


def _daily_frame(daily: Mapping[str, np.ndarray], inputs: Inputs, R: int) -> pd.DataFrame:
    rungs = daily["daily_rungs"] / R
    top = daily["daily_max"] / R
    cf = daily["daily_cf"] / R
    acts = daily["daily_actions"] / R
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

