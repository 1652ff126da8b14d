"""Paired comparisons: two arms of a policy contrast run on the same seeds (common random numbers).

Replicate i of both arms faces the same attacks, incidents and chance events (every process
draws from its own stream, a fixed amount a day, keyed by seed and block), so the per-replicate
difference ``d_i = x_i(arm) - x_i(reference)`` removes the variation the arms share. The paired
95% interval of the mean difference is ``mean(d) ± z·sd(d)/√n``; two independent runs of the
same size would give ``± z·√(var_ref/n + var_arm/n)``. The ratio of the two widths shows what the
pairing buys (1 = nothing; 0.1 = the same precision as 100 times more replicates unpaired).

Contrasted outcomes are those that are means over all replicates: the probabilities (strikes,
war, nuclear use, a ceasefire, a holding ceasefire, an accidental escalation, a third party
engaged, a ceasefire brokered by each channel) and the mean duration, kinetic days, deaths, LoC
incidents and ceasefire breaks. Medians and outcomes conditional on an event (days to a
ceasefire *given* one) are not means of per-replicate values, so they have no paired difference.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import pandas as pd


def outcome_chunks(path: str | Path, columns: list[str] | None = None) -> Callable[[], Iterator[pd.DataFrame]]:
    """A function reading a run's ``outcomes.parquet`` chunk by chunk (a row group at a time)."""
    import pyarrow.parquet as pq

    def read() -> Iterator[pd.DataFrame]:
        pf = pq.ParquetFile(str(path))
        cols = None if columns is None else [c for c in columns if c in pf.schema_arrow.names]
        for i in range(pf.num_row_groups):
            yield pf.read_row_group(i, columns=cols).to_pandas()
    return read

