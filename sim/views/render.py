"""The render pipeline: a run's or a comparison's figures and report, drawn and written together.

:func:`plot_run` draws every figure of :data:`RUN_FIGURES` and writes the report beside them;
:func:`compare_policies` does the same for several runs with :data:`COMPARE_FIGURES`. A figure
whose data a run lacks is skipped with a note; a figure that fails becomes a note too, and never
raises out of the pipeline. :func:`draw_run` is the drawing step a driver hands to
:func:`sim.runs.results.write_results`, which writes data only and calls it inside its atomic
write (so the figures land in the results directory before it is renamed into place).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from sim.inputs.errors import one_line
from sim.runs.reader import MissingData, RunData, load_run, load_runs
from sim.views.figures.common import baseline_index
from sim.views.figures.network import affinity_change_plot, network_figure
from sim.views.figures.outcomes import broker_plot, difference_plot, forest_plot
from sim.views.figures.run import escalation_figure, highest_rung_figure
from sim.views.figures.survival import survival_plot
from sim.views.report import write_comparison_report, write_run_report
from sim.views.style import FORMATS, FigureRecord, FigureSet, save_figure

RUN_FIGURES: list[tuple[str, str, Callable[[RunData], Any], str]] = [
    ("escalation", "Escalation over time", escalation_figure,
     "Share of replicates at each rung of the ladder, day by day, for each side. The bands of a "
     "panel add up to 1; hatched bands are the kinetic rungs (strikes, war, nuclear use)."),
    ("highest_rung", "Highest rung reached so far", highest_rung_figure,
     "Top: the median and the ranges holding 50% and 90% of replicates of the highest rung either side "
     "has reached so far, with the mean; the observed path where the scenario records one. Bottom: the "
     "share of replicates that have reached each rung or higher (log scale)."),
    ("outcomes", "Outcomes with 95% intervals", forest_plot,
     "Each outcome's estimate with its 95% interval: Wilson intervals for probabilities, "
     "distribution-free order-statistic intervals for medians (a dotted line across the panel where too few "
     "values bound none)."),
    ("ceasefire_survival", "Time to ceasefire", survival_plot,
     "Share of replicates with no ceasefire yet, by day (Kaplan-Meier; replicates without a ceasefire "
     "are censored at the horizon), with its 95% band. It crosses the dotted line at the median."),
    ("brokers", "Who brokered the ceasefire", broker_plot,
     "Among replicates that reached a ceasefire, the share agreed on the bilateral hotline or through each "
     "third party's facilitation or mediation, with 95% intervals."),
    ("network", "The alliance network before and after", network_figure,
     "Actors in fixed places; edge colour is affinity (dashed if hostile), edge width the third party's "
     "leverage over the belligerent. Left: the scenario's starting network; middle: the mean over "
     "replicates at the horizon; right: the mean change in each tie with its 95% interval."),
]


COMPARE_FIGURES: list[tuple[str, str, Callable[..., Any], str]] = [
    ("outcomes", "Outcomes by policy", forest_plot,
     "Each outcome's estimate and 95% interval for each policy side by side."),
    ("differences", "Differences from the baseline", difference_plot,
     "Each policy's difference from the baseline in percentage points with its 95% interval. Runs that "
     "share scenario, seed and replicates are paired replicate by replicate (common random numbers; filled "
     "markers): their interval comes from the per-replicate differences. Others (open markers) get "
     "Newcombe's unpaired interval."),
    ("ceasefire_survival", "Time to ceasefire by policy", survival_plot,
     "Share of replicates with no ceasefire yet, by day, for each policy, with 95% bands."),
    ("brokers", "Who brokered the ceasefire, by policy", broker_plot,
     "Among ceasefires, the share agreed through each channel, for each policy."),
    ("affinity_change", "Change in ties, by policy", affinity_change_plot,
     "Mean change by the horizon of each third party's affinity with each belligerent, for each policy."),
]


def _render(specs, arg, out_dir: Path | None, formats: Sequence[str], fig_dir_name: str = "figures",
            strict: bool = False) -> tuple[dict[str, Any], list[FigureRecord], list[str]]:
    figures: dict[str, Any] = {}
    records: list[FigureRecord] = []
    notes: list[str] = []
    for name, title, fn, caption in specs:
        t0 = time.perf_counter()
        try:
            fig = fn(arg)
        except MissingData as exc:  # FigureSkipped too: the data this figure needs are not in the run
            notes.append(f"{name}: {exc}")
            continue
        except Exception as exc:  # a failing figure is a note, never a lost run
            if strict:
                raise
            notes.append(f"{name}: not drawn ({type(exc).__name__}: {one_line(exc)})")
            continue
        notes += [f"{name}: {n}" for n in getattr(fig, "diplosim_notes", [])]
        rec = FigureRecord(name, title, caption)
        if out_dir is not None:
            try:
                rec.files = save_figure(fig, out_dir / fig_dir_name, name, formats)
            except Exception as exc:
                if strict:
                    raise
                notes.append(f"{name}: not saved ({type(exc).__name__}: {one_line(exc)})")
                continue
        rec.seconds = time.perf_counter() - t0
        figures[name] = fig
        records.append(rec)
    return figures, records, notes


def _out_dir(out_dir: str | Path | None, overwrite: bool) -> Path | None:
    if out_dir is None:
        return None
    out = Path(out_dir)
    if not overwrite and out.exists() and any((out / n).exists() for n in ("figures", "report.md", "report.html")):
        raise FileExistsError(f"{out}: holds figures or a report already; choose another folder or pass overwrite=True")
    out.mkdir(parents=True, exist_ok=True)
    return out


def plot_run(run: Any, out_dir: str | Path | None = None, *, formats: Sequence[str] = FORMATS,
             report: bool = True, metadata: Mapping[str, Any] | None = None, label: str | None = None,
             overwrite: bool = False, strict: bool = False) -> FigureSet:
    """All figures of one run, and (with ``out_dir``) its files and report.

    Args:
        run: An EnsembleResult, a results directory or a RunData.
        out_dir: Where to write ``figures/<name>.png|svg``, ``report.md`` and ``report.html``;
            ``None`` only builds the figures (for a notebook).
        formats: File formats of the figures.
        report: Also write ``report.md`` and ``report.html``.
        metadata: Provenance for the report (default: the run's ``metadata.json``).
        overwrite: Allow writing into a folder that holds figures or a report already.
        strict: Raise on an unexpected figure error instead of noting it.

    Returns:
        The figures (``{name: Figure}``), what was written, and the notes on what was skipped.
    """
    t0 = time.perf_counter()
    data = load_run(run, label)
    out = _out_dir(out_dir, overwrite)
    figures, records, notes = _render(RUN_FIGURES, data, out, formats, strict=strict)
    result = FigureSet(figures, records, notes, out)
    if out is not None and report:
        result.report = write_run_report(data, out, records, notes, metadata if metadata is not None else data.metadata)
    result.seconds = time.perf_counter() - t0
    return result


def compare_policies(runs: Sequence[Any], out_dir: str | Path | None = None, *, baseline: int | str = 0,
                     labels: Sequence[str] | None = None, formats: Sequence[str] = FORMATS, report: bool = True,
                     overwrite: bool = False, strict: bool = False) -> FigureSet:
    """Figures comparing several runs (policies) side by side, and differences from a baseline.

    Args:
        runs: EnsembleResults, results directories or RunData, the baseline among them.
        out_dir: Where to write ``figures/`` and ``report.md``/``report.html``; ``None`` only builds.
        baseline: The baseline run: its index or its label (policy name).
        labels: Legend labels (default: policy names).

    Returns:
        The figures, what was written and the notes.
    """
    t0 = time.perf_counter()
    data = load_runs(list(runs), labels)
    if not data:
        raise ValueError("compare_policies: no runs given")
    b = baseline_index(data, baseline)
    specs = [(n, t, (lambda d, fn=fn: fn(d, b)) if n == "differences" else fn, c) for n, t, fn, c in COMPARE_FIGURES]
    out = _out_dir(out_dir, overwrite)
    figures, records, notes = _render(specs, data, out, formats, strict=strict)
    result = FigureSet(figures, records, notes, out)
    if out is not None and report:
        result.report = write_comparison_report(data, b, out, records, notes)
    result.seconds = time.perf_counter() - t0
    return result


def draw_run(result: Any, folder: Path, metadata: Mapping[str, Any]) -> dict[str, Any]:
    """Draw a run's figures and report into ``folder`` (the results directory being written).

    The ``draw`` step of :func:`sim.runs.results.write_results`: a figure that cannot be drawn
    is a note, and the caller turns any other failure into a note as well.

    Args:
        result: The EnsembleResult (or anything :func:`plot_run` reads).
        folder: The folder to write ``figures/``, ``report.md`` and ``report.html`` into.
        metadata: The run's provenance, for the report.

    Returns:
        The record kept in ``metadata.json``: the files written (relative to ``folder``), the
        notes and the seconds taken.
    """
    t0 = time.perf_counter()
    folder = Path(folder)
    drawn = plot_run(result, folder, metadata=metadata, overwrite=True)
    written = sorted(str(p.relative_to(folder)) for rec in drawn.records for p in rec.files.values())
    written += sorted(str(p.relative_to(folder)) for p in drawn.report.values())
    return {"written": written, "notes": list(drawn.notes), "seconds": round(time.perf_counter() - t0, 3)}
