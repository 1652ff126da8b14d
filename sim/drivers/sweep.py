"""Sweeps: Hydra multirun over any keys, each run a whole vectorised ensemble.

``diplosim -m policy=baseline,hotline_off run.seed=1,2`` expands its arguments with Hydra's own
override grammar and BasicSweeper logic (Cartesian product of comma lists, ``range(...)``,
``choice(...)``, ``glob(...)``; sweeps an experiment config declares under
``hydra.sweeper.params``, with the command line taking precedence). Each combination is one run
of ``run.replicates`` replicates; replicates are never split into jobs of their own.

Every run is composed and checked before any work starts. The runs' blocks then share one
executor, and each run is written, as soon as it is finished, into the sweep directory::

    results/<run.name or TIME_sweep>/
        sweep.json                 manifest: the swept keys, each run's overrides, values and state
        0_policy=baseline/         one complete results directory per run
        1_policy=hotline_off/
        collected.parquet, .csv    tidy table: a row per run and outcome, a column per swept key
        contrasts.parquet, .csv    paired differences against each swept key's first value
        .work/                     finished blocks of unfinished runs (removed at the end)

Restarting an interrupted sweep with the same arguments finds its directory (or give the same
``run.name``), skips the finished runs and resumes the others from their finished blocks.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from sim.inputs.compose import compose_config, explain_hydra_error, sweeper_params
from sim.inputs.errors import ConfigError
from sim.runs.collect import collect, value_text
from sim.runs.ensemble import execute, prepare_run
from sim.runs.manifest import read_manifest, write_manifest
from sim.runs.provenance import config_hash, package_version
from sim.runs.results import ensure_output_dir, write_results
from sim.runs.store import digest
from sim.views.render import draw_run
from sim.views.tables import format_contrast, format_runs, format_table
from sim.vocab.keys import NOT_COMPARED

#: Keys a sweep may not vary: they name its directory or choose its one executor.
#: One directory and one executor per sweep: these keys take one value.
NOT_SWEEPABLE = NOT_COMPARED


@dataclass
class SweepPlan:
    """The runs of a sweep, composed and checked.

    Attributes:
        args: The command-line overrides as given.
        swept: The swept keys (as written, without a ``+``), in order.
        jobs: Each run's full override list.
        values: Each run's value of each swept key (typed where the key is a config value).
        cfgs: Each run's composed config.
    """

    args: list[str]
    swept: list[str]
    jobs: list[list[str]]
    values: list[dict[str, Any]]
    cfgs: list[DictConfig] = field(default_factory=list)

    @property
    def reference(self) -> dict[str, Any]:
        """Each swept key's first value: the reference arm of its contrasts."""
        return {k: self.values[0][k] for k in self.swept} if self.values else {}


def _bare(key: str) -> str:
    return key.lstrip("+~")


def _typed(cfg: DictConfig, key: str, text: str) -> Any:
    """A swept value as the config holds it (1.0, true), or the option name of a config group."""
    try:
        value = OmegaConf.select(cfg, key)
    except Exception:
        value = None
    if value is None or isinstance(value, DictConfig) or OmegaConf.is_list(value):
        return text
    return value


