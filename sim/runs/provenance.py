"""Provenance of a run: the package version, the libraries, the git commit and the config hash.

One version helper (:func:`package_version`) serves the command line, the work key of resumable
blocks, sweeps and ``metadata.json``.
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
    """The git commit of the code and whether the work tree had uncommitted changes.

    Both are None for an installed wheel: its code is not a work tree (and a site-packages folder
    inside some other repository must not report that repository's commit).
    """
    if not (root / "pyproject.toml").is_file():
        return {"commit": None, "dirty": None}

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

