"""Regenerate the golden baseline of summary numbers, tests/baseline.json.

    .venv/bin/python experiments/update_baseline.py [--dry-run]

Runs every case of :data:`CASES` (about 10 s on one core), prints what changed against the
stored baseline (old -> new, per number), then writes the file. This script is the only thing
that writes tests/baseline.json: tests/test_baselines.py re-runs the same cases and requires
every number to be exactly equal, so a change to the model's dynamics shows up as a failing
test and then as a reviewed diff of this file, and a pure refactoring is proven bit for bit.

Each case stores its whole summary (estimate, ci_low, ci_high and n of every outcome), the row
counts and SHA-256 fingerprints of the outcomes and daily tables (which catch changes the
summary averages away).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sim  # noqa: E402

BASELINE_PATH = Path(__file__).resolve().parent.parent / "tests" / "baseline.json"

# Pinned in every case, even where they equal today's defaults, so that the baseline measures the
# model's dynamics and not a change of default (a new default seed or block size would otherwise
# move every number). block_size=1000 makes every case span several blocks, so the per-block
# seeding and the merging of blocks are covered too; one serial worker keeps it to one core.
# run.parameters=point: the baseline measures the dynamics at the point of conf/params/default.yaml,
# not the posterior file (which the next fit replaces).
COMMON: tuple[str, ...] = ("run.seed=20250422", "run.block_size=1000", "run.workers=1", "run.executor=serial",
                           "run.progress=false", "run.work_dir=", "run.parameters=point")

#: The pin added to COMMON when run.parameters appeared: a case stored without it was run at the
#: point (then the only way), so it is the same case (see :func:`same_case`).
POINT_PIN = "run.parameters=point"

#: Summary keys added with the posterior (null in a point run): a baseline written before them
#: holds none, and a null for each is what it would hold now.
POINT_NULL_KEYS = ("cred_low", "cred_high", "draws")


@dataclass(frozen=True)
class Case:
    """One run of the baseline.

    Attributes:
        name: The case's key in the baseline file and its pytest id.
        overrides: Hydra overrides on top of :data:`COMMON`.
        param_arrays: Per-replicate parameter values, as ``{parameter: (start, stop)}`` spread
            with ``np.linspace`` over the replicates (kept as numbers rather than arrays so the
            case can be written to the baseline file and compared with it).
    """

    name: str
    overrides: tuple[str, ...]
    param_arrays: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    def config(self):
        """The composed config of this case."""
        return sim.compose_config([*COMMON, *self.overrides])

    def arrays(self, replicates: int) -> dict[str, np.ndarray] | None:
        """The per-replicate parameter arrays for ``replicates`` replicates, or None."""
        if not self.param_arrays:
            return None
        return {k: np.linspace(lo, hi, replicates) for k, (lo, hi) in sorted(self.param_arrays.items())}

    def describe(self) -> dict[str, Any]:
        """What defines the case, stored beside its numbers so a changed case cannot pass as unchanged."""
        return {"overrides": [*COMMON, *self.overrides],
                "param_arrays": {k: [float(lo), float(hi)] for k, (lo, hi) in sorted(self.param_arrays.items())}}


def _pahalgam(policy: str) -> Case:
    return Case(f"pahalgam_2025-{policy}", ("scenario=pahalgam_2025", f"policy={policy}", "run.days=120",
                                             "run.replicates=3000"))


#: The fixed set of cases: the 2025 crisis under four policies; three historical presets that each
#: exercise a mechanism the 2025 crisis does not (Kargil's incursion trigger, 1965's non-nuclear
#: dyad, the 2001-02 mobilisation); the decade horizon; and per-replicate parameter arrays.
CASES: tuple[Case, ...] = (
    *(_pahalgam(p) for p in ("baseline", "hotline_off", "no_third_parties", "us_public_mediation")),
    Case("kargil_1999-baseline", ("scenario=kargil_1999", "policy=baseline", "run.days=120", "run.replicates=2000")),
    Case("kashmir_1965-baseline", ("scenario=kashmir_1965", "policy=baseline", "run.days=120",
                                   "run.replicates=2000")),
    Case("twin_peaks_2001-baseline", ("scenario=twin_peaks_2001", "policy=baseline", "run.days=120",
                                      "run.replicates=2000")),
    # The preset sets run.horizon=era (conf/scenario/era_2025.yaml); two years rather than its ten
    # keep the case to about a second while still crossing many stochastic triggers.
    Case("era_2025-baseline", ("scenario=era_2025", "policy=baseline", "run.days=730", "run.replicates=500")),
    Case("pahalgam_2025-w_pressure_sweep", ("scenario=pahalgam_2025", "policy=baseline", "run.days=120",
                                            "run.replicates=2000"),
         param_arrays={"w_pressure": (0.0, 3.0)}),
)


def frame_fingerprint(df: pd.DataFrame) -> str:
    """SHA-256 of a table's columns: name, dtype and the bytes of the values, in sorted column order.

    Categorical and object columns are hashed through their string values, since the bytes of an
    object array are pointers and a categorical's codes depend on its category order. Each piece
    is length-prefixed so that no two different tables can concatenate to the same bytes.

    Args:
        df: The table.

    Returns:
        The hex digest.
    """
    h = hashlib.sha256()

    def put(b: bytes) -> None:
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)

    for name in sorted(df.columns, key=str):
        col = df[name]
        dtype = col.dtype
        if isinstance(dtype, np.dtype) and dtype.kind != "O":
            values = np.ascontiguousarray(col.to_numpy())
        else:  # categorical, object, pandas extension dtypes
            values = np.ascontiguousarray(np.array(col.astype(str).tolist(), dtype=np.str_))
        put(str(name).encode())
        put(str(dtype).encode())
        put(values.tobytes())
    return h.hexdigest()


def _number(v: Any) -> Any:
    """A summary value as a plain JSON value: int, float, or None for a missing or NaN number."""
    if v is None:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    v = float(v)
    # JSON has no NaN; null stands for it, and the comparison treats NaN and None alike.
    return None if math.isnan(v) else v


def run_case(case: Case) -> dict[str, Any]:
    """Run one case and return its baseline record.

    Args:
        case: The case.

    Returns:
        ``{"case", "summary", "outcomes_rows", "outcomes_sha256", "daily_rows", "daily_sha256"}``
        with the summary as ``{outcome: {estimate, ci_low, ci_high, n}}`` in plain JSON values.
    """
    cfg = case.config()
    result = sim.run_ensemble(cfg, param_arrays=case.arrays(int(cfg.run.replicates)))
    summary = {outcome: {k: _number(v) for k, v in stats.items()} for outcome, stats in result.summary.items()}
    return {"case": case.describe(), "summary": summary,
            "outcomes_rows": len(result.outcomes), "outcomes_sha256": frame_fingerprint(result.outcomes),
            "daily_rows": len(result.daily), "daily_sha256": frame_fingerprint(result.daily)}


def token(v: Any) -> str:
    """The exact written form of a value, for comparison.

    ``repr`` tells apart what ``==`` does not (-0.0 and 0.0; 3000 and 3000.0), and NaN and None
    both become ``null``, so two values are equal exactly when they would be written the same.
    """
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "null"
    if isinstance(v, float):
        return repr(v)
    return json.dumps(v, sort_keys=True)


def _count(v: Any) -> int:
    """How many numbers (leaves) a subtree holds."""
    return sum(_count(x) for x in v.values()) if isinstance(v, dict) else 1


def same_case(stored: Mapping[str, Any] | None, case: Case) -> bool:
    """Whether a stored case definition is this case: equal, or equal but for :data:`POINT_PIN`,
    which a baseline written before run.parameters existed lacks (its runs were all at the point)."""
    if stored is None:
        return False
    now = case.describe()
    if stored == now:
        return True
    old = dict(stored)
    overrides = list(old.get("overrides", []))
    if POINT_PIN not in overrides and not any(o.startswith("run.parameters=") for o in overrides):
        overrides.insert(COMMON.index(POINT_PIN), POINT_PIN)
    old["overrides"] = overrides
    return old == now


def _diff(a: Any, b: Any, path: str, lines: list[str]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(a.keys() | b.keys()):
            sub = f"{path}/{k}" if path else str(k)
            if k in POINT_NULL_KEYS and k not in a and b[k] is None:
                continue  # a baseline from before the posterior: a point run's null, not a change
            if k not in b:
                # One line for a whole case or outcome gone, not one per number in it.
                lines.append(f"{sub}: {token(a[k]) if not isinstance(a[k], dict) else f'({_count(a[k])} numbers)'}"
                             " -> (removed)")
            elif k not in a:
                lines.append(f"{sub}: (new) -> "
                             f"{token(b[k]) if not isinstance(b[k], dict) else f'({_count(b[k])} numbers)'}")
            else:
                _diff(a[k], b[k], sub, lines)
    elif isinstance(a, dict) or isinstance(b, dict) or token(a) != token(b):
        lines.append(f"{path}: {token(a)} -> {token(b)}")


def differences(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Every difference between two baselines (or two records), as ``path: old -> new`` lines.

    Args:
        old: The stored values.
        new: The new values.

    Returns:
        One line per changed number, and one per added or removed key (a whole case or outcome
        counts once), in sorted path order; empty if identical.
    """
    lines: list[str] = []
    _diff(dict(old), dict(new), "", lines)
    return lines


