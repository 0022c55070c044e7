"""Bank texts in several languages: stored, exported, shown, edited and listed when missing."""

import re

import pytest
import yaml
from django.urls import reverse
from django.utils import translation

from banks.models import Area, ConsistencyRule, Dimension, Question, QuestionBank
from banks.selectors import bank_missing_translations
from banks.services import (
    bank_as_dict,
    bank_draft_from,
    bank_export_yaml,
    bank_import_draft,
    bank_publish,
    bank_to_engine,
)
from scoring.bank import BankError, load_bank_yaml
from scoring.engine import score_assessment
from scoring.inputs import Answer, AssessmentInput, OrganizationInfo, Response, Strategy
from scoring.text import localize
from tests.conftest import DEFAULT_BANK

pytestmark = pytest.mark.django_db

LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("fr", "Français"), ("es", "Español")]
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


@pytest.fixture(autouse=True)
def four_languages(settings):
    """The site's four languages, whatever the settings of the moment say."""
    settings.LANGUAGES = LANGUAGES


def _small_bank(*, language: str | None = None, **texts: object) -> str:
    """Return a one-question bank as YAML; keyword arguments replace its texts."""
    action = {
        "title": texts.get("action_title", "Ask customers"),
        "specific": "Ask {segment} at {organization} about {area}.",
        "kpi": "Customers asked",
        "unit": "%",
        "owner_role": "Owner",
        "effort": 2,
        "effort_days": 2,
        "duration_weeks": 4,
    }
    data: dict[str, object] = {"bank": "tiny", "version": 1}
    if language is not None:
        data["language"] = language
    data |= {
        "title": texts.get("title", "Tiny bank"),
        "scale": {"min": 1, "max": 5},
        "dimensions": [
            {
                "code": "market",
                "title": texts.get("dimension", "Market"),
                "weight": 1.0,
                "areas": [
                    {
                        "code": "market.customers",
                        "title": texts.get("area", "Customers"),
                        "weight": 1.0,
                        "questions": [
                            {
                                "code": "market.customers.feedback",
                                "text": texts.get("text", "We ask customers."),
                                "help": texts.get("help", "A 5 means every week."),
                                "weight": 1.0,
                                "targets": {
                                    "operational_excellence": 3,
                                    "product_leadership": 4,
                                    "customer_intimacy": 5,
                                },
                                "action": action,
                            }
                        ],
                    }
                ],
            }
        ],
        "rules": [
            {
                "code": "never",
                "severity": "low",
                "message": texts.get("message", "Customers are never asked."),
                "when": {"question": "market.customers.feedback", "current_at_most": 1},
            }
        ],
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


GERMAN = {
    "title": {"en": "Tiny bank", "de": "Kleiner Katalog"},
    "area": {"en": "Customers", "de": "Kunden", "fr": "Clients"},
    "text": {"en": "We ask customers.", "de": "Wir fragen Kunden.", "es": "Preguntamos."},
    "message": {"en": "Customers are never asked.", "de": "Niemand fragt."},
}


def _question(bank: QuestionBank) -> Question:
    return Question.objects.get(area__dimension__bank=bank)


def test_maps_are_stored_as_column_and_translations():
    bank = bank_import_draft(text=_small_bank(**GERMAN), source="tiny.yaml")
    assert bank.language == "en"
    assert (bank.title, bank.translations) == ("Tiny bank", {"de": {"title": "Kleiner Katalog"}})
    area = Area.objects.get(dimension__bank=bank)
    assert area.title == "Customers"
    assert area.translations == {"de": {"title": "Kunden"}, "fr": {"title": "Clients"}}
    question = _question(bank)
    assert question.text == "We ask customers."
    assert question.translations == {
        "de": {"text": "Wir fragen Kunden."},
        "es": {"text": "Preguntamos."},
    }
    assert Dimension.objects.get(bank=bank).translations == {}
    assert ConsistencyRule.objects.get(bank=bank).translations == {
        "de": {"message": "Niemand fragt."}
    }


def test_export_writes_maps_and_leaves_untranslated_texts_plain():
    bank = bank_import_draft(text=_small_bank(**GERMAN), source="tiny.yaml")
    exported = yaml.safe_load(bank_export_yaml(bank_row=bank))
    assert "language" not in exported
    assert exported["title"] == {"en": "Tiny bank", "de": "Kleiner Katalog"}
    area = exported["dimensions"][0]["areas"][0]
    assert list(area["title"]) == ["en", "de", "fr"]  # the bank's own first, then the site's order
    assert exported["dimensions"][0]["title"] == "Market"
    question = area["questions"][0]
    assert question["text"] == GERMAN["text"]
    assert question["help"] == "A 5 means every week."
    assert question["action"]["title"] == "Ask customers"


def test_load_export_load_gives_the_same_bank():
    text = _small_bank(
        language="de",
        **{
            "title": {"de": "Kleiner Katalog", "en": "Tiny bank"},
            "dimension": "Markt",
            "area": {"de": "Kunden", "fr": "Clients"},
            "text": {"de": "Wir fragen Kunden.", "en": "We ask customers.", "es": "Preguntamos."},
            "help": "Eine 5 heißt: jede Woche.",
            "message": {"de": "Niemand fragt.", "fr": "Personne ne demande."},
            "action_title": {"de": "Kunden fragen", "en": "Ask customers"},
        },
    )
    first = load_bank_yaml(text, languages=[code for code, _name in LANGUAGES])
    bank = bank_import_draft(text=text, source="tiny.yaml")
    exported = bank_export_yaml(bank_row=bank)
    again = load_bank_yaml(exported, languages=[code for code, _name in LANGUAGES])
    assert again == first
    assert yaml.safe_load(exported)["language"] == "de"
    # And through the database a second time: the same rows.
    second = bank_import_draft(text=exported.replace("bank: tiny", "bank: tiny2"), source="x")
    assert {**bank_as_dict(second), "bank": "tiny"} == bank_as_dict(bank)


def test_publishing_and_copying_keep_translations():
    bank = bank_import_draft(text=_small_bank(**GERMAN), source="tiny.yaml")
    bank_publish(bank_row=bank)
    draft = bank_draft_from(bank_row=bank)
    assert _question(draft).translations == _question(bank).translations
    assert draft.translations == {"de": {"title": "Kleiner Katalog"}}


def test_unknown_language_code_is_refused_with_its_line():
    text = _small_bank(area={"en": "Customers", "xx": "Kunden"})
    with pytest.raises(BankError) as caught:
        bank_import_draft(text=text, source="tiny.yaml")
    [problem] = caught.value.problems
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "xx:" in row)
    assert problem.line == line
    assert "unknown language 'xx'" in problem.message
    assert problem.path == "dimensions[0].areas[0].title.xx"
    assert not QuestionBank.objects.exists()


