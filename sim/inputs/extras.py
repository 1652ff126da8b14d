"""Optional capabilities and the extra that installs each (``pip install 'diplosim[EXTRA]'``).

The core install runs the main job, sweeps on the serial and process executors, figures and
reports. Distributed runs need the ``dask`` extra and the classroom app the ``app`` extra; asking
for either without it is a bad input like any other: one line naming the extra, exit code 2.
Only :func:`importlib.util.find_spec` is used here, so checking costs no import.
"""

from __future__ import annotations

from importlib.util import find_spec

from sim.inputs.errors import DiplosimError

#: extra -> the top-level modules it provides (each checked by name, never imported here).
EXTRAS: dict[str, tuple[str, ...]] = {
    "dask": ("dask", "distributed", "dask_jobqueue"),
    "app": ("solara", "ipyvue", "ipyvuetify"),
}


class MissingExtra(DiplosimError):
    """A capability was asked for whose optional dependencies are not installed."""


def missing(extra: str) -> list[str]:
    """The modules of ``extra`` that cannot be found (empty when the extra is installed)."""
    return [name for name in EXTRAS[extra] if find_spec(name) is None]


def require(extra: str, what: str) -> None:
    """Refuse ``what`` in one line unless the modules of ``extra`` are installed.

    Args:
        extra: A key of :data:`EXTRAS`.
        what: What needs it, as the user asked for it (``run.executor=dask``, ``diplosim-app``).

    Raises:
        MissingExtra: naming the extra and the command that installs it.
    """
    absent = missing(extra)
    if absent:
        raise MissingExtra(f"{what} needs the '{extra}' extra (missing: {', '.join(absent)}); "
                           f"install it with: pip install 'diplosim[{extra}]'")
