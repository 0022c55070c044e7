"""Issue #20 items 2 and 3: a bank file is bounded and holds only what the database can store.

Each hostile file goes through the three doors a bank comes in by — `python -m scoring
validate`, `manage.py load_bank` and the admin import — and must be refused with a line-numbered
message, never a traceback or a 500, with nothing stored.
"""

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import models
from django.urls import reverse

from banks.models import Area, ConsistencyRule, Dimension, Question, QuestionBank
from scoring import constants

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
BASE_TEXT = (ROOT / "banks" / "default.yaml").read_text(encoding="utf-8")


def _english(value: Any) -> Any:
    """Return a bank structure with each text by language reduced to its English text.

    The hostile variants edit the text of the file, which is simplest on one language.
    """
    if isinstance(value, dict):
        if "en" in value and all(isinstance(text, str) for text in value.values()):
            return value["en"]
        return {key: _english(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_english(item) for item in value]
    return value


BASE = _english(yaml.safe_load(BASE_TEXT))


def _bank_text(version: int = 90) -> str:
    data = dict(BASE, version=version)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)


def _alias_rules() -> str:
    """Ten rules, each condition listing the previous one ten times: 10**9 conditions."""
    head, _, _ = _bank_text().partition("rules:\n")
    rules = [
        "rules:",
        "- {code: r0, severity: low, message: M, when: &c0 {strategy: segment, equals: x}}",
    ]
    for n in range(1, 10):
        prev = ", ".join([f"*c{n - 1}"] * 10)
        rules.append(f"- {{code: r{n}, severity: low, message: M, when: &c{n} {{all: [{prev}]}}}}")
    return head + "\n".join(rules) + "\n"


def _with_title(escaped: str) -> str:
    """The default bank with its title written as a double-quoted YAML scalar."""
    return _bank_text().replace("title: SMB strategic alignment", f'title: "{escaped}"', 1)


def _flat_list() -> str:
    return _bank_text() + "extra: [" + ", ".join(["1"] * 30_000) + "]\n"


HOSTILE: dict[str, tuple[bytes, str]] = {
    "aliases": (_alias_rules().encode(), "YAML anchors (&c0) are not allowed"),
    "surrogate": (_with_title("a\\ud800b").encode(), "title: contains the character U+D800"),
    "nul": (_with_title("a\\0b").encode(), "title: contains the character U+0000"),
    "flat-list": (_flat_list().encode(), f"more than {constants.YAML_NODES_MAX:,} YAML values"),
    "oversized": (
        (_bank_text() + "# " + "x" * constants.BANK_TEXT_MAX + "\n").encode(),
        f"a bank may have at most {constants.BANK_TEXT_MAX:,}",
    ),
}


def _stored() -> list[tuple]:
    return list(QuestionBank.objects.order_by("pk").values_list("pk", "slug", "version"))


@pytest.mark.parametrize("name", list(HOSTILE))
def test_the_cli_refuses_a_hostile_bank_on_one_line(tmp_path, name):
    content, expected = HOSTILE[name]
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(content)
    run = subprocess.run(  # noqa: S603 - our own interpreter, arguments from the test
        [sys.executable, "-m", "scoring", "validate", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert run.returncode == 2, run.stdout
    assert "Traceback" not in run.stderr
    assert run.stderr.count("\n") == 1, run.stderr
    assert expected in run.stderr
    assert f"{path}:" in run.stderr  # the message names the file and line


@pytest.mark.parametrize("name", list(HOSTILE))
def test_load_bank_refuses_a_hostile_bank_with_its_line(tmp_path, capsys, name):
    content, expected = HOSTILE[name]
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(content)
    before = _stored()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_bank", str(path), "--draft")
    err = capsys.readouterr().err
    assert expected in err
    assert f"{path}:" in err
    assert _stored() == before


def test_load_bank_refuses_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(_bank_text().replace("SMB", "Caf\u00e9").encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8 text"):
        call_command("load_bank", str(path), "--draft")
    assert not QuestionBank.objects.exists()


@pytest.mark.parametrize("name", list(HOSTILE))
def test_the_admin_import_refuses_a_hostile_bank_with_a_message(admin_client, name):
    content, expected = HOSTILE[name]
    before = _stored()
    upload = SimpleUploadedFile(f"{name}.yaml", content, content_type="application/x-yaml")
    page = admin_client.post(reverse("admin:banks_questionbank_import"), {"file": upload})
    assert page.status_code == 200
    body = page.content.decode()
    assert f"{name}.yaml:" in body
    assert expected.split(": ")[-1].replace("&", "&amp;") in body
    assert _stored() == before


def test_every_column_limit_of_a_bank_is_the_validators_limit():
    """The models take their max_length from scoring.constants, so the two cannot drift apart."""
    expected = {
        (QuestionBank, "slug"): constants.SLUG_MAX,
        (QuestionBank, "title"): constants.TITLE_MAX,
        (QuestionBank, "language"): constants.LANGUAGE_CODE_MAX,
        (Dimension, "code"): constants.DIMENSION_CODE_MAX,
        (Dimension, "title"): constants.TITLE_MAX,
        (Area, "code"): constants.AREA_CODE_MAX,
        (Area, "title"): constants.TITLE_MAX,
        (Question, "code"): constants.QUESTION_CODE_MAX,
        (Question, "continues"): constants.QUESTION_CODE_MAX,
        (ConsistencyRule, "code"): constants.RULE_CODE_MAX,
    }
    for prefix in ("action", "scale_back"):
        expected[(Question, f"{prefix}_title")] = constants.TITLE_MAX
        expected[(Question, f"{prefix}_kpi")] = constants.KPI_MAX
        expected[(Question, f"{prefix}_unit")] = constants.UNIT_MAX
        expected[(Question, f"{prefix}_owner_role")] = constants.OWNER_ROLE_MAX
    for model in (QuestionBank, Dimension, Area, Question, ConsistencyRule):
        for field in model._meta.get_fields():
            if isinstance(field, models.CharField) and not field.choices:
                assert (model, field.name) in expected, f"{model.__name__}.{field.name}"
                assert field.max_length == expected[(model, field.name)], field.name
