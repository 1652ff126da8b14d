"""Reading a run back: a results directory (or a run in memory) as the data its views need.

:func:`load_run` turns an :class:`~sim.runs.ensemble.EnsembleResult`, a results directory on
disk (read from Parquet, JSON and YAML; no pickles) or a :class:`RunData` into a
:class:`RunData`: the config, the summary, the daily table and, on first use, the per-replicate
outcomes, read chunk by chunk where a reader can stream them (:func:`outcome_chunks`). Beside it
stand what only reading a run needs: its scenario's observed daily path
(:func:`observed_path`) and its network of ties before and after the crisis
(:func:`network_matrices`). Reading never draws; data a run lacks raise :class:`MissingData`
with a message that says what is missing, which the figures turn into a note.

What a run's figures and report need of the per-replicate outcomes they take a chunk (a block of
the run) at a time, reading only the columns they use (:meth:`RunData.outcome_chunks`,
:meth:`RunData.outcome_means`), so drawing a run of a million replicates holds one block, not the
table: the whole table (:attr:`RunData.outcomes`) is read only when someone asks for it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import numpy as np
import pandas as pd
import yaml
from omegaconf import OmegaConf

from sim.core.model import CrisisModel
from sim.inputs.compose import to_container
from sim.inputs.errors import one_line
from sim.inputs.resolve import build_inputs
from sim.inputs.scenario import load_scenario
from sim.runs.store import CHUNK_KEY
from sim.vocab.outcomes import filled


class MissingData(Exception):
    """A run lacks data a reader was asked for (no per-replicate outcomes, no observed path...);
    the message says what, in one line."""


def outcome_chunks(path: str | Path, columns: list[str] | None = None) -> Callable[[], Iterator[pd.DataFrame]]:
    """A function reading a run's ``outcomes.parquet`` chunk by chunk: a block of the run at a time
    (the chunk size the file records, see :func:`sim.runs.store.write_outcomes`), or a row group at a
    time for a file that records none."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    def read() -> Iterator[pd.DataFrame]:
        pf = pq.ParquetFile(str(path))
        cols = None if columns is None else [c for c in columns if c in pf.schema_arrow.names]
        chunk = int((pf.schema_arrow.metadata or {}).get(CHUNK_KEY, 0))
        if chunk:  # row groups hold whole blocks, so batches of a block never straddle two groups
            for batch in pf.iter_batches(batch_size=chunk, columns=cols):
                yield pa.Table.from_batches([batch]).to_pandas()
            return
        for i in range(pf.num_row_groups):
            yield pf.read_row_group(i, columns=cols).to_pandas()
    return read


