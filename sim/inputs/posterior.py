"""The posterior of the behavioural parameters: an equally weighted sample of parameter sets.

The ABC fit (``experiments/calibrate.py``) keeps its posterior as ``conf/params/posterior.csv``:
a header row of parameter names (fields of :class:`~sim.inputs.params.ModelParams`; only the
fitted subset appears), then one row per posterior draw, equally weighted and already in random
order. Beside it ``conf/params/posterior.json`` records its provenance (``method``, ``created``,
``seed``, ``n_draws``, ``crises``, ...). ``run.posterior_file`` names another CSV (its
provenance, if any, is the ``.json`` of the same stem).

With ``run.parameters=posterior`` (the default) a run uses the first
``D = min(run.posterior_draws, rows)`` rows, and replicate r (its index in the whole run,
0..R-1) takes row ``r % D``: the parameters of the file from that row, every other parameter
from ``params`` (conf/params/default.yaml). The mapping is deterministic, so two arms of a paired
comparison (same seed, same replicates) meet the same draw replicate by replicate. A file with
fewer rows than ``run.posterior_draws`` is used whole and the number used is recorded (``draws``);
it is not an error. A one-replicate model (the classroom app, ``mesa.batch_run``) is replicate 0:
it uses row 0. With ``run.parameters=point`` no file is read and every replicate uses ``params``.
A ``params.NAME=`` override of a parameter the file gives is refused under the posterior (it would
be ignored, :func:`refuse_overridden_posterior_params`); a design file or ``param_arrays`` from
code win over the posterior for the parameters they name.

The mapping itself lives in :class:`~sim.core.setup._Params` (the one place parameters become
per-replicate arrays); this module reads and checks the file, before any work.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
from omegaconf import DictConfig

from sim.inputs.errors import ConfigError
from sim.inputs.params import ModelParams
from sim.inputs.schema import data_dir


@dataclass(frozen=True)
class Posterior:
    """A loaded, checked posterior sample.

    Attributes:
        path: The CSV file.
        sha256: Its content hash (in the work key and ``metadata.json``).
        names: The parameters it gives, in file order.
        values: ``(rows, len(names))`` floats, one row per draw.
        draws: D, the rows a run uses: ``min(run.posterior_draws, rows)``.
        provenance: The content of the ``.json`` beside the file (empty if there is none).
    """

    path: Path
    sha256: str
    names: tuple[str, ...]
    values: np.ndarray
    draws: int
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return int(self.values.shape[0])

    def draw_of(self, start: int, count: int) -> np.ndarray:
        """The posterior row of replicates ``start .. start + count - 1`` (global indices): ``r % D``."""
        return np.arange(start, start + count, dtype=np.int64) % self.draws

    def arrays(self, start: int, count: int) -> dict[str, np.ndarray]:
        """Per-replicate values ``{name: (count,) array}`` of replicates ``start`` onwards."""
        rows = self.values[self.draw_of(start, count)]
        return {name: rows[:, j].copy() for j, name in enumerate(self.names)}

    def record(self) -> dict[str, Any]:
        """What ``metadata.json`` keeps of it (see :func:`parameters_record`)."""
        return {"file": str(self.path), "sha256": self.sha256, "rows": self.rows, "draws": self.draws,
                "parameters": list(self.names), "provenance": self.provenance}


def posterior_path(cfg: DictConfig) -> Path:
    """The posterior CSV of a config: ``run.posterior_file``, else ``conf/params/posterior.csv``."""
    text = str(cfg.run.get("posterior_file") or "")
    if not text:
        return data_dir("conf") / "params" / "posterior.csv"
    path = Path(os.path.expanduser(text))
    return path if path.is_absolute() else Path.cwd() / path


def _refuse(path: Path, why: str) -> ConfigError:
    return ConfigError(f"run.parameters=posterior: posterior file {path} {why} "
                       f"(run.parameters=point runs without it)")


def load_posterior(cfg: DictConfig) -> Posterior | None:
    """Read and check the posterior of ``cfg`` (None with ``run.parameters=point``).

    Raises:
        ConfigError: the file is missing, unreadable or malformed (no rows, a column that is not
            a parameter or appears twice, a value that is not a number or is outside the
            parameter's declared range); one line naming the file and the column or row.
    """
    if str(cfg.run.get("parameters", "posterior")) != "posterior":
        return None
    path = posterior_path(cfg)
    if not path.is_file():
        raise _refuse(path, "is not there")
    try:
        raw = path.read_bytes()
        rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise _refuse(path, f"cannot be read ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})") \
            from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if len(rows) < 2:
        raise _refuse(path, "holds no draws (a header row of parameter names, then a row per draw)")
    specs = {f.name: f.metadata for f in fields(ModelParams)}
    names = tuple(c.strip() for c in rows[0])
    for name in names:
        bare = name[len("params."):] if name.startswith("params.") else name
        if bare not in specs:
            raise ConfigError(f"run.posterior_file: column '{name}' of {path} is not a parameter "
                              f"(columns must be parameters of sim.inputs.params.ModelParams, e.g. w_pressure)")
    names = tuple(n[len("params."):] if n.startswith("params.") else n for n in names)
    if len(set(names)) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise ConfigError(f"run.posterior_file: parameter '{twice}' appears twice in {path}")
    values = np.empty((len(rows) - 1, len(names)))
    for i, row in enumerate(rows[1:]):
        if len(row) != len(names):
            raise _refuse(path, f"row {i + 1} has {len(row)} values for {len(names)} columns")
        for j, cell in enumerate(row):
            try:
                v = float(cell)
            except ValueError:
                v = math.nan
            if not math.isfinite(v):
                raise _refuse(path, f"row {i + 1}, column '{names[j]}': '{cell.strip()}' is not a number")
            values[i, j] = v
    for j, name in enumerate(names):
        lo, hi = specs[name]["range"]
        out = np.flatnonzero((values[:, j] < lo) | (values[:, j] > hi))
        if out.size:
            raise ConfigError(f"run.posterior_file: column '{name}' of {path}, row {out[0] + 1}: "
                              f"{values[out[0], j]} is out of the parameter's range [{lo}, {hi}]")
    provenance: dict[str, Any] = {}
    side = path.with_suffix(".json")
    if side.is_file():
        try:
            provenance = json.loads(side.read_text())
        except (OSError, ValueError) as exc:
            raise ConfigError(f"run.posterior_file: provenance file {side} cannot be read "
                              f"({str(exc).splitlines()[0]}); fix or remove it") from None
        if not isinstance(provenance, dict):
            raise ConfigError(f"run.posterior_file: provenance file {side} must hold a JSON object")
    values.setflags(write=False)
    return Posterior(path=path, sha256=hashlib.sha256(raw).hexdigest(), names=names, values=values,
                     draws=min(int(cfg.run.posterior_draws), values.shape[0]), provenance=provenance)


def parameters_record(cfg: DictConfig, posterior: Posterior | None, replicates: int) -> dict[str, Any]:
    """The ``parameters`` entry of ``metadata.json``: the mode and, for a posterior, the file used.

    ``draws_used`` is the number of distinct draws the run's replicates met: ``min(D, R)``.
    """
    mode = str(cfg.run.get("parameters", "posterior"))
    if posterior is None:
        return {"mode": mode}
    return {"mode": mode, **posterior.record(), "draws_used": min(posterior.draws, int(replicates))}


def refuse_overridden_posterior_params(cfg: DictConfig, overrides: list[str]) -> None:
    """Refuse a ``params.NAME=`` override of a parameter the posterior gives (it would be ignored).

    With ``run.parameters=posterior`` replicate r takes such a parameter from draw ``r % D``, so
    setting it by hand would silently change nothing. Only the posterior file's header is read
    here; a missing or malformed file is refused later, by :func:`load_posterior`.

    Raises:
        ConfigError: naming the override, the file, and the two ways to fix a parameter by hand.
    """
    if str(cfg.run.get("parameters", "posterior")) != "posterior":
        return
    named = {}
    for ov in overrides:
        key = ov.split("=", 1)[0].lstrip("+~")
        if key.startswith("params.") and "=" in ov:
            named[key[len("params."):]] = ov
    if not named:
        return
    try:
        path = posterior_path(cfg)
        with path.open(newline="", encoding="utf-8-sig") as fh:
            header = next(csv.reader(fh), [])
    except (OSError, StopIteration, csv.Error, ConfigError):
        return
    given = {c.strip()[len("params."):] if c.strip().startswith("params.") else c.strip() for c in header}
    for name, ov in named.items():
        if name in given:
            raise ConfigError(f"{ov}: run.parameters=posterior takes params.{name} from posterior file {path}, "
                              f"so this override would have no effect; add run.parameters=point to set parameters "
                              f"by hand, or fix it by run.design (which wins over the posterior)")
