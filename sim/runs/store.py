"""Finished blocks of a run: kept in memory, or on disk in a work directory that makes runs resumable.

A block is the unit of work of every executor: ``run.block_size`` replicates with their own random
streams. Its result (the per-replicate outcomes and the day-by-day counts) is a :class:`Block`.

On disk, each finished block is one Parquet file ``block-000042.parquet`` in the run's work
directory, written under a temporary name and renamed into place, so a file either is complete or
does not exist. The work directory is keyed by the *work key*: a hash of everything that decides
the numbers (the resolved scenario, policy and parameters, the seed, days, block size, replicate
count, any per-replicate parameter design and the code itself), so a run restarted with the same
config finds its finished blocks and computes only the others, and a changed config or changed
code never mixes its blocks with old ones. A block file is never overwritten.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.inputs.errors import ConfigError, DiplosimError
from sim.runs.atomic import atomic_path, write_atomic

#: Names of the day-by-day count arrays a block carries (summed over blocks for daily.parquet).
DAILY_ARRAYS = ("daily_rungs", "daily_max", "daily_cf", "daily_actions")

_META_KEY = b"diplosim.block"

_BLOCK_RE = re.compile(r"^block-(\d{6,})\.parquet$")


@dataclass
class Block:
    """The result of one block of replicates.

    Attributes:
        index: The block's index k (replicates ``k * block_size`` onwards).
        start: Its first replicate.
        count: Its number of replicates.
        outcomes: One row per replicate, in the final column order of a run's outcomes table.
        daily: Day-by-day counts over the block's replicates (:data:`DAILY_ARRAYS`).
        seconds: Time spent simulating it.
        broker_names: Names of the broker codes (code 0 first).
    """

    index: int
    start: int
    count: int
    outcomes: pd.DataFrame
    daily: dict[str, np.ndarray]
    seconds: float
    broker_names: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------- stable hashing
def _canonical(obj: Any) -> Any:
    """A JSON-able form of ``obj`` that is the same for equal values (arrays by dtype, shape, bytes)."""
    from omegaconf import DictConfig, ListConfig, OmegaConf

    if isinstance(obj, (DictConfig, ListConfig)):
        return _canonical(OmegaConf.to_container(obj, resolve=True))
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {"__type__": type(obj).__name__,
                **{f.name: _canonical(getattr(obj, f.name)) for f in dataclasses.fields(obj)}}
    if isinstance(obj, np.ndarray):
        arr = np.ascontiguousarray(obj)
        return {"__array__": str(arr.dtype), "shape": list(arr.shape),
                "sha256": hashlib.sha256(arr.tobytes()).hexdigest()}
    if isinstance(obj, Mapping):
        return {str(k): _canonical(v) for k, v in sorted(obj.items(), key=lambda kv: str(kv[0]))}
    if isinstance(obj, (list, tuple)):
        return [_canonical(v) for v in obj]
    if isinstance(obj, (np.integer, np.floating, np.bool_)):
        return _canonical(obj.item())
    if isinstance(obj, float):
        return repr(obj)  # exact: 0.1 and 0.1000000000000001 differ
    if isinstance(obj, Path):
        return None  # where a file lives does not change what it holds
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    return repr(obj)


def digest(obj: Any) -> str:
    """SHA-256 of a value (configs, dataclasses, arrays, mappings): equal values, equal digests."""
    text = json.dumps(_canonical(obj), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def code_digest() -> str:
    """SHA-256 of the package's source files: blocks of changed code are never resumed."""
    h = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


# ----------------------------------------------------------------------------- blocks as Parquet
def block_table(block: Block) -> pa.Table:
    """The block as an Arrow table: its outcomes, with the daily counts in the schema metadata."""
    table = pa.Table.from_pandas(block.outcomes, preserve_index=False)
    meta = {"index": block.index, "start": block.start, "count": block.count, "seconds": block.seconds,
            "broker_names": list(block.broker_names),
            "daily": {k: {"shape": list(v.shape), "values": v.reshape(-1).tolist()} for k, v in block.daily.items()}}
    return table.replace_schema_metadata({**(table.schema.metadata or {}), _META_KEY: json.dumps(meta).encode()})


def block_from_table(table: pa.Table, where: str = "block") -> Block:
    meta_raw = (table.schema.metadata or {}).get(_META_KEY)
    if meta_raw is None:
        raise DiplosimError(f"{where}: not a diplosim block file (no block metadata)")
    meta = json.loads(meta_raw)
    daily = {k: np.asarray(v["values"], dtype=np.int64).reshape(v["shape"]) for k, v in meta["daily"].items()}
    outcomes = table.to_pandas()
    return Block(index=int(meta["index"]), start=int(meta["start"]), count=int(meta["count"]), outcomes=outcomes,
                 daily=daily, seconds=float(meta["seconds"]), broker_names=list(meta["broker_names"]))


# ----------------------------------------------------------------------------- stores
class MemoryStore:
    """Finished blocks held in memory (the Python API's default: nothing is written)."""

    path: Path | None = None

    def __init__(self) -> None:
        self._blocks: dict[int, Block] = {}

    def done(self) -> set[int]:
        return set(self._blocks)

    def put(self, block: Block) -> None:
        self._blocks.setdefault(block.index, block)

    def get(self, index: int, columns: list[str] | None = None) -> Block:
        return self._blocks[index]

    def remove(self) -> None:
        self._blocks.clear()