def test_unknown_bank_language_is_refused():
    with pytest.raises(BankError, match=r"tiny.yaml:3: language: unknown language 'pt'"):
        bank_import_draft(text=_small_bank(language="pt"), source="tiny.yaml")


def test_a_map_needs_the_bank_language():
    text = _small_bank(language="de", title={"en": "Tiny bank"})
    with pytest.raises(BankError, match="title: no text in the bank's language 'de'"):
        bank_import_draft(text=text, source="tiny.yaml")


def test_unknown_keys_stay_errors_with_line_numbers():
    text = _small_bank().replace("scale:", "langauge: de\nscale:")
    with pytest.raises(BankError, match=r"tiny.yaml:4: langauge: unknown key 'langauge'"):
        bank_import_draft(text=text, source="tiny.yaml")


def _score(bank: QuestionBank, language: str):
    data = AssessmentInput(
        strategy=Strategy(value_discipline="customer_intimacy", segment="guests"),
        organization=OrganizationInfo(name="Bakery", capacity_days_per_month=4),
        plan_start=__import__("datetime").date(2027, 1, 4),
        responses=(
            Response(level="owner", answers={"market.customers.feedback": Answer(current=1)}),
        ),
    )
    return score_assessment(bank_to_engine(bank), data, language=language)


def test_missing_translation_falls_back_to_the_bank_language():
    text = _small_bank(
        language="de",
        **{
            "title": "Kleiner Katalog",
            "area": {"de": "Kunden", "en": "Customers"},
            "text": {"de": "Wir fragen Kunden.", "fr": "Nous demandons."},
            "message": {"de": "Niemand fragt.", "en": "Nobody asks."},
        },
    )
    bank = bank_import_draft(text=text, source="tiny.yaml")
    engine = bank_to_engine(bank)
    area = engine.area("market.customers")
    # Spanish is missing: the bank's German, not the English that happens to be given.
    assert localize(area.title, "es") == "Kunden"
    assert localize(area.title, "en") == "Customers"
    question = engine.question("market.customers.feedback")
    assert localize(question.text, "fr") == "Nous demandons."
    assert localize(question.text, "es") == "Wir fragen Kunden."
    assert localize(question.text, "en") == "Wir fragen Kunden."
    result = _score(bank, "fr")
    assert result.consistency_flags[0].message == "Niemand fragt."
    assert _score(bank, "en").consistency_flags[0].message == "Nobody asks."
    # The rows themselves, as templates read them.
    row = Area.objects.get(dimension__bank=bank)
    assert row.text_in("title", "es") == "Kunden"
    with translation.override("en"):
        assert row.i18n.title == "Customers"
    with translation.override("es"):
        assert row.i18n.title == "Kunden"
        assert _question(bank).i18n.help == "A 5 means every week."


