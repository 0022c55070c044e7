"""Question banks: the model (dataclasses), validation with line numbers, YAML in and out."""

from scoring.bank.model import (
    ActionTemplate,
    Area,
    Bank,
    BankError,
    BankProblem,
    Dimension,
    Question,
    Rule,
)
from scoring.bank.validate import parse_bank
from scoring.bank.yaml_io import bank_to_dict, dump_bank_yaml, load_bank_yaml

__all__ = [
    "ActionTemplate",
    "Area",
    "Bank",
    "BankError",
    "BankProblem",
    "Dimension",
    "Question",
    "Rule",
    "bank_to_dict",
    "dump_bank_yaml",
    "load_bank_yaml",
    "parse_bank",
]
