"""The outcome catalogue: every outcome of a run, declared once.

Two layers:

- :data:`COLUMNS`: the per-replicate columns the model reports (one row per replicate in
  ``outcomes.parquet``), with their meaning and unit, and whether Mesa's ``DataCollector``
  reports them (``mesa.batch_run`` rows). Columns named per actor (``engaged_USA``) are declared
  as templates (``engaged_{tp}``).
- :data:`OUTCOMES`: the statistics computed over those columns: a proportion, a median or a
  mean, with its label, unit and format, whether it is a headline outcome (the command line's
  table, the report, the app) and whether it is a paired contrast (``sim.compare``,
  ``contrasts.csv``). A contrast is always a difference of means over replicates (a proportion is
  a mean of 0/1 values), so the contrast of a median outcome is the mean of the same column.

Everything that names, labels, formats or computes an outcome reads it from here: the summary,
the text tables, the report, the figures, the paired contrasts, collect and the Mesa reporters.
Adding an outcome is one entry below (and the model's column, if it is new).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

PROPORTION, MEDIAN, MEAN = "proportion", "median", "mean"
#: What tables show for an interval with no finite bounds (an estimate from too few values).
UNBOUNDED = "n too small"
KINDS = (PROPORTION, MEDIAN, MEAN)
#: Units, and the decimals a text table shows for each.
UNIT_DIGITS = {"probability": 3, "share": 3, "days": 1, "deaths": 1, "count": 1, "per decade": 1,
               "affinity, -1 to 1": 3, "leverage, 0 to 1": 3, "rung": 1}


@dataclass(frozen=True)
class Column:
    """A per-replicate outcome column.

    Attributes:
        name: The column's name, or a template with ``{b}`` (a belligerent id), ``{tp}`` (a third
            party id) or both.
        meaning: What one replicate's value says.
        unit: The unit of the value (a key of :data:`UNIT_DIGITS`, or ``"code"``/``"yes/no"``).
        reporter: Reported by the model's Mesa ``DataCollector`` (R = 1) as a model reporter.
    """

    name: str
    meaning: str
    unit: str
    reporter: bool = False


@dataclass(frozen=True)
class Outcome:
    """A statistic over replicates, with its interval.

    Attributes:
        key: The summary key (``summary.json``), or a template as for :class:`Column`.
        kind: ``proportion`` (Wilson interval), ``median`` (order-statistic interval at exact
            binomial ranks) or ``mean`` (normal interval).
        column: The per-replicate column it is computed from.
        label: The label of text tables and reports.
        short: A short label for figure axes.
        unit: Its unit (a key of :data:`UNIT_DIGITS`).
        test: For a proportion: ``"true"`` (the column is 0/1) or ``"positive"`` (the column > 0).
        among: Rows it is computed among: ``None`` (all replicates), a 0/1 column (the rows where
            it is true), or ``"values"`` (the rows whose value is not missing).
        n_values: The reported ``n`` is the number of values used, not of replicates.
        headline: Shown in the headline tables (command line, report, app).
        summary: Computed into ``summary.json`` (an outcome only contrasted is not).
        paired: Computed as a paired difference of means between two runs on the same seeds.
        era_only: Only over the era horizon (a rate per decade).
    """

    key: str
    kind: str
    column: str
    label: str
    short: str
    unit: str
    test: str = "true"
    among: str | None = None
    n_values: bool = False
    headline: bool = False
    summary: bool = True
    paired: bool = False
    era_only: bool = False

    @property
    def digits(self) -> int:
        """Decimals shown in a text table."""
        return UNIT_DIGITS.get(self.unit, 3)

    def format(self, value: Any) -> str:
        """The value as a text table shows it (``—`` when missing): its unit's decimals, one more
        for a probability or share below the last decimal shown (P(war) = 0.0003 is not 0.000)."""
        if value is None or value != value:
            return "—"
        v = float(value)
        if self.unit in ("probability", "share") and 0 < abs(v) < 10 ** -self.digits:
            return f"{v:.{self.digits + 1}f}"
        return f"{v:.{self.digits}f}"

    def format_interval(self, low: Any, high: Any, fmt: Callable[[float], str] | None = None) -> str:
        """The interval as tables show it: ``[low, high]``, each bound by ``fmt`` (default
        :meth:`format`), or :data:`UNBOUNDED` when a bound is missing (None or NaN) because the
        sample is too small for any finite interval (a median of at most 5 values, see
        ``sim.stats.intervals.median_ci``, or a mean of one)."""
        if any(v is None or math.isnan(v) for v in (low, high)):
            return UNBOUNDED
        fmt = fmt or self.format
        return f"[{fmt(low)}, {fmt(high)}]"

    def format_credible(self, entry: Any, fmt: Callable[[float], str] | None = None) -> str:
        """The 90% interval over posterior parameter draws of a summary entry (``cred_low``,
        ``cred_high``) as ``[low, high]``, or "" for a run at a point of the parameters."""
        low, high = (entry or {}).get("cred_low"), (entry or {}).get("cred_high")
        if any(v is None or math.isnan(v) for v in (low, high)):
            return ""
        fmt = fmt or self.format
        return f"[{fmt(low)}, {fmt(high)}]"


#: Per-replicate columns, in the order of ``outcomes.parquet``.
COLUMNS: tuple[Column, ...] = (
    Column("highest_rung", "highest rung either side reached", "rung", reporter=True),
    Column("highest_rung_{b}", "highest rung this belligerent reached", "rung"),
    Column("final_rung", "highest current rung at the horizon", "rung"),
    Column("strikes", "highest rung >= 3 (cross-border strikes)", "yes/no", reporter=True),
    Column("war", "highest rung >= 4 (conventional war)", "yes/no", reporter=True),
    Column("nuclear", "rung 5 reached (nuclear use ends the replicate)", "yes/no", reporter=True),
    Column("ceasefire", "a ceasefire agreed within the horizon", "yes/no", reporter=True),
    Column("day_ceasefire", "day of the first ceasefire (missing if none)", "days", reporter=True),
    Column("ceasefire_holding", "a ceasefire reached, not broken and no fighting at the horizon", "yes/no",
           reporter=True),
    Column("ceasefire_breaks", "ceasefires broken", "count"),
    Column("broker", "channel of the first ceasefire: -1 none, 0 bilateral hotline, 1 + k third party k", "code",
           reporter=True),
    Column("broker_kind", "kind of that channel: -1 none, 0 hotline, 1 facilitation, 2 mediation", "code"),
    Column("duration_days", "days from the trigger to the last day either side is at rung >= 2", "days",
           reporter=True),
    Column("crisis_days", "days from the trigger to the last day either side is above rung 0 (ICB's termination: "
           "back to the pre-crisis level)", "days"),
    Column("kinetic_days", "days with a side at rung >= 3", "days", reporter=True),
    Column("casualties_{b}", "deaths this belligerent suffered", "deaths"),
    Column("casualties", "deaths, both sides", "deaths", reporter=True),
    Column("loc_incidents", "LoC incidents (ceasefire violations)", "count", reporter=True),
    Column("accidental_escalations", "up-moves the opponent's true rung would not have caused (misperception)",
           "count", reporter=True),
    Column("attacks", "militant attacks after the trigger", "count"),
    Column("crises", "crisis onsets (the trigger counts as one on a crisis horizon)", "count"),
    Column("third_party_engaged", "any third party acted at any time", "yes/no"),
    Column("engaged_{tp}", "this third party acted at any time", "yes/no"),
    Column("mediation_offers_{tp}", "public mediation offers this third party made", "count"),
    Column("affinity_change_{tp}_{b}", "change in this third party's affinity with the belligerent", "affinity, -1 to 1"),
    Column("leverage_change_{tp}_{b}", "change in this third party's leverage over the belligerent", "leverage, 0 to 1"),
)

#: Statistics over replicates, in the order of ``summary.json``.
OUTCOMES: tuple[Outcome, ...] = (
    Outcome("p_strikes", PROPORTION, "strikes", "P(strikes: highest rung >= 3)", "strikes (highest rung ≥ 3)",
            "probability", headline=True, paired=True),
    Outcome("p_war", PROPORTION, "war", "P(war: highest rung >= 4)", "war (highest rung ≥ 4)", "probability",
            headline=True, paired=True),
    Outcome("p_nuclear", PROPORTION, "nuclear", "P(nuclear use: rung 5)", "nuclear use (rung 5)", "probability",
            headline=True, paired=True),
    Outcome("p_ceasefire", PROPORTION, "ceasefire", "P(ceasefire reached)", "ceasefire reached", "probability",
            headline=True, paired=True),
    Outcome("p_ceasefire_holding", PROPORTION, "ceasefire_holding", "P(ceasefire holding at horizon)",
            "ceasefire holding at horizon", "probability", headline=True, paired=True),
    Outcome("median_duration_days", MEDIAN, "duration_days", "Median crisis duration (days)",
            "crisis duration (median)", "days", headline=True),
    Outcome("median_crisis_days", MEDIAN, "crisis_days", "Median days to the crisis's end (both at rung 0)",
            "days to the crisis's end (median)", "days"),
    Outcome("median_days_to_ceasefire", MEDIAN, "day_ceasefire", "Median days to ceasefire",
            "days to ceasefire (median, if one)", "days", among="values", n_values=True, headline=True),
    Outcome("median_kinetic_days", MEDIAN, "kinetic_days", "Median kinetic phase (days at rung >= 3 | strikes)",
            "kinetic phase (median, if strikes)", "days", among="strikes", n_values=True, headline=True),
    Outcome("p_accidental_escalation", PROPORTION, "accidental_escalations",
            "P(an escalation caused by misperception)", "escalation by misperception", "probability",
            test="positive", headline=True, paired=True),
    Outcome("p_third_party_engaged", PROPORTION, "third_party_engaged", "P(a third party engaged)",
            "a third party engaged", "probability", headline=True, paired=True),
    Outcome("median_casualties", MEDIAN, "casualties", "Median deaths (both sides)", "deaths (median)", "deaths",
            headline=True),
    Outcome("mean_loc_incidents", MEAN, "loc_incidents", "Mean LoC incidents", "LoC incidents (mean)", "count",
            headline=True, paired=True),
    Outcome("mean_crises_per_decade", MEAN, "crises", "Mean crisis onsets per decade", "crisis onsets per decade",
            "per decade", headline=True, era_only=True),
    Outcome("share_brokered_{broker}", PROPORTION, "broker", "Share of ceasefires brokered by {broker}",
            "brokered by {broker}", "share", among="ceasefire"),
    Outcome("p_engaged_{tp}", PROPORTION, "engaged_{tp}", "P({tp} engaged)", "{tp} engaged", "probability"),
    Outcome("mean_affinity_change_{tp}_{b}", MEAN, "affinity_change_{tp}_{b}", "Mean change in {tp}-{b} affinity",
            "{tp}-{b} affinity change", "affinity, -1 to 1"),
    # Contrasts only: a paired difference of the mean, where the summary shows a median.
    Outcome("mean_duration_days", MEAN, "duration_days", "Mean crisis duration (days)", "crisis duration (mean)",
            "days", summary=False, paired=True),
    Outcome("mean_kinetic_days", MEAN, "kinetic_days", "Mean days at rung >= 3", "days at rung ≥ 3 (mean)", "days",
            summary=False, paired=True),
    Outcome("mean_casualties", MEAN, "casualties", "Mean deaths (both sides)", "deaths (mean)", "deaths",
            summary=False, paired=True),
    Outcome("mean_ceasefire_breaks", MEAN, "ceasefire_breaks", "Mean ceasefire breaks", "ceasefire breaks (mean)",
            "count", summary=False, paired=True),
    Outcome("p_brokered_{broker}", PROPORTION, "broker", "P(ceasefire brokered: {broker})", "brokered by {broker}",
            "probability", summary=False, paired=True),
)

_BY_KEY = {o.key: o for o in OUTCOMES}
def _pattern(template: str) -> re.Pattern[str]:
    """A regular expression matching the keys of a template, one named group per slot."""
    return re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", re.escape(template)) + "$")


_TEMPLATES = [(_pattern(o.key), o) for o in OUTCOMES if "{" in o.key]

#: The headline outcomes, in table order.
HEADLINE: tuple[Outcome, ...] = tuple(o for o in OUTCOMES if o.headline)
#: The outcomes with a fixed key that figures show as probabilities, and as days (medians).
PROBABILITIES: tuple[Outcome, ...] = tuple(o for o in HEADLINE if o.unit == "probability")
DAY_MEDIANS: tuple[Outcome, ...] = tuple(o for o in HEADLINE if o.kind == MEDIAN and o.unit == "days")


def outcome(key: str) -> Outcome:
    """The catalogue entry of a summary key, templates filled in (``p_engaged_USA``).

    Raises:
        KeyError: a key the catalogue does not declare.
    """
    if key in _BY_KEY:
        return _BY_KEY[key]
    for pattern, entry in _TEMPLATES:
        m = pattern.match(key)
        if m:
            fill = m.groupdict()
            return Outcome(key, entry.kind, entry.column.format(**fill), entry.label.format(**fill),
                           entry.short.format(**fill), entry.unit, entry.test, entry.among, entry.n_values,
                           entry.headline, entry.summary, entry.paired, entry.era_only)
    raise KeyError(f"{key}: not an outcome of the catalogue (sim.vocab.outcomes)")


def filled(template: str, keys: Iterable[str]) -> list[str]:
    """The values a one-slot template takes among ``keys``, in their order.

    Example: ``filled("share_brokered_{broker}", summary)`` gives the ceasefire channels of a
    run's summary, ``["bilateral", "USA", ...]``; ``filled("p_engaged_{tp}", summary)`` its third
    parties.
    """
    head, _, tail = template.partition("{")
    tail = tail.partition("}")[2]
    return [k[len(head):len(k) - len(tail)] for k in keys
            if k.startswith(head) and k.endswith(tail) and len(k) > len(head) + len(tail)]


def instances(template: str, keys: Iterable[str]) -> list[str]:
    """The keys among ``keys`` that are instances of a template (``mean_affinity_change_{tp}_{b}``)."""
    pattern = _pattern(template)
    return [k for k in keys if pattern.match(k)]


def expand(outcomes: Iterable[Outcome], brokers: Iterable[str], third_parties: Iterable[str],
           belligerents: Iterable[str]) -> list[Outcome]:
    """The outcomes of a run, templates filled in: fixed keys first (in catalogue order), then one
    entry per broker, then per third party its outcomes (per belligerent where the key names one)."""
    entries = list(outcomes)
    bs = list(belligerents)
    out = [o for o in entries if "{" not in o.key]
    for o in (o for o in entries if "{broker}" in o.key):
        out += [outcome(o.key.format(broker=name)) for name in brokers]
    per_tp = [o for o in entries if "{tp}" in o.key]
    for tp in third_parties:
        for o in per_tp:
            keys = [o.key.format(tp=tp, b=b) for b in bs] if "{b}" in o.key else [o.key.format(tp=tp)]
            out += [outcome(k) for k in keys]
    return out


def column_names(belligerents: Iterable[str], third_parties: Iterable[str]) -> list[str]:
    """The per-replicate columns of a scenario's run, templates expanded, in table order."""
    bs, tps = list(belligerents), list(third_parties)
    out: list[str] = []
    for col in COLUMNS:
        if "{tp}" not in col.name:
            out += [col.name.format(b=b) for b in bs] if "{b}" in col.name else [col.name]
    for tp in tps:
        out += [c.name.format(tp=tp) for c in COLUMNS if "{tp}" in c.name and "{b}" not in c.name]
        for b in bs:
            out += [c.name.format(tp=tp, b=b) for c in COLUMNS if "{tp}" in c.name and "{b}" in c.name]
    return out


REPORTERS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.reporter)