@dataclass
class RunData:
    """One run's data, from memory or from a results directory.

    Attributes:
        label: The name shown in legends (the policy's name unless given).
        cfg: The composed config as a plain dict.
        summary: ``{outcome: {estimate, ci_low, ci_high, n}}``.
        daily: One row per day (see :class:`~sim.runs.ensemble.EnsembleResult`).
        path: The results directory, if read from disk.
        metadata: ``metadata.json``, if any.

    The per-replicate outcomes come, in this order of preference, from ``_chunks`` (a function
    of ``columns`` returning the blocks in replicate order, such as
    :meth:`~sim.runs.ensemble.EnsembleResult.iter_outcomes`), a table in memory (``_outcomes``),
    ``_read_all`` (a function returning the whole table, called on first use of
    :attr:`outcomes` only) or ``outcomes.parquet`` under ``path``.
    """

    label: str
    cfg: dict[str, Any]
    summary: dict[str, dict[str, Any]]
    daily: pd.DataFrame
    path: Path | None = None
    metadata: dict[str, Any] | None = None
    _outcomes: pd.DataFrame | None = None
    _scenario: Any = None
    _scenario_error: str | None = None
    _chunks: Callable[[list[str] | None], Iterable[pd.DataFrame]] | None = None
    _read_all: Callable[[], pd.DataFrame] | None = None

    @property
    def outcomes(self) -> pd.DataFrame:
        """Per-replicate outcomes, every column of every replicate (read on first use).

        The views stream what they need instead (:meth:`outcome_chunks`, :meth:`outcome_means`):
        this table grows with the number of replicates.

        Raises:
            MissingData: the run has none.
        """
        if self._outcomes is None and self._read_all is not None:
            self._outcomes = self._read_all()
        if self._outcomes is None:
            if self.path is None or not (self.path / "outcomes.parquet").is_file():
                raise MissingData(f"run '{self.label}' has no per-replicate outcomes (outcomes.parquet)")
            self._outcomes = pd.read_parquet(self.path / "outcomes.parquet")
        return self._outcomes

    def outcome_chunks(self, columns: list[str] | None = None) -> Callable[[], Iterable[pd.DataFrame]]:
        """A function returning the per-replicate outcomes chunk by chunk, in replicate order.

        Args:
            columns: The columns wanted (None: all). A chunk read from disk holds only those the
                run has; a table already in memory comes whole, so pick columns by name.

        Raises:
            MissingData: the run has no per-replicate outcomes.
        """
        if self._chunks is not None:
            chunks = self._chunks
            return lambda: chunks(columns)
        if self._outcomes is None and self.path is not None and (self.path / "outcomes.parquet").is_file():
            return outcome_chunks(self.path / "outcomes.parquet", columns)
        table = self.outcomes
        if "replicate" in table:
            table = table.sort_values("replicate", kind="stable")
        return lambda: [table]

    def outcome_means(self, columns: Sequence[str]) -> dict[str, float]:
        """The mean over replicates of each of these per-replicate columns (NaN ignored).

        Read chunk by chunk, only these columns, so memory does not grow with the replicates: each
        mean is the sum of the chunks' sums over the count of values (for a table in memory, one
        chunk: exactly the mean pandas gives).

        Returns:
            ``{column: mean}`` for the columns the run holds (NaN for a column with no value).

        Raises:
            MissingData: the run has no per-replicate outcomes.
        """
        sums: dict[str, float] = {}
        counts: dict[str, int] = {}
        for chunk in self.outcome_chunks(list(columns))():
            for col in columns:
                if col in chunk:
                    x = chunk[col].to_numpy(dtype=float)
                    sums[col] = sums.get(col, 0.0) + float(np.nansum(x))
                    counts[col] = counts.get(col, 0) + int(np.count_nonzero(~np.isnan(x)))
        return {col: sums[col] / counts[col] if counts[col] else math.nan for col in sums}

    @property
    def scenario(self):
        """The run's scenario (loaded from its folder), or ``None`` if it cannot be loaded."""
        if self._scenario is None and self._scenario_error is None:
            sc = self.cfg.get("scenario", {})
            try:
                self._scenario = load_scenario(str(sc.get("name", "")), str(sc.get("dir", "") or ""))
            except Exception as exc:  # a run moved to another machine: its views go on without it
                self._scenario_error = f"scenario '{sc.get('name')}' cannot be loaded ({one_line(exc)})"
        return self._scenario

    @property
    def scenario_error(self) -> str | None:
        """Why the scenario cannot be loaded (None if it can, or was not asked for yet)."""
        return self._scenario_error

    @property
    def scenario_name(self) -> str:
        return str(self.cfg.get("scenario", {}).get("name", "?"))

    @property
    def policy(self) -> str:
        return str(self.cfg.get("policy", {}).get("name", "?"))

    @property
    def days(self) -> int:
        return int(self.cfg.get("run", {}).get("days", len(self.daily) - 1))

    @property
    def replicates(self) -> int:
        return int(self.cfg.get("run", {}).get("replicates", 0))

    @property
    def seed(self) -> int | None:
        seed = self.cfg.get("run", {}).get("seed")
        return None if seed is None else int(seed)

    @property
    def belligerents(self) -> list[str]:
        return [m.group(1) for c in self.daily.columns if (m := re.fullmatch(r"share_rung0_(.+)", c))]

    @property
    def third_parties(self) -> list[str]:
        """The third parties, in the order of the summary's entries."""
        return filled("p_engaged_{tp}", self.summary)

    @property
    def broker_names(self) -> list[str]:
        """The ceasefire channels, broker code 0 first (the order of the summary's entries)."""
        return filled("share_brokered_{broker}", self.summary)

    @property
    def title(self) -> str:
        sc = self.scenario
        name = sc.title if sc is not None else self.scenario_name
        return f"{name}, policy {self.policy}"

    @property
    def trigger_date(self) -> dt.date | None:
        sc = self.scenario
        try:
            return dt.date.fromisoformat(str(sc.trigger["date"])) if sc is not None else None
        except (KeyError, ValueError):
            return None

    @property
    def observed(self) -> dict[str, Any]:
        """What the scenario records of the historical crisis (empty if nothing, or no scenario)."""
        sc = self.scenario
        return dict(sc.observed) if sc is not None else {}

    def observed_number(self, key: str) -> float | None:
        """An observed value as a number (a day, a rung), or None if absent or not a number."""
        value = self.observed.get(key)
        try:
            return float(value) if value is not None else None
        except (TypeError, ValueError):
            return None

    def actor_name(self, actor: str) -> str:
        """``"India (IND)"`` for an actor id, or the id if the scenario cannot be loaded."""
        sc = self.scenario
        if sc is not None and actor in sc.actors:
            return f"{sc.names[sc.actors.index(actor)]} ({actor})"
        return actor


