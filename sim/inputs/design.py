"""Parameter designs: a table of parameter points run as one vectorised ensemble.

A design file (``run.design=design.csv`` or ``.parquet``) has one column per behavioural
parameter (``w_pressure`` or ``params.w_pressure``) and one row per design point, e.g. a Sobol or
Latin-hypercube sample from SALib. ``run.replicates`` must be a multiple of the number of points:
each point gets ``run.replicates / points`` consecutive replicates, all of them simulated as one
ensemble through per-replicate parameter arrays. The outcomes table gains a ``design_point``
column and a ``params.<name>`` column per design parameter.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from omegaconf import DictConfig

from sim.inputs.errors import ConfigError
from sim.inputs.params import ModelParams

if TYPE_CHECKING:  # pandas loads only when a design is read: a run without one checks its inputs faster
    import pandas as pd


@dataclass
class Design:
    """A loaded, checked design.

    Attributes:
        path: The design file.
        sha256: Its content hash (part of the run's provenance and work key).
        points: One row per design point, a column per parameter (bare names).
        per_point: Replicates per design point.
    """

    path: Path
    sha256: str
    points: pd.DataFrame
    per_point: int

    def param_arrays(self) -> dict[str, np.ndarray]:
        """Per-replicate values: point p's values for replicates ``p * per_point`` onwards."""
        return {name: np.repeat(self.points[name].to_numpy(dtype=float), self.per_point) for name in self.points}

    def point_of(self, start: int, count: int) -> np.ndarray:
        """The design point of replicates ``start .. start + count - 1``."""
        return np.arange(start, start + count, dtype=np.int64) // self.per_point

    def table(self) -> pd.DataFrame:
        """The design as written into a results directory: ``design_point`` then ``params.<name>``."""
        import pandas as pd

        out = pd.DataFrame({"design_point": np.arange(len(self.points), dtype=np.int64)})
        for name in self.points:
            out[f"params.{name}"] = self.points[name].to_numpy(dtype=float)
        return out


def load_design(cfg: DictConfig) -> Design | None:
    """Read and check ``run.design`` (None when no design is given).

    Raises:
        ConfigError: the file is missing or unreadable, a column is not a parameter, a value is not
            a number or is out of the parameter's range, or ``run.replicates`` is not a multiple of
            the number of points. The message names ``run.design`` and the column or row.
    """
    text = str(cfg.run.design or "")
    if not text:
        return None
    path = Path(text).expanduser()
    if not path.is_absolute():
        path = Path.cwd() / path
    if not path.is_file():
        raise ConfigError(f"run.design={text}: file not found")
    suffix = path.suffix.lower()
    import pandas as pd  # here, after the cheap checks: a missing file is refused without loading pandas

    try:
        if suffix == ".csv":
            frame = pd.read_csv(path)
        elif suffix in (".parquet", ".pq"):
            frame = pd.read_parquet(path)
        else:
            raise ConfigError(f"run.design={text}: must be a .csv or .parquet file")
    except ConfigError:
        raise
    except Exception as exc:
        raise ConfigError(f"run.design={text}: cannot be read ({str(exc).splitlines()[0] if str(exc) else exc})") from None
    specs = {f.name: f.metadata for f in fields(ModelParams)}
    columns: dict[str, np.ndarray] = {}
    for col in frame.columns:
        name = str(col)
        bare = name[len("params."):] if name.startswith("params.") else name
        if bare not in specs:
            raise ConfigError(f"run.design: column '{name}' of {path.name} is not a parameter "
                              f"(columns must be parameters of sim.inputs.params.ModelParams, e.g. w_pressure)")
        if bare in columns:
            raise ConfigError(f"run.design: parameter '{bare}' appears twice in {path.name}")
        values = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise ConfigError(f"run.design: column '{name}' of {path.name}, row {bad[0] + 1}: "
                              f"'{frame[col].iloc[bad[0]]}' is not a number")
        lo, hi = specs[bare]["range"]
        out = np.flatnonzero((values < lo) | (values > hi))
        if out.size:
            raise ConfigError(f"run.design: column '{name}' of {path.name}, row {out[0] + 1}: "
                              f"{values[out[0]]} is out of range [{lo}, {hi}]")
        columns[bare] = values
    points = len(frame)
    if points == 0 or not columns:
        raise ConfigError(f"run.design={text}: holds no design points (a column per parameter, a row per point)")
    replicates = int(cfg.run.replicates)
    if replicates % points:
        raise ConfigError(f"run.replicates={replicates} is not a multiple of the {points} points of "
                          f"run.design={text} (each point gets the same number of replicates)")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return Design(path=path, sha256=sha, points=pd.DataFrame(columns), per_point=replicates // points)

