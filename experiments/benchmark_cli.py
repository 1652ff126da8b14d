"""How fast the ``diplosim`` command answers: help, information and refusals of bad input.

Each command runs as a user runs it (the installed console script, a fresh process each time);
the figure is the median wall time of ``--repeats`` runs, beside that of a bare ``python -c pass``
(the interpreter's own start-up, which no command can beat), and the median CPU time (user +
system) of the process, which a busy machine inflates less than the wall time. Targets (issue 11): ``--help`` within
0.3 s; ``--info`` and every refusal of bad input within 1 s.

    python experiments/benchmark_cli.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DIPLOSIM = Path(sys.executable).with_name("diplosim")

#: (label, arguments, expected exit code, target in seconds)
COMMANDS = [
    ("--help", ["--help"], 0, 0.3),
    ("--version", ["--version"], 0, 1.0),
    ("--info", ["--info"], 0, 1.0),
    ("unknown key (run.replicatez=3)", ["run.replicatez=3"], 2, 1.0),
    ("wrong type (run.days=many)", ["run.days=many"], 2, 1.0),
    ("out of range (run.days=-1)", ["run.days=-1"], 2, 1.0),
    ("no such policy (policy=hotline)", ["policy=hotline"], 2, 1.0),
    ("no such scenario (scenario=pahalgam)", ["scenario=pahalgam"], 2, 1.0),
    ("bad scenario folder (scenario.dir=...)", ["scenario.dir={broken}"], 2, 1.0),
    ("missing design file (run.design=...)", ["run.design=missing.csv"], 2, 1.0),
    ("sweep without -m (policy=a,b)", ["policy=baseline,hotline_off"], 2, 1.0),
]


def _time(cmd: list[str], cwd: Path, repeats: int, expect: int) -> tuple[float, float]:
    """Median (wall seconds, CPU seconds) of ``repeats`` runs of ``cmd``, each checked for its exit code."""
    wall, cpu = [], []
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
        wall.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if res.returncode != expect:
            raise SystemExit(f"{' '.join(cmd)}: exit code {res.returncode}, expected {expect}: {res.stderr.strip()}")
    return statistics.median(wall), statistics.median(cpu)


def _broken_scenario(folder: Path) -> Path:
    """A scenario folder whose trigger date is not a date (refused when the scenario is read)."""
    folder.mkdir()
    (folder / "scenario.yaml").write_text("name: broken\ntrigger: {date: 22 April}\n", encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=7, help="runs of each command to take the median of")
    args = parser.parse_args()
    if not DIPLOSIM.is_file():
        raise SystemExit(f"the diplosim command is not installed beside {sys.executable}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"diplosim command-line benchmark: median of {args.repeats} fresh processes each; "
          f"load average {load:.1f} at the start")
    with tempfile.TemporaryDirectory(prefix="diplosim-cli-") as tmp:
        cwd = Path(tmp)
        scenario = _broken_scenario(cwd / "broken")
        bare, bare_cpu = _time([sys.executable, "-c", "pass"], cwd, args.repeats, 0)
        print(f"  {'command':46s} {'wall':>7s} {'CPU':>7s}")
        print(f"  {'python -c pass (interpreter start-up)':46s} {bare:6.2f}s {bare_cpu:6.2f}s")
        missed = 0
        for label, argv, code, target in COMMANDS:
            argv = [a.format(broken=scenario) for a in argv]
            seconds, cpu = _time([str(DIPLOSIM), *argv], cwd, args.repeats, code)
            ok = seconds <= target
            missed += not ok
            print(f"  {'diplosim ' + label:46s} {seconds:6.2f}s {cpu:6.2f}s   (target <= {target:.1f} s: "
                  f"{'met' if ok else 'MISSED'})")
    print(f"  {len(COMMANDS) - missed} of {len(COMMANDS)} targets met")


if __name__ == "__main__":
    main()
