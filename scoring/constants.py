"""Vocabulary and thresholds of the scoring model (DESIGN.md sections 5 and 6)."""

from __future__ import annotations

from typing import Final

DISCIPLINES: Final = ("operational_excellence", "product_leadership", "customer_intimacy")
LEVELS: Final = ("owner", "manager", "staff")
PRIMARY_VALUES: Final = ("price", "quality", "convenience", "innovation", "service")
SEVERITIES: Final = ("low", "medium", "high")
BANDS: Final = ("misaligned", "partially_aligned", "aligned", "resonant", "insufficient_data")
PITFALLS: Final = ("communication", "silos", "market_changes", "culture")
QUADRANTS: Final = ("quick_win", "major_project", "fill_in", "thankless")

STRATEGY_FIELDS: Final = ("value_discipline", "primary_value", "segment")
PITFALL_AREA_KEYS: Final = ("market_trends", "culture")
AREA_STATUSES: Final = ("ok", "insufficient_data")

# The misfit and area formulas are written for the 1..5 answer scale: a full shortfall is 4
# points and targets are weighted by T/5 (DESIGN.md section 6).
MISFIT_SPAN: Final = 4.0
TARGET_SCALE: Final = 5.0
OVERKILL_COST: Final = 0.5

# An area is scored only when at least 60 % of its questions were answered: kept as a fraction
# of integers so that 3 of 5 is exactly "not under 60 %".
COVERAGE_NUMERATOR: Final = 3
COVERAGE_DENOMINATOR: Final = 5

BAND_PARTIAL: Final = 50.0
BAND_ALIGNED: Final = 70.0
BAND_RESONANT: Final = 85.0

PERCEPTION_GAP_FLAG: Final = 1.0
CONSENSUS_STDEV_FLAG: Final = 1.25
CONSENSUS_MIN_RESPONDENTS: Final = 3

COMMUNICATION_MIN_GAP_AREAS: Final = 2
# Consensus flags on at least 1/5 of the answered questions.
COMMUNICATION_CONSENSUS_NUMERATOR: Final = 1
COMMUNICATION_CONSENSUS_DENOMINATOR: Final = 5
SILOS_MIN_SPREAD: Final = 25.0
PITFALL_AREA_FLOOR: Final = 60.0
MARKET_HISTORY_DAYS: Final = 365

EFFORT_MIN: Final = 1
EFFORT_MAX: Final = 5
WEEKS_PER_YEAR: Final = 52
MONTHS_PER_YEAR: Final = 12

# Scores are sums of floats: a threshold compared with a value that is mathematically equal to
# it must not fall on the wrong side because of the last bit.
EPSILON: Final = 1e-9