def plan_sweep(args: list[str]) -> SweepPlan:
    """Expand sweep overrides into runs and compose and check every run.

    Raises:
        ConfigError: an override cannot be parsed, a swept key may not be swept, or a run's config
            is invalid (the message names the key, as for a single run).
    """
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException

    parser = OverridesParser.create()
    parsed = []
    for arg in args:
        try:
            parsed.append(parser.parse_override(arg))
        except Exception as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ConfigError(f"cannot read the override '{arg}' ({reason[:80]}): write KEY=VALUE, "
                              f"or KEY=V1,V2,... to sweep") from None
        if not parsed[-1].key_or_group:
            raise ConfigError(f"cannot read the override '{arg}': it has no key; write KEY=VALUE")
    fixed = [o.input_line for o in parsed if not o.is_sweep_override()]
    params = sweeper_params(fixed)
    combined = [f"{k}={v}" for k, v in params.items()] + list(args)
    try:
        overrides = parser.parse_overrides(combined)
        batches = BasicSweeper.split_arguments(overrides, None)
    except HydraException as exc:
        bad = next((o.input_line for o in overrides if o.is_sweep_override() and not o.is_discrete_sweep()), "")
        raise ConfigError(f"{_bare(bad.split('=', 1)[0]) or 'sweep'}: {str(exc).splitlines()[0]} "
                          f"(use a comma list, range(...), choice(...) or glob(...))") from None
    except Exception as exc:
        raise ConfigError(explain_hydra_error(exc, combined)) from None
    swept_elems = []
    for o in overrides:
        if o.is_sweep_override():
            key = o.get_key_element()
            if key not in swept_elems:
                swept_elems.append(key)
    for key in swept_elems:
        bare = _bare(key)
        if any(bare == k or bare.startswith(k + ".") for k in NOT_SWEEPABLE):
            raise ConfigError(f"{bare}: cannot be swept (a sweep has one directory and one executor); "
                              f"give it one value")
    jobs = [list(job) for job in batches[0]]
    cfgs, values = [], []
    for job in jobs:
        cfg = compose_config(job)
        found = {}
        for key in swept_elems:
            text = next(ov.split("=", 1)[1] for ov in job if ov.split("=", 1)[0] == key)
            found[_bare(key)] = _typed(cfg, _bare(key), text)
        cfgs.append(cfg)
        values.append(found)
    return SweepPlan(args=list(args), swept=[_bare(k) for k in swept_elems], jobs=jobs, values=values, cfgs=cfgs)


def run_dir_name(index: int, total: int, values: dict[str, Any]) -> str:
    """``3_policy=hotline_off_run.seed=2``: the run's index and swept values, as a safe folder name."""
    width = len(str(max(total - 1, 0)))
    text = "_".join(f"{k}={value_text(v)}" for k, v in values.items())
    text = re.sub(r"[^A-Za-z0-9._=,+-]+", "-", text).strip("-")[:100]
    return f"{index:0{width}d}" + (f"_{text}" if text else "")


def locate(cfg0: DictConfig, key: str, started: dt.datetime) -> tuple[Path, dict[str, Any] | None]:
    """The sweep directory and, when resuming, its manifest.

    A named sweep (``run.name``) resumes its directory if that holds the same unfinished sweep; an
    unnamed one resumes the newest unfinished sweep with the same key in ``run.output_dir``.

    Raises:
        ConfigError: the named directory holds something else, or a finished sweep.
    """
    base = Path(str(cfg0.run.output_dir))
    if not base.is_absolute():
        base = Path.cwd() / base
    name = str(cfg0.run.name)
    if name:
        folder = base / name
        if folder.exists():
            manifest = read_manifest(folder)
            if manifest is None or manifest.get("sweep_key") != key:
                raise ConfigError(f"run.name: {folder} exists already and holds another run or sweep; "
                                  f"choose another run.name")
            if manifest.get("status") == "complete":
                raise ConfigError(f"run.name: the sweep in {folder} is complete already; choose another run.name")
            return folder, manifest
        return folder, None
    if base.is_dir():
        candidates = []
        for entry in base.iterdir():
            if entry.is_dir() and not entry.name.startswith("."):
                manifest = read_manifest(entry)
                if manifest and manifest.get("sweep_key") == key and manifest.get("status") != "complete":
                    candidates.append((manifest.get("created", ""), entry, manifest))
        if candidates:
            _, folder, manifest = max(candidates, key=lambda c: (c[0], str(c[1])))
            return folder, manifest
    stem = f"{started.strftime('%Y-%m-%dT%H-%M-%S')}_sweep"
    folder, n = base / stem, 1
    while folder.exists():
        n += 1
        folder = base / f"{stem}{n}"
    return folder, None