def dumps(baseline: Mapping[str, Any]) -> str:
    """The baseline file's text: sorted keys, indent 1, floats by ``repr`` (json's own float format)."""
    return json.dumps(baseline, sort_keys=True, indent=1, allow_nan=False) + "\n"


def load(path: Path = BASELINE_PATH) -> dict[str, Any]:
    """The stored baseline, ``{case name: record}``."""
    return json.loads(path.read_text(encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dry-run", action="store_true", help="print the differences but do not write the file")
    args = parser.parse_args()

    names = [c.name for c in CASES]
    if len(set(names)) != len(names):
        raise SystemExit(f"duplicate case names in CASES: {names}")
    new = {}
    for case in CASES:
        print(f"running {case.name} ...", flush=True)
        new[case.name] = run_case(case)
    text = dumps(new)
    # The file must read back to exactly what was computed, or the test could never pass.
    assert not differences(new, json.loads(text)), "baseline does not round-trip through JSON"

    if BASELINE_PATH.exists():
        lines = differences(load(), new)
        print(f"\n{len(lines)} difference(s) from the stored {BASELINE_PATH.name}" + (":" if lines else "."))
        for line in lines:
            print("  " + line)
    else:
        print(f"\nno stored baseline: writing a new {BASELINE_PATH.name}")
    if args.dry_run:
        print("dry run: nothing written")
        return
    BASELINE_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {BASELINE_PATH} ({len(new)} cases)")


if __name__ == "__main__":
    main()
