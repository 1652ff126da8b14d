"""Run the browser test N times in a row while busy loops load every core; print the tally.

    python experiments/flake_browser.py            # 20 runs, one busy loop per core
    python experiments/flake_browser.py --runs 5 --load 4
    python experiments/flake_browser.py --load 0   # no load, for comparison

Issue 11 ("tests that do not flake"): the browser test once failed under load. This script
starts ``--load`` processes that spin the CPU (``while True: pass``, at the same priority as the
test), runs ``pytest tests/test_app_browser.py`` ``--runs`` times one after another, prints each
run's result, its wall time and the test's own time (pytest's "call" duration, which the test
keeps under its 90 s budget), then the tally, and stops the load it started (also on Ctrl-C). A run's
failure output is kept in ``results/flake_browser/run-<n>.log`` so a flake can be read afterwards.
The exit status is 0 only when every run passed.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST = "tests/test_app_browser.py"
SPIN = "while True: pass"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="how many pytest runs (default 20)")
    parser.add_argument("--load", type=int, default=os.cpu_count() or 2,
                        help="busy-loop processes to start (default: one per core)")
    parser.add_argument("--test", default=TEST, help=f"the test to repeat (default {TEST})")
    args = parser.parse_args(argv)

    logs = ROOT / "results" / "flake_browser"
    logs.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    load = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(args.load)]
    print(f"load: {len(load)} busy loop(s) ({SPIN!r}) on {os.cpu_count()} core(s), pids "
          f"{', '.join(str(p.pid) for p in load) or '-'}", flush=True)
    passed, times, calls = 0, [], []
    try:
        for n in range(1, args.runs + 1):
            t0 = time.perf_counter()
            run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--durations=1",
                                  "--durations-min=0", args.test], check=False, cwd=ROOT, env=env,
                                 capture_output=True, text=True)
            dt = time.perf_counter() - t0
            times.append(dt)
            ok = run.returncode == 0
            passed += ok
            call = re.search(r"^([0-9.]+)s call ", run.stdout, flags=re.MULTILINE)
            if call:
                calls.append(float(call.group(1)))
            log = logs / f"run-{n}.log"
            if ok:
                log.unlink(missing_ok=True)
                last = f"test {call.group(1)} s" if call else ""
            else:
                log.write_text(run.stdout + run.stderr)
                last = f"FAILED (rc {run.returncode}), output in {log.relative_to(ROOT)}"
            print(f"run {n:2d}/{args.runs}: {'pass' if ok else 'FAIL'}  {dt:5.1f} s  {last}", flush=True)
    finally:
        for p in load:
            p.kill()
        for p in load:
            p.wait()
    if times:
        print(f"tally: {passed}/{len(times)} passed under {len(load)} busy loop(s); "
              f"run time min {min(times):.1f} s, median {sorted(times)[len(times) // 2]:.1f} s, "
              f"max {max(times):.1f} s", flush=True)
    if calls:
        print(f"the test's own time (pytest call): min {min(calls):.1f} s, "
              f"median {sorted(calls)[len(calls) // 2]:.1f} s, max {max(calls):.1f} s", flush=True)
    return 0 if passed == len(times) == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
