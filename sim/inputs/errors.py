"""Errors a user can cause, each reported as one line that names the key or file, and the two
ways a run can end short of its plan.

The command line prints the first as ``diplosim: error: <line>`` and exits with code 2, with no
traceback; the Python API raises them. They live in this light module (no numpy, no Mesa) so
that the command can catch them without loading the model.
"""

from __future__ import annotations

import sys
from typing import Any, Callable


class DiplosimError(Exception):
    """Base of the errors caused by input: a message of one line, meant for the user."""


class ConfigError(DiplosimError, ValueError):
    """A config key, type, value or config name is wrong."""


class ScenarioError(DiplosimError, ValueError):
    """A scenario folder or file is missing or malformed; the message names the file and line."""


class RunIncomplete(RuntimeError):
    """Fewer replicates finished than were planned (blocks failed); finished blocks are kept."""


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C during a run; the message says which finished blocks were kept for a resume."""


def one_line(exc: BaseException) -> str:
    """The first line of an error's message."""
    text: Any = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def run_script(main: Callable[[], object], prog: str) -> None:
    """Run an experiment script's ``main``: a bad input (a :class:`DiplosimError`, e.g. a preset or
    coding file that fails its checks) ends it with one line on stderr and exit code 2, not a
    traceback."""
    try:
        main()
    except DiplosimError as exc:
        print(f"{prog}: error: {one_line(exc)}", file=sys.stderr)
        raise SystemExit(2) from None