def test_rows_read_in_the_active_language():
    bank = bank_import_draft(text=_small_bank(**GERMAN), source="tiny.yaml")
    question = _question(bank)
    with translation.override("de"):
        assert question.i18n.text == "Wir fragen Kunden."
        assert question.i18n.action_title == "Ask customers"
        assert str(Dimension.objects.get(bank=bank).i18n) == "Market"
    with translation.override("de-at"):
        assert question.i18n.text == "Wir fragen Kunden."


def _change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _form_data(page) -> dict[str, object]:
    """Return what the admin page's form would post as it stands."""
    form = page.context["adminform"].form
    data: dict[str, object] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        data[name] = field.prepare_value(value) if hasattr(field, "prepare_value") else value
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return data


def test_admin_edits_translations_side_by_side(admin_client):
    bank = bank_import_draft(text=_small_bank(**GERMAN), source="tiny.yaml")
    question = _question(bank)
    page = admin_client.get(_change_url(question))
    html = page.content.decode()
    for name in ("text__de", "text__fr", "text__es", "help__de", "action_title__es"):
        assert f'name="{name}"' in html
    assert 'name="text__en"' not in html
    assert 'name="translations"' not in html
    assert page.context["adminform"].form["text__de"].value() == "Wir fragen Kunden."
    # Each text shares one row with its translations.
    fieldsets = page.context["adminform"].model_admin.get_fieldsets(page.wsgi_request, question)
    assert ("text", "text__de", "text__fr", "text__es") in fieldsets[1][1]["fields"]
    data = _form_data(page) | {"text__fr": "Nous demandons aux clients.", "text__es": ""}
    response = admin_client.post(_change_url(question), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    question.refresh_from_db()
    assert question.translations == {
        "de": {"text": "Wir fragen Kunden."},
        "fr": {"text": "Nous demandons aux clients."},
    }
    assert question.text == "We ask customers."


def test_admin_shows_translations_of_a_published_version_read_only(admin_client):
    bank = bank_publish(bank_row=bank_import_draft(text=_small_bank(**GERMAN), source="x"))
    page = admin_client.get(_change_url(_question(bank)))
    assert page.status_code == 200
    assert "Wir fragen Kunden." in page.content.decode()
    assert 'name="text__de"' not in page.content.decode()


def test_missing_translations_are_counted_per_language(admin_client):
    bank = bank_import_draft(text=_small_bank(**GERMAN), source="tiny.yaml")
    gaps = {gap.language: gap for gap in bank_missing_translations(bank_row=bank)}
    assert set(gaps) == {"de", "fr", "es"}
    # Bank title, dimension, area, rule message, question text, help and five action texts.
    assert {gap.total for gap in gaps.values()} == {11}
    assert gaps["de"].missing == 11 - 4
    assert gaps["fr"].missing == 11 - 1
    question = next(row for row in gaps["de"].rows if row.label.endswith("feedback"))
    assert question.fields == (
        "help text",
        "action title",
        "what to do",
        "KPI",
        "KPI unit",
        "owner role",
    )
    page = admin_client.get(_change_url(bank)).content.decode()
    assert "Missing translations" in page
    assert "Deutsch: 7 of 11 texts not translated" in page
    assert "Question market.customers.feedback: help text, action title" in page


def test_default_bank_translations_keep_their_placeholders():
    bank = load_bank_yaml(
        DEFAULT_BANK.read_text(encoding="utf-8"), languages=["en", "de", "fr", "es"]
    )
    texts = []
    for question in bank.questions.values():
        texts += [question.text, question.help]
        for template in (question.action, question.scale_back):
            if template is not None:
                texts += [
                    template.title,
                    template.specific,
                    template.kpi,
                    template.unit,
                    template.owner_role,
                ]
    texts += [rule.message for rule in bank.rules]
    texts += [area.title for area in bank.areas.values()]
    checked = 0
    for text in texts:
        if isinstance(text, str):
            continue
        wanted = sorted(PLACEHOLDER.findall(text[bank.language]))
        for language, translated in text.items():
            assert sorted(PLACEHOLDER.findall(translated)) == wanted, (language, translated)
            checked += 1
    assert checked > 500  # every text of the default bank is translated


def test_the_questionnaire_shows_the_default_bank_in_the_active_language(owner_client, assessment):
    url = reverse("assessments:step", args=[assessment.pk, "market"])
    with translation.override("de"):
        page = owner_client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Marktausrichtung" in page
    assert "Kundenverständnis" in page
    assert "Wir bitten Kunden nach dem Kauf um ihre Meinung" in page
    with translation.override("en"):
        page = owner_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Customer understanding" in page
    assert "Kundenverständnis" not in page
