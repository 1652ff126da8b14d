"""Running ensembles and keeping their results: blocks, executors, stores, results directories.

:mod:`~sim.runs.ensemble` plans and executes the blocks of one or more runs on an executor
(:mod:`~sim.runs.executors`), keeps finished blocks (:mod:`~sim.runs.store`) and summarises them;
:mod:`~sim.runs.results` writes a results directory (data only, atomically);
:mod:`~sim.runs.collect` turns a folder of runs into tidy tables; :mod:`~sim.runs.reader` reads
results directories back; :mod:`~sim.runs.manifest` and :mod:`~sim.runs.provenance` hold a
sweep's manifest and a run's provenance.
"""
