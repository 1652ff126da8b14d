"""Sweeps: Hydra multirun over any keys, each run a whole vectorised ensemble.

``diplosim -m policy=baseline,hotline_off run.seed=1,2`` expands its arguments with Hydra's own
override grammar and BasicSweeper logic (Cartesian product of comma lists, ``range(...)``,
``choice(...)``, ``glob(...)``; sweeps an experiment config declares under
``hydra.sweeper.params``, with the command line taking precedence). Each combination is one run
of ``run.replicates`` replicates; replicates are never split into jobs of their own.

Every run is composed and checked before any work starts. The runs' blocks then share one
executor, and each run is written, as soon as it is finished, into the sweep directory::

    results/<run.name or TIME_sweep>/
        sweep.json                 manifest: the swept keys, each run's overrides, values and state
        0_policy=baseline/         one complete results directory per run
        1_policy=hotline_off/
        collected.parquet, .csv    tidy table: a row per run and outcome, a column per swept key
        contrasts.parquet, .csv    paired differences against each swept key's first value
        .work/                     finished blocks of unfinished runs (removed at the end)

Restarting an interrupted sweep with the same arguments finds its directory (or give the same
``run.name``), skips the finished runs and resumes the others from their finished blocks.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str) + "\n")
    os.replace(tmp, path)


def read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        return json.loads((folder / "sweep.json").read_text())
    except (OSError, ValueError):
        return None

