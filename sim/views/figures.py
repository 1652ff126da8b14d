"""Figures of a run, of a policy comparison and of a sweep: drawn from aggregates, never per replicate.

Every figure function returns a :class:`matplotlib.figure.Figure` (so a test or a notebook can
inspect its axes) and saves nothing; :func:`save_figure` writes it as PNG and SVG. The functions
read only aggregates: the daily shares (``daily.parquet``, one row per day), the summary
(``summary.json``) and, where a figure needs them, per-replicate columns reduced at once to a
few numbers per day (a survival curve is one ``bincount``). Rendering time does not grow with
the number of replicates.

Inputs: a run is an :class:`~sim.ensemble.EnsembleResult`, a results directory on disk (read
from Parquet, JSON and YAML; no pickles) or a :class:`RunData`; :func:`load_run` turns any of
them into a :class:`RunData`.

Readable in greyscale and by colour-blind readers: rungs run from light to dark (ColorBrewer
YlOrRd, monotone in lightness) with hatching on the kinetic rungs; policies take Okabe-Ito colours
together with distinct markers and line styles; affinity uses a diverging ColorBrewer map with
hostile ties dashed; sweeps use cividis.

A figure whose data a run lacks (a ceasefire-broker chart without ceasefires, the observed path
of a scenario that records none) is skipped, or drawn without that layer, with a note; it never
raises out of :func:`plot_run` or the ``diplosim`` command.

API::

    from sim.figures import plot_run, compare_policies
    plot_run("results/my_run", "figs/my_run")                  # the run's figures and report
    compare_policies(["results/base", "results/hotline_off"], "figs/compare")   # forest, differences, ...

Command line::

    python -m sim.figures results/my_run --out figs/my_run
    python -m sim.figures results/base results/hotline_off --out figs/compare
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from sim.core.model import CrisisModel
from sim.inputs.compose import to_container
from sim.inputs.resolve import build_inputs
from sim.inputs.scenario import load_scenario
from sim.stats.intervals import tango_interval, wilson, wilson_arrays
from sim.vocab.outcomes import HEADLINE, outcome

# ----------------------------------------------------------------------------- look and feel
#: Okabe & Ito (2008) colour-blind-safe palette, black last.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")


MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 1)), (0, (8, 2)), (0, (3, 1, 1, 1)))


HATCHES = ("", "//", "..", "xx", "\\\\", "oo", "++", "--")


#: Rungs 0-5, light to dark (ColorBrewer YlOrRd, 6 classes: colour-blind safe, monotone in lightness).
RUNG_COLOURS = ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026")


RUNG_HATCHES = ("", "", "", "///", "xxx", "ooo")


RUNG_SHORT = ("0 no military action", "1 coercion, mobilisation", "2 LoC clashes", "3 cross-border strikes",
              "4 conventional war", "5 nuclear use")


STYLE: dict[str, Any] = {
    "font.size": 9, "axes.titlesize": 10, "axes.labelsize": 9, "legend.fontsize": 8, "xtick.labelsize": 8,
    "ytick.labelsize": 8, "figure.titlesize": 11, "axes.spines.top": False, "axes.spines.right": False,
    "axes.grid": True, "grid.alpha": 0.25, "grid.linewidth": 0.5, "hatch.linewidth": 0.6,
    "legend.frameon": False, "savefig.dpi": 150, "svg.fonttype": "none",
    "svg.hashsalt": "diplosim", "figure.dpi": 100,
}


FORMATS = ("png", "svg")


#: Outcomes of the forest plot: key -> (short label, per-replicate column or None).
PROBABILITY_OUTCOMES: dict[str, tuple[str, str | None]] = {
    "p_strikes": ("strikes (highest rung ≥ 3)", "strikes"),
    "p_war": ("war (highest rung ≥ 4)", "war"),
    "p_nuclear": ("nuclear use (rung 5)", "nuclear"),
    "p_ceasefire": ("ceasefire reached", "ceasefire"),
    "p_ceasefire_holding": ("ceasefire holding at horizon", "ceasefire_holding"),
    "p_accidental_escalation": ("escalation by misperception", "accidental_escalations"),
    "p_third_party_engaged": ("a third party engaged", "third_party_engaged"),
}


DAY_OUTCOMES: dict[str, str] = {
    "median_duration_days": "crisis duration (median)",
    "median_days_to_ceasefire": "days to ceasefire (median, if one)",
    "median_kinetic_days": "kinetic phase (median, if strikes)",
}


class FigureSkipped(Exception):
    """A figure (or a layer of one) cannot be drawn from this run's data; the message is the note."""


def outcome_label(key: str) -> tuple[str, str]:
    """A readable label and the unit of a summary outcome key, e.g. ``("P(war ...)", "probability")``."""


    if key in {o.key for o in HEADLINE}:
        label = outcome(key).label
    elif key.startswith("share_brokered_"):
        label = f"share of ceasefires brokered by {key[len('share_brokered_'):]}"
    elif key.startswith("p_engaged_"):
        label = f"P({key[len('p_engaged_'):]} engaged)"
    elif key.startswith("mean_affinity_change_"):
        tp, _, b = key[len("mean_affinity_change_"):].rpartition("_")
        label = f"mean change in {tp}-{b} affinity"
    else:
        label = key.replace("_", " ")
    if key.startswith(("p_", "share_")):
        unit = "probability" if key.startswith("p_") else "share"
    elif key.endswith("_days") or "days" in key:
        unit = "days"
    elif "affinity" in key:
        unit = "affinity, -1 to 1"
    elif "casualties" in key:
        unit = "deaths"
    elif "per_decade" in key:
        unit = "per decade"
    else:
        unit = "count"
    return label, unit


def _style():
    import matplotlib as mpl

    return mpl.rc_context(STYLE)


def new_figure(width: float, height: float):
    """A Figure on the Agg canvas, outside pyplot (no global state, nothing to close)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with _style():
        fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    fig.diplosim_notes = []  # notes on layers left out (read by plot_run)
    return fig


def _note(fig, text: str) -> None:
    fig.diplosim_notes.append(text)


def _footnote(fig, text: str) -> None:
    """A note under the axes, with room kept for it by the constrained layout."""
    height = fig.get_figheight()
    lines = 1 + len(text) // int(fig.get_figwidth() * 17)
    room = min(0.3, (0.06 + 0.13 * lines) / height)
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        engine.set(rect=(0, room, 1, 1 - room))
    fig.text(0.005, 0.005, text, ha="left", va="bottom", fontsize=7, color="0.35", style="italic",
             transform=fig.transFigure, wrap=True)


def _suptitle(fig, text: str) -> None:
    """A figure title wrapped to the figure's width (the constrained layout keeps room for it)."""
    fig.suptitle(textwrap.fill(text, max(40, int(fig.get_figwidth() * 12.5))))


def _num(v: float, digits: int = 3) -> str:
    """A probability for a label: small non-zero values keep a significant digit."""
    return f"{v:.{digits}f}" if v == 0 or abs(v) >= 10 ** -digits else f"{v:.1g}"