def load_run(run: Any, label: str | None = None) -> RunData:
    """A :class:`RunData` from an EnsembleResult, a results directory (str or Path) or a RunData.

    Raises:
        FileNotFoundError: the directory lacks ``summary.json``, ``daily.parquet`` or ``config.yaml``.
        TypeError: ``run`` is none of these.
    """
    if isinstance(run, RunData):
        if label is not None:
            run.label = label
        return run
    if isinstance(run, (str, Path)):
        path = Path(run)
        missing = [f for f in ("summary.json", "daily.parquet", "config.yaml") if not (path / f).is_file()]
        if not path.is_dir() or missing:
            what = "is not a directory" if not path.is_dir() else f"lacks {', '.join(missing)}"
            raise FileNotFoundError(f"{path}: not a diplosim results directory ({what})")
        cfg = yaml.safe_load((path / "config.yaml").read_text(encoding="utf-8")) or {}
        meta_path = path / "metadata.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else None
        return RunData(label=label or str(cfg.get("policy", {}).get("name", path.name)), cfg=cfg,
                       summary=json.loads((path / "summary.json").read_text(encoding="utf-8")),
                       daily=pd.read_parquet(path / "daily.parquet"), path=path, metadata=meta)
    if hasattr(run, "summary") and hasattr(run, "daily") and hasattr(run, "cfg"):  # an EnsembleResult
        cfg = to_container(run.cfg) if not isinstance(run.cfg, dict) else run.cfg
        # Not run.outcomes: for a run kept on disk that reads every block into one table, which
        # drawing the figures of a million replicates does not need (they stream their columns).
        return RunData(label=label or str(cfg["policy"]["name"]), cfg=cfg, summary=run.summary,
                       daily=run.daily, _chunks=getattr(run, "iter_outcomes", None),
                       _read_all=lambda: run.outcomes)
    raise TypeError(f"cannot read a run from {type(run).__name__}: give an EnsembleResult, a results "
                    f"directory or a RunData")


def load_runs(runs: Sequence[Any], labels: Sequence[str] | None = None) -> list[RunData]:
    """Several runs, with unique legend labels (policy names; scenario or folder added if they clash).

    Raises:
        ValueError: as many labels as runs are not given.
    """
    if labels is not None and len(labels) != len(runs):
        raise ValueError(f"labels: {len(labels)} labels for {len(runs)} runs")
    out = [load_run(r, labels[i] if labels else None) for i, r in enumerate(runs)]
    if labels is None:
        names = [r.label for r in out]
        if len(set(names)) < len(names):
            for r in out:
                r.label = f"{r.policy} ({r.scenario_name}, seed {r.seed})"
            names = [r.label for r in out]
            if len(set(names)) < len(names):
                for i, r in enumerate(out):
                    r.label = r.path.name if r.path is not None else f"{r.label} #{i + 1}"
    return out


