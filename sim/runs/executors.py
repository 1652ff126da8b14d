"""Executors: where blocks of replicates are simulated (``run.executor=serial|processes|dask``).

Every executor takes the same list of block tasks and yields each block's result as it
finishes; the caller stores the blocks and always combines them in block order, so results are
bit-identical whatever the executor, the number of workers or the order in which blocks finish.

- ``serial``: in this process, one block after the other.
- ``processes``: a pool of ``run.workers`` processes on this machine (spawned, so nothing leaks
  in from the parent). A worker process that dies breaks the pool; the pool is rebuilt and the
  unfinished blocks are submitted again.
- ``dask``: ``client.map`` over blocks on a dask.distributed cluster: a ``LocalCluster`` of
  ``run.workers`` processes when ``run.dask.address`` is empty and ``cluster=local``, the
  scheduler at ``run.dask.address``, or a dask-jobqueue ``SLURMCluster`` (``cluster=slurm``). A
  worker that dies has its blocks rescheduled by the scheduler (up to ``run.retries`` times).

At most a few blocks per worker are in flight at once, so the memory of a run is bounded by the
block size, not by the number of replicates.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
import uuid
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Iterator, Sequence

from omegaconf import DictConfig

from sim.inputs.errors import ConfigError

#: (position of the task, its result or None, the error or None)
Outcome = tuple[int, Any, "BaseException | None"]


class WorkerLost(RuntimeError):
    """A block's worker died more often than ``run.retries`` allows."""