def save_figure(fig, out_dir: str | Path, name: str, formats: Iterable[str] = FORMATS) -> dict[str, Path]:
    """Write a figure as ``out_dir/name.<fmt>`` for each format; returns ``{fmt: path}``.

    SVG text stays text and carries no date, so equal figures give equal files.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    with _style():
        for fmt in formats:
            path = out / f"{name}.{fmt}"
            meta = {"Date": None} if fmt == "svg" else {"Software": "diplosim (matplotlib)"}
            fig.savefig(path, format=fmt, metadata=meta)
            paths[fmt] = path
    return paths


# ----------------------------------------------------------------------------- run data
@dataclass
class RunData:
    """One run's data, as figures need it: from memory or from a results directory.

    Attributes:
        label: The name shown in legends (the policy's name unless given).
        cfg: The composed config as a plain dict.
        summary: ``{outcome: {estimate, ci_low, ci_high, n}}``.
        daily: One row per day (see :class:`~sim.ensemble.EnsembleResult`).
        path: The results directory, if read from disk.
        metadata: ``metadata.json``, if any.
    """

    label: str
    cfg: dict[str, Any]
    summary: dict[str, dict[str, Any]]
    daily: pd.DataFrame
    path: Path | None = None
    metadata: dict[str, Any] | None = None
    _outcomes: pd.DataFrame | None = None
    _scenario: Any = None
    _scenario_error: str | None = None

    @property
    def outcomes(self) -> pd.DataFrame:
        """Per-replicate outcomes (read from ``outcomes.parquet`` on first use)."""
        if self._outcomes is None:
            if self.path is None or not (self.path / "outcomes.parquet").is_file():
                raise FigureSkipped(f"run '{self.label}' has no per-replicate outcomes (outcomes.parquet)")
            self._outcomes = pd.read_parquet(self.path / "outcomes.parquet")
        return self._outcomes

    @property
    def scenario(self):
        """The run's scenario (loaded from its folder), or ``None`` if it cannot be loaded."""
        if self._scenario is None and self._scenario_error is None:


            sc = self.cfg.get("scenario", {})
            try:
                self._scenario = load_scenario(str(sc.get("name", "")), str(sc.get("dir", "") or ""))
            except Exception as exc:  # a run moved to another machine: figures go on without it
                self._scenario_error = f"scenario '{sc.get('name')}' cannot be loaded ({_one_line(exc)})"
        return self._scenario

    @property
    def scenario_name(self) -> str:
        return str(self.cfg.get("scenario", {}).get("name", "?"))

    @property
    def policy(self) -> str:
        return str(self.cfg.get("policy", {}).get("name", "?"))

    @property
    def days(self) -> int:
        return int(self.cfg.get("run", {}).get("days", len(self.daily) - 1))

    @property
    def replicates(self) -> int:
        return int(self.cfg.get("run", {}).get("replicates", 0))

    @property
    def seed(self) -> int | None:
        seed = self.cfg.get("run", {}).get("seed")
        return None if seed is None else int(seed)

    @property
    def belligerents(self) -> list[str]:
        return [m.group(1) for c in self.daily.columns if (m := re.fullmatch(r"share_rung0_(.+)", c))]

    @property
    def third_parties(self) -> list[str]:
        return [k[len("p_engaged_"):] for k in self.summary if k.startswith("p_engaged_")]

    @property
    def broker_names(self) -> list[str]:
        return [k[len("share_brokered_"):] for k in self.summary if k.startswith("share_brokered_")]

    @property
    def title(self) -> str:
        sc = self.scenario
        name = sc.title if sc is not None else self.scenario_name
        return f"{name}, policy {self.policy}"

    @property
    def trigger_date(self) -> dt.date | None:
        sc = self.scenario
        try:
            return dt.date.fromisoformat(str(sc.trigger["date"])) if sc is not None else None
        except (KeyError, ValueError):
            return None

    def day_axis_label(self) -> str:
        d = self.trigger_date
        return f"days since the trigger (day 0 = {d.day} {d:%b %Y})" if d else "days since the trigger"


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def load_run(run: Any, label: str | None = None) -> RunData:
    """A :class:`RunData` from an EnsembleResult, a results directory (str or Path) or a RunData.

    Raises:
        FileNotFoundError: the directory lacks ``summary.json``, ``daily.parquet`` or ``config.yaml``.
    """
    if isinstance(run, RunData):
        if label is not None:
            run.label = label
        return run
    if isinstance(run, (str, Path)):
        import yaml

        path = Path(run)
        missing = [f for f in ("summary.json", "daily.parquet", "config.yaml") if not (path / f).is_file()]
        if not path.is_dir() or missing:
            what = "is not a directory" if not path.is_dir() else f"lacks {', '.join(missing)}"
            raise FileNotFoundError(f"{path}: not a diplosim results directory ({what})")
        cfg = yaml.safe_load((path / "config.yaml").read_text(encoding="utf-8")) or {}
        meta_path = path / "metadata.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else None
        return RunData(label=label or str(cfg.get("policy", {}).get("name", path.name)), cfg=cfg,
                       summary=json.loads((path / "summary.json").read_text(encoding="utf-8")),
                       daily=pd.read_parquet(path / "daily.parquet"), path=path, metadata=meta)
    if hasattr(run, "summary") and hasattr(run, "daily") and hasattr(run, "cfg"):  # an EnsembleResult


        cfg = to_container(run.cfg) if not isinstance(run.cfg, dict) else run.cfg
        return RunData(label=label or str(cfg["policy"]["name"]), cfg=cfg, summary=run.summary,
                       daily=run.daily, _outcomes=run.outcomes)
    raise TypeError(f"cannot read a run from {type(run).__name__}: give an EnsembleResult, a results "
                    f"directory or a RunData")


def load_runs(runs: Sequence[Any], labels: Sequence[str] | None = None) -> list[RunData]:
    """Several runs, with unique legend labels (policy names; scenario or folder added if they clash)."""
    if labels is not None and len(labels) != len(runs):
        raise ValueError(f"labels: {len(labels)} labels for {len(runs)} runs")
    out = [load_run(r, labels[i] if labels else None) for i, r in enumerate(runs)]
    if labels is None:
        names = [r.label for r in out]
        if len(set(names)) < len(names):
            for r in out:
                r.label = f"{r.policy} ({r.scenario_name}, seed {r.seed})"
            names = [r.label for r in out]
            if len(set(names)) < len(names):
                for i, r in enumerate(out):
                    r.label = r.path.name if r.path is not None else f"{r.label} #{i + 1}"
    return out


def ceasefire_survival(day_ceasefire: np.ndarray, days: int) -> pd.DataFrame:
    """Kaplan-Meier share of replicates with no ceasefire yet, by day, with 95% bands.

    A replicate's event is its first ceasefire (``day_ceasefire``, NaN if none); replicates without
    one are censored at the horizon. As every replicate is followed to the horizon (one that ends
    in nuclear use never reaches a ceasefire and stays "no ceasefire yet"), the Kaplan-Meier
    estimate is the share with no ceasefire by the end of day t, and Greenwood's variance is the
    binomial one; the band is that share's Wilson interval, which stays inside [0, 1].

    Returns:
        One row per day 0..days: ``day``, ``at_risk``, ``events``, ``survival``, ``ci_low``, ``ci_high``.
    """
    x = np.asarray(day_ceasefire, dtype=float)
    n = x.size
    ev = x[~np.isnan(x)].astype(np.int64)
    events = np.bincount(np.clip(ev, 0, days), minlength=days + 1)[:days + 1]
    cum = np.cumsum(events)
    at_risk = n - np.concatenate([[0], cum[:-1]])
    _, low, high = wilson_arrays(n - cum, n)
    surv = (n - cum) / n if n else np.full(days + 1, np.nan)
    return pd.DataFrame({"day": np.arange(days + 1), "at_risk": at_risk, "events": events,
                         "survival": surv, "ci_low": low, "ci_high": high})


def rung_quantiles(daily: pd.DataFrame, qs: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95),
                   prefix: str = "share_highest_rung") -> pd.DataFrame:
    """Quantiles, by day, of a rung whose distribution the daily frame gives as shares per rung.

    The q-quantile is the lowest rung k whose cumulative share reaches q (ties to the lower rung).
    """
    shares = daily[[f"{prefix}{k}" for k in range(6)]].to_numpy(dtype=float)
    cdf = np.cumsum(shares, axis=1)
    out = {"day": daily["day"].to_numpy()}
    for q in qs:
        out[f"q{q:g}"] = (cdf < q - 1e-12).sum(axis=1).clip(0, 5)
    out["mean"] = shares @ np.arange(6)
    return pd.DataFrame(out)