def run_sweep(args: list[str], *, argv: list[str] | None = None, out=None, err=None) -> Path:
    """Plan, check and run a sweep; write its directory; print its tables. Returns the directory."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err

    started = dt.datetime.now(dt.timezone.utc)
    plan = plan_sweep(args)
    cfg0 = plan.cfgs[0]
    # Checks of every run (scenario, policy, design) before any work; the work keys name the sweep.
    probe = [prepare_run(cfg, work_dir=None) for cfg in plan.cfgs]
    key = digest({"runs": [p.work_key for p in probe], "swept": plan.swept})
    folder, manifest = locate(cfg0, key, started)
    names = [run_dir_name(i, len(plan.jobs), v) for i, v in enumerate(plan.values)]
    if manifest is None:
        manifest = {"diplosim": package_version(), "sweep_key": key, "created": started.isoformat(timespec="seconds"),
                    "command": argv if argv is not None else sys.argv, "arguments": plan.args,
                    "swept": plan.swept, "reference": plan.reference, "status": "running",
                    "runs": [{"index": i, "dir": names[i], "overrides": plan.jobs[i], "values": plan.values[i],
                              "config_hash": config_hash(plan.cfgs[i]), "work_key": probe[i].work_key,
                              "status": "pending"} for i in range(len(plan.jobs))]}
        resumed = False
    else:
        resumed = True
    ensure_output_dir(folder)
    write_manifest(folder / "sweep.json", manifest)
    work_root = Path(str(cfg0.run.work_dir)) if str(cfg0.run.work_dir) else folder / ".work"
    todo = []
    for i, entry in enumerate(manifest["runs"]):
        meta_file = folder / entry["dir"] / "metadata.json"
        if meta_file.is_file():  # written (perhaps just before an interruption kept the manifest behind)
            written_key = (json.loads(meta_file.read_text()).get("execution") or {}).get("work_key")
            if written_key != entry["work_key"]:
                raise ConfigError(f"run.name: {meta_file.parent} holds another run than the sweep planned; "
                                  f"choose another run.name")
            entry["status"] = "done"
            continue
        todo.append(i)
    write_manifest(folder / "sweep.json", manifest)
    specs = [prepare_run(plan.cfgs[i], work_dir=work_root, label=names[i]) for i in todo]
    for spec in specs:
        spec.store.acquire()  # refuses the same sweep while another run of it is going on
    run = cfg0.run
    print(f"diplosim {package_version()}: sweep of {len(plan.jobs)} runs over {', '.join(plan.swept) or 'no key'}"
          f" ({run.replicates:,} replicates x {run.days} days each, {run.executor} executor) into {folder}"
          + (f"; resuming, {len(plan.jobs) - len(todo)} runs done" if resumed else ""), file=err)

    notes: list[str] = []

    def written(j: int, result) -> None:
        i = todo[j]
        entry = manifest["runs"][i]
        result.execution["sweep"] = {"dir": str(folder), "index": i, "overrides": plan.jobs[i],
                                     "values": plan.values[i]}
        write_results(result, started, out_dir=folder, name=entry["dir"], argv=argv, notes=notes,
                      draw=draw_run if result.cfg.run.get("figures", True) else None)
        specs[j].store.remove()
        entry["status"] = "done"
        write_manifest(folder / "sweep.json", manifest)

    try:
        if specs:
            execute(specs, on_result=written, desc="sweep")
    finally:
        for spec in specs:
            spec.store.release()
    manifest["status"] = "complete"
    manifest["finished"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    write_manifest(folder / "sweep.json", manifest)
    try:
        work_root.rmdir()
    except OSError:
        pass
    tables = collect(folder)
    print(format_runs(tables["collected"], plan.swept), file=out)
    contrasts = tables.get("contrasts")
    if contrasts is not None and len(contrasts):
        headline = ("p_strikes", "p_war", "p_ceasefire", "p_ceasefire_holding", "mean_duration_days",
                    "mean_casualties")
        for (_, group) in contrasts.groupby("contrast", sort=False):
            first = group.iloc[0]
            print(format_contrast(group, f"Paired contrast {first['contrast']} (same seeds, n = {first['n']:,}):",
                                  headline), file=out)
    if len(plan.jobs) == 1:
        summary = json.loads((folder / names[0] / "summary.json").read_text())
        print(format_table(summary, f"{names[0]}:"), file=out)
    print(f"Results: {folder}", file=out)
    for note in dict.fromkeys(notes):
        print(f"diplosim: note: {note}", file=err)
    return folder