def _init_worker(parent: int) -> None:  # pragma: no cover - runs in the worker processes
    """Ctrl-C is the parent's to handle (it stops the pool and keeps the finished blocks); and a
    worker whose parent was killed exits instead of waiting for work forever."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="diplosim-parent-watch", daemon=True).start()


class SerialExecutor:
    """Blocks one after the other in this process."""

    name = "serial"

    def __init__(self, cfg: DictConfig):
        self.workers = 1

    def __enter__(self) -> "SerialExecutor":
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def describe(self) -> dict[str, Any]:
        return {"executor": "serial", "workers": 1}

    def imap(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Outcome]:
        for i, task in enumerate(tasks):
            try:
                result = fn(task)
            except Exception as exc:  # a failed block is reported, the others still run
                yield i, None, exc
            else:
                yield i, result, None


class ProcessExecutor:
    """A pool of worker processes on this machine."""

    name = "processes"

    def __init__(self, cfg: DictConfig):
        self.workers = int(cfg.run.workers)
        self.retries = int(cfg.run.retries)
        self._pool: ProcessPoolExecutor | None = None
        self.restarts = 0

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker, initargs=(os.getpid(),))

    def __enter__(self) -> "ProcessExecutor":
        self._pool = self._new_pool()
        return self

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        if self._pool is None:
            return
        if exc_type is not None:  # interrupted or failed: stop now, do not wait for running blocks
            self._terminate()
        else:
            self._pool.shutdown(wait=True)
        self._pool = None

    def _terminate(self) -> None:
        pool = self._pool
        if pool is None:
            return
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            try:
                proc.terminate()
            except Exception:  # already gone
                pass
        pool.shutdown(wait=False, cancel_futures=True)

    def describe(self) -> dict[str, Any]:
        return {"executor": "processes", "workers": self.workers, "pool_restarts": self.restarts}

    def imap(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Outcome]:
        assert self._pool is not None, "use the executor as a context manager"
        pending = deque(range(len(tasks)))
        running: dict[Any, int] = {}
        deaths = [0] * len(tasks)
        window = 2 * self.workers
        while pending or running:
            broken = False
            while pending and len(running) < window:
                i = pending.popleft()
                try:
                    running[self._pool.submit(fn, tasks[i])] = i
                except BrokenProcessPool:  # a worker died since the last wait: restart the pool below
                    pending.appendleft(i)
                    broken = True
                    break
            # After a failed submit, take what already finished; the rest goes back with the restart.
            done = [f for f in running if f.done()] if broken else wait(list(running), return_when=FIRST_COMPLETED)[0]
            for fut in done:
                i = running.pop(fut)
                try:
                    result = fut.result()
                except BrokenProcessPool:
                    broken = True
                    running[fut] = i  # handled below with the others that were in flight
                except Exception as exc:
                    yield i, None, exc
                else:
                    yield i, result, None
            if broken:
                # A worker process died (killed, out of memory): every block in flight goes back.
                lost = sorted(running.values())
                running.clear()
                self._pool.shutdown(wait=False, cancel_futures=True)
                self.restarts += 1
                retry = []
                for i in lost:
                    deaths[i] += 1
                    if deaths[i] > self.retries:
                        yield i, None, WorkerLost(f"its worker process died {deaths[i]} times")
                    else:
                        retry.append(i)
                pending.extendleft(reversed(retry))
                self._pool = self._new_pool()


class DaskExecutor:
    """Blocks on a dask.distributed cluster: local, a running scheduler, or SLURM jobs."""

    name = "dask"

    def __init__(self, cfg: DictConfig):
        self.cfg = cfg
        self.workers = int(cfg.run.workers)
        self.retries = int(cfg.run.retries)
        self.client = None
        self.cluster = None
        self._config = None
        self.kind = "external" if cfg.run.dask.address else str(cfg.cluster.kind)

    def __enter__(self) -> "DaskExecutor":
        import dask
        from distributed import Client

        run = self.cfg.run
        # A task whose worker died is rescheduled this many times before it counts as failed
        # (read by a scheduler started here; a running scheduler keeps its own setting). The
        # workers' statistical profiler samples every thread 100 times a second; on blocks that are
        # many small numpy calls it costs about 5%, so workers started here go without it.
        self._config = dask.config.set({"distributed.scheduler.allowed-failures": self.retries,
                                        "distributed.worker.profile.enabled": bool(run.dask.dashboard)})
        self._config.__enter__()
        try:
            if run.dask.address:
                try:
                    self.client = Client(str(run.dask.address), timeout=int(run.dask.connect_timeout))
                except (OSError, TimeoutError) as exc:
                    raise ConfigError(f"run.dask.address={run.dask.address}: cannot reach a dask scheduler "
                                      f"({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})") from None
            elif self.kind == "slurm":
                self.cluster = make_slurm_cluster(self.cfg)
                self.cluster.scale(jobs=int(self.cfg.cluster.jobs))
                self.client = Client(self.cluster)
            else:
                from distributed import LocalCluster

                self.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                            dashboard_address=":8787" if run.dask.dashboard else None,
                                            silence_logs=logging.ERROR)
                self.client = Client(self.cluster)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc: Any) -> None:
        for thing in (self.client, self.cluster):
            if thing is not None:
                try:
                    thing.close()
                except Exception:  # closing a cluster that is already gone
                    pass
        self.client = self.cluster = None
        if self._config is not None:
            self._config.__exit__(None, None, None)
            self._config = None

    def describe(self) -> dict[str, Any]:
        info: dict[str, Any] = {"executor": "dask", "cluster": self.kind}
        if self.client is not None:
            threads = self.client.nthreads()
            info.update({"workers": len(threads), "threads": int(sum(threads.values())),
                         "scheduler": self.client.scheduler.address})
            if self.cfg.run.dask.dashboard or self.kind != "local":
                info["dashboard"] = self.client.dashboard_link
        return info

    def imap(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Outcome]:
        from distributed import as_completed

        client = self.client
        assert client is not None, "use the executor as a context manager"
        tag = uuid.uuid4().hex[:8]
        position: dict[str, int] = {}
        # Bound to this executor's client: as_completed() would otherwise wait on the futures in the
        # loop of dask's *default* client, which is the caller's own Client when one is open (a
        # notebook connected to the same scheduler), and fut.result() then fails with "bound to a
        # different event loop".
        queue = as_completed(loop=client.loop)
        nxt = 0

        def refill() -> None:
            nonlocal nxt
            window = max(4, 2 * int(sum(client.nthreads().values())))
            room = window - len(position)
            if room <= 0 or nxt >= len(tasks):
                return
            batch = range(nxt, min(len(tasks), nxt + room))
            keys = [f"diplosim-block-{tag}-{i}" for i in batch]
            futures = client.map(fn, [tasks[i] for i in batch], key=keys, retries=self.retries, pure=False)
            for i, fut in zip(batch, futures):
                position[fut.key] = i
                queue.add(fut)
            nxt = batch[-1] + 1

        refill()
        for fut in queue:
            i = position.pop(fut.key)
            try:
                result = fut.result()
            except Exception as exc:  # includes KilledWorker: the block's workers kept dying
                yield i, None, exc
            else:
                yield i, result, None
            finally:
                fut.release()
            refill()


def make_slurm_cluster(cfg: DictConfig):
    """A dask-jobqueue SLURMCluster from the ``cluster`` config (no job is submitted yet)."""
    import sys

    from dask_jobqueue import SLURMCluster

    c = cfg.cluster
    kwargs: dict[str, Any] = {
        "cores": int(c.cores), "processes": int(c.processes), "memory": str(c.memory),
        "walltime": str(c.walltime), "job_extra_directives": list(c.job_extra_directives),
        "job_script_prologue": list(c.job_script_prologue), "python": str(c.python) or sys.executable,
        "silence_logs": "error", "job_name": "diplosim",
    }
    for key in ("queue", "account", "local_directory", "log_directory", "interface"):
        if c[key]:
            kwargs[key] = str(c[key])
    return SLURMCluster(**kwargs)


def make_executor(cfg: DictConfig):
    """The executor named by ``run.executor``."""
    return {"serial": SerialExecutor, "processes": ProcessExecutor, "dask": DaskExecutor}[str(cfg.run.executor)](cfg)