def observed_path(run: RunData) -> pd.DataFrame:
    """The observed daily path of a historical scenario (``observed.path`` in scenario.yaml).

    The path's change points are parsed and checked when the scenario is loaded
    (:func:`sim.inputs.scenario.sections.parse_observed_path`: the forms it accepts are listed
    there); each rung holds until the next change point.

    Returns:
        One row per day 0..days: ``day``, ``rung`` (the higher side), ``highest_so_far`` and, where
        the path gives them, ``rung_<belligerent>``. Days before the first entry are NaN.

    Raises:
        MissingData: the scenario records no observed path, or it cannot be read (the message
            says which entry and why, in one line).
    """
    sc = run.scenario
    if sc is None:
        raise MissingData(f"observed path not drawn: {run.scenario_error}")
    if "path" not in sc.observed:
        raise MissingData(f"observed path not drawn: scenario {sc.name} records no observed.path "
                          f"(a daily path of the historical crisis)")
    if sc.observed_path_problem:
        raise MissingData(f"observed path not drawn: scenario {sc.name}: {sc.observed_path_problem}")
    points, days, bels = sc.observed_path, run.days, list(sc.belligerent_ids)
    width = len(points[0][1])
    table = np.full((days + 1, width), np.nan)
    for i, (day, rs) in enumerate(points):
        end = points[i + 1][0] if i + 1 < len(points) else days + 1
        lo, hi = max(day, 0), min(end, days + 1)
        if lo < hi:
            table[lo:hi] = rs
    if np.isnan(table).all():
        raise MissingData(f"observed path not drawn: observed.path of scenario {sc.name} has no day within 0-{days}")
    top = np.nanmax(np.where(np.isnan(table), -np.inf, table), axis=1)
    top = np.where(np.isinf(top), np.nan, top)
    out = {"day": np.arange(days + 1), "rung": top, "highest_so_far": pd.Series(top).cummax().to_numpy()}
    if width == 2:
        for j, b in enumerate(bels):
            out[f"rung_{b}"] = table[:, j]
    return pd.DataFrame(out)


def network_matrices(run: Any) -> dict[str, Any]:
    """Affinity and leverage before the crisis and at the horizon (means over replicates).

    Before: the ties as the model starts them for this run's scenario and policy (the scenario's
    affinity; security plus economic leverage times the policy's trade ties, capped at 1), read
    from a one-replicate :class:`~sim.core.model.CrisisModel` so that they are the model's own. After:
    before plus the mean change of each third party's tie with each belligerent
    (``affinity_change_<TP>_<B>`` and ``leverage_change_<TP>_<B>``); only those ties move in the model.

    Raises:
        MissingData: the run's scenario cannot be loaded.
    """
    run = load_run(run)
    sc = run.scenario
    if sc is None:
        raise MissingData(f"network figure skipped: {run.scenario_error}")
    aff0 = sc.affinity.copy()
    lev0 = np.clip(sc.leverage_security + sc.leverage_economic * float(run.cfg.get("policy", {}).get("trade_ties", 1.0)),
                   0.0, 1.0)
    notes = []
    try:
        model = CrisisModel(build_inputs(OmegaConf.create(run.cfg)), replicates=1, seed=0)
        t, b = np.ix_(list(sc.third_parties), list(sc.belligerents))
        aff0[t, b] = model.aff0
        aff0[b.T, t.T] = model.aff0.T
        lev0[t, b] = model.lev0
    except Exception as exc:  # an old config the model no longer reads: the scenario's ties will do
        notes.append(f"starting ties taken from the scenario files (the model could not be set up: {one_line(exc)})")
    aff1, lev1 = aff0.copy(), lev0.copy()
    ties = [(t, b, f"leverage_change_{sc.actors[t]}_{sc.actors[b]}") for t in sc.third_parties for b in sc.belligerents]
    try:
        lev_change = run.outcome_means([col for _, _, col in ties])
    except MissingData:
        lev_change = {}
    missing_lev = []
    for t, b, col in ties:
        tp, bel = sc.actors[t], sc.actors[b]
        e = run.summary.get(f"mean_affinity_change_{tp}_{bel}") or {}
        if e.get("estimate") is not None:
            aff1[t, b] = aff1[b, t] = float(np.clip(aff0[t, b] + e["estimate"], -1, 1))
        if col in lev_change:
            lev1[t, b] = float(np.clip(lev0[t, b] + lev_change[col], 0, 1))
        else:
            missing_lev.append(col)
    if missing_lev:
        notes.append("leverage at the horizon not recorded in this run (no leverage_change_* columns): "
                     "edges after the crisis keep their starting widths")
    return {"scenario": sc, "affinity_before": aff0, "affinity_after": aff1, "leverage_before": lev0,
            "leverage_after": lev1, "notes": notes}
