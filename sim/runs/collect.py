"""Collect: a sweep (or any folder of runs) as one tidy table, in Parquet and CSV.

``diplosim collect results/<sweep>`` (or ``diplosim-collect results/<sweep>``) writes

- ``collected.parquet`` and ``collected.csv``: one row per run and outcome, with a column per
  swept key (``policy``, ``policy.trade_ties``, ...), the run's folder, scenario, policy, seed,
  replicates and days, and the outcome's ``estimate, ci_low, ci_high, n`` (as in summary.json);
- for a sweep, ``contrasts.parquet`` and ``.csv``: for every swept key, each other value against
  the first one (the reference), the other swept keys held equal, as paired differences with
  paired and unpaired 95% intervals and the ratio of their widths (see :mod:`sim.stats.paired`).

Plain Parquet and CSV: pandas, DuckDB, R (arrow or readr) or a spreadsheet read them without
diplosim. For a folder of separate runs (no ``sweep.json``), the columns are the config keys
whose values differ between the runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from sim.inputs.errors import DiplosimError
from sim.runs.atomic import atomic_path
from sim.runs.manifest import read_manifest
from sim.runs.reader import outcome_chunks
from sim.stats.paired import COLUMNS, paired_contrast, paired_reason, parameters_reason
from sim.vocab.keys import NOT_COMPARED, PAIRING_KEYS
from sim.vocab.outcomes import filled

#: Config keys that never count as differing between runs: where and how a run was computed, and
#: a policy's description (prose).
_IGNORED = (*NOT_COMPARED, "policy.description")

SUMMARY_COLUMNS = ("outcome", "estimate", "ci_low", "ci_high", "n", "cred_low", "cred_high", "draws")


def is_run_dir(path: Path) -> bool:
    return (path / "summary.json").is_file() and (path / "metadata.json").is_file()


def _flatten(node: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(node, dict):
        for k, v in node.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(node, list):
        out[prefix] = json.dumps(node)
    else:
        out[prefix] = node
    return out


def _runs(folder: Path) -> tuple[list[Path], dict[str, Any] | None]:
    if not folder.is_dir():
        raise DiplosimError(f"{folder}: no such directory")
    if is_run_dir(folder):
        return [folder], None
    manifest = read_manifest(folder)
    if manifest is not None:
        runs = [folder / r["dir"] for r in manifest["runs"] if is_run_dir(folder / r["dir"])]
    else:
        runs = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".") and is_run_dir(p))
    if not runs:
        raise DiplosimError(f"{folder}: holds no finished run (a run folder has summary.json and metadata.json)")
    return runs, manifest


def _load(run: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        return json.loads((run / "metadata.json").read_text()), json.loads((run / "summary.json").read_text())
    except (OSError, ValueError) as exc:
        raise DiplosimError(f"{run}: cannot read metadata.json or summary.json ({exc})") from None


def collect(folder: str | Path, out: str | Path | None = None, write: bool = True) -> dict[str, pd.DataFrame]:
    """Build (and write) the tidy table of a sweep or folder of runs, and a sweep's contrasts.

    Args:
        folder: A sweep directory, a folder of run directories, or one run directory.
        out: Where to write the tables (default: ``folder``).
        write: Write ``collected`` (and ``contrasts``) as Parquet and CSV.

    Returns:
        ``{"collected": table}`` and, for a sweep, ``"contrasts"``.

    Raises:
        DiplosimError: the folder holds no finished run, or a run's files cannot be read.
    """
    folder = Path(folder)
    runs, manifest = _runs(folder)
    loaded = [_load(r) for r in runs]
    if manifest is not None:
        by_dir = {r["dir"]: r for r in manifest["runs"]}
        swept = list(manifest["swept"])
        values = [dict(by_dir[r.name]["values"]) for r in runs]
    else:
        flat = [_flatten(meta.get("config", {})) for meta, _ in loaded]
        keys = sorted(set().union(*flat)) if flat else []
        swept = [k for k in keys if not any(k == i or k.startswith(i + ".") for i in _IGNORED)
                 and len({json.dumps(f.get(k), sort_keys=True, default=str) for f in flat}) > 1]
        values = [{k: f.get(k) for k in swept} for f in flat]
    rows = []
    for run, (meta, summary), vals in zip(runs, loaded, values):
        cfg_run = meta.get("config", {}).get("run", {})
        ident = {"run": run.name, **vals}
        for col, value in (("scenario", meta.get("scenario")), ("policy", meta.get("policy")),
                           ("seed", meta.get("seed")), ("replicates", meta.get("replicates_finished")),
                           ("days", cfg_run.get("days", meta.get("days")))):
            ident.setdefault(col, value)
        for outcome, entry in summary.items():
            rows.append({**ident, "outcome": outcome, **{k: entry.get(k) for k in SUMMARY_COLUMNS[1:]}})
    collected = pd.DataFrame(rows)
    for col in ("estimate", "ci_low", "ci_high", "cred_low", "cred_high", "draws"):
        collected[col] = pd.to_numeric(collected[col], errors="coerce").astype(float)
    collected["n"] = collected["n"].astype("int64")
    tables = {"collected": collected}
    if manifest is not None:
        tables["contrasts"] = _contrasts(folder, runs, loaded, swept, values, manifest.get("reference", {}))
    if write:
        dest = Path(out) if out is not None else folder
        dest.mkdir(parents=True, exist_ok=True)
        for name, table in tables.items():
            _write_table(table, dest / name)
    return tables


def _contrasts(folder: Path, runs: list[Path], loaded: list[tuple[dict, dict]], swept: list[str],
               values: list[dict[str, Any]], reference: dict[str, Any]) -> pd.DataFrame:

    frames = []
    index = {json.dumps([v.get(k) for k in swept], default=str): i for i, v in enumerate(values)}
    for key in swept:
        if key in PAIRING_KEYS or key not in reference:  # other random numbers: not a paired contrast
            continue
        ref_value = reference[key]
        for i, vals in enumerate(values):
            if vals[key] == ref_value:
                continue
            want = [ref_value if k == key else vals.get(k) for k in swept]
            j = index.get(json.dumps(want, default=str))
            if j is None:
                continue  # the reference run of this level is not finished
            meta_a, meta_b = loaded[j][0], loaded[i][0]
            if paired_reason(meta_a["config"], meta_b["config"]) is not None or \
                    parameters_reason(meta_a.get("parameters"), meta_b.get("parameters")) is not None:
                continue
            names_a = _broker_names(meta_a, loaded[j][1])
            names_b = _broker_names(meta_b, loaded[i][1])
            table = paired_contrast(outcome_chunks(runs[j] / "outcomes.parquet", COLUMNS),
                                    outcome_chunks(runs[i] / "outcomes.parquet", COLUMNS), names_a, names_b)
            others = ", ".join(f"{k}={value_text(vals[k])}" for k in swept if k != key)
            label = f"{key}: {value_text(vals[key])} vs {value_text(ref_value)}" + (f" ({others})" if others else "")
            head = {"contrast": label, "key": key, "reference_value": value_text(ref_value), **vals,
                    "run": runs[i].name, "reference_run": runs[j].name}
            for col, value in reversed(list(head.items())):
                table.insert(0, col, [value] * len(table))
            frames.append(table)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _broker_names(meta: dict[str, Any], summary: dict[str, Any]) -> list[str]:
    return filled("share_brokered_{broker}", summary)


def value_text(value: Any) -> str:
    """A config value as the command line writes it (``true``, not ``True``)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _write_table(table: pd.DataFrame, stem: Path) -> None:
    """Write ``stem.parquet`` and ``stem.csv`` (each written whole, then renamed into place)."""
    with atomic_path(stem.with_suffix(".parquet")) as tmp:
        table.to_parquet(tmp, index=False)
    with atomic_path(stem.with_suffix(".csv")) as tmp:
        table.to_csv(tmp, index=False)