def _observed(run: RunData) -> dict[str, Any]:
    sc = run.scenario
    return dict(sc.observed) if sc is not None else {}


def observed_path(run: RunData) -> pd.DataFrame:
    """The observed daily path of a historical scenario (``observed.path`` in scenario.yaml).

    ``observed.path``'s value lists change points, each rung holding until the next entry:
    ``[day, rung of the first belligerent, rung of the second]`` triples (as in
    ``scenarios/pahalgam_2025``), ``[day, rung]`` pairs, ``{day|date: ..., rung: ...}`` or
    ``{day|date: ..., IND: ..., PAK: ...}`` mappings, a mapping ``{day: rung}``, or a plain list of
    rungs by day from day 0. A day may be written as a date (``2025-05-07``), counted from the
    trigger.

    Returns:
        One row per day 0..days: ``day``, ``rung`` (the higher side), ``highest_so_far`` and, where
        the path gives them, ``rung_<belligerent>``. Days before the first entry are NaN.

    Raises:
        FigureSkipped: the scenario records no observed path, or it cannot be read.
    """
    sc = run.scenario
    if sc is None:
        raise FigureSkipped(f"observed path not drawn: {run._scenario_error}")
    if "path" not in sc.observed:
        raise FigureSkipped(f"observed path not drawn: scenario {sc.name} records no observed.path "
                            f"(a daily path of the historical crisis)")
    value = sc.observed["path"]
    start = run.trigger_date
    days = run.days
    bels = list(sc.belligerent_ids)

    def to_day(when: Any) -> int:
        if isinstance(when, dt.date) or (isinstance(when, str) and not when.strip().lstrip("-").isdigit()):
            if start is None:
                raise ValueError("dates need the scenario's trigger.date")
            return (dt.date.fromisoformat(str(when)) - start).days
        if isinstance(when, bool) or float(when) != int(float(when)):
            raise ValueError(f"day {when!r} is not a whole number")
        return int(float(when))

    def rung(v: Any) -> float:
        r = float(v)
        if isinstance(v, bool) or not 0 <= r <= 5:
            raise ValueError(f"rung {v!r} is outside 0-5")
        return r

    def parse() -> list[tuple[int, list[float]]]:
        points: list[tuple[int, list[float]]] = []  # (day, [rung] or [rung b0, rung b1])
        if isinstance(value, Mapping):
            points = [(to_day(k), [rung(v)]) for k, v in value.items()]
        elif isinstance(value, (list, tuple)) and value and all(isinstance(e, (int, float)) and not isinstance(e, bool)
                                                                 for e in value):
            points = [(d, [rung(v)]) for d, v in enumerate(value)]
        elif isinstance(value, (list, tuple)) and value:
            for e in value:
                if isinstance(e, Mapping):
                    when = e.get("day", e.get("date"))
                    if when is None:
                        raise FigureSkipped(f"observed path not drawn: observed.path entry {e!r} has no day or date")
                    if all(b in e for b in bels):
                        points.append((to_day(when), [rung(e[b]) for b in bels]))
                    else:
                        points.append((to_day(when), [rung(e.get("rung", e.get("highest_rung")))]))
                elif isinstance(e, (list, tuple)) and len(e) in (2, 3):
                    points.append((to_day(e[0]), [rung(v) for v in e[1:]]))
                else:
                    raise FigureSkipped(f"observed path not drawn: observed.path entry {e!r} is not [day, rung] "
                                        f"or [day, rung {bels[0]}, rung {bels[1]}]")
        else:
            raise FigureSkipped(f"observed path not drawn: observed.path of scenario {sc.name} is empty or not a list")
        return points

    try:
        points = parse()
    except (ValueError, TypeError) as exc:
        raise FigureSkipped(f"observed path not drawn: observed.path of scenario {sc.name} cannot be read "
                            f"({_one_line(exc)})") from None
    widths = {len(r) for _, r in points}
    if len(widths) != 1:
        raise FigureSkipped(f"observed path not drawn: observed.path of scenario {sc.name} mixes entries with one "
                            f"rung and with one per side")
    points.sort(key=lambda p: p[0])
    width = widths.pop()
    table = np.full((days + 1, width), np.nan)
    for i, (day, rs) in enumerate(points):
        end = points[i + 1][0] if i + 1 < len(points) else days + 1
        lo, hi = max(day, 0), min(end, days + 1)
        if lo < hi:
            table[lo:hi] = rs
    if np.isnan(table).all():
        raise FigureSkipped(f"observed path not drawn: observed.path of scenario {sc.name} has no day within 0-{days}")
    top = np.nanmax(np.where(np.isnan(table), -np.inf, table), axis=1)
    top = np.where(np.isinf(top), np.nan, top)
    out = {"day": np.arange(days + 1), "rung": top, "highest_so_far": pd.Series(top).cummax().to_numpy()}
    if width == 2:
        for j, b in enumerate(bels):
            out[f"rung_{b}"] = table[:, j]
    return pd.DataFrame(out)


def _observed_day(run: RunData, key: str) -> float | None:
    value = _observed(run).get(key)
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _est(summary: Mapping[str, Any], key: str) -> tuple[float, float, float, int] | None:
    e = summary.get(key)
    if not e or e.get("estimate") is None:
        return None
    lo = e["ci_low"] if e.get("ci_low") is not None else math.nan
    hi = e["ci_high"] if e.get("ci_high") is not None else math.nan
    return float(e["estimate"]), float(lo), float(hi), int(e.get("n", 0))


# ----------------------------------------------------------------------------- run figures
def escalation_figure(run: Any) -> Any:
    """Share of replicates at each rung, day by day, per belligerent (stacked areas).

    Each band's thickness on day t is the share of replicates whose side stands on that rung that
    day; the bands of a panel add up to 1. A dotted line marks the observed ceasefire day of a
    historical scenario.
    """
    run = load_run(run)
    bels = run.belligerents
    if not bels:
        raise FigureSkipped("escalation figure: the daily table has no share_rung columns")
    fig = new_figure(4.2 * len(bels) + 1.8, 3.6)
    day = run.daily["day"].to_numpy()
    cf_day = _observed_day(run, "days_to_ceasefire")
    with _style():
        axes = fig.subplots(1, len(bels), sharey=True, squeeze=False)[0]
        for ax, b in zip(axes, bels):
            base = np.zeros(len(day))
            for k in range(6):
                share = run.daily[f"share_rung{k}_{b}"].to_numpy(dtype=float)
                top = base + share
                ax.fill_between(day, base, top, facecolor=RUNG_COLOURS[k], edgecolor="white", linewidth=0.4,
                                hatch=RUNG_HATCHES[k] or None, hatchcolor="0.25", label=RUNG_SHORT[k],
                                gid=f"rung{k}")
                base = top
            if cf_day is not None:
                ax.axvline(cf_day, color="black", linestyle=":", linewidth=1.2,
                           label=f"observed ceasefire (day {cf_day:g})")
            ax.set_xlim(day[0], day[-1])
            ax.set_ylim(0, 1)
            ax.set_title(_actor_name(run, b))
            ax.set_xlabel(run.day_axis_label())
            ax.grid(False)
        axes[0].set_ylabel("share of replicates at each rung")
        handles, labels = axes[0].get_legend_handles_labels()
        order = [5, 4, 3, 2, 1, 0, *range(6, len(handles))]  # the ladder top down, then the observed day
        fig.legend([handles[i] for i in order], [labels[i] for i in order], loc="outside right center",
                   title="rung (that day)")
        _suptitle(fig, f"Escalation over time: {run.title} ({run.replicates:,} replicates)")
    return fig


