"""What installing diplosim costs, and that the installed command works from anywhere.

For each install asked for (the core by default, then any extras), a fresh venv gets
``pip install <checkout>[extras]`` exactly as a user would type it (a wheel is built from the
checkout; the dependencies come from the package index). Printed: the number of distributions
installed (pip and setuptools, which every venv has, not counted), the size of the venv's
site-packages, the install time, and then from an unrelated temporary directory the time of
``diplosim --help`` and a small main job that must write ``./results``.

    python experiments/benchmark_install.py                 # the core install
    python experiments/benchmark_install.py --extras '' dask app all
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_OWN = {"pip", "setuptools"}


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def measure(extra: str, tmp: Path) -> dict[str, float]:
    """Install ``diplosim[extra]`` into a fresh venv under ``tmp``; measure it and run it elsewhere."""
    env_dir = tmp / f"venv-{extra or 'core'}"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    target = f"{ROOT}[{extra}]" if extra else str(ROOT)
    t = time.perf_counter()
    res = subprocess.run([str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", target],
                         capture_output=True, text=True)
    seconds = time.perf_counter() - t
    if res.returncode != 0:
        raise SystemExit(f"pip install {target} failed: {res.stderr.strip()[-800:]}")
    listed = json.loads(subprocess.run([str(py), "-m", "pip", "list", "--format=json", "--disable-pip-version-check"],
                                       capture_output=True, text=True, check=True).stdout)
    names = sorted(d["name"].lower() for d in listed if d["name"].lower() not in VENV_OWN)
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               capture_output=True, text=True, check=True).stdout.strip())
    elsewhere = tmp / f"work-{extra or 'core'}"
    elsewhere.mkdir()
    exe = env_dir / "bin" / "diplosim"
    t = time.perf_counter()
    subprocess.run([str(exe), "--help"], cwd=elsewhere, capture_output=True, check=True)
    help_s = time.perf_counter() - t
    t = time.perf_counter()
    run = subprocess.run([str(exe), "run.replicates=2000", "run.name=check", "run.progress=false"], cwd=elsewhere,
                         capture_output=True, text=True)
    run_s = time.perf_counter() - t
    if run.returncode != 0 or not (elsewhere / "results" / "check" / "summary.json").is_file():
        raise SystemExit(f"the installed diplosim did not run from {elsewhere}: {run.stderr.strip()[-800:]}")
    return {"packages": len(names), "mib": _size(site) / 2**20, "install_s": seconds, "help_s": help_s,
            "run_s": run_s, "names": names}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--extras", nargs="*", default=[""], help="extras to measure ('' is the core)")
    parser.add_argument("--list", action="store_true", help="also print the names of the installed distributions")
    args = parser.parse_args()
    print(f"diplosim install benchmark: fresh venvs on Python {sys.version.split()[0]}, "
          f"pip install from {ROOT}")
    tmp = Path(tempfile.mkdtemp(prefix="diplosim-install-"))
    try:
        for extra in args.extras:
            m = measure(extra, tmp)
            label = f"diplosim[{extra}]" if extra else "diplosim (core)"
            print(f"  {label:18s} {m['packages']:4d} packages, {m['mib']:6.0f} MiB, installed in {m['install_s']:5.1f} s; "
                  f"from another directory: --help {m['help_s']:.2f} s, 2,000 x 120 main job {m['run_s']:.1f} s, "
                  f"./results written")
            if args.list:
                print("    " + ", ".join(m["names"]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
