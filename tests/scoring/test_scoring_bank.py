"""Bank parsing and validation: every kind of problem, with its line; export round trip."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from scoring_testkit import bank_dict

from scoring.bank import (
    BankError,
    BankProblem,
    bank_to_dict,
    dump_bank_yaml,
    load_bank_yaml,
    parse_bank,
)

Q0 = "dimensions[0].areas[0].questions[0]"
RULE = {
    "code": "premium-inputs",
    "severity": "high",
    "message": "Premium inputs on a cost strategy.",
    "when": {
        "all": [
            {"strategy": "value_discipline", "equals": "operational_excellence"},
            {"question": "market.customers.feedback", "current_at_least": 4},
        ]
    },
}


def valid() -> dict[str, Any]:
    return bank_dict(rules=[copy.deepcopy(RULE)])


def line_of(text: str, snippet: str) -> int:
    """Return the 1-based line of the only line containing snippet."""
    matches = [i + 1 for i, line in enumerate(text.splitlines()) if snippet in line]
    assert len(matches) == 1, (snippet, matches)
    return matches[0]


def problems_of(text: str) -> list[BankProblem]:
    with pytest.raises(BankError) as caught:
        load_bank_yaml(text, source="default.yaml")
    return caught.value.problems


def dumped(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, width=1000)


# --- valid banks ------------------------------------------------------------------------------


def test_valid_bank_parses_with_lookups() -> None:
    bank = parse_bank(valid())
    assert bank.summary() == "test-bank v1 (2 dimensions, 4 areas, 10 questions, 1 rules)"
    assert next(iter(bank.questions)) == "market.customers.feedback"
    assert bank.area_of("market.trends.scan").code == "market.trends"
    assert bank.dimension_of("market.trends").code == "market"
    assert bank.area("organizational.culture").title == "Area organizational.culture"
    assert bank.dimension("market").weight == 1.0
    assert list(bank.areas) == [
        "market.customers",
        "market.trends",
        "organizational.culture",
        "organizational.people",
    ]
    assert bank.pitfall_areas == {
        "market_trends": "market.trends",
        "culture": "organizational.culture",
    }


def test_export_then_import_gives_the_same_bank() -> None:
    data = valid()
    data["dimensions"][0]["areas"][0]["questions"][0]["continues"] = "old.feedback"
    bank = parse_bank(data)
    assert bank.question("market.customers.feedback").continues == "old.feedback"
    assert parse_bank(bank_to_dict(bank)) == bank
    assert load_bank_yaml(dump_bank_yaml(bank)) == bank
    assert bank_to_dict(bank) == data


def test_yaml_text_of_section_5_loads() -> None:
    text = dumped(valid())
    assert load_bank_yaml(text, source="default.yaml") == parse_bank(valid())


def test_code_prefixes_are_not_enforced() -> None:
    data = valid()
    data["dimensions"][0]["areas"][1]["code"] = "trends"
    data["dimensions"][0]["areas"][1]["questions"][0]["code"] = "scan"
    data["pitfall_areas"]["market_trends"] = "trends"
    assert parse_bank(data).area_of("scan").code == "trends"


def test_help_and_continues_are_optional() -> None:
    data = valid()
    del data["dimensions"][0]["areas"][0]["questions"][0]["help"]
    question = parse_bank(data).question("market.customers.feedback")
    assert question.help == ""
    assert question.continues is None


def test_rules_and_pitfall_areas_are_optional() -> None:
    data = valid()
    del data["rules"]
    del data["pitfall_areas"]
    bank = parse_bank(data)
    assert bank.rules == ()
    assert bank.pitfall_areas == {}


# --- invalid banks: each kind of problem, with its line -------------------------------------


def set_in(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return mutate


def delete(path: list[Any]) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        node = data
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return mutate


QUESTION = ["dimensions", 0, "areas", 0, "questions", 0]
ACTION = [*QUESTION, "action"]


def duplicate_code(kind: str) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        if kind == "dimension":
            data["dimensions"][1]["code"] = "market"
        elif kind == "area":
            data["dimensions"][1]["areas"][0]["code"] = "market.customers"
        elif kind == "question":
            data["dimensions"][0]["areas"][1]["questions"][0]["code"] = "market.customers.feedback"
        else:
            data["rules"].append(copy.deepcopy(RULE))

    return mutate


# (name, mutation, expected path, expected message fragment, where the line is: a snippet of
# the only line containing it, or (exact line content, occurrence))
Where = str | tuple[str, int]
CASES: list[tuple[str, Callable[[dict[str, Any]], None], str, str, Where]] = [
    (
        "target outside the scale",
        set_in([*QUESTION, "targets", "product_leadership"], 7),
        f"{Q0}.targets.product_leadership",
        "7 is outside the scale 1..5",
        "product_leadership: 7",
    ),
    (
        "missing target",
        delete([*QUESTION, "targets", "customer_intimacy"]),
        f"{Q0}.targets.customer_intimacy",
        "missing required key 'customer_intimacy'",
        ("targets:", 1),
    ),
    (
        "unknown discipline in targets",
        set_in([*QUESTION, "targets", "cheapness"], 3),
        f"{Q0}.targets.cheapness",
        "unknown key 'cheapness'",
        "cheapness: 3",
    ),
    (
        "missing key",
        delete([*QUESTION, "text"]),
        f"{Q0}.text",
        "missing required key 'text'",
        "- code: market.customers.feedback",
    ),
    (
        "extra key",
        set_in([*QUESTION, "colour"], "red"),
        f"{Q0}.colour",
        "unknown key 'colour'",
        "colour: red",
    ),
    (
        "mistyped key",
        set_in([*QUESTION, "weight"], "heavy"),
        f"{Q0}.weight",
        "expected a number, got str",
        "weight: heavy",
    ),
    (
        "weight not positive",
        set_in(["dimensions", 1, "weight"], 0),
        "dimensions[1].weight",
        "must be greater than 0",
        "weight: 0",
    ),
    (
        "empty list of areas",
        set_in(["dimensions", 1, "areas"], []),
        "dimensions[1].areas",
        "must not be empty",
        "areas: []",
    ),
    (
        "duplicate dimension code",
        duplicate_code("dimension"),
        "dimensions[1].code",
        "duplicate dimension code 'market'",
        ("- code: market", 2),
    ),
    (
        "duplicate area code",
        duplicate_code("area"),
        "dimensions[1].areas[0].code",
        "duplicate area code 'market.customers'",
        ("- code: market.customers", 2),
    ),
    (
        "duplicate question code",
        duplicate_code("question"),
        "dimensions[0].areas[1].questions[0].code",
        "duplicate question code 'market.customers.feedback'",
        ("- code: market.customers.feedback", 2),
    ),
    (
        "duplicate rule code",
        duplicate_code("rule"),
        "rules[1].code",
        "duplicate rule code 'premium-inputs'",
        ("- code: premium-inputs", 2),
    ),
    (
        "incomplete action",
        delete([*ACTION, "kpi"]),
        f"{Q0}.action.kpi",
        "missing required key 'kpi'",
        ("action:", 1),
    ),
    (
        "effort out of range",
        set_in([*ACTION, "effort"], 6),
        f"{Q0}.action.effort",
        "6 is outside 1..5",
        "effort: 6",
    ),
    (
        "effort not an integer",
        set_in([*ACTION, "effort"], 2.5),
        f"{Q0}.action.effort",
        "expected an integer, got float",
        "effort: 2.5",
    ),
    (
        "effort days not positive",
        set_in([*ACTION, "effort_days"], 0),
        f"{Q0}.action.effort_days",
        "0 is outside 0.5..365",
        "effort_days: 0",
    ),
    (
        "duration under a week",
        set_in([*ACTION, "duration_weeks"], 0),
        f"{Q0}.action.duration_weeks",
        "0 is outside 1..104",
        "duration_weeks: 0",
    ),
    (
        "unknown severity",
        set_in(["rules", 0, "severity"], "critical"),
        "rules[0].severity",
        "unknown severity 'critical'",
        "severity: critical",
    ),
    (
        "unknown condition form",
        set_in(["rules", 0, "when"], {"weather": "sunny"}),
        "rules[0].when",
        "unknown condition",
        "when:",
    ),
    (
        "unknown strategy field",
        set_in(["rules", 0, "when", "all", 0, "strategy"], "mood"),
        "rules[0].when.all[0].strategy",
        "unknown strategy field 'mood'",
        "strategy: mood",
    ),
    (
        "unknown discipline in a rule",
        set_in(["rules", 0, "when", "all", 0, "equals"], "cheapness"),
        "rules[0].when.all[0].equals",
        "unknown value_discipline 'cheapness'",
        "equals: cheapness",
    ),
    (
        "unknown question in a rule",
        set_in(["rules", 0, "when", "all", 1, "question"], "nope.nope"),
        "rules[0].when.all[1].question",
        "unknown question code 'nope.nope'",
        "question: nope.nope",
    ),
    (
        "threshold not a number",
        set_in(["rules", 0, "when", "all", 1, "current_at_least"], "four"),
        "rules[0].when.all[1].current_at_least",
        "expected a number",
        "current_at_least: four",
    ),
    (
        "unknown area in a rule",
        set_in(["rules", 0, "when"], {"area": "nowhere", "score_below": 60}),
        "rules[0].when.area",
        "unknown area code 'nowhere'",
        "area: nowhere",
    ),
    (
        "unknown dimension in a rule",
        set_in(["rules", 0, "when"], {"dimension": "nowhere", "score_below": 60}),
        "rules[0].when.dimension",
        "unknown dimension code 'nowhere'",
        "dimension: nowhere",
    ),
    (
        "empty all",
        set_in(["rules", 0, "when"], {"any": []}),
        "rules[0].when.any",
        "expected a non-empty list of conditions",
        "any: []",
    ),
    (
        "not with a list",
        set_in(["rules", 0, "when"], {"not": [{"strategy": "segment", "equals": "x"}]}),
        "rules[0].when.not",
        "expected a condition mapping, got list",
        "not:",
    ),
    (
        "both bounds in one condition",
        set_in(
            ["rules", 0, "when"],
            {"question": "market.customers.feedback", "current_at_least": 2, "current_at_most": 4},
        ),
        "rules[0].when",
        "exactly one of current_at_least, current_at_most",
        "when:",
    ),
    (
        "unknown pitfall area key",
        set_in(["pitfall_areas", "weather"], "market.trends"),
        "pitfall_areas.weather",
        "unknown key 'weather'",
        "weather: market.trends",
    ),
    (
        "pitfall area naming no area",
        set_in(["pitfall_areas", "culture"], "organizational.nothing"),
        "pitfall_areas.culture",
        "unknown area code 'organizational.nothing'",
        "culture: organizational.nothing",
    ),
    (
        "scale upside down",
        set_in(["scale"], {"min": 5, "max": 1}),
        "scale",
        "min (5) must be less than max (1)",
        "scale:",
    ),
    (
        "scale not integers",
        set_in(["scale", "max"], 5.5),
        "scale.max",
        "expected an integer, got float",
        "max: 5.5",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "path", "message", "where"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_invalid_bank_names_path_and_line(
    mutate: Callable[[dict[str, Any]], None], path: str, message: str, where: Where
) -> None:
    data = valid()
    mutate(data)
    text = dumped(data)
    problems = problems_of(text)
    matching = [p for p in problems if p.path == path]
    assert matching, problems
    problem = matching[0]
    assert message in problem.message
    if isinstance(where, tuple):
        content, occurrence = where
        found = [i + 1 for i, line in enumerate(text.splitlines()) if line.strip() == content]
        expected_line = found[occurrence - 1]
    else:
        expected_line = line_of(text, where)
    assert problem.line == expected_line
    assert str(problem) == f"default.yaml:{expected_line}: {path}: {problem.message}"
    # The same problem, without a line, when the dict is parsed directly.
    with pytest.raises(BankError) as caught:
        parse_bank(data)
    assert any(p.path == path and p.line is None for p in caught.value.problems)


def test_all_problems_are_collected() -> None:
    data = valid()
    set_in([*QUESTION, "targets", "product_leadership"], 7)(data)
    set_in(["dimensions", 1, "weight"], -1)(data)
    set_in(["rules", 0, "severity"], "critical")(data)
    delete([*ACTION, "unit"])(data)
    with pytest.raises(BankError) as caught:
        parse_bank(data, source="bank.yaml")
    paths = [p.path for p in caught.value.problems]
    assert paths == [
        f"{Q0}.targets.product_leadership",
        f"{Q0}.action.unit",
        "dimensions[1].weight",
        "rules[0].severity",
    ]
    assert str(caught.value).count("\n") == 3
    assert caught.value.one_line().count("; ") == 3


def test_malformed_yaml_names_its_line() -> None:
    text = "bank: x\nversion: 1\ndimensions:\n  - code: [unclosed\n    title: x\n"
    (problem,) = problems_of(text)
    assert problem.message.startswith("malformed YAML")
    assert problem.line in (4, 5)
    assert str(problem).startswith(f"default.yaml:{problem.line}: malformed YAML")


def test_duplicate_yaml_key_is_a_problem() -> None:
    text = dumped(valid()).replace("title: Test bank\n", "title: Test bank\ntitle: Again\n")
    problems = problems_of(text)
    assert [(p.path, p.line) for p in problems] == [("title", line_of(text, "title: Again"))]


def test_empty_or_non_mapping_document_is_a_problem() -> None:
    assert "empty" in problems_of("")[0].message
    (problem,) = problems_of("- just\n- a list\n")
    assert problem.message == "expected a mapping, got list"
    assert problem.line == 1


TINY = """\
bank: tiny
version: 1
title: Tiny
scale: {min: 1, max: 5}
dimensions:
  - code: market
    title: Market
    weight: 1.0
    areas:
      - code: market.customers
        title: Customers
        weight: 1.0
        questions:
          - code: market.customers.feedback
            text: "We collect customer feedback."
            help: "1 = never, 5 = routinely"
            weight: 1.0
            targets: {operational_excellence: 3, product_leadership: 4, customer_intimacy: 5}
            action:
              title: "Ask {segment}"
              specific: "Ask five {segment} customers a month"
              kpi: "interviews per month"
              unit: "interviews"
              owner_role: owner
              effort: 2
              effort_days: 4
              duration_weeks: 6
          - code: market.customers.segments
            text: {en: "We know which customers we serve.", de: "Wir kennen unsere Kunden."}
            weight: 2
            targets: {operational_excellence: 3, product_leadership: 4, customer_intimacy: 5}
            action:
              title: "Ask {segment}"
              specific: "Ask five {segment} customers a month"
              kpi: "interviews per month"
              unit: "interviews"
              owner_role: owner
              effort: 3
              effort_days: 4
              duration_weeks: 6
              kpi_target: 5
              kpi_direction: up
            scale_back:
              title: "Stop surveying {segment} every week"
              specific: "Keep one survey a quarter"
              kpi: "hours spent on surveys per month"
              unit: "hours"
              owner_role: owner
              effort: 1
              effort_days: 1
              duration_weeks: 2
              kpi_target: 4
              kpi_direction: down