def _actor_name(run: RunData, actor: str) -> str:
    sc = run.scenario
    if sc is not None and actor in sc.actors:
        return f"{sc.names[sc.actors.index(actor)]} ({actor})"
    return actor


def highest_rung_figure(run: Any) -> Any:
    """Fan chart of the highest rung reached so far (either side), with its exceedance shares.

    Top: the median, 50% and 90% ranges of the highest rung so far across replicates, day by day,
    and its mean; the observed path of a historical scenario (``observed.path``) as a black step
    line, or a note where the scenario records none. Bottom: the share of replicates whose highest
    rung so far is at least 2, 3, 4 and 5 (log scale, so rare war and nuclear use show).
    """
    run = load_run(run)
    q = rung_quantiles(run.daily)
    day = q["day"].to_numpy()
    fig = new_figure(7.5, 6.2)
    with _style():
        ax, ax2 = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
        ax.fill_between(day, q["q0.05"], q["q0.95"], step="post", facecolor="#bdd7e7", edgecolor="#6baed6",
                        linewidth=0.5, label="90% of replicates", gid="band90")
        ax.fill_between(day, q["q0.25"], q["q0.75"], step="post", facecolor="#3182bd", edgecolor="#08519c",
                        linewidth=0.5, hatch="//", label="50% of replicates", gid="band50")
        ax.step(day, q["q0.5"], where="post", color="black", linewidth=1.6, label="median", gid="median")
        ax.plot(day, q["mean"], color=OKABE_ITO[1], linestyle="--", linewidth=1.4, label="mean", gid="mean")
        try:
            obs = observed_path(run)
            ax.step(obs["day"], obs["highest_so_far"], where="post", color="black", linewidth=2.2,
                    linestyle=(0, (1, 1)), marker="o", markersize=3, markevery=max(1, len(obs) // 40),
                    label="observed (highest so far)", gid="observed")
        except FigureSkipped as exc:
            _note(fig, str(exc))
            _footnote(fig, f"Note: {exc}.")
            obs_top = _observed_day(run, "highest_rung")
            if obs_top is not None:
                ax.axhline(obs_top, color="black", linestyle=(0, (1, 1)), linewidth=1.2,
                           label=f"observed highest rung ({obs_top:g})", gid="observed_highest")
        ax.set_ylim(-0.15, 5.3)
        ax.set_yticks(range(6), [s.split(" ", 1)[0] + " " + s.split(" ", 1)[1].split(",")[0] for s in RUNG_SHORT])
        ax.set_ylabel("highest rung so far")
        ax.legend(loc="lower right", ncols=2)
        _suptitle(fig, f"Highest rung reached so far: {run.title} ({run.replicates:,} replicates)")
        for k in range(2, 6):
            share = run.daily[[f"share_highest_rung{j}" for j in range(k, 6)]].sum(axis=1).to_numpy()
            ax2.plot(day, np.where(share > 0, share, np.nan), color=OKABE_ITO[k - 2], linestyle=LINESTYLES[k - 2],
                     linewidth=1.5, label=f"≥ {RUNG_SHORT[k]} ({_share_text(share[-1])} by day {day[-1]})",
                     gid=f"exceed{k}")
        ax2.set_yscale("log")
        ax2.set_ylim(max(0.5 / max(run.replicates, 1), 1e-6), 1.5)
        ax2.set_ylabel("share of replicates\n(log scale)")
        ax2.set_xlabel(run.day_axis_label())
        ax2.set_xlim(day[0], day[-1])
        ax2.legend(loc="lower right", ncols=2, title="highest rung so far")
    return fig


def _share_text(v: float) -> str:
    return "none" if v == 0 else (f"{v:.3f}" if v >= 0.001 else f"{v:.1e}")


def forest_plot(runs: Any, labels: Sequence[str] | None = None) -> Any:
    """Outcome estimates with 95% intervals, one row per outcome, one marker per run (a forest plot).

    Left: probabilities; right: durations in days (medians). Points are the summary's
    estimates, bars its intervals (Wilson for proportions, order statistics for medians).
    """
    runs = load_runs(runs if isinstance(runs, (list, tuple)) else [runs], labels)
    fig = new_figure(9.5, 0.5 + 0.36 * len(PROBABILITY_OUTCOMES) * max(1.0, 0.45 * len(runs) + 0.55))
    k = len(runs)
    offsets = (np.arange(k) - (k - 1) / 2) * (0.7 / max(k, 1)) if k > 1 else np.zeros(1)
    with _style():
        axes = fig.subplots(1, 2, width_ratios=(3, 2))
        for ax, keys, xlabel in ((axes[0], list(PROBABILITY_OUTCOMES), "probability (95% interval)"),
                                 (axes[1], list(DAY_OUTCOMES), "days (95% interval)")):
            rows = np.arange(len(keys))[::-1]
            for i, run in enumerate(runs):
                pts = [(_est(run.summary, key), row) for key, row in zip(keys, rows)]
                pts = [(e, row) for e, row in pts if e is not None]
                if not pts:
                    continue
                x = np.array([e[0] for e, _ in pts])
                lo = np.array([e[1] for e, _ in pts])
                hi = np.array([e[2] for e, _ in pts])
                y = np.array([row for _, row in pts]) + offsets[i]
                ax.errorbar(x, y, xerr=np.vstack([x - lo, hi - x]), fmt=MARKERS[i % len(MARKERS)],
                            color=OKABE_ITO[i % len(OKABE_ITO)], markersize=5, capsize=2.5, linewidth=1.2,
                            label=run.label, gid=f"run{i}")
                if k == 1:
                    for xi, yi, l, h in zip(x, y, lo, hi):
                        text = (f"{_num(xi)} [{_num(l)}, {_num(h)}]" if ax is axes[0]
                                else f"{xi:.0f} [{l:.0f}, {h:.0f}]")
                        ax.annotate(text, (h, yi), xytext=(4, 0),
                                    textcoords="offset points", va="center", fontsize=7, color="0.25")
            names = [PROBABILITY_OUTCOMES[key][0] if key in PROBABILITY_OUTCOMES else DAY_OUTCOMES[key]
                     for key in keys]
            ax.set_yticks(rows, names)
            ax.set_ylim(-0.6, len(keys) - 0.4)
            ax.set_xlabel(xlabel)
            ax.grid(axis="y", visible=False)
        axes[0].set_xlim(-0.02, 1.12 if k == 1 else 1.02)
        axes[1].set_xlim(left=0)
        if k == 1:
            axes[1].set_xlim(0, axes[1].get_xlim()[1] * 1.35)
        axes[0].set_title("Probabilities")
        axes[1].set_title("Durations (medians)")
        if k > 1:
            handles, lbls = axes[0].get_legend_handles_labels()
            fig.legend(handles, lbls, loc="outside lower center", ncols=min(k, 4), title="policy")
        scen = sorted({r.scenario_name for r in runs})
        _suptitle(fig, f"Outcomes with 95% intervals: {', '.join(scen)}"
                  + (f", policy {runs[0].policy} ({runs[0].replicates:,} replicates)" if k == 1 else ""))
    return fig


def pairing(a: RunData, b: RunData) -> tuple[bool, str]:
    """Whether two runs are paired replicate by replicate (common random numbers).

    They are when they share the scenario, seed, replicates, block size, horizon and days: replicate
    i of one then faces the same random draws as replicate i of the other.
    """
    keys = [("scenario", "name"), ("scenario", "dir"), ("run", "seed"), ("run", "replicates"),
            ("run", "block_size"), ("run", "days"), ("run", "horizon")]
    for group, key in keys:
        va, vb = a.cfg.get(group, {}).get(key), b.cfg.get(group, {}).get(key)
        if va != vb:
            return False, f"{group}.{key} differs ({va} vs {vb})"
    return True, "same scenario, seed, replicates and block size"


def _indicator(df: pd.DataFrame, column: str) -> np.ndarray:
    x = df[column].to_numpy()
    return (x > 0).astype(float) if column == "accidental_escalations" else x.astype(float)


def differences(runs: Any, baseline: int | str = 0, labels: Sequence[str] | None = None) -> pd.DataFrame:
    """Differences in each probability outcome between each run and the baseline, with 95% intervals.

    Paired runs (see :func:`pairing`): the difference is the mean of the per-replicate differences
    and its interval Tango's score interval from their counts of +1 and -1 (:func:`tango_interval`),
    which common random numbers make far narrower than an unpaired one. Unpaired runs: Newcombe's
    hybrid score interval from the two Wilson intervals.

    Returns:
        One row per run and outcome: ``label``, ``outcome``, ``difference``, ``ci_low``,
        ``ci_high``, ``paired``, ``unpaired_halfwidth`` (the unpaired interval's half-width, for
        the width ratio), ``n``.
    """


    runs = load_runs(runs if isinstance(runs, (list, tuple)) else [runs], labels)
    b = _baseline_index(runs, baseline)
    base = runs[b]
    rows = []
    for i, run in enumerate(runs):
        if i == b:
            continue
        paired, _ = pairing(run, base)
        try:
            oa, ob = run.outcomes, base.outcomes
        except FigureSkipped:
            oa = ob = None
            paired = False
        if paired and oa is not None:
            oa = oa.sort_values("replicate") if "replicate" in oa else oa
            ob = ob.sort_values("replicate") if "replicate" in ob else ob
            paired = len(oa) == len(ob)
        for key, (_, col) in PROBABILITY_OUTCOMES.items():
            ea, eb = _est(run.summary, key), _est(base.summary, key)
            if ea is None or eb is None:
                continue
            # Newcombe's hybrid score interval for a difference of independent proportions
            na, nb = ea[3], eb[3]
            pa, la, ha = wilson(round(ea[0] * na), na)
            pb, lb, hb = wilson(round(eb[0] * nb), nb)
            diff = pa - pb
            un_lo = diff - math.sqrt((pa - la) ** 2 + (hb - pb) ** 2)
            un_hi = diff + math.sqrt((ha - pa) ** 2 + (pb - lb) ** 2)
            if paired and col is not None and col in oa:
                d = _indicator(oa, col) - _indicator(ob, col)  # per-replicate differences: -1, 0 or 1
                n = d.size
                m, lo, hi = tango_interval(int((d > 0).sum()), int((d < 0).sum()), n)
                is_paired = True
            else:
                m, lo, hi, n, is_paired = diff, un_lo, un_hi, min(na, nb), False
            rows.append({"label": run.label, "baseline": base.label, "outcome": key, "difference": m,
                         "ci_low": lo, "ci_high": hi, "paired": is_paired,
                         "unpaired_halfwidth": (un_hi - un_lo) / 2, "n": n})
    return pd.DataFrame(rows, columns=["label", "baseline", "outcome", "difference", "ci_low", "ci_high",
                                       "paired", "unpaired_halfwidth", "n"])


def _baseline_index(runs: list[RunData], baseline: int | str) -> int:
    if isinstance(baseline, int):
        if not -len(runs) <= baseline < len(runs):
            raise ValueError(f"baseline={baseline}: there are {len(runs)} runs")
        return baseline % len(runs)
    for i, r in enumerate(runs):
        if baseline in (r.label, r.policy):
            return i
    raise ValueError(f"baseline='{baseline}' is none of the runs ({', '.join(r.label for r in runs)})")


def difference_plot(runs: Any, baseline: int | str = 0, labels: Sequence[str] | None = None) -> Any:
    """Each policy's difference from the baseline in every probability outcome, with 95% intervals.

    Filled markers: paired intervals from per-replicate differences (same seed and replicates);
    open markers: unpaired intervals (Newcombe). In percentage points.
    """
    runs = load_runs(runs if isinstance(runs, (list, tuple)) else [runs], labels)
    if len(runs) < 2:
        raise FigureSkipped("differences need two runs or more (one is the baseline)")
    b = _baseline_index(runs, baseline)
    diffs = differences(runs, b)
    others = [r for i, r in enumerate(runs) if i != b]
    keys = list(PROBABILITY_OUTCOMES)
    rows = np.arange(len(keys))[::-1]
    k = len(others)
    offsets = (np.arange(k) - (k - 1) / 2) * (0.7 / k) if k > 1 else np.zeros(1)
    fig = new_figure(7.5, 0.9 + 0.36 * len(keys) * max(1.0, 0.45 * k + 0.55))
    with _style():
        ax = fig.subplots()
        ax.axvline(0, color="black", linewidth=0.8)
        for j, run in enumerate(others):
            i = runs.index(run)
            d = diffs[diffs["label"] == run.label].set_index("outcome").reindex(keys)
            ok = d["difference"].notna().to_numpy()
            x = 100 * d["difference"].to_numpy(dtype=float)[ok]
            lo = 100 * d["ci_low"].to_numpy(dtype=float)[ok]
            hi = 100 * d["ci_high"].to_numpy(dtype=float)[ok]
            paired = bool(d["paired"].fillna(False).to_numpy()[ok].all()) if ok.any() else False
            colour = OKABE_ITO[i % len(OKABE_ITO)]
            ax.errorbar(x, rows[ok] + offsets[j], xerr=np.vstack([x - lo, hi - x]), fmt=MARKERS[i % len(MARKERS)],
                        color=colour, markerfacecolor=colour if paired else "white", markersize=5, capsize=2.5,
                        linewidth=1.2, label=f"{run.label} − {runs[b].label} ({'paired' if paired else 'unpaired'})",
                        gid=f"run{i}")
        ax.set_yticks(rows, [PROBABILITY_OUTCOMES[key][0] for key in keys])
        ax.set_ylim(-0.6, len(keys) - 0.4)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("difference from the baseline (percentage points, 95% interval)")
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=1, title="policy − baseline")
        ax.set_title(f"Differences from {runs[b].label}")
    return fig


