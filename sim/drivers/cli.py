"""The ``diplosim`` command: compose a config from Hydra overrides, run the ensemble, report.

    diplosim                                   # 10,000 replicates of the 2025 crisis, baseline policy
    diplosim policy=hotline_off run.replicates=50000
    diplosim --cfg policy=gulf_facilitation    # print the composed config and stop
    diplosim --info                            # list scenarios, policies and experiments
    diplosim -m policy=baseline,hotline_off    # a sweep: one run per combination (sim/drivers/sweep.py)
    diplosim collect results/<sweep>           # a sweep as one tidy table (sim/runs/collect.py)
    diplosim figures results/<run> --out figs  # figures and report of existing results directories

Bad input ends with one line ``diplosim: error: ...`` on stderr and exit code 2; Ctrl-C ends with
exit code 130, and a run that could not finish every block with exit code 1. None of them leaves
a results directory behind; finished blocks are kept, and the same command resumes from them.
"""

from __future__ import annotations

import datetime as dt
import sys

# Only the error types load with the command: everything else is imported by the path that needs
# it, so that --help answers at once and a bad input is refused before Mesa, pandas or matplotlib
# load (experiments/benchmark_cli.py measures both).
from sim.inputs.errors import DiplosimError, RunIncomplete, RunInterrupted

USAGE = """usage: diplosim [--help] [--version] [--info] [--cfg] [-m] [--job-script] [KEY=VALUE ...]
       diplosim collect [--out DIR] FOLDER
       diplosim figures RUN_DIR [RUN_DIR ...] --out DIR [--baseline NAME] [--format png,svg]

Run an ensemble of the crisis model and write a results directory under results/.
Every argument KEY=VALUE is a Hydra override, e.g.
  diplosim policy=hotline_off run.replicates=50000 run.seed=7
  diplosim scenario=pahalgam_2025 policy=us_public_mediation run.executor=processes run.workers=2
  diplosim run.executor=dask run.workers=2                 # a dask LocalCluster on this machine
  diplosim -m policy=baseline,hotline_off run.replicates=20000   # a sweep, paired on the same seeds
  diplosim -m experiment=hotline_cbm                       # a sweep declared in conf/experiment/
  diplosim collect results/<sweep>                         # tidy table of a sweep (Parquet, CSV)
  diplosim figures results/a results/b --out figs/compare  # figures and report of existing runs
Config groups: scenario, policy, run, params, cluster, experiment (see conf/ and `diplosim --info`).
An interrupted run or sweep restarted with the same arguments resumes from its finished blocks.

options:
  --help, -h        show this message and exit
  --version         print the version and exit
  --info            list the scenarios, policies and experiments, one line each, and exit
  --cfg             print the composed config (with -m: the runs of the sweep) and exit
  -m, --multirun    sweep: one run per combination of comma-separated values (Hydra syntax)
  --job-script      print the SLURM job script of cluster=slurm and exit (nothing is submitted)
"""


