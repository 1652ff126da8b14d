"""Files written whole or not at all: the one atomic-write helper of the results and work files.

A file is written to a hidden temporary name beside its destination and renamed into place only
when it is complete (``os.replace`` is atomic on one file system), so a reader, a resumed run or
a killed process never sees half a file; on any error the temporary file is removed.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


@contextmanager
def atomic_path(final: str | Path) -> Iterator[Path]:
    """A temporary path beside ``final``, renamed onto it when the block ends without error.

    Example::

        with atomic_path(folder / "table.parquet") as tmp:
            frame.to_parquet(tmp)
    """
    final = Path(final)
    tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, data: bytes | str) -> None:
    """Write ``data`` (bytes, or text as UTF-8) to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