def survival_plot(runs: Any, labels: Sequence[str] | None = None) -> Any:
    """Time to ceasefire: the share of replicates with no ceasefire yet, by day, per run, with 95% bands."""
    runs = load_runs(runs if isinstance(runs, (list, tuple)) else [runs], labels)
    fig = new_figure(7.5, 4.4)
    with _style():
        ax = fig.subplots()
        for i, run in enumerate(runs):
            tab = ceasefire_survival(run.outcomes["day_ceasefire"].to_numpy(), run.days)
            colour = OKABE_ITO[i % len(OKABE_ITO)]
            ax.fill_between(tab["day"], tab["ci_low"], tab["ci_high"], step="post", color=colour, alpha=0.22,
                            linewidth=0, gid=f"band{i}")
            ax.step(tab["day"], tab["survival"], where="post", color=colour, linestyle=LINESTYLES[i % len(LINESTYLES)],
                    linewidth=1.6, label=run.label, gid=f"run{i}")
        ax.axhline(0.5, color="0.5", linewidth=0.7, linestyle=":")
        obs = _observed_day(runs[0], "days_to_ceasefire")
        if obs is not None and all(r.scenario_name == runs[0].scenario_name for r in runs):
            ax.axvline(obs, color="black", linestyle=":", linewidth=1.2, label=f"observed ceasefire (day {obs:g})")
        ax.set_ylim(0, 1.02)
        ax.set_xlim(0, max(r.days for r in runs))
        ax.set_xlabel(runs[0].day_axis_label())
        ax.set_ylabel("share of replicates with no ceasefire yet")
        ax.legend(loc="upper right", title="policy (95% band)")
        scen = ", ".join(sorted({r.scenario_name for r in runs}))
        ax.set_title(f"Time to ceasefire: {scen}")
        _footnote(fig, "Kaplan-Meier estimate; replicates without a ceasefire are censored at the horizon "
                       "(those ending in nuclear use never reach one). Bands: Wilson 95%.")
    return fig


