"""Bank file problems reach a person in their language: template list, admin, load_bank."""

import ast
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

import scoring
from banks.models import QuestionBank
from banks.problems import TEMPLATES, problem_message, problem_text
from banks.services import bank_draft_from
from scoring.bank import BankError, BankProblem, load_bank_yaml
from tests.conftest import DEFAULT_BANK

# The calls that take an English template, and where: report(path, template, ...),
# _refused(template, ...), _problem(template, ...), BankProblem.of(path, template, ...); and
# keyword arguments that hand a template on (template=, wrong_template=, ...).
_TEMPLATE_ARGUMENT = {"report": 1, "_refused": 0, "_problem": 0, "of": 1}
# Names that only pass on a template that is written out elsewhere.
_PASSED_ON = {"template", "wrong_template", "unknown_template"}


def _scoring_templates() -> set[str]:
    """Return every template written in scoring's source, failing on one it cannot read."""
    found: set[str] = set()
    for path in Path(scoring.__file__).parent.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {
            node.targets[0].id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else None
            name = name or (node.func.id if isinstance(node.func, ast.Name) else None)
            arguments = [
                keyword.value
                for keyword in node.keywords
                if keyword.arg and (keyword.arg == "template" or keyword.arg.endswith("_template"))
            ]
            position = _TEMPLATE_ARGUMENT.get(name or "")
            if position is not None and len(node.args) > position:
                arguments.append(node.args[position])
            for argument in arguments:
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    found.add(argument.value)
                elif isinstance(argument, ast.Name) and argument.id in constants:
                    found.add(constants[argument.id])
                elif isinstance(argument, ast.Name) and argument.id in _PASSED_ON:
                    continue
                elif isinstance(argument, ast.Attribute) and argument.attr == "template":
                    continue  # a RefusedYAMLError's template, set by _refused
                else:
                    pytest.fail(f"{path}:{node.lineno}: a template that is not written out")
    return found


def test_the_template_list_holds_every_template_scoring_can_report():
    assert len(TEMPLATES) == len(set(TEMPLATES))
    assert set(TEMPLATES) == _scoring_templates()


def test_a_problem_keeps_its_english_message_and_its_template():
    with pytest.raises(BankError) as caught:
        load_bank_yaml("bank: x\nversion: 1\nspeling: 2\n", source="x.yaml")
    unknown = next(p for p in caught.value.problems if p.path == "speling")
    assert unknown.message == "unknown key 'speling'"
    assert unknown.template == "unknown key '{key}'"
    assert unknown.params == {"key": "speling"}
    assert str(unknown) == "x.yaml:3: speling: unknown key 'speling'"


def test_problem_text_translates_the_template_and_keeps_the_values():
    problem = BankProblem.of("a.b", "unknown key '{key}'", 7, "bank.yaml", key="speling")
    with translation.override("de"):
        assert problem_text(problem) == "bank.yaml:7: a.b: unbekannter Schlüssel 'speling'"
    with translation.override("fr"):
        assert problem_text(problem) == "bank.yaml:7: a.b: clé 'speling' inconnue"
    with translation.override("en"):
        assert problem_text(problem) == str(problem)


def test_problem_text_falls_back_to_english(monkeypatch):
    plain = BankProblem("", "something the engine said", None, "bank.yaml")
    with translation.override("de"):
        assert problem_text(plain) == "bank.yaml: something the engine said"
    problem = BankProblem.of("", "unknown key '{key}'", 2, "bank.yaml", key="k")
    monkeypatch.setattr("banks.problems.gettext", lambda text: "Schlüssel {schluessel} unbekannt")
    assert problem_message(problem) == "unknown key 'k'"
    monkeypatch.setattr("banks.problems.gettext", lambda text: "Schlüssel {key!z}")
    assert problem_message(problem) == "unknown key 'k'"


def _broken_bank() -> tuple[str, int]:
    """Return the default bank with a target off the scale, and that target's line."""
    lines = DEFAULT_BANK.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if "product_leadership: 4" in line)
    lines[index] = lines[index].replace("product_leadership: 4", "product_leadership: 9")
    return "\n".join(lines) + "\n", index + 1


@pytest.mark.django_db
def test_a_german_admin_sees_the_import_problems_in_german(admin_client, default_bank):
    text, line = _broken_bank()
    upload = SimpleUploadedFile("broken.yaml", text.encode())
    with translation.override("de"):
        response = admin_client.post(
            reverse("admin:banks_questionbank_import"),
            {"file": upload},
            HTTP_ACCEPT_LANGUAGE="de",
        )
    assert response.status_code == 200
    problems = response.context["problems"]
    assert any(
        p.startswith(f"broken.yaml:{line}: ") and "9 liegt außerhalb der Skala 1..5" in p
        for p in problems
    ), problems
    assert "liegt außerhalb der Skala" in response.text
    assert "is outside the scale" not in response.text
    assert QuestionBank.objects.count() == 1


@pytest.mark.django_db
def test_load_bank_writes_its_problems_in_german(tmp_path):
    text, line = _broken_bank()
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    err = StringIO()
    with translation.override("de"), pytest.raises(CommandError, match="nichts wurde geladen"):
        call_command("load_bank", str(path), stdout=StringIO(), stderr=err)
    assert f"{path}:{line}: " in err.getvalue()
    assert "9 liegt außerhalb der Skala 1..5" in err.getvalue()
    assert not QuestionBank.objects.exists()


@pytest.mark.django_db
def test_export_bank_writes_the_problems_of_an_invalid_version_in_german(default_bank):
    draft = bank_draft_from(bank_row=default_bank)
    draft.rules.filter(pk=draft.rules.first().pk).update(
        condition={"question": "no.such.question", "current_at_least": 4}
    )
    err = StringIO()
    with translation.override("de"), pytest.raises(CommandError, match="nichts wurde exportiert"):
        call_command(
            "export_bank",
            draft.slug,
            "--version",
            str(draft.version),
            stdout=StringIO(),
            stderr=err,
        )
    assert "unbekannter Fragecode 'no.such.question'" in err.getvalue()
