"""Hostile and oversized banks: refused fast, each problem with its line (DESIGN.md section 8)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from scoring_testkit import bank_dict

from scoring.bank import BankError, BankProblem, load_bank_yaml, parse_bank

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
j: &j [*i,*i,*i,*i,*i,*i,*i,*i,*i]
"""


def problems_of(text: str) -> list[BankProblem]:
    with pytest.raises(BankError) as caught:
        load_bank_yaml(text, source="bank.yaml")
    return caught.value.problems


def dumped(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, width=1000, allow_unicode=True)


def line_of(text: str, snippet: str) -> int:
    matches = [i + 1 for i, line in enumerate(text.splitlines()) if snippet in line]
    assert len(matches) == 1, (snippet, matches)
    return matches[0]


def test_billion_laughs_is_refused_at_its_first_anchor() -> None:
    # Refused at the first anchor, so nothing is ever expanded; bench/ measures how fast.
    (problem,) = problems_of(BILLION_LAUGHS)
    assert problem.line == 1
    assert "anchors" in problem.message
    assert str(problem).startswith("bank.yaml:1: YAML anchors (&a) are not allowed")


def test_an_alias_is_refused_with_its_line() -> None:
    text = dumped(bank_dict()) + "extra: *nowhere\n"
    (problem,) = problems_of(text)
    assert problem.line == text.count("\n")
    assert "aliases (*nowhere) are not allowed" in problem.message


def test_a_merge_of_an_anchored_action_is_refused() -> None:
    text = dumped(bank_dict()).replace("    action:\n", "    action: &act\n", 1)
    (problem,) = problems_of(text)
    assert "anchors (&act)" in problem.message
    assert problem.line == line_of(text, "action: &act")


def test_deep_yaml_nesting_is_refused_fast() -> None:
    # How fast it is refused is measured by bench/, not here: timings make tests flaky.
    text = "bank: " + "[" * 5000 + "]" * 5000 + "\n"
    (problem,) = problems_of(text)
    assert "nested deeper than" in problem.message
    assert problem.line == 1


def nested_condition(depth: int) -> dict[str, Any]:
    condition: dict[str, Any] = {"strategy": "segment", "equals": "x"}
    for _ in range(depth):
        condition = {"not": condition}
    return condition


def rule_with(when: dict[str, Any]) -> dict[str, Any]:
    return {"code": "deep", "severity": "low", "message": "Deep.", "when": when}


def test_rule_conditions_nest_at_most_eight_levels() -> None:
    assert parse_bank(bank_dict(rules=[rule_with(nested_condition(8))])).rules
    text = dumped(bank_dict(rules=[rule_with(nested_condition(9))]))
    (problem,) = problems_of(text)
    assert problem.message == "conditions nested deeper than 8 levels"
    assert problem.path == "rules[0].when" + ".not" * 9
    # The ninth "not:", on the line above the innermost condition.
    assert problem.line == line_of(text, "strategy: segment") - 1


def test_a_rule_holds_at_most_200_conditions() -> None:
    leaf = {"strategy": "segment", "equals": "x"}
    assert parse_bank(bank_dict(rules=[rule_with({"any": [dict(leaf) for _ in range(199)]})]))
    text = dumped(bank_dict(rules=[rule_with({"any": [dict(leaf) for _ in range(250)]})]))
    (problem,) = problems_of(text)
    assert problem.message == "a rule may hold at most 200 conditions"
    assert problem.path == "rules[0].when.any[199]"
    assert problem.line is not None


Q0 = ["dimensions", 0, "areas", 0, "questions", 0]
A0 = [*Q0, "action"]


def set_in(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return mutate


def dotted(path: list[Any]) -> str:
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else key)
    return text


