"""The commands: the only place that orchestrates compute -> write -> draw -> print.

``diplosim`` (:mod:`~sim.drivers.cli`), sweeps (:mod:`~sim.drivers.sweep`), ``diplosim
collect`` (:mod:`~sim.drivers.collect`), and the ABC-SMC fit and leave-one-out validation used
by ``experiments/`` (:mod:`~sim.drivers.calibration`, :mod:`~sim.drivers.validation`).
"""
