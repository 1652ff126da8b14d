"""Calibration targets of the post-2016 nuclear crises (brief M§8), checked on a run's summary.
"""

from __future__ import annotations

import math
from typing import Any


# ----------------------------------------------------------------- calibration targets (brief M§8)
def calibration_checks(summary: dict[str, dict[str, Any]]) -> list[tuple[str, bool, str]]:
    """The post-1998 calibration targets of brief M§8, checked on a crisis-horizon summary.

    Returns:
        ``(target, met, detail)`` per target; the estimate must lie in the stated band.
    """
    def est(key: str) -> float:
        value = summary[key]["estimate"]
        return math.nan if value is None else float(value)

    checks = [
        ("strikes likely but not certain (post-2016 ≈ 0.75): P(strikes) in [0.5, 0.95]",
         0.5 <= est("p_strikes") <= 0.95, f"{est('p_strikes'):.3f}"),
        ("war rare: P(war) <= 0.11", est("p_war") <= 0.11, f"{est('p_war'):.4f}"),
        ("nuclear use rarer than war: P(nuclear) <= P(war) and < 0.01",
         est("p_nuclear") <= est("p_war") and est("p_nuclear") < 0.01, f"{est('p_nuclear'):.4f}"),
        ("weeks, not months: median duration in [14, 56] days",
         14 <= est("median_duration_days") <= 56, f"{est('median_duration_days'):.0f} d"),
        ("kinetic phase lasts days: median days at rung >= 3 (given strikes) <= 7",
         est("median_kinetic_days") <= 7, f"{est('median_kinetic_days'):.0f} d"),
        ("a third party engaged in ≈ 90% of crises: P in [0.8, 1]",
         0.8 <= est("p_third_party_engaged") <= 1.0, f"{est('p_third_party_engaged'):.3f}"),
    ]
    return checks

