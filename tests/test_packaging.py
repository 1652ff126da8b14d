"""Installing like a library: a lean core, extras named when missing, a wheel that runs anywhere,
and a command line that loads only what a command needs.

- The core runs the main job (serial and process executors, figures, report) with every module
  of the ``dask`` and ``app`` extras made unimportable: nothing on that path needs them.
- Asking for a capability whose extra is missing (``run.executor=dask``, ``diplosim-app``) is one
  line naming the extra and the ``pip install`` that adds it, exit code 2.
- ``--help`` loads none of the package's libraries, and a bad input is refused before Mesa,
  pandas or matplotlib load (the times are measured by ``experiments/benchmark_cli.py``).
- A wheel built from the checkout carries the configs and the scenario library: installed in a
  fresh venv it runs the main job from an unrelated directory, writing ``./results`` (slow).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import textwrap
import venv
from pathlib import Path

import pandas as pd
import pytest

from sim.drivers import app as app_command
from sim.drivers.cli import main
from sim.inputs.extras import EXTRAS, missing
from sim.inputs.schema import PROJECT_ROOT

EXTRA_MODULES = sorted({m for mods in EXTRAS.values() for m in mods})


def _python(code: str, cwd: Path, blocked: list[str] = ()) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter in which the ``blocked`` modules cannot be imported."""
    prelude = f"import sys\nfor _m in {list(blocked)!r}:\n    sys.modules[_m] = None\n"
    return subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def _one_error_line(err: str, prefix: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith(prefix), err
    assert "Traceback" not in err
    return lines[0]


# ------------------------------------------------------------------------------------ the extras
def test_blocking_a_module_makes_its_extra_missing(monkeypatch):
    """The check the tests below rely on: a module set to None in sys.modules is not found."""
    assert missing("dask") == [], "the test environment should have the dask extra"
    monkeypatch.setitem(sys.modules, "distributed", None)
    assert missing("dask") == ["distributed"]


def test_the_core_runs_the_main_job_without_either_extra(tmp_path):
    """Serial and process executors, figures and report, with dask and Solara unimportable; the
    two executors give the same outcomes."""
    res = _python("""
        from sim.drivers.cli import main
        for executor, workers in (("serial", 1), ("processes", 2)):
            code = main(["run.replicates=400", "run.days=30", "run.block_size=200", "run.progress=false",
                         f"run.executor={executor}", f"run.workers={workers}", f"run.name={executor}"])
            assert code == 0, code
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in %r and sys.modules[m] is not None)
        assert not loaded, loaded
    """ % (EXTRA_MODULES,), tmp_path, blocked=EXTRA_MODULES)
    assert res.returncode == 0, res.stderr[-2000:]
    for name in ("serial", "processes"):
        folder = tmp_path / "results" / name
        assert (folder / "summary.json").is_file() and (folder / "report.html").is_file()
        assert any((folder / "figures").glob("*.png"))
    serial, processes = (pd.read_parquet(tmp_path / "results" / n / "outcomes.parquet") for n in ("serial", "processes"))
    pd.testing.assert_frame_equal(serial, processes)  # the same seed, the same worlds, on either executor


@pytest.mark.parametrize("args", [["run.executor=dask"], ["run.executor=dask", "cluster=slurm"],
                                  ["-m", "run.executor=dask", "policy=baseline,hotline_off"]])
def test_dask_without_its_extra_is_one_line_naming_the_extra(args, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "distributed", None)
    assert main(args) == 2
    err = capsys.readouterr().err
    line = _one_error_line(err, "diplosim: error:")
    assert "run.executor=dask" in line and "pip install 'diplosim[dask]'" in line, line
    assert not (tmp_path / "results").exists() or not any((tmp_path / "results").iterdir())


def test_the_app_without_its_extra_is_one_line_naming_the_extra(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "solara", None)
    assert app_command.main([]) == 2
    line = _one_error_line(capsys.readouterr().err, "diplosim-app: error:")
    assert "pip install 'diplosim[app]'" in line and "solara" in line, line


def test_the_app_command_without_its_extra_never_imports_it(tmp_path):
    """As a user would meet it: the command, with Solara absent, exits 2 with one line."""
    res = _python("""
        from sim.drivers.app import main
        sys.exit(main(["--port", "0"]))
    """, tmp_path, blocked=["solara"])
    assert res.returncode == 2, res.stderr
    _one_error_line(res.stderr, "diplosim-app: error:")


@pytest.mark.parametrize("args, make_conf, missing_part", [([], False, "conf/ folder"),
                                                           ([], True, "conf/config.yaml"),
                                                           (["--info"], False, "scenarios/ folder")])
def test_a_data_home_without_the_data_is_one_line_naming_it(args, make_conf, missing_part, tmp_path):
    """DIPLOSIM_HOME pointing at a folder without conf/ and scenarios/ is refused, not a traceback."""
    home = tmp_path / "home"
    (home / "conf" if make_conf else home).mkdir(parents=True)
    env = {**os.environ, "DIPLOSIM_HOME": str(home)}
    res = subprocess.run([sys.executable, "-c", "import sys; from sim.drivers.cli import main; sys.exit(main(sys.argv[1:]))",
                          *args], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 2, res.stderr
    line = _one_error_line(res.stderr, "diplosim: error:")
    assert f"DIPLOSIM_HOME={home}" in line and f"has no {missing_part}" in line, line


# ---------------------------------------------------------------------------- a fast command line
HEAVY = ["mesa", "pandas", "matplotlib", "pyarrow", "scipy", "networkx"]


@pytest.mark.parametrize("args, exit_code, absent", [
    (["--help"], 0, [*HEAVY, "numpy", "hydra", "omegaconf"]),
    (["run.replicatez=3"], 2, HEAVY),
    (["run.days=-1"], 2, HEAVY),
    (["scenario=no_such_scenario"], 2, HEAVY),
    (["run.design=missing.csv"], 2, HEAVY),
    (["--info"], 0, ["mesa", "pandas", "matplotlib", "pyarrow", "scipy"]),
])
def test_a_command_loads_only_what_it_needs(args, exit_code, absent, tmp_path):
    res = _python(f"""
        from sim.drivers.cli import main
        code = main({args!r})
        loaded = sorted(m for m in {absent!r} if m in sys.modules)
        print("LOADED", loaded)
        sys.exit(code)
    """, tmp_path)
    assert res.returncode == exit_code, res.stderr[-1500:]
    assert "LOADED []" in res.stdout, f"{args} loaded {res.stdout.splitlines()[-1]}"


def test_a_bad_scenario_file_is_refused_before_the_model_loads(tmp_path):
    from tests.helpers import copy_scenario, edit_yaml

    folder = copy_scenario(tmp_path, "broken_scenario")
    edit_yaml(folder, lambda meta: meta["trigger"].update(date="22 April"))
    res = _python(f"""
        from sim.drivers.cli import main
        code = main(["scenario.dir={folder}"])
        print("LOADED", sorted(m for m in {HEAVY!r} if m in sys.modules))
        sys.exit(code)
    """, tmp_path)
    assert res.returncode == 2, res.stderr[-1500:]
    _one_error_line(res.stderr, "diplosim: error:")
    assert "LOADED []" in res.stdout, res.stdout


# ------------------------------------------------------------------------------------- the wheel
@pytest.mark.slow
def test_a_wheel_runs_the_main_job_from_any_directory(tmp_path):
    """Build the wheel, install it into a fresh venv and run a small main job from elsewhere.

    The venv reaches the test environment's third-party libraries through a ``.pth`` line (not
    this checkout: the editable install's finder is not read from there), so what is under test
    is the wheel's own content and how the installed package finds its configs and scenarios.
    ``experiments/benchmark_install.py`` installs the core from the index, dependencies and all.
    """
    wheels = tmp_path / "wheels"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(PROJECT_ROOT)],
                           capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = wheels.glob("diplosim-*.whl")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "test_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps", str(wheel)],
                             capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stderr[-2000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DIPLOSIM_HOME")}
    where = subprocess.run([str(py), "-c", "import sim.inputs.schema as s; print(s.CONF_DIR, s.SCENARIOS_DIR)"],
                           capture_output=True, text=True, cwd=elsewhere, env=env, check=True).stdout.split()
    assert all(Path(p).is_relative_to(site) for p in where), where  # the wheel's copy, not the checkout
    run = subprocess.run([str(env_dir / "bin" / "diplosim"), "run.replicates=300", "run.days=30", "run.name=w",
                          "run.progress=false"], capture_output=True, text=True, cwd=elsewhere, env=env, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    folder = elsewhere / "results" / "w"
    assert (folder / "summary.json").is_file() and (folder / "report.html").is_file(), run.stdout
    meta = json.loads((folder / "metadata.json").read_text())
    assert meta["git"] == {"commit": None, "dirty": None}  # installed code is not a work tree
    info = subprocess.run([str(env_dir / "bin" / "diplosim"), "--info"], capture_output=True, text=True,
                          cwd=elsewhere, env=env, timeout=120)
    assert info.returncode == 0 and "pahalgam_2025" in info.stdout and "hotline_off" in info.stdout, info.stderr
