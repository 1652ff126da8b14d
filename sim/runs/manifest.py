"""A sweep's manifest, ``sweep.json``: the swept keys, each run's overrides and state.

Written by the sweep driver as the sweep goes (atomically, so a killed sweep leaves a readable
manifest) and read by collect and by a resumed sweep.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sim.runs.atomic import write_atomic


def write_manifest(path: Path, data: Any) -> None:
    """Write ``sweep.json`` (or any JSON file of a sweep) atomically."""
    write_atomic(path, json.dumps(data, indent=2, default=str) + "\n")


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The sweep manifest of a folder, or None if it has none (or it cannot be read)."""
    try:
        return json.loads((folder / "sweep.json").read_text())
    except (OSError, ValueError):
        return None