def broker_plot(runs: Any, labels: Sequence[str] | None = None) -> Any:
    """Who brokered the ceasefire: among ceasefires, the share agreed through each channel, with 95% intervals."""
    runs = load_runs(runs if isinstance(runs, (list, tuple)) else [runs], labels)
    channels: list[str] = []
    for r in runs:
        channels += [c for c in r.broker_names if c not in channels]
    usable = [r for r in runs if (_est(r.summary, f"share_brokered_{channels[0]}") if channels else None)
              and r.summary[f"share_brokered_{channels[0]}"]["n"] > 0]
    if not channels or not usable:
        raise FigureSkipped("broker figure skipped: no replicate reached a ceasefire")
    fig = new_figure(7.5, 1.2 + 0.3 * len(channels) * max(1, len(runs)) ** 0.6)
    k = len(runs)
    height = 0.8 / k
    rows = np.arange(len(channels))[::-1]
    with _style():
        ax = fig.subplots()
        for i, run in enumerate(runs):
            vals = [_est(run.summary, f"share_brokered_{c}") for c in channels]
            x = np.array([v[0] if v else 0.0 for v in vals])
            lo = np.array([v[1] if v else 0.0 for v in vals])
            hi = np.array([v[2] if v else 0.0 for v in vals])
            n = next((v[3] for v in vals if v), 0)
            y = rows + (k - 1) / 2 * height - i * height
            colour = OKABE_ITO[i % len(OKABE_ITO)]
            ax.barh(y, x, height=height * 0.9, color=colour, alpha=0.85, hatch=HATCHES[i % len(HATCHES)] or None,
                    edgecolor="black", linewidth=0.4, label=f"{run.label} ({n:,} ceasefires)", gid=f"run{i}")
            ax.errorbar(x, y, xerr=np.vstack([x - lo, hi - x]), fmt="none", ecolor="black", capsize=2,
                        linewidth=0.9)
            for xi, yi, h in zip(x, y, hi):
                ax.annotate(f"{xi:.2f}", (h, yi), xytext=(3, 0), textcoords="offset points", va="center",
                            fontsize=7)
        broker = _observed(runs[0]).get("broker")
        names = [("bilateral (hotline)" if c == "bilateral" else _actor_name(runs[0], c)) for c in channels]
        ax.set_yticks(rows, names)
        ax.set_xlim(0, 1.1)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("share of ceasefires agreed through the channel (95% interval)")
        ax.legend(loc="lower right", title="policy")
        ax.set_title("Who brokered the ceasefire" + (f" (observed: {broker})" if broker else ""))
    return fig


# ------------------------------------------------------------------------------ the network
def _positions(sc) -> dict[str, tuple[float, float]]:
    """Stable positions: the belligerents facing each other at the centre, third parties around,
    placed left to right by their baseline lean (affinity with the first belligerent minus the
    second), alternately above and below. Depends on the scenario only, never on a run."""
    b0, b1 = sc.belligerents
    pos = {sc.actors[b0]: (-0.55, 0.0), sc.actors[b1]: (0.55, 0.0)}
    lean = sorted(sc.third_parties, key=lambda i: (-(sc.affinity[i, b0] - sc.affinity[i, b1]), sc.actors[i]))
    n = len(lean)
    for r, i in enumerate(lean):
        x = -1.3 + 2.6 * r / max(n - 1, 1)
        y = (1.0 if r % 2 == 0 else -1.0) * (0.75 + 0.25 * (1 - abs(x) / 1.3))
        pos[sc.actors[i]] = (x, y)
    return pos


def network_matrices(run: Any) -> dict[str, Any]:
    """Affinity and leverage before the crisis and at the horizon (means over replicates).

    Before: the ties as the model starts them for this run's scenario and policy (the scenario's
    affinity; security plus economic leverage times the policy's trade ties, capped at 1), read
    from a one-replicate :class:`~sim.model.CrisisModel` so that they are the model's own. After:
    before plus the mean change of each third party's tie with each belligerent
    (``affinity_change_<TP>_<B>`` and ``leverage_change_<TP>_<B>``); only those ties move in the model.
    """
    run = load_run(run)
    sc = run.scenario
    if sc is None:
        raise FigureSkipped(f"network figure skipped: {run._scenario_error}")
    aff0 = sc.affinity.copy()
    lev0 = np.clip(sc.leverage_security + sc.leverage_economic * float(run.cfg.get("policy", {}).get("trade_ties", 1.0)),
                   0.0, 1.0)
    notes = []
    try:
        from omegaconf import OmegaConf



        model = CrisisModel(build_inputs(OmegaConf.create(run.cfg)), replicates=1, seed=0)
        t, b = np.ix_(list(sc.third_parties), list(sc.belligerents))
        aff0[t, b] = model.aff0
        aff0[b.T, t.T] = model.aff0.T
        lev0[t, b] = model.lev0
    except Exception as exc:  # an old config the model no longer reads: the scenario's ties will do
        notes.append(f"starting ties taken from the scenario files (the model could not be set up: {_one_line(exc)})")
    aff1, lev1 = aff0.copy(), lev0.copy()
    try:
        out = run.outcomes
    except FigureSkipped:
        out = None
    missing_lev = []
    for t in sc.third_parties:
        for b in sc.belligerents:
            tp, bel = sc.actors[t], sc.actors[b]
            e = _est(run.summary, f"mean_affinity_change_{tp}_{bel}")
            if e is not None:
                aff1[t, b] = aff1[b, t] = float(np.clip(aff0[t, b] + e[0], -1, 1))
            col = f"leverage_change_{tp}_{bel}"
            if out is not None and col in out:
                lev1[t, b] = float(np.clip(lev0[t, b] + out[col].mean(), 0, 1))
            else:
                missing_lev.append(col)
    if missing_lev:
        notes.append("leverage at the horizon not recorded in this run (no leverage_change_* columns): "
                     "edges after the crisis keep their starting widths")
    return {"scenario": sc, "affinity_before": aff0, "affinity_after": aff1, "leverage_before": lev0,
            "leverage_after": lev1, "notes": notes}


def _draw_network(ax, sc, pos, aff, lev, norm, cmap, title: str, before: np.ndarray | None = None) -> None:
    g = sc.graph(affinity=aff, leverage=lev)
    pairs: dict[tuple[str, str], dict[str, float]] = {}
    for u, v, data in g.edges(data=True):
        key = tuple(sorted((u, v)))
        e = pairs.setdefault(key, {"affinity": 0.0, "leverage": 0.0})
        if abs(data["affinity"]) > abs(e["affinity"]):
            e["affinity"] = data["affinity"]
        e["leverage"] = max(e["leverage"], data["leverage"])
    for (u, v), e in sorted(pairs.items(), key=lambda kv: abs(kv[1]["affinity"])):
        (x0, y0), (x1, y1) = pos[u], pos[v]
        width = 0.8 + 9.0 * e["leverage"]
        ax.plot([x0, x1], [y0, y1], color=cmap(norm(e["affinity"])), linewidth=width,
                linestyle="--" if e["affinity"] < 0 else "-", solid_capstyle="round", zorder=1,
                gid=f"edge_{u}_{v}")
        if before is not None:
            i, j = sc.actors.index(u), sc.actors.index(v)
            change = aff[i, j] - before[i, j]
            if abs(change) >= 0.005:
                ax.annotate(f"{change:+.2f}", ((x0 + x1) / 2, (y0 + y1) / 2), ha="center", va="center", fontsize=7,
                            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "0.5",
                                  "linewidth": 0.5}, zorder=4)
    for a, (x, y) in pos.items():
        bel = sc.roles[sc.actors.index(a)] == "belligerent"
        ax.scatter([x], [y], s=900 if bel else 620, marker="s" if bel else "o", facecolor="white",
                   edgecolor="black", linewidth=1.4 if bel else 1.0, zorder=2)
        ax.annotate(a, (x, y), ha="center", va="center", fontsize=8, fontweight="bold" if bel else "normal",
                    zorder=3)
    ax.set_xlim(-1.65, 1.65)
    ax.set_ylim(-1.35, 1.35)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title)


