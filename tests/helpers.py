"""Shared helpers for the tests: temporary scenario folders, small runs and paired statistics."""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

import numpy as np
import yaml

from sim.inputs.schema import SCENARIOS_DIR


def copy_scenario(tmp_path: Path, name: str, source: str = "pahalgam_2025") -> Path:
    """Copy a scenario folder into tmp_path under a new name (load_scenario caches by name)."""
    dest = tmp_path / name
    shutil.copytree(SCENARIOS_DIR / source, dest)
    meta = yaml.safe_load((dest / "scenario.yaml").read_text())
    meta["name"] = name
    (dest / "scenario.yaml").write_text(yaml.safe_dump(meta, sort_keys=False, allow_unicode=True))
    return dest


def edit_yaml(folder: Path, edit) -> None:
    meta = yaml.safe_load((folder / "scenario.yaml").read_text())
    edit(meta)
    (folder / "scenario.yaml").write_text(yaml.safe_dump(meta, sort_keys=False, allow_unicode=True))


def set_actor_values(folder: Path, values: dict[tuple[str, str], str]) -> None:
    """Set actors.csv values by (actor, key)."""
    path = folder / "actors.csv"
    with path.open(newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        fieldnames = list(reader.fieldnames or [])
    for row in rows:
        if (row["actor"], row["key"]) in values:
            row["value"] = values[(row["actor"], row["key"])]
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)


def paired_z(a: np.ndarray, b: np.ndarray) -> float:
    """z statistic of mean(a - b) over replicates paired by seed."""
    d = np.asarray(a, float) - np.asarray(b, float)
    se = d.std(ddof=1) / math.sqrt(d.size)
    return d.mean() / se if se > 0 else math.inf * np.sign(d.mean())
