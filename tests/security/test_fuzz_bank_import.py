"""Fuzzing the question-bank import (service, admin upload, load_bank command): a damaged file is
refused with problems a person can read, and the banks already stored stay exactly as they were."""

import copy
from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from banks.models import Question, QuestionBank
from banks.services import BankDraftExistsError, bank_import_draft
from scoring.bank import BankError

pytestmark = pytest.mark.django_db

DEFAULT = Path(__file__).resolve().parents[2] / "banks" / "default.yaml"
BASE = yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=6), st.integers(), max_size=2),
)


@st.composite
def damaged_banks(draw) -> str:
    """Return the default bank with one to three values replaced or deleted, as YAML."""
    doc = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        parent, key = None, None
        node = doc
        while isinstance(node, dict | list) and node and draw(st.integers(0, 4)) > 0:
            keys = list(node) if isinstance(node, dict) else list(range(len(node)))
            parent, key = node, draw(st.sampled_from(keys))
            node = node[key]
        if parent is None:
            continue
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[key]
        else:
            parent[key] = draw(JUNK)
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


RAW = st.one_of(
    st.text(max_size=200),
    st.sampled_from(
        [
            "",
            "---\n...",
            "[1, 2, 3]",
            "bank: x\nversion: [",
            "a: &a [x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b, *b]",
            "!!python/object/apply:os.system ['true']",
            "bank: x\nbank: y\n",
            "\t- tab",
        ]
    ),
)


def _stored() -> list[tuple]:
    return list(QuestionBank.objects.order_by("pk").values_list("pk", "slug", "version", "status"))


def test_fuzz_the_import_service(default_bank):
    before, questions = _stored(), Question.objects.count()

    @FUZZ
    @given(text=st.one_of(damaged_banks(), RAW))
    def run(text):
        with transaction.atomic():
            draft, problems = None, []
            try:
                draft = bank_import_draft(text=text, source="upload.yaml")
            except BankError as exc:
                problems = [str(problem) for problem in exc.problems]
            except BankDraftExistsError:
                pytest.fail("no draft exists in this test")
            transaction.set_rollback(True)
        if draft is None:
            assert problems, "a refusal lists its problems"
            for problem in problems:
                assert problem.startswith("upload.yaml"), problem
                assert "\n" not in problem
        else:
            assert (
                draft.status == QuestionBank.Status.DRAFT
            )  # each example starts from the same database
        assert _stored() == before
        assert Question.objects.count() == questions

    run()


def test_an_invalid_upload_in_the_admin_lists_its_problems_and_stores_nothing(
    admin_client, default_bank
):
    before = _stored()
    url = reverse("admin:banks_questionbank_import")
    for name, content in (
        ("bad.yaml", b"bank: x\nversion: ["),
        ("latin1.yaml", "bank: caf\u00e9".encode("latin-1")),
        ("bomb.yaml", b"a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]"),
        ("binary.yaml", bytes(range(256))),
        ("empty.yaml", b""),
    ):
        upload = SimpleUploadedFile(name, content, content_type="application/x-yaml")
        page = admin_client.post(url, {"file": upload})
        assert page.status_code == 200, name
        body = page.content.decode()
        assert "Traceback" not in body
        assert name in body or "empty" in body or "submitted file is empty" in body, name
        assert _stored() == before, name


@FUZZ
@given(text=st.one_of(damaged_banks(), RAW))
def test_fuzz_the_load_bank_command(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("bank") / "bank.yaml"
    path.write_text(text, encoding="utf-8")
    with transaction.atomic():
        before = _stored()
        error = ""
        try:
            call_command("load_bank", str(path), "--draft", stdout=_Null(), stderr=_Null())
        except CommandError as exc:
            error = str(exc)
        if error:
            assert "nothing was loaded" in error
            assert _stored() == before
        transaction.set_rollback(True)


class _Null:
    def write(self, *_args: object) -> None:
        pass

    def flush(self) -> None:
        pass