def affinity_change_plot(runs: Any, labels: Sequence[str] | None = None, ax=None) -> Any:
    """Mean change, by the horizon, of each third party's affinity with each belligerent, with 95%
    intervals, one marker per run (e.g. the US-India strain of a public mediation offer)."""
    runs = load_runs(runs if isinstance(runs, (list, tuple)) else [runs], labels)
    keys: list[str] = []
    for r in runs:
        keys += [k for k in r.summary if k.startswith("mean_affinity_change_") and k not in keys]
    if not keys:
        raise FigureSkipped("affinity-change figure skipped: the summary has no mean_affinity_change_* entries")
    fig = None
    if ax is None:
        fig = new_figure(6.5, 0.9 + 0.22 * len(keys) * max(1.0, 0.5 * len(runs) + 0.5))
    k = len(runs)
    offsets = (np.arange(k) - (k - 1) / 2) * (0.7 / k) if k > 1 else np.zeros(1)
    rows = np.arange(len(keys))[::-1]
    with _style():
        if ax is None:
            ax = fig.subplots()
        ax.axvline(0, color="black", linewidth=0.8)
        for i, run in enumerate(runs):
            vals = [(_est(run.summary, key), row) for key, row in zip(keys, rows)]
            vals = [(v, row) for v, row in vals if v is not None]
            x = np.array([v[0] for v, _ in vals])
            lo = np.array([v[1] for v, _ in vals])
            hi = np.array([v[2] for v, _ in vals])
            y = np.array([row for _, row in vals]) + offsets[i]
            ax.errorbar(x, y, xerr=np.vstack([x - lo, hi - x]), fmt=MARKERS[i % len(MARKERS)],
                        color=OKABE_ITO[i % len(OKABE_ITO)], markersize=4, capsize=2, linewidth=1.0,
                        label=run.label, gid=f"run{i}")
        names = [re.sub(r"^mean_affinity_change_(.+)_([^_]+)$", r"\1–\2", key) for key in keys]
        ax.set_yticks(rows, names)
        ax.set_ylim(-0.6, len(keys) - 0.4)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("mean change in affinity by the horizon\n(after − before, 95% interval)")
        ax.set_title("Change in ties")
        if k > 1:
            ax.legend(loc="best", title="policy")
    return fig if fig is not None else ax.figure


def network_figure(run: Any) -> Any:
    """The alliance network before the crisis and at the horizon (means over replicates).

    Actors keep the same place in both panels (and in every run of a scenario). Edge colour:
    affinity (blue close, red hostile; hostile ties dashed); edge width: leverage of the third party
    over the belligerent. Right: the mean change in each third-party-belligerent tie with its 95%
    interval.
    """
    import matplotlib as mpl

    run = load_run(run)
    m = network_matrices(run)
    sc = m["scenario"]
    pos = _positions(sc)
    fig = new_figure(13.0, 4.8)
    for n in m["notes"]:
        _note(fig, n)
    cmap = mpl.colormaps["RdBu"]
    norm = mpl.colors.Normalize(-1, 1)
    with _style():
        ax0, ax1, ax2 = fig.subplots(1, 3, width_ratios=(1.1, 1.1, 0.8))
        _draw_network(ax0, sc, pos, m["affinity_before"], m["leverage_before"], norm, cmap, "Before the crisis (day 0)")
        _draw_network(ax1, sc, pos, m["affinity_after"], m["leverage_after"], norm, cmap,
                      f"At the horizon (day {run.days}, mean of {run.replicates:,} replicates;\n"
                      f"labels: change in affinity)", before=m["affinity_before"])
        sm = mpl.cm.ScalarMappable(norm=norm, cmap=cmap)
        cb = fig.colorbar(sm, ax=[ax0, ax1], orientation="horizontal", fraction=0.05, shrink=0.5, aspect=30)
        cb.set_label("affinity (−1 hostile, dashed … +1 close)")
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], color="0.3", linewidth=0.8 + 9.0 * v, label=f"{v:.1f}") for v in (0.0, 0.2, 0.4, 0.6)]
        ax1.legend(handles=handles, title="leverage (width)", loc="upper left", bbox_to_anchor=(1.0, 1.0),
                   fontsize=7, title_fontsize=7, handlelength=2.5)
        try:
            affinity_change_plot([run], ax=ax2)
        except FigureSkipped as exc:
            ax2.axis("off")
            _note(fig, str(exc))
        _suptitle(fig, f"The alliance network: {run.title}")
        if m["notes"]:
            _footnote(fig, "Note: " + "; ".join(m["notes"]) + ".")
    return fig


# ------------------------------------------------------------------------------ sweeps
TIDY_COLUMNS = ("outcome", "estimate", "ci_low", "ci_high", "n")


def _sweep_table(df: pd.DataFrame, outcome: str, keys: Sequence[str], fixed: Mapping[str, Any] | None) -> pd.DataFrame:
    missing = [c for c in (*TIDY_COLUMNS, *keys, *(fixed or {})) if c not in df.columns]
    if missing:
        raise ValueError(f"sweep table lacks column(s) {', '.join(missing)} (columns: {', '.join(map(str, df.columns))})")
    sel = df[df["outcome"] == outcome]
    if sel.empty:
        raise ValueError(f"outcome '{outcome}' is not in the sweep table (outcomes: "
                         f"{', '.join(map(str, sorted(df['outcome'].unique())))})")
    for key, value in (fixed or {}).items():
        sel = sel[sel[key] == value]
        if sel.empty:
            raise ValueError(f"fixed {key}={value!r}: no row of outcome '{outcome}' has that value")
    dup = sel.duplicated(list(keys), keep=False)
    if dup.any():
        other = [c for c in sel.columns if c not in (*TIDY_COLUMNS, *keys) and sel.loc[dup, c].nunique() > 1]
        raise ValueError(f"several rows per point of {', '.join(keys)}: "
                         f"{', '.join(other) or 'other columns'} also vary; choose one with fixed={{...}}")
    return sel


def _ordered(values: pd.Series) -> list[Any]:
    uniq = list(pd.unique(values))
    try:
        return sorted(uniq)
    except TypeError:
        return uniq


