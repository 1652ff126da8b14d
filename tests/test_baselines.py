"""Golden baseline: every case of experiments/update_baseline.py reproduces tests/baseline.json exactly.

Every summary number (estimate, ci_low, ci_high, n of every outcome) must be equal to the stored
one to the last bit, and the fingerprints of the outcomes and daily tables must match. A change to
the model's dynamics therefore fails here and is accepted only by re-running the update script
and committing the reviewed diff of the baseline file; a pure refactoring passes unchanged.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HINT = ("the model's numbers changed: if this is intended, run `.venv/bin/python experiments/update_baseline.py` "
        "and commit the reviewed diff of tests/baseline.json")
SHOWN = 25  # differences listed on a failure; a dynamics change usually moves hundreds of numbers


def _load_script():
    # experiments/ is not a package; loading the script itself (rather than restating its cases)
    # keeps the test and the only writer of the baseline running exactly the same code.
    spec = importlib.util.spec_from_file_location("update_baseline", ROOT / "experiments" / "update_baseline.py")
    module = importlib.util.module_from_spec(spec)
    # Registered before it runs: @dataclass looks its own module up in sys.modules.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


ub = _load_script()


@pytest.fixture(scope="module")
def baseline() -> dict:
    """The stored baseline, ``{case name: record}``."""
    if not ub.BASELINE_PATH.exists():
        pytest.fail(f"{ub.BASELINE_PATH} is missing: run `.venv/bin/python experiments/update_baseline.py`")
    return ub.load()


def _report(name: str, lines: list[str]) -> str:
    shown = "\n".join("  " + line for line in lines[:SHOWN])
    more = f"\n  ... and {len(lines) - SHOWN} more" if len(lines) > SHOWN else ""
    return f"case {name}: {len(lines)} difference(s) (stored -> now):\n{shown}{more}\n{HINT}"


def test_baseline_lists_exactly_the_cases_of_the_script(baseline):
    """No stale case in the file, none missing from it, and each stored with its current definition."""
    names = [c.name for c in ub.CASES]
    assert len(set(names)) == len(names), f"duplicate case names in CASES: {names}"
    missing = sorted(set(names) - baseline.keys())
    stale = sorted(baseline.keys() - set(names))
    # A case whose overrides changed but whose name did not would otherwise be compared with the
    # numbers of a different run and fail as if the model had changed.
    redefined = sorted(c.name for c in ub.CASES if c.name in baseline and not ub.same_case(baseline[c.name].get("case"), c))
    assert not (missing or stale or redefined), (
        f"baseline.json is out of step with CASES: missing {missing}, stale {stale}, redefined {redefined}; "
        f"run `.venv/bin/python experiments/update_baseline.py` and commit the reviewed diff of tests/baseline.json")


@pytest.mark.parametrize("case", ub.CASES, ids=[c.name for c in ub.CASES])
def test_case_reproduces_baseline(case, baseline):
    """The case's summary numbers, row counts and table fingerprints equal the stored ones exactly."""
    if case.name not in baseline:
        pytest.fail(f"case {case.name} is not in tests/baseline.json: run `.venv/bin/python "
                    f"experiments/update_baseline.py` and commit the reviewed diff of tests/baseline.json", pytrace=False)
    stored = dict(baseline[case.name])
    now = ub.run_case(case)
    # The definition is checked by the test above; comparing it here too would report one cause twice.
    stored.pop("case", None)
    now.pop("case", None)
    # Exact comparison of the written forms (repr of floats; NaN and None alike), not a tolerance:
    # the point of the baseline is that an unintended change of even one ulp is seen.
    lines = ub.differences(stored, now)
    if lines:
        pytest.fail(_report(case.name, lines), pytrace=False)
