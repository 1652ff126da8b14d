"""``diplosim collect FOLDER`` (and ``diplosim-collect``): a sweep or folder of runs as tidy tables.

The command line around :func:`sim.runs.collect.collect`: it writes ``collected`` and
``contrasts`` (Parquet and CSV) and prints a line per run; bad input is one line and exit 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.inputs.errors import DiplosimError
from sim.runs.collect import collect

USAGE = """usage: diplosim collect [--help] [--out DIR] FOLDER

Turn a sweep directory (or any folder of diplosim runs) into one tidy table: collected.parquet and
collected.csv, one row per run and outcome with a column per swept key; for a sweep also
contrasts.parquet and contrasts.csv (paired differences against each swept key's first value).

options:
  --out DIR  write the tables into DIR instead of FOLDER
"""


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``diplosim collect`` and ``diplosim-collect``; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if "--help" in args or "-h" in args:
            print(USAGE)
            return 0
        out = None
        if "--out" in args:
            i = args.index("--out")
            if i + 1 >= len(args):
                raise DiplosimError("--out needs a folder")
            out = args[i + 1]
            del args[i:i + 2]
        unknown = [a for a in args if a.startswith("-")]
        if unknown:
            raise DiplosimError(f"unknown option {unknown[0]} (options: --help, --out DIR)")
        if len(args) != 1:
            raise DiplosimError("give one folder: diplosim collect results/<sweep>")
        tables = collect(Path(args[0]), out=out)
        dest = Path(out) if out is not None else Path(args[0])
        collected = tables["collected"]
        print(f"collected {collected['run'].nunique()} runs x {collected['outcome'].nunique()} outcomes "
              f"({len(collected)} rows) into {dest / 'collected.parquet'} and {dest / 'collected.csv'}")
        if "contrasts" in tables and len(tables["contrasts"]):
            c = tables["contrasts"]
            print(f"paired contrasts: {c['contrast'].nunique()} ({len(c)} rows) in {dest / 'contrasts.parquet'} "
                  f"and {dest / 'contrasts.csv'}")
        return 0
    except DiplosimError as exc:
        print(f"diplosim: error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("diplosim: interrupted", file=sys.stderr)
        return 130

