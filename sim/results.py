"""The results directory: written whole or not at all, never over an earlier one.

A run writes into a hidden temporary folder beside its destination and renames it into place
only when every file is written, so an error or Ctrl-C leaves no partial results directory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from omegaconf import OmegaConf

from .config import PROJECT_ROOT, to_container
from .ensemble import EnsembleResult
from .errors import ConfigError

LIBRARIES = ("mesa", "numpy", "pandas", "pyarrow", "networkx", "hydra-core", "omegaconf", "matplotlib", "scipy")


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
        "timings": result.timings,
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "command": argv if argv is not None else sys.argv,
        "platform": {"system": platform.system(), "machine": platform.machine(), "cpus": os.cpu_count()},
        "config": to_container(result.cfg),
    }


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
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"run.output_dir: cannot create {base} ({exc.strerror or exc})") from None
    if not os.access(base, os.W_OK):
        raise ConfigError(f"run.output_dir: {base} is not writable")
    return final


def write_results(result: EnsembleResult, started: dt.datetime, out_dir: str | Path | None = None,
                  name: str | None = None, argv: list[str] | None = None) -> Path:
    """Write a results directory atomically.

    Files: ``summary.json``, ``outcomes.parquet`` (one row per replicate), ``daily.parquet``,
    ``metadata.json`` (provenance) and ``config.yaml`` (the composed config).

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
        result.outcomes.to_parquet(tmp / "outcomes.parquet", index=False)
        result.daily.to_parquet(tmp / "daily.parquet", index=False)
        (tmp / "summary.json").write_text(json.dumps(result.summary, indent=2) + "\n")
        (tmp / "metadata.json").write_text(json.dumps(build_metadata(result, started, argv), indent=2, default=str) + "\n")
        (tmp / "config.yaml").write_text(OmegaConf.to_yaml(cfg))
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final
