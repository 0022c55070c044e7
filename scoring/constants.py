"""Vocabulary and thresholds of the scoring model (DESIGN.md sections 5 and 6)."""

from __future__ import annotations

from typing import Final

DISCIPLINES: Final = ("operational_excellence", "product_leadership", "customer_intimacy")
LEVELS: Final = ("owner", "manager", "staff")
# Levels a rule condition may read; "others" is the mean of the manager and staff level means.
CONDITION_LEVELS: Final = ("owner", "manager", "staff", "others")
DIRECTIONS: Final = ("raise", "scale_back")
KPI_DIRECTIONS: Final = ("up", "down")
DEFAULT_LANGUAGE: Final = "en"
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

# v2 bands: < 60 misaligned, 60-79 partially aligned, 80-89 aligned, >= 90 resonant. The
# thresholds are read as "index < 60", "< 80", "< 90", so 79.5 is still partially aligned.
BAND_PARTIAL: Final = 60.0
BAND_ALIGNED: Final = 80.0
BAND_RESONANT: Final = 90.0

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
DEFAULT_TOP_K: Final = 8
WEEKS_PER_YEAR: Final = 52
MONTHS_PER_YEAR: Final = 12

# Strategy fit (profile_match, better_fit).
PROFILE_MIN_QUESTIONS: Final = 5
BETTER_FIT_MIN_MATCH: Final = 0.3
BETTER_FIT_MIN_LEAD: Final = 0.2

# Plan values and better-fit matches are compared rounded to this many decimals.
COMPARE_DECIMALS: Final = 9

# --- limits of a bank: the database columns it is stored in, and hostile files --------------
SLUG_MAX: Final = 60
VERSION_MAX: Final = 2_147_483_647
TITLE_MAX: Final = 200
DIMENSION_CODE_MAX: Final = 60
AREA_CODE_MAX: Final = 100
QUESTION_CODE_MAX: Final = 150
RULE_CODE_MAX: Final = 100
QUESTION_TEXT_MAX: Final = 1000
HELP_MAX: Final = 2000
RULE_MESSAGE_MAX: Final = 1000
ACTION_SPECIFIC_MAX: Final = 2000
KPI_MAX: Final = 200
UNIT_MAX: Final = 60
OWNER_ROLE_MAX: Final = 100
LANGUAGE_CODE_MAX: Final = 16
EFFORT_DAYS_MIN: Final = 0.5
EFFORT_DAYS_MAX: Final = 365.0
DURATION_WEEKS_MIN: Final = 1
DURATION_WEEKS_MAX: Final = 104
SCALE_LOW: Final = 0
SCALE_HIGH: Final = 10
WEIGHT_MAX: Final = 100.0
KPI_TARGET_MAX: Final = 1e12
# A rule's condition: how deep all/any/not may nest, and how many conditions it may hold.
CONDITION_DEPTH_MAX: Final = 8
CONDITION_COUNT_MAX: Final = 200
# Any YAML collection nested deeper than this is refused while the file is read.
YAML_DEPTH_MAX: Final = 40
# A file holding more YAML nodes than this is refused while it is read (the default bank has
# about 4,200): a flat list of a million items expands no alias yet still costs memory and time.
YAML_NODES_MAX: Final = 25_000
# Questions a bank may ask in every pulse (DESIGN.md section 10: a pulse asks at most 10).
PULSE_QUESTIONS_MAX: Final = 10
# Characters of a bank file (the default bank has about 110,000).
BANK_TEXT_MAX: Final = 1_000_000

# Scores are sums of floats: a threshold compared with a value that is mathematically equal to
# it must not fall on the wrong side because of the last bit.
EPSILON: Final = 1e-9
