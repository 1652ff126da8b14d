"""``diplosim figures``: the figures and report of results directories already written.

    diplosim figures results/my_run --out figs/my_run                      # one run
    diplosim figures results/base results/hotline_off --out figs/compare   # a comparison

One directory gives the run's figures and report (as ``diplosim`` writes them with
``run.figures=true``); several give a comparison, against the first or ``--baseline``. Bad input
ends with one line ``diplosim: error: ...`` on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import sys

from sim.inputs.errors import DiplosimError, one_line
from sim.views.render import compare_policies, plot_run

USAGE = """usage: diplosim figures RUN_DIR [RUN_DIR ...] --out DIR [--baseline NAME] [--format png,svg]

Draw the figures and the report of one results directory, or compare several (against the first,
or --baseline) into DIR: DIR/figures/ (each figure as PNG and SVG), DIR/report.md and DIR/report.html.

options:
  --out DIR        folder for figures/ and the report (it must not hold them already)
  --baseline NAME  the baseline of a comparison: a run's policy name or its position (default: 0, the first)
  --format LIST    comma-separated figure formats (default: png,svg)
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not argparse's usage block
        raise DiplosimError(message)


def _parser() -> _Parser:
    parser = _Parser(prog="diplosim figures", add_help=False)
    parser.add_argument("runs", nargs="*", metavar="RUN_DIR")
    parser.add_argument("--out")
    parser.add_argument("--baseline", default=None)
    parser.add_argument("--format", default="png,svg")
    parser.add_argument("--help", "-h", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``diplosim figures``; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        opts = _parser().parse_args(args)
        if opts.help:
            print(USAGE)
            return 0
        if not opts.runs:
            raise DiplosimError("give one results directory or more: diplosim figures RUN_DIR [RUN_DIR ...] --out DIR")
        if not opts.out:
            raise DiplosimError("--out: give the folder for the figures and the report")
        formats = [f.strip() for f in opts.format.split(",") if f.strip()]
        unknown = [f for f in formats if f not in ("png", "svg", "pdf")]
        if not formats or unknown:
            raise DiplosimError(f"--format: {', '.join(unknown) or 'none given'} (choose from png, svg, pdf)")
        if len(opts.runs) == 1:
            if opts.baseline is not None:
                raise DiplosimError("--baseline: a comparison needs two results directories or more")
            res = plot_run(opts.runs[0], opts.out, formats=formats)
        else:
            base: int | str = 0 if opts.baseline is None else (int(opts.baseline) if opts.baseline.isdigit()
                                                                else opts.baseline)
            res = compare_policies(opts.runs, opts.out, baseline=base, formats=formats)
    except DiplosimError as exc:
        print(f"diplosim: error: {one_line(exc)}", file=sys.stderr)
        return 2
    except (OSError, ValueError, TypeError) as exc:  # a folder that is no results directory, a bad baseline
        print(f"diplosim: error: {one_line(exc)}", file=sys.stderr)
        return 2
    for note in res.notes:
        print(f"diplosim: note: {note}", file=sys.stderr)
    print(f"{len(res.records)} figures in {res.seconds:.1f} s; report: {res.report.get('html', res.out_dir)}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
