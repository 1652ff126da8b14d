"""Ensembles: many replicates of one config, in fixed-size blocks, on any executor, resumable.

Replicates are split into blocks of ``run.block_size``; block k holds replicates
``k*B .. k*B+B-1`` and draws from its own random streams (keyed by seed and k), so the
per-replicate outcomes are the same whatever the executor and the number of workers. Inside a
block, one :class:`~sim.model.CrisisModel` steps all its replicates at once.

The path of every run, single or part of a sweep, from the Python API or the command line:

1. :func:`prepare_run` checks the config (scenario, policy, parameter design) and plans the
   blocks; with a work directory, blocks finished by an earlier, interrupted attempt are found.
2. :func:`execute` sends the remaining blocks of one or more runs to the executor
   (:mod:`sim.executors`), stores each block as it finishes (:mod:`sim.store`) and shows progress.
3. When a run's last block is in, its summary and daily table are computed from its blocks in
   block order, reading one block at a time.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from sim.inputs.compose import to_container
from sim.inputs.schema import PROJECT_ROOT


def package_version() -> str:
    try:
        return metadata.version("diplosim")
    except metadata.PackageNotFoundError:
        return "unknown"


LIBRARIES = ("mesa", "numpy", "pandas", "pyarrow", "networkx", "hydra-core", "omegaconf", "matplotlib", "scipy",
             "tqdm", "dask", "distributed", "dask-jobqueue")


def config_hash(cfg: Any) -> str:
    """SHA-256 of the resolved config (sorted JSON): equal configs, equal hashes."""
    text = json.dumps(to_container(cfg), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def git_state(root: Path = PROJECT_ROOT) -> dict[str, Any]:
    """The git commit of the code and whether the work tree had uncommitted changes."""
    def git(*args: str) -> str | None:
        try:
            res = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return res.stdout.strip() if res.returncode == 0 else None
    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": None if status is None else bool(status)}


def versions() -> dict[str, str | None]:
    """Versions of Python, diplosim and the libraries that shape results."""
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in ("diplosim", *LIBRARIES):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out

