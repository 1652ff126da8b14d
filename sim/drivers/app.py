"""The ``diplosim-app`` command: check that the ``app`` extra is installed, then serve the app.

The classroom app (:mod:`sim.views.app`) needs Solara, which the core install leaves out. This
launcher looks for it before importing it, so that a missing extra is one line naming the command
that installs it (exit code 2) instead of an ImportError's traceback.
"""

from __future__ import annotations

import sys

from sim.inputs.extras import MissingExtra, require


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``diplosim-app``; returns the exit code."""
    try:
        require("app", "diplosim-app")
    except MissingExtra as exc:
        print(f"diplosim-app: error: {exc}", file=sys.stderr)
        return 2
    from sim.views.app.page import main as serve  # deferred: Solara is known to be there now

    return serve(argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