rules:
  - code: cost-strategy-premium-inputs
    severity: high
    message: "A cost strategy with premium inputs."
    when:
      all:
        - {strategy: value_discipline, equals: operational_excellence}
        - {question: market.customers.feedback, current_at_least: 4}
    remedies: [market.customers.feedback]
pitfall_areas: {market_trends: market.customers}
pitfall_remedies:
  communication: [market.customers.segments]
  market_changes: [market.customers.feedback, market.customers.segments]
pulse_questions: [market.customers.feedback]
"""


def test_section_5_yaml_with_flow_mappings_and_the_v2_keys_loads() -> None:
    bank = load_bank_yaml(TINY, source="tiny.yaml")
    second = bank.question("market.customers.segments")
    assert second.action.effort == 3
    assert second.action.title == "Ask {segment}"
    assert (second.action.kpi_target, second.action.kpi_direction) == (5, "up")
    assert second.scale_back is not None
    assert (second.scale_back.kpi_target, second.scale_back.kpi_direction) == (4, "down")
    assert second.text == {
        "en": "We know which customers we serve.",
        "de": "Wir kennen unsere Kunden.",
    }
    assert second.help == ""
    first = bank.question("market.customers.feedback")
    assert (first.action.kpi_target, first.action.kpi_direction, first.scale_back) == (
        None,
        "up",
        None,
    )
    assert bank.rules[0].code == "cost-strategy-premium-inputs"
    assert bank.rules[0].remedies == ("market.customers.feedback",)
    assert bank.pitfall_remedies == {
        "communication": ("market.customers.segments",),
        "market_changes": ("market.customers.feedback", "market.customers.segments"),
    }
    assert bank.pulse_questions == ("market.customers.feedback",)
    assert load_bank_yaml(dump_bank_yaml(bank)) == bank
    assert parse_bank(bank_to_dict(bank)) == bank
    assert bank_to_dict(bank)["pulse_questions"] == ["market.customers.feedback"]


def test_problem_inside_a_flow_mapping_names_its_line() -> None:
    text = TINY.replace(
        'product_leadership: 4, customer_intimacy: 5}\n            action:\n              title: "Ask {segment}"\n              specific: "Ask five {segment} customers a month"\n              kpi: "interviews per month"\n              unit: "interviews"\n              owner_role: owner\n              effort: 2',
        'product_leadership: 9, customer_intimacy: 5}\n            action:\n              title: "Ask {segment}"\n              specific: "Ask five {segment} customers a month"\n              kpi: "interviews per month"\n              unit: "interviews"\n              owner_role: owner\n              effort: 2',
    )
    (problem,) = problems_of(text)
    assert problem.line == 18
    assert str(problem) == (
        "default.yaml:18: dimensions[0].areas[0].questions[0].targets.product_leadership: "
        "9 is outside the scale 1..5"
    )


def test_problem_in_a_rule_condition_names_its_line() -> None:
    text = TINY.replace("current_at_least: 4}", "current_at_least: high}")
    (problem,) = problems_of(text)
    assert problem.line == line_of(text, "current_at_least: high}")
    assert problem.path == "rules[0].when.all[1].current_at_least"
