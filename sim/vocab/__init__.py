"""The ground floor: the project's words, declared once and imported by every other wing.

The escalation ladder, ceasefire states and third-party actions (:mod:`sim.vocab.ladder`), the
outcome catalogue (:mod:`sim.vocab.outcomes`), the colour scheme (:mod:`sim.vocab.palette`) and
the config keys that pair runs or only say how to compute them (:mod:`sim.vocab.keys`). Nothing
here imports anything of diplosim.
"""