# (mutation path, value, expected message fragment)
LIMITS: list[tuple[list[Any], Any, str]] = [
    (["bank"], "x" * 61, "61 characters long; at most 60"),
    (["bank"], "not a slug!", "is not a slug"),
    (["title"], "T" * 201, "at most 200"),
    (["version"], 2**31, "outside 1..2147483647"),
    (["scale"], {"min": 1, "max": 11}, "11 is outside 0..10"),
    (["scale"], {"min": -1, "max": 5}, "-1 is outside 0..10"),
    (["dimensions", 0, "code"], "d" * 61, "at most 60"),
    (["dimensions", 0, "weight"], 101, "must be at most 100"),
    (["dimensions", 0, "areas", 0, "code"], "a" * 101, "at most 100"),
    (["dimensions", 0, "areas", 0, "title"], "A" * 201, "at most 200"),
    ([*Q0, "code"], "q" * 151, "at most 150"),
    ([*Q0, "text"], "t" * 1001, "at most 1000"),
    ([*Q0, "help"], "h" * 2001, "at most 2000"),
    ([*Q0, "weight"], 100.5, "must be at most 100"),
    ([*A0, "title"], "T" * 201, "at most 200"),
    ([*A0, "kpi"], "k" * 201, "at most 200"),
    ([*A0, "unit"], "u" * 61, "at most 60"),
    ([*A0, "owner_role"], "o" * 101, "at most 100"),
    ([*A0, "effort"], 0, "0 is outside 1..5"),
    ([*A0, "effort_days"], 0.25, "0.25 is outside 0.5..365"),
    ([*A0, "effort_days"], 366, "366 is outside 0.5..365"),
    ([*A0, "duration_weeks"], 105, "105 is outside 1..104"),
    ([*A0, "kpi_direction"], "sideways", "expected up or down"),
    ([*A0, "kpi_target"], "high", "expected a number"),
    (["rules", 0, "code"], "r" * 101, "at most 100"),
    (["rules", 0, "message"], "m" * 1001, "at most 1000"),
    ([*Q0, "text"], {"en": "ok", "de": "t" * 1001}, "at most 1000"),
    ([*Q0, "text"], {"english": "Hello"}, "is not a language code"),
    ([*Q0, "text"], {}, "expected at least one language"),
    ([*Q0, "text"], {"en": 3}, "expected a string, got int"),
]


@pytest.mark.parametrize(
    ("path", "value", "message"), LIMITS, ids=[f"{dotted(p)}={str(v)[:12]}" for p, v, _ in LIMITS]
)
def test_values_beyond_the_database_columns_are_refused_with_their_line(
    path: list[Any], value: Any, message: str
) -> None:
    data = bank_dict(
        rules=[{"code": "r", "severity": "low", "message": "M.", "when": nested_condition(0)}]
    )
    set_in(path, value)(data)
    text = dumped(data)
    problems = problems_of(text)
    where = dotted(path)
    matching = [p for p in problems if p.path.startswith(where) and message in p.message]
    assert matching, problems
    assert matching[0].line is not None
    if not isinstance(value, dict):
        key = str(path[-1])
        assert text.splitlines()[matching[0].line - 1].strip().startswith(f"{key}:") or (
            key in text.splitlines()[matching[0].line - 1]
        )


@pytest.mark.parametrize(
    ("extra", "path", "message"),
    [
        ({"remedies": ["nope"]}, "rules[0].remedies[0]", "unknown question code 'nope'"),
        ({"remedies": "market.trends.scan"}, "rules[0].remedies", "expected a list"),
        (
            {"remedies": ["market.trends.scan", "market.trends.scan"]},
            "rules[0].remedies[1]",
            "listed twice",
        ),
    ],
)
def test_rule_remedies_name_existing_questions(
    extra: dict[str, Any], path: str, message: str
) -> None:
    rule = {"code": "r", "severity": "high", "message": "M.", "when": nested_condition(0)} | extra
    problems = problems_of(dumped(bank_dict(rules=[rule])))
    assert [(p.path, message in p.message) for p in problems] == [(path, True)]
    assert problems[0].line is not None


def test_pitfall_remedies_and_pulse_questions_are_checked() -> None:
    data = bank_dict()
    data["pitfall_remedies"] = {"gossip": ["market.trends.scan"], "culture": ["nope"]}
    data["pulse_questions"] = ["market.trends.scan", 7]
    text = dumped(data)
    problems = problems_of(text)
    assert [(p.path, p.line) for p in problems] == [
        ("pitfall_remedies.gossip", line_of(text, "gossip:")),
        ("pitfall_remedies.culture[0]", line_of(text, "- nope")),
        ("pulse_questions[1]", line_of(text, "- 7")),
    ]


def test_a_level_condition_names_a_known_level() -> None:
    when = {"question": "market.trends.scan", "level": "ceo", "current_at_most": 2}
    problems = problems_of(dumped(bank_dict(rules=[rule_with(when)])))
    assert [p.path for p in problems] == ["rules[0].when.level"]
    assert "expected one of owner, manager, staff, others" in problems[0].message


def test_language_maps_survive_the_round_trip() -> None:
    data = bank_dict()
    data["title"] = {"en": "Test bank", "de": "Testkatalog"}
    data["dimensions"][0]["areas"][0]["questions"][0]["text"] = {"de": "Nur Deutsch."}
    bank = parse_bank(copy.deepcopy(data))
    assert bank.title == {"en": "Test bank", "de": "Testkatalog"}
    assert load_bank_yaml(dumped(data)) == bank