class DiskStore:
    """Finished blocks as Parquet files in a work directory (resumable, memory bounded by a block).

    Args:
        path: The run's work directory (``<work root>/<work key>``); created when first written.
        plan: What the directory is for (work key, config, code version); written as ``plan.json``
            with the first block.
    """

    def __init__(self, path: str | Path, plan: Mapping[str, Any] | None = None):
        self.path = Path(path)
        self.plan = dict(plan or {})
        self._lock: Any = None

    def acquire(self) -> bool:
        """Hold the work directory until :meth:`release`, :meth:`remove` or exit, so that the same
        config started twice at once does not share (and delete) one set of blocks.

        Returns:
            True if this call took the lock (False: held already, or no locks on this system).

        Raises:
            ConfigError: another run holds it.
        """
        if self._lock is not None:
            return False
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock
            return False
        self.path.mkdir(parents=True, exist_ok=True)
        handle = open(self.path / ".lock", "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise ConfigError(f"run.work_dir: {self.path} is in use by another diplosim run of the same config; "
                              f"let it finish (or stop it) and run this again") from None
        self._lock = handle
        return True

    def release(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def _file(self, index: int) -> Path:
        return self.path / f"block-{index:06d}.parquet"

    def done(self) -> set[int]:
        """Indices of the blocks already on disk."""
        if not self.path.is_dir():
            return set()
        found = set()
        for entry in os.scandir(self.path):
            m = _BLOCK_RE.match(entry.name)
            if m:
                found.add(int(m.group(1)))
        return found

    def put(self, block: Block) -> None:
        """Write a finished block; an existing file of that block is left as it is."""
        final = self._file(block.index)
        if final.exists():
            return
        self.path.mkdir(parents=True, exist_ok=True)
        plan_file = self.path / "plan.json"
        if self.plan and not plan_file.exists():
            write_atomic(plan_file, json.dumps(self.plan, indent=2, default=str) + "\n")
        with atomic_path(final) as tmp:
            pq.write_table(block_table(block), tmp)

    def get(self, index: int, columns: list[str] | None = None) -> Block:
        """Read a block (only those of the given outcome columns it holds, if any are given)."""
        path = self._file(index)
        try:
            if columns is not None:  # a column the block lacks is left out, as the results reader does
                names = set(pq.read_schema(path).names)
                columns = [c for c in columns if c in names]
            table = pq.read_table(path, columns=columns)
        except (OSError, pa.ArrowInvalid) as exc:
            raise DiplosimError(f"{path}: unreadable block file ({str(exc).splitlines()[0]}); "
                                f"delete it and run the same command again") from None
        return block_from_table(table, str(path))

    def remove(self) -> None:
        """Delete the work directory (once its blocks are safely in a results directory)."""
        shutil.rmtree(self.path, ignore_errors=True)
        self.release()
        try:
            self.path.parent.rmdir()  # the work root, if no other run is using it
        except OSError:
            pass


def iter_blocks(store: MemoryStore | DiskStore, indices: list[int], columns: list[str] | None = None
                ) -> Iterator[Block]:
    """The blocks in the order given (block order for every summary, so results never depend on
    the order in which blocks finished); only the given columns, where the store can skip others."""
    for k in indices:
        yield store.get(k, columns)


#: Rows per row group of ``outcomes.parquet``, about: whole blocks are gathered until they reach it.
#: A row group per block would leave the writer holding ~57 kB of footer per block until the file
#: is closed (57 MB at 10^6 replicates, 570 MB at 10^7), so memory would grow with the replicates.
ROW_GROUP_ROWS = 32_768

#: Schema metadata of ``outcomes.parquet``: the rows of one block, the chunk readers yield.
CHUNK_KEY = b"diplosim.chunk_rows"


def write_outcomes(store: MemoryStore | DiskStore, indices: list[int], path: str | Path) -> int:
    """Stream the blocks' outcomes into one Parquet file; returns the rows.

    Row groups hold whole blocks, about :data:`ROW_GROUP_ROWS` rows each (so the footer stays
    small at any number of replicates); the block size is recorded under :data:`CHUNK_KEY`, so
    that :func:`sim.runs.reader.outcome_chunks` yields one block at a time, as the run did, and
    sums merged chunk by chunk come out the same from the file as from the run.
    """
    writer = None
    rows = 0
    pending: list[pa.Table] = []
    try:
        for block in iter_blocks(store, indices):
            table = pa.Table.from_pandas(block.outcomes, preserve_index=False)
            if writer is None:  # every block but the last is full: the first gives the chunk size
                meta = {k: v for k, v in (table.schema.metadata or {}).items() if k != _META_KEY}
                meta[CHUNK_KEY] = str(table.num_rows).encode()
                writer = pq.ParquetWriter(str(path), table.schema.with_metadata(meta))
            pending.append(table)  # the writer's schema (with the chunk size) is written once, in the footer
            if sum(t.num_rows for t in pending) >= ROW_GROUP_ROWS:
                _write_group(writer, pending)
            rows += table.num_rows
        if pending:
            _write_group(writer, pending)
    finally:
        if writer is not None:
            writer.close()
    return rows


def _write_group(writer: pq.ParquetWriter, pending: list[pa.Table]) -> None:
    """Write the gathered blocks as one row group and forget them."""
    group = pa.concat_tables(pending)
    writer.write_table(group, row_group_size=group.num_rows)
    pending.clear()
