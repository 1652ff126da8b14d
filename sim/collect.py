"""Collect: a sweep (or any folder of runs) as one tidy table, in Parquet and CSV.

``diplosim collect results/<sweep>`` (or ``diplosim-collect results/<sweep>``) writes

- ``collected.parquet`` and ``collected.csv``: one row per run and outcome, with a column per
  swept key (``policy``, ``policy.trade_ties``, ...), the run's folder, scenario, policy, seed,
  replicates and days, and the outcome's ``estimate, ci_low, ci_high, n`` (as in summary.json);
- for a sweep, ``contrasts.parquet`` and ``.csv``: for every swept key, each other value against
  the first one (the reference), the other swept keys held equal, as paired differences with
  paired and unpaired 95% intervals and the ratio of their widths (see :mod:`sim.compare`).

Plain Parquet and CSV: pandas, DuckDB, R (arrow or readr) or a spreadsheet read them without
diplosim. For a folder of separate runs (no ``sweep.json``), the columns are the config keys
whose values differ between the runs.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import DiplosimError

#: Config keys that never count as differing between runs (where and how a run was computed).
_IGNORED = ("run.name", "run.output_dir", "run.work_dir", "run.progress", "run.executor", "run.workers",
            "run.retries", "run.dask", "cluster", "policy.description")
#: Contrasts of these keys are not paired (different random numbers), so none are made.
_UNPAIRED_KEYS = ("run.seed", "run.replicates", "run.block_size", "run.design")
SUMMARY_COLUMNS = ("outcome", "estimate", "ci_low", "ci_high", "n")


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
    from .sweep import read_manifest

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
    for col in ("estimate", "ci_low", "ci_high"):
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
    from .compare import COLUMNS, outcome_chunks, paired_contrast, paired_reason

    frames = []
    index = {json.dumps([v.get(k) for k in swept], default=str): i for i, v in enumerate(values)}
    for key in swept:
        if key in _UNPAIRED_KEYS or key not in reference:
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
            if paired_reason(meta_a["config"], meta_b["config"]) is not None:
                continue
            names_a = _broker_names(meta_a, loaded[j][1])
            names_b = _broker_names(meta_b, loaded[i][1])
            table = paired_contrast(outcome_chunks(runs[j] / "outcomes.parquet", COLUMNS),
                                    outcome_chunks(runs[i] / "outcomes.parquet", COLUMNS), names_a, names_b)
            others = ", ".join(f"{k}={_text(vals[k])}" for k in swept if k != key)
            label = f"{key}: {_text(vals[key])} vs {_text(ref_value)}" + (f" ({others})" if others else "")
            head = {"contrast": label, "key": key, "reference_value": _text(ref_value), **vals,
                    "run": runs[i].name, "reference_run": runs[j].name}
            for col, value in reversed(list(head.items())):
                table.insert(0, col, [value] * len(table))
            frames.append(table)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _broker_names(meta: dict[str, Any], summary: dict[str, Any]) -> list[str]:
    return [k[len("share_brokered_"):] for k in summary if k.startswith("share_brokered_")]


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _write_table(table: pd.DataFrame, stem: Path) -> None:
    """Write ``stem.parquet`` and ``stem.csv`` (each written whole, then renamed into place)."""
    for suffix in (".parquet", ".csv"):
        final = stem.with_suffix(suffix)
        tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
        try:
            if suffix == ".parquet":
                table.to_parquet(tmp, index=False)
            else:
                table.to_csv(tmp, index=False)
            os.replace(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


def format_runs(collected: pd.DataFrame, swept: list[str]) -> str:
    """The headline outcomes of every run of a sweep, one line per run."""
    keys = [("p_strikes", "P(strikes)", 3), ("p_war", "P(war)", 4), ("p_ceasefire", "P(ceasefire)", 3),
            ("median_days_to_ceasefire", "days to ceasefire", 1), ("median_duration_days", "duration", 1)]
    runs = list(dict.fromkeys(collected["run"]))
    width = max([len(r) for r in runs] + [3])
    head = f"{'run':{width}s}" + "".join(f"  {label:>24s}" for _, label, _ in keys)
    lines = [f"Sweep: {len(runs)} runs (estimate [95% CI])", head]
    table = collected.set_index(["run", "outcome"])
    for run in runs:
        cells = []
        for key, _, digits in keys:
            try:
                row = table.loc[(run, key)]
            except KeyError:
                cells.append(f"  {'—':>24s}")
                continue
            if pd.isna(row["estimate"]):
                cells.append(f"  {'—':>24s}")
            else:
                cells.append(f"  {row['estimate']:.{digits}f} [{row['ci_low']:.{digits}f}, {row['ci_high']:.{digits}f}]"
                             .rjust(26))
        lines.append(f"{run:{width}s}" + "".join(cells))
    return "\n".join(lines)


USAGE = """usage: diplosim collect [--help] [--out DIR] FOLDER

Turn a sweep directory (or any folder of diplosim runs) into one tidy table: collected.parquet and
collected.csv, one row per run and outcome with a column per swept key; for a sweep also
contrasts.parquet and contrasts.csv (paired differences against each swept key's first value).

options:
  --out DIR  write the tables into DIR instead of FOLDER
"""


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``diplosim collect`` and ``diplosim-collect``; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if "--help" in args or "-h" in args:
            print(USAGE)
            return 0
        out = None
        if "--out" in args:
            i = args.index("--out")
            if i + 1 >= len(args):
                raise DiplosimError("--out needs a folder")
            out = args[i + 1]
            del args[i:i + 2]
        unknown = [a for a in args if a.startswith("-")]
        if unknown:
            raise DiplosimError(f"unknown option {unknown[0]} (options: --help, --out DIR)")
        if len(args) != 1:
            raise DiplosimError("give one folder: diplosim collect results/<sweep>")
        tables = collect(Path(args[0]), out=out)
        dest = Path(out) if out is not None else Path(args[0])
        collected = tables["collected"]
        print(f"collected {collected['run'].nunique()} runs x {collected['outcome'].nunique()} outcomes "
              f"({len(collected)} rows) into {dest / 'collected.parquet'} and {dest / 'collected.csv'}")
        if "contrasts" in tables and len(tables["contrasts"]):
            c = tables["contrasts"]
            print(f"paired contrasts: {c['contrast'].nunique()} ({len(c)} rows) in {dest / 'contrasts.parquet'} "
                  f"and {dest / 'contrasts.csv'}")
        return 0
    except DiplosimError as exc:
        print(f"diplosim: error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("diplosim: interrupted", file=sys.stderr)
        return 130
