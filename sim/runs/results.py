"""The results directory: written whole or not at all, never over an earlier one.

A run writes into a hidden temporary folder beside its destination and renames it into place
only when every file is written, so an error or Ctrl-C leaves no partial results directory.
This module writes data only; pictures are a driver's business, handed in as a ``draw``
callback that :func:`write_results` calls inside the atomic write.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

from omegaconf import OmegaConf

from sim.inputs.compose import to_container
from sim.inputs.errors import ConfigError, one_line
from sim.runs.provenance import config_hash, git_state, versions

if TYPE_CHECKING:  # for annotations only: the command checks a destination before the model loads
    from sim.runs.ensemble import EnsembleResult

#: A drawing step: ``draw(result, folder, metadata)`` writes figures (and a report) into the
#: folder and returns the record kept in ``metadata.json`` (``written``, ``notes``, ``seconds``).
Draw = Callable[["EnsembleResult", Path, Mapping[str, Any]], Mapping[str, Any]]


def build_metadata(result: EnsembleResult, started: dt.datetime, argv: list[str] | None = None) -> dict[str, Any]:
    """Provenance of a run: code, environment, seed, config hash, executor, timings, counts."""
    run = result.cfg.run
    return {
        "package": "diplosim",
        "versions": versions(),
        "git": git_state(),
        "seed": int(run.seed),
        "config_hash": config_hash(result.cfg),
        "scenario": result.cfg.scenario.name,
        "policy": result.cfg.policy.name,
        "horizon": run.horizon,
        "days": int(run.days),
        "executor": run.executor,
        "workers": int(run.workers),
        "block_size": int(run.block_size),
        "replicates_planned": result.planned,
        "replicates_finished": result.finished,
        "execution": result.execution,
        "design": None if result.design is None else {
            "file": str(result.design.path), "sha256": result.design.sha256,
            "points": len(result.design.points), "replicates_per_point": result.design.per_point,
            "parameters": list(result.design.points.columns)},
        "parameters": result.parameters,
        "timings": result.timings,
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "command": argv if argv is not None else sys.argv,
        "platform": {"system": platform.system(), "machine": platform.machine(), "cpus": os.cpu_count()},
        "config": to_container(result.cfg),
    }


def _drawn(draw: Draw, result: EnsembleResult, folder: Path, meta: dict[str, Any]) -> dict[str, Any]:
    """Run a drawing step into ``folder``; any failure becomes a note, never an error.

    Returns:
        The step's record, or on failure the files it managed to write and the note.
    """
    t0 = time.perf_counter()
    try:
        record = dict(draw(result, folder, meta))
    except Exception as exc:  # noqa: BLE001 - the run's results matter more than its pictures
        written = sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                         if p.is_file() and (p.parent.name == "figures" or p.name.startswith("report.")))
        record = {"written": written,
                  "notes": [f"figures and report not completed ({type(exc).__name__}: {one_line(exc)})"],
                  "seconds": round(time.perf_counter() - t0, 3)}
    return record


def default_name(cfg: Any, when: dt.datetime) -> str:
    return f"{when.strftime('%Y-%m-%dT%H-%M-%S')}_{cfg.scenario.name}_{cfg.policy.name}"


def destination(cfg: Any, started: dt.datetime, out_dir: str | Path | None = None, name: str | None = None) -> Path:
    """The results directory a run will write, checked before any work is done.

    Raises:
        ConfigError: the destination exists already (results are never overwritten) or its name
            is not a plain folder name.
    """
    base = Path(out_dir if out_dir is not None else cfg.run.output_dir)
    if not base.is_absolute():
        base = Path.cwd() / base
    leaf = name or cfg.run.name or default_name(cfg, started)
    if leaf in (".", "..") or Path(leaf).name != leaf or "\\" in leaf:
        raise ConfigError(f"run.name: '{leaf}' is not a plain folder name")
    final = base / leaf
    if final.exists():
        raise ConfigError(f"run.name: results directory {final} exists already; choose another run.name")
    ensure_output_dir(base)
    return final


def ensure_output_dir(folder: Path) -> None:
    """Create a folder for results (parents too) or refuse in one line naming run.output_dir."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"run.output_dir: cannot create {folder} ({exc.strerror or exc})") from None
    if not os.access(folder, os.W_OK):
        raise ConfigError(f"run.output_dir: {folder} is not writable")


def work_root(cfg: Any) -> Path:
    """Where a run keeps its finished blocks until it is written: ``run.work_dir`` or
    ``<run.output_dir>/.work`` (each run in a subfolder named by its work key)."""
    if str(cfg.run.work_dir):
        return Path(str(cfg.run.work_dir)).expanduser().absolute()
    base = Path(str(cfg.run.output_dir))
    return (base if base.is_absolute() else Path.cwd() / base) / ".work"


def write_results(result: EnsembleResult, started: dt.datetime, out_dir: str | Path | None = None,
                  name: str | None = None, argv: list[str] | None = None, *, draw: Draw | None = None,
                  notes: list[str] | None = None) -> Path:
    """Write a results directory atomically.

    Files: ``summary.json``, ``outcomes.parquet`` (one row per replicate), ``daily.parquet``,
    ``metadata.json`` (provenance) and ``config.yaml`` (the composed config); and whatever
    ``draw`` writes (the drivers pass :func:`sim.views.render.draw_run` when ``run.figures`` is
    true: ``figures/`` with ``report.md`` and ``report.html``). ``draw`` is called with the
    result, the temporary folder and the metadata before the rename, so its files land in the
    results directory with the rest; its record goes into ``metadata.json`` under ``figures``. A
    drawing step that fails becomes a note (in ``notes`` and ``metadata.json``) and never costs
    the run its results.

    Args:
        draw: The drawing step, or None to write data only.
        notes: A list that receives one line per figure skipped or failed.

    Returns:
        The directory written.

    Raises:
        ConfigError: the destination exists already (results are never overwritten).
    """
    cfg = result.cfg
    final = destination(cfg, started, out_dir, name)
    base = final.parent
    tmp = base / f".tmp-{final.name}-{os.getpid()}"
    try:
        tmp.mkdir()
        result.write_outcomes(tmp / "outcomes.parquet")  # block by block: memory bounded by a block
        if result.design is not None:
            result.design.table().to_parquet(tmp / "design.parquet", index=False)
            result.points.to_parquet(tmp / "points.parquet", index=False)
        result.daily.to_parquet(tmp / "daily.parquet", index=False)
        (tmp / "summary.json").write_text(json.dumps(result.summary, indent=2) + "\n")
        (tmp / "config.yaml").write_text(OmegaConf.to_yaml(cfg))
        meta = build_metadata(result, started, argv)
        if draw is not None:
            meta["figures"] = _drawn(draw, result, tmp, meta)
            if notes is not None:
                notes.extend(meta["figures"].get("notes", []))
        (tmp / "metadata.json").write_text(json.dumps(meta, indent=2, default=str) + "\n")
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    result.outcomes_path = final / "outcomes.parquet"
    return final

