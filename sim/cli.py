"""The ``diplosim`` command: compose a config from Hydra overrides, run the ensemble, report.

    diplosim                                   # 10,000 replicates of the 2025 crisis, baseline policy
    diplosim policy=hotline_off run.replicates=50000
    diplosim --cfg policy=gulf_facilitation    # print the composed config and stop
    diplosim --info                            # list scenarios and policies

Bad input ends with one line ``diplosim: error: ...`` on stderr and exit code 2; Ctrl-C ends with
exit code 130. Neither leaves a results directory behind.
"""

from __future__ import annotations

import datetime as dt
import sys
from importlib import metadata

from .errors import DiplosimError

USAGE = """usage: diplosim [--help] [--version] [--info] [--cfg] [KEY=VALUE ...]

Run an ensemble of the crisis model and write a results directory under results/.
Every argument KEY=VALUE is a Hydra override, e.g.
  diplosim policy=hotline_off run.replicates=50000 run.seed=7
  diplosim scenario=pahalgam_2025 policy=us_public_mediation run.executor=processes run.workers=2
Config groups: scenario, policy, run, params (see conf/ and `diplosim --info`).

options:
  --help     show this message and exit
  --version  print the version and exit
  --info     list the scenarios and policies, one line each, and exit
  --cfg      print the composed config and exit (nothing is run)
"""


def _version() -> str:
    try:
        return metadata.version("diplosim")
    except metadata.PackageNotFoundError:
        return "unknown"


def _info() -> str:
    from omegaconf import OmegaConf

    from .config import CONF_DIR, available
    from .scenario import list_scenarios, load_scenario

    lines = ["Scenarios (scenario=NAME):"]
    for name in list_scenarios():
        try:
            lines.append(f"  {name:24s} {load_scenario(name).title}")
        except DiplosimError as exc:
            lines.append(f"  {name:24s} (cannot be loaded: {exc})")
    lines.append("Policies (policy=NAME):")
    for name in available("policy"):
        node = OmegaConf.load(CONF_DIR / "policy" / f"{name}.yaml")
        lines.append(f"  {name:24s} {node.get('description', '')}")
    return "\n".join(lines)


def format_table(summary: dict, title: str) -> str:
    """The headline outcomes as a plain-text table with 95% intervals."""
    from .outcomes import HEADLINE

    rows = [title, f"{'outcome':52s} {'estimate':>9s}  {'95% CI':>19s} {'n':>8s}"]
    for key, label in HEADLINE.items():
        e = summary.get(key)
        if e is None:
            continue  # not an outcome of this horizon
        if e["estimate"] is None:
            rows.append(f"{label:52s} {'—':>9s}  {'':>19s} {e['n'] if e else 0:>8d}")
            continue
        digits = 3 if key.startswith("p_") else 1
        ci = f"[{e['ci_low']:.{digits}f}, {e['ci_high']:.{digits}f}]"
        rows.append(f"{label:52s} {e['estimate']:>9.{digits}f}  {ci:>19s} {e['n']:>8d}")
    brokers = [(k[len("share_brokered_"):], v) for k, v in summary.items() if k.startswith("share_brokered_")]
    shares = ", ".join(f"{name} {v['estimate']:.2f}" for name, v in brokers if v["estimate"])
    if shares:
        rows.append(f"Ceasefires brokered by: {shares}")
    return "\n".join(rows)


def format_calibration(summary: dict) -> str:
    from .outcomes import calibration_checks

    lines = ["Calibration targets (MODEL.md §8, post-1998 crisis with both sides nuclear):"]
    for text, ok, detail in calibration_checks(summary):
        lines.append(f"  [{'ok' if ok else 'MISS'}] {text}: {detail}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``diplosim`` command; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    flags = [a for a in args if a.startswith("--")]
    overrides = [a for a in args if not a.startswith("--")]
    known = {"--help", "--version", "--info", "--cfg"}
    try:
        for f in flags:
            if f not in known:
                raise DiplosimError(f"unknown option {f} (options: {', '.join(sorted(known))}; "
                                    f"settings are KEY=VALUE overrides)")
        if "--help" in flags:
            print(USAGE)
            return 0
        if "--version" in flags:
            print(f"diplosim {_version()}")
            return 0
        if "--info" in flags:
            print(_info())
            return 0
        return _run(overrides, show_cfg="--cfg" in flags)
    except DiplosimError as exc:
        print(f"diplosim: error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("diplosim: interrupted; no results were written", file=sys.stderr)
        return 130


def _run(overrides: list[str], show_cfg: bool) -> int:
    from omegaconf import OmegaConf

    from .config import compose_config
    from .ensemble import run_ensemble
    from .model import build_inputs
    from .results import destination, write_results

    started = dt.datetime.now(dt.timezone.utc)
    cfg = compose_config(overrides)
    if show_cfg:
        print(OmegaConf.to_yaml(cfg), end="")
        return 0
    # Check the scenario, the policy and the results directory before printing or running anything,
    # so that bad input gives one line on stderr and wastes no work.
    build_inputs(cfg)
    destination(cfg, started)
    run = cfg.run
    print(f"diplosim {_version()}: scenario {cfg.scenario.name}, policy {cfg.policy.name}, "
          f"{run.horizon} horizon: {run.replicates:,} replicates x {run.days} days, seed {run.seed}, "
          f"{run.executor} executor", file=sys.stderr)
    result = run_ensemble(cfg)
    path = write_results(result, started, argv=["diplosim", *overrides])
    title = (f"{cfg.scenario.name} / {cfg.policy.name}: {result.finished:,} replicates x {run.days} days "
             f"({result.timings['simulate_s']:.2f} s, {result.timings['replicate_days_per_s']:,.0f} replicate-days/s)")
    print(format_table(result.summary, title))
    if run.horizon == "crisis":
        print(format_calibration(result.summary))
    print(f"Results: {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