def _info() -> str:
    from omegaconf import OmegaConf

    from sim.inputs.compose import available
    from sim.inputs.scenario import list_scenarios, load_scenario
    from sim.inputs.schema import data_dir

    lines = ["Scenarios (scenario=NAME):"]
    for name in list_scenarios():
        try:
            lines.append(f"  {name:24s} {load_scenario(name).title}")
        except DiplosimError as exc:
            lines.append(f"  {name:24s} (cannot be loaded: {exc})")
    lines.append("Policies (policy=NAME):")
    for name in available("policy"):
        node = OmegaConf.load(data_dir("conf") / "policy" / f"{name}.yaml")
        lines.append(f"  {name:24s} {node.get('description', '')}")
    lines.append("Experiments (diplosim -m experiment=NAME):")
    for name in available("experiment"):
        text = (data_dir("conf") / "experiment" / f"{name}.yaml").read_text(encoding="utf-8")
        first = next((ln.lstrip("# ").strip() for ln in text.splitlines()
                      if ln.startswith("#") and "@package" not in ln), "")
        lines.append(f"  {name:24s} {first}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``diplosim`` command; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "collect":
        from sim.drivers.collect import main as collect_main

        return collect_main(args[1:])
    if args and args[0] == "figures":
        from sim.drivers.figures import main as figures_main

        return figures_main(args[1:])
    flags = [a for a in args if a.startswith("-")]
    overrides = [a for a in args if not a.startswith("-")]
    known = {"--help", "-h", "--version", "--info", "--cfg", "-m", "--multirun", "--job-script"}

    try:
        for f in flags:
            if f not in known:
                raise DiplosimError(f"unknown option {f} (options: {', '.join(sorted(known))}; "
                                    f"settings are KEY=VALUE overrides)")
        if "--help" in flags or "-h" in flags:
            print(USAGE)
            return 0
        if "--version" in flags:
            from sim.runs.provenance import package_version

            print(f"diplosim {package_version()}")
            return 0
        if "--info" in flags:
            print(_info())
            return 0
        if "--job-script" in flags:
            return _job_script(overrides)
        if "-m" in flags or "--multirun" in flags:
            return _sweep(overrides, show_cfg="--cfg" in flags)
        return _run(overrides, show_cfg="--cfg" in flags)
    except DiplosimError as exc:
        print(f"diplosim: error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    except RunIncomplete as exc:
        print(f"diplosim: error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    except RunInterrupted as exc:
        print(f"diplosim: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("diplosim: interrupted; no results were written", file=sys.stderr)
        return 130


def _run(overrides: list[str], show_cfg: bool) -> int:
    from omegaconf import OmegaConf

    from sim.inputs.compose import compose_config

    started = dt.datetime.now(dt.timezone.utc)
    cfg = compose_config(overrides)
    if show_cfg:
        print(OmegaConf.to_yaml(cfg), end="")
        return 0
    _refuse_sweep(cfg, overrides)
    from sim.inputs.design import load_design
    from sim.inputs.resolve import build_inputs
    from sim.runs.results import destination, work_root, write_results

    # Check the scenario, the policy, any design and the results directory before printing or
    # running anything, so that bad input gives one line on stderr and wastes no work; and before
    # the model's libraries load, so that it does so in well under a second.
    inputs, design = build_inputs(cfg), load_design(cfg)
    destination(cfg, started)
    from sim.runs.ensemble import execute, prepare_run
    from sim.runs.provenance import package_version
    from sim.views.render import draw_run
    from sim.views.tables import format_calibration, format_table

    spec = prepare_run(cfg, work_dir=work_root(cfg), inputs=inputs, design=design)
    spec.store.acquire()  # refuses the same config while another run of it is going on
    for note in spec.inputs.notes:  # the run's inputs, built once by prepare_run
        print(f"diplosim: note: {note}", file=sys.stderr)
    run = cfg.run
    done = len(spec.store.done())
    print(f"diplosim {package_version()}: scenario {cfg.scenario.name}, policy {cfg.policy.name}, "
          f"{run.horizon} horizon: {run.replicates:,} replicates x {run.days} days, seed {run.seed}, "
          f"{run.executor} executor" + (f"; resuming, {done} of {len(spec.tasks)} blocks done" if done else ""),
          file=sys.stderr)
    try:
        result = execute([spec])[0]
        notes: list[str] = []
        path = write_results(result, started, argv=["diplosim", *overrides], notes=notes,
                             draw=draw_run if cfg.run.get("figures", True) else None)
    except BaseException:
        spec.store.release()  # the finished blocks stay for a restart
        raise
    spec.store.remove()  # the finished blocks are in the results directory now
    title = (f"{cfg.scenario.name} / {cfg.policy.name}: {result.finished:,} replicates x {run.days} days "
             f"({result.timings['simulate_s']:.2f} s, {result.timings['replicate_days_per_s']:,.0f} replicate-days/s)")
    print(format_table(result.summary, title))
    inputs = spec.inputs
    if run.horizon == "crisis" and inputs.nuclear and inputs.scenario.trigger["date"] >= "2016":
        print(format_calibration(result.summary))  # the §8 bands are those of post-2016 nuclear crises
    print(f"Results: {path}")
    if (path / "report.html").is_file():
        print(f"Report: {path / 'report.html'} (figures in {path / 'figures'})")
    for note in notes:
        print(f"diplosim: note: {note}", file=sys.stderr)
    return 0


def _refuse_sweep(cfg, overrides: list[str]) -> None:
    """A sweep asked for without -m (a comma list, or an experiment declaring one) is an error."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    from sim.inputs.compose import sweeper_params

    for o in OverridesParser.create().parse_overrides(overrides):
        if o.is_sweep_override():  # compose_config already refused it; kept for clarity
            raise DiplosimError(f"{o.get_key_element()}: several values need -m (a sweep)")
    # Only an experiment config (or a hydra.* override) can declare hydra.sweeper.params: compose
    # the Hydra node, a second composition, only then, not for every run.
    declares = any(o.lstrip("+~").startswith(("experiment=", "hydra.")) for o in overrides)
    params = sweeper_params(overrides) if declares else {}
    if params:
        name = next((o for o in overrides if o.lstrip("+").startswith("experiment=")), "this config")
        raise DiplosimError(f"{name} declares a sweep over {', '.join(params)}: run it with -m, "
                            f"e.g. diplosim -m {' '.join(overrides)}")


def _sweep(overrides: list[str], show_cfg: bool) -> int:
    from sim.drivers.sweep import plan_sweep, run_sweep

    if show_cfg:
        plan = plan_sweep(overrides)
        print(f"# {len(plan.jobs)} runs, swept keys: {', '.join(plan.swept) or 'none'}")
        for i, job in enumerate(plan.jobs):
            print(f"{i}: {' '.join(job)}")
        return 0
    run_sweep(overrides, argv=["diplosim", "-m", *overrides])
    return 0


def _job_script(overrides: list[str]) -> int:
    """Print the batch script dask-jobqueue would submit for ``cluster=slurm``."""
    from sim.inputs.compose import compose_config
    from sim.runs.executors import make_slurm_cluster

    cfg = compose_config(overrides)
    if cfg.cluster.kind != "slurm":
        raise DiplosimError("cluster: --job-script needs cluster=slurm (and run.executor=dask)")
    cluster = make_slurm_cluster(cfg)
    try:
        print(cluster.job_script())
    finally:
        cluster.close()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

