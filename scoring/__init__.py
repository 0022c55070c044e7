"""Resonance scoring engine: pure Python, no Django (DESIGN.md sections 5 and 6).

`make install` also compiles the arithmetic modules with mypyc (scoring/native.py); the
results are the same either way.
"""

from scoring.native import check_build

check_build()  # before any compiled module loads: never run a build older than its source

from scoring.bank import (
    ActionTemplate,
    Area,
    Bank,
    BankError,
    BankProblem,
    Dimension,
    Question,
    Rule,
    bank_to_dict,
    dump_bank_yaml,
    load_bank_yaml,
    parse_bank,
)
from scoring.engine import (
    Result,
    band_for,
    build_action_plan,
    projected_index,
    result_to_dict,
    result_to_json,
    score_assessment,
)
from scoring.inputs import (
    Answer,
    AssessmentInput,
    InputError,
    OrganizationInfo,
    Response,
    Strategy,
    parse_input,
)
from scoring.plan import ActionItem, Priority
from scoring.pulse import PulseResult, score_pulse
from scoring.text import Text, localize

__all__ = [
    "ActionItem",
    "ActionTemplate",
    "Answer",
    "Area",
    "AssessmentInput",
    "Bank",
    "BankError",
    "BankProblem",
    "Dimension",
    "InputError",
    "OrganizationInfo",
    "Priority",
    "PulseResult",
    "Question",
    "Response",
    "Result",
    "Rule",
    "Strategy",
    "Text",
    "band_for",
    "bank_to_dict",
    "build_action_plan",
    "dump_bank_yaml",
    "load_bank_yaml",
    "localize",
    "parse_bank",
    "parse_input",
    "projected_index",
    "result_to_dict",
    "result_to_json",
    "score_assessment",
    "score_pulse",
]