def sweep_heatmap(df: pd.DataFrame, x: str, y: str, outcome: str, *, fixed: Mapping[str, Any] | None = None,
                  annotate: bool | None = None, title: str | None = None, cmap: str = "cividis") -> Any:
    """Heatmap of an outcome's estimate over two swept keys.

    Args:
        df: Tidy sweep table, one row per run and outcome, with the swept keys as columns and
            ``outcome, estimate, ci_low, ci_high, n``.
        x, y: The swept keys on the horizontal and vertical axes.
        outcome: The outcome key, e.g. ``"p_war"``.
        fixed: Values of other swept keys to hold (when they vary too).
        annotate: Write the estimate (and its interval, on small grids) in each cell; default on
            grids up to 12 x 12.

    Raises:
        ValueError: a missing column or outcome, or several rows per cell (one line).
    """
    import matplotlib as mpl

    sel = _sweep_table(df, outcome, (x, y), fixed)
    xs, ys = _ordered(sel[x]), _ordered(sel[y])
    grid = sel.pivot(index=y, columns=x, values="estimate").reindex(index=ys, columns=xs)
    lo = sel.pivot(index=y, columns=x, values="ci_low").reindex(index=ys, columns=xs)
    hi = sel.pivot(index=y, columns=x, values="ci_high").reindex(index=ys, columns=xs)
    values = grid.to_numpy(dtype=float)
    label, unit = outcome_label(outcome)
    fig = new_figure(max(4.5, 1.2 + 0.75 * len(xs)), max(3.2, 1.2 + 0.5 * len(ys)))
    annotate = (len(xs) <= 12 and len(ys) <= 12) if annotate is None else annotate
    with _style():
        ax = fig.subplots()
        cm = mpl.colormaps[cmap].with_extremes(bad="0.85")
        mesh = ax.pcolormesh(np.arange(len(xs) + 1) - 0.5, np.arange(len(ys) + 1) - 0.5,
                             np.ma.masked_invalid(values), cmap=cm, shading="flat", gid="heatmap")
        cb = fig.colorbar(mesh, ax=ax)
        cb.set_label(textwrap.fill(f"{label} ({unit})", 34))
        if annotate:
            norm = mesh.norm
            small = len(xs) <= 6 and len(ys) <= 8
            for r in range(len(ys)):
                for c in range(len(xs)):
                    v = values[r, c]
                    if np.isnan(v):
                        ax.text(c, r, "no run", ha="center", va="center", fontsize=7, color="0.3")
                        continue
                    rgb = np.asarray(cm(norm(v))[:3])
                    colour = "black" if rgb @ [0.299, 0.587, 0.114] > 0.5 else "white"
                    fmt = ".3f" if unit in ("probability", "share") else ".1f"
                    text = f"{v:{fmt}}"
                    if small and not np.isnan(lo.iat[r, c]):
                        text += f"\n[{lo.iat[r, c]:{fmt}}, {hi.iat[r, c]:{fmt}}]"
                    ax.text(c, r, text, ha="center", va="center", fontsize=7, color=colour)
        ax.set_xticks(range(len(xs)), [str(v) for v in xs])
        ax.set_yticks(range(len(ys)), [str(v) for v in ys])
        ax.set_xlabel(x)
        ax.set_ylabel(y)
        ax.grid(False)
        held = ", ".join(f"{k}={v}" for k, v in (fixed or {}).items())
        ax.set_title(title or f"{label}" + (f" ({held})" if held else ""))
    return fig


def sweep_lines(df: pd.DataFrame, x: str, outcome: str, *, group: str | None = None,
                fixed: Mapping[str, Any] | None = None, title: str | None = None) -> Any:
    """An outcome's estimate over one swept key, with its 95% interval as a band; one line per
    value of ``group`` (another swept key) if given. Same table as :func:`sweep_heatmap`."""
    sel = _sweep_table(df, outcome, (x,) if group is None else (x, group), fixed)
    xs = _ordered(sel[x])
    numeric = all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) for v in xs)
    label, unit = outcome_label(outcome)
    fig = new_figure(6.5, 4.0)
    groups = [None] if group is None else _ordered(sel[group])
    with _style():
        ax = fig.subplots()
        for i, gv in enumerate(groups):
            part = sel if gv is None else sel[sel[group] == gv]
            part = part.set_index(x).reindex(xs)
            xv = np.asarray(xs, dtype=float) if numeric else np.arange(len(xs))
            colour = OKABE_ITO[i % len(OKABE_ITO)]
            est = part["estimate"].to_numpy(dtype=float)
            ax.fill_between(xv, part["ci_low"].to_numpy(dtype=float), part["ci_high"].to_numpy(dtype=float),
                            color=colour, alpha=0.2, linewidth=0, gid=f"band{i}")
            ax.plot(xv, est, color=colour, marker=MARKERS[i % len(MARKERS)], linestyle=LINESTYLES[i % len(LINESTYLES)],
                    linewidth=1.5, markersize=4, label=None if gv is None else str(gv), gid=f"line{i}")
        if not numeric:
            ax.set_xticks(range(len(xs)), [str(v) for v in xs])
        ax.set_xlabel(x)
        ax.set_ylabel(textwrap.fill(f"{label} ({unit}, 95% band)", 40))
        if unit == "probability":
            ax.set_ylim(bottom=0)
        if group is not None:
            ax.legend(title=group, loc="best")
        held = ", ".join(f"{k}={v}" for k, v in (fixed or {}).items())
        ax.set_title(title or f"{label} over {x}" + (f" ({held})" if held else ""))
    return fig


# ------------------------------------------------------------------------------ writing many
@dataclass
class FigureRecord:
    """A figure written (or skipped): its file stem, title, caption and files."""

    name: str
    title: str
    caption: str
    files: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class FigureSet:
    """What :func:`plot_run` or :func:`compare_policies` produced."""

    figures: dict[str, Any]
    records: list[FigureRecord]
    notes: list[str]
    out_dir: Path | None = None
    report: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0


def swept_keys(df: pd.DataFrame) -> list[str]:
    """The columns of a tidy sweep table that vary across runs (every column but the tidy ones and
    bookkeeping columns such as a run's folder)."""
    skip = {*TIDY_COLUMNS, "run", "run_dir", "path", "label", "seed", "config_hash"}
    return [c for c in df.columns if c not in skip and df[c].nunique(dropna=False) > 1]


def write_sweep_figures(df: pd.DataFrame, out_dir: str | Path, *, keys: Sequence[str] | None = None,
                        outcomes: Sequence[str] | None = None, formats: Sequence[str] = FORMATS) -> FigureSet:
    """The figures of a sweep, for the collect step: per outcome, a line plot with bands over one
    swept key (one line per value of a second key, if any) and a heatmap over two.

    Args:
        df: The tidy sweep table (see :func:`sweep_heatmap`).
        out_dir: Folder for ``<outcome>_lines.<fmt>`` and ``<outcome>_heatmap.<fmt>``.
        keys: The swept keys, first on the x axis (default: the columns that vary, in order).
        outcomes: Outcomes to draw (default: the headline probabilities and medians in the table).

    Returns:
        The figures and notes; a figure that cannot be drawn (e.g. three swept keys varying at once)
        is a note, never an error.
    """
    t0 = time.perf_counter()
    keys = list(keys) if keys is not None else swept_keys(df)
    present = list(pd.unique(df["outcome"])) if "outcome" in df else []
    if outcomes is None:
        outcomes = [k for k in (*PROBABILITY_OUTCOMES, *DAY_OUTCOMES) if k in present]
    out = Path(out_dir)
    figures: dict[str, Any] = {}
    records: list[FigureRecord] = []
    notes: list[str] = []
    if not keys or len(keys) > 2:
        notes.append(f"sweep figures need one or two swept keys; the table varies {len(keys)} "
                     f"({', '.join(keys) or 'none'}): pass keys=[...] and draw the rest with fixed={{...}}")
        return FigureSet(figures, records, notes, out, seconds=time.perf_counter() - t0)
    for outcome in outcomes:
        label = outcome_label(outcome)[0]
        jobs = [(f"{outcome}_lines", f"{label} over {keys[0]}",
                 lambda o=outcome: sweep_lines(df, keys[0], o, group=keys[1] if len(keys) > 1 else None))]
        if len(keys) == 2:
            jobs.append((f"{outcome}_heatmap", f"{label} over {keys[0]} and {keys[1]}",
                         lambda o=outcome: sweep_heatmap(df, keys[0], keys[1], o)))
        for name, title, build in jobs:
            t1 = time.perf_counter()
            try:
                fig = build()
                files = save_figure(fig, out, name, formats)
            except (ValueError, KeyError, TypeError) as exc:
                notes.append(f"{name}: not drawn ({_one_line(exc)})")
                continue
            figures[name] = fig
            records.append(FigureRecord(name, title, f"{label} with 95% intervals.", files, time.perf_counter() - t1))
    return FigureSet(figures, records, notes, out, seconds=time.perf_counter() - t0)
