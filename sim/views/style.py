"""The look of every figure and what a drawing step hands back: one matplotlib style, the
figure canvas, notes and footnotes, saving, and the records of figures written.

Every figure is built on :func:`new_figure` (an Agg canvas outside pyplot: no global state,
nothing to close) and drawn under :func:`style`; :func:`save_figure` writes it in each of
:data:`FORMATS`. A figure whose data a run lacks raises :class:`FigureSkipped` (or the reader's
:class:`~sim.runs.reader.MissingData`, its base); a layer left out is a note on the figure
(:func:`note`), read back by the render pipeline. Colours, markers and line styles are not here:
they are the project's, in :mod:`sim.vocab.palette` and :mod:`sim.vocab.ladder`.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from sim.runs.reader import MissingData

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: The one matplotlib style of the project's figures (small type, no top and right spines, light
#: grid, SVG text kept as text and files free of dates so equal figures give equal files).
STYLE: dict[str, Any] = {
    "font.size": 9, "axes.titlesize": 10, "axes.labelsize": 9, "legend.fontsize": 8, "xtick.labelsize": 8,
    "ytick.labelsize": 8, "figure.titlesize": 11, "axes.spines.top": False, "axes.spines.right": False,
    "axes.grid": True, "grid.alpha": 0.25, "grid.linewidth": 0.5, "hatch.linewidth": 0.6,
    "legend.frameon": False, "savefig.dpi": 150, "svg.fonttype": "none",
    "svg.hashsalt": "diplosim", "figure.dpi": 100,
}

#: The file formats a figure is written in by default.
FORMATS = ("png", "svg")


class FigureSkipped(MissingData):
    """A figure (or a layer of one) cannot be drawn from this run's data; the message is the note."""


def style():
    """A context in which matplotlib draws in :data:`STYLE`."""
    import matplotlib as mpl  # here, not at the top: the command line starts without matplotlib

    return mpl.rc_context(STYLE)


def new_figure(width: float, height: float) -> Figure:
    """A Figure of the given size in inches on the Agg canvas, with the constrained layout."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with style():
        fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    fig.diplosim_notes = []  # notes on layers left out (read by the render pipeline)
    return fig


def note(fig: Figure, text: str) -> None:
    """Record on the figure that a layer was left out, and why (the report lists it)."""
    fig.diplosim_notes.append(text)


def footnote(fig: Figure, text: str) -> None:
    """A note under the axes, with room kept for it by the constrained layout."""
    height = fig.get_figheight()
    lines = 1 + len(text) // int(fig.get_figwidth() * 17)
    room = min(0.3, (0.06 + 0.13 * lines) / height)
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        engine.set(rect=(0, room, 1, 1 - room))
    fig.text(0.005, 0.005, text, ha="left", va="bottom", fontsize=7, color="0.35", style="italic",
             transform=fig.transFigure, wrap=True)


def suptitle(fig: Figure, text: str) -> None:
    """A figure title wrapped to the figure's width (the constrained layout keeps room for it)."""
    fig.suptitle(textwrap.fill(text, max(40, int(fig.get_figwidth() * 12.5))))


def num(v: float, digits: int = 3) -> str:
    """A probability for a label: small non-zero values keep a significant digit."""
    return f"{v:.{digits}f}" if v == 0 or abs(v) >= 10 ** -digits else f"{v:.1g}"


def share_text(v: float) -> str:
    """A share for a legend: ``none``, three decimals, or scientific notation when tiny."""
    return "none" if v == 0 else (f"{v:.3f}" if v >= 0.001 else f"{v:.1e}")


def save_figure(fig: Figure, out_dir: str | Path, name: str, formats: Iterable[str] = FORMATS) -> dict[str, Path]:
    """Write a figure as ``out_dir/name.<fmt>`` for each format; returns ``{fmt: path}``.

    SVG text stays text and carries no date, so equal figures give equal files.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    with style():
        for fmt in formats:
            path = out / f"{name}.{fmt}"
            meta = {"Date": None} if fmt == "svg" else {"Software": "diplosim (matplotlib)"}
            fig.savefig(path, format=fmt, metadata=meta)
            paths[fmt] = path
    return paths


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
    """What a drawing step produced: the figures, what was written, and the notes on what was not."""

    figures: dict[str, Any]
    records: list[FigureRecord]
    notes: list[str]
    out_dir: Path | None = None
    report: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0
