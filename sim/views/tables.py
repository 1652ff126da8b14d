"""Plain-text tables for the terminal: the headline outcomes, the calibration checks, a sweep's
runs and a paired contrast, each read from the outcome catalogue (labels and decimals).
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from sim.stats.targets import calibration_checks
from sim.vocab.outcomes import HEADLINE, filled, outcome


def _has_credible(entries: Iterable[dict | None]) -> bool:
    return any(e is not None and e.get("cred_low") is not None for e in entries)


def format_table(summary: dict, title: str) -> str:
    """The headline outcomes as a plain-text table with 95% Monte Carlo intervals and, for a run
    over the posterior of the parameters, 90% intervals over the parameter draws."""
    cred = _has_credible(summary.get(o.key) for o in HEADLINE)
    extra = f" {'90% over parameters':>21s}" if cred else ""
    rows = [title, f"{'outcome':52s} {'estimate':>9s}  {'95% MC' if cred else '95% CI':>19s}{extra} {'n':>8s}"]
    for o in HEADLINE:
        key, label = o.key, o.label
        e = summary.get(key)
        if e is None:
            continue  # not an outcome of this horizon
        if e["estimate"] is None:
            rows.append(f"{label:52s} {'—':>9s}  {'':>19s}{' ' * len(extra)} {e['n'] if e else 0:>8d}")
            continue
        digits = o.digits
        ci = o.format_interval(e["ci_low"], e["ci_high"], lambda v, d=digits: f"{v:.{d}f}")
        cr = f" {o.format_credible(e, lambda v, d=digits: f'{v:.{d}f}') or '—':>21s}" if cred else ""
        rows.append(f"{label:52s} {e['estimate']:>9.{digits}f}  {ci:>19s}{cr} {e['n']:>8d}")
    if cred:
        first = next(e for e in (summary.get(o.key) for o in HEADLINE) if e and e.get("draws"))
        draws = first["draws"]
        rows.append(f"95% MC: Monte Carlo interval (chance across replicates); 90% over parameters: spread "
                    f"over {draws} posterior draws of the parameters, Monte Carlo noise removed")
        per = first["n"] / draws
        if per < 20:
            rows.append(f"(about {per:.0f} replicates per draw: the interval over parameters is rough; raise "
                        f"run.replicates, or lower run.posterior_draws)")
    brokers = [(name, summary[f"share_brokered_{name}"]) for name in filled("share_brokered_{broker}", summary)]
    shares = ", ".join(f"{name} {v['estimate']:.2f}" for name, v in brokers if v["estimate"])
    if shares:
        rows.append(f"Ceasefires brokered by: {shares}")
    return "\n".join(rows)


def format_calibration(summary: dict) -> str:
    """The calibration checks of a post-2016 nuclear crisis (brief M§8), one line each."""
    lines = ["Calibration targets (brief M§8, post-2016 crisis with both sides nuclear):"]
    for text, ok, detail in calibration_checks(summary):
        lines.append(f"  [{'ok' if ok else 'MISS'}] {text}: {detail}")
    return "\n".join(lines)


def format_runs(collected: pd.DataFrame, swept: list[str]) -> str:
    """The headline outcomes of every run of a sweep, one line per run."""
    keys = [("p_strikes", "P(strikes)", 3), ("p_war", "P(war)", 4), ("p_ceasefire", "P(ceasefire)", 3),
            ("median_days_to_ceasefire", "days to ceasefire", 1), ("median_duration_days", "duration", 1)]
    runs = list(dict.fromkeys(collected["run"]))
    width = max([len(r) for r in runs] + [3])
    head = f"{'run':{width}s}" + "".join(f"  {label:>24s}" for _, label, _ in keys)
    lines = [f"Sweep: {len(runs)} runs (estimate [95% CI])", head]
    table = collected.set_index(["run", "outcome"])
    for run in runs:
        cells, creds = [], []
        for key, _, digits in keys:
            try:
                row = table.loc[(run, key)]
            except KeyError:
                cells.append(f"  {'—':>24s}")
                creds.append(f"  {'':>24s}")
                continue
            fmt = lambda v, d=digits: f"{v:.{d}f}"  # noqa: E731
            if pd.isna(row["estimate"]):
                cells.append(f"  {'—':>24s}")
            else:
                ci = outcome(key).format_interval(row["ci_low"], row["ci_high"], fmt)
                cells.append(f"  {row['estimate']:.{digits}f} {ci}".rjust(26))
            text = outcome(key).format_credible(row.to_dict(), fmt) \
                if "cred_low" in row.index and pd.notna(row["cred_low"]) else ""
            creds.append(f"  {'90% params ' + text if text else '':>24s}")
        lines.append(f"{run:{width}s}" + "".join(cells))
        if any(c.strip() for c in creds):
            lines.append(f"{'':{width}s}" + "".join(creds))
            lines[0] = (f"Sweep: {len(runs)} runs (estimate [95% Monte Carlo CI]; beneath, the 90% interval over "
                        f"parameter draws)")
    return "\n".join(lines)


def format_contrast(table: pd.DataFrame, title: str, keys: Iterable[str] | None = None) -> str:
    """A plain-text table of a contrast: reference, arm, paired difference (95% Monte Carlo) and width
    ratio; for posterior runs also the 90% interval over parameter draws and the draws' sign agreement."""
    cred = "cred_low" in table.columns and bool(table["cred_low"].notna().any())
    extra = f" {'90% over parameters':>21s} {'same sign':>9s}" if cred else ""
    lines = [title, f"  {'outcome':40s} {'reference':>9s} {'arm':>9s} {'difference':>10s} "
                    f"{'paired 95% MC' if cred else 'paired 95% CI':>21s} {'paired/unpaired width':>22s}{extra}"]
    wanted = set(keys) if keys is not None else None
    for row in table.itertuples():
        if wanted is not None and row.outcome not in wanted:
            continue
        digits = outcome(row.outcome).digits + 1  # a difference needs one decimal more than a level
        ci = f"[{row.ci_low:+.{digits}f}, {row.ci_high:+.{digits}f}]"
        ratio = "—" if not np.isfinite(row.width_ratio) else f"{row.width_ratio:.2f}"
        more = ""
        if cred:
            cr = "—" if not np.isfinite(row.cred_low) else f"[{row.cred_low:+.{digits}f}, {row.cred_high:+.{digits}f}]"
            agree = "—" if not np.isfinite(row.sign_agreement) else f"{row.sign_agreement:.0%}"
            more = f" {cr:>21s} {agree:>9s}"
        lines.append(f"  {row.label[:40]:40s} {row.reference:>9.{digits}f} {row.estimate:>9.{digits}f} "
                     f"{row.difference:>+10.{digits}f} {ci:>21s} {ratio:>22s}{more}")
    return "\n".join(lines)

