"""Side-by-side editing of a bank row's translations in the admin.

Every translated column gets one box per other language the site offers, in the same row as
the column itself (which holds the bank's own language). The boxes are ordinary form fields
named "<column>__<language>"; saving the form writes them into the row's `translations`.
"""

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from banks.models import Translated
from banks.services import field_name, language_name
from scoring.constants import DEFAULT_LANGUAGE

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec

SEPARATOR = "__"


def translation_field(column: str, language: str) -> str:
    """Return the form field name of a column's translation into language."""
    return f"{column}{SEPARATOR}{language}"


def other_languages(bank_language: str) -> tuple[str, ...]:
    """Return the site's languages except the bank's own, in the order of settings.LANGUAGES."""
    return tuple(code for code, _name in settings.LANGUAGES if code != bank_language)


class TranslationsForm(forms.ModelForm):
    """A bank row's form with its translations as extra fields (declared per language)."""

    bank_language: str = DEFAULT_LANGUAGE
    languages: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model: type[Translated] = self._meta.model
        stored = self.instance.translations or {}
        for column in model.translated_fields:
            if column in self.fields:
                label = self.fields[column].label or column
                self.fields[column].label = _("%(field)s (%(language)s)") % {
                    "field": label,
                    "language": language_name(self.bank_language),
                }
            for code in self.languages:
                name = translation_field(column, code)
                if name in self.fields:
                    self.initial.setdefault(name, (stored.get(code) or {}).get(column, ""))

    def translations(self) -> dict[str, dict[str, str]]:
        """Return the row's translations with the boxes of this form applied."""
        model: type[Translated] = self._meta.model
        result = {
            code: dict(texts)
            for code, texts in (self.instance.translations or {}).items()
            if code != self.bank_language
        }
        for code in self.languages:
            texts = result.setdefault(code, {})
            for column in model.translated_fields:
                name = translation_field(column, code)
                if name not in self.fields or name not in self.cleaned_data:
                    continue
                value = (self.cleaned_data[name] or "").strip()
                if value:
                    texts[column] = value
                else:
                    texts.pop(column, None)
        return {code: texts for code, texts in result.items() if texts}

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        # The instance is built from the model fields after this; `translations` is not one.
        self.instance.translations = self.translations()
        return cleaned


def translations_form(
    base: type[forms.ModelForm], model: type[Translated], bank_language: str
) -> type[TranslationsForm]:
    """Return a form class for model with a declared field per column and other language."""
    languages = other_languages(bank_language)
    attrs: dict[str, Any] = {"bank_language": bank_language, "languages": languages}
    for column in model.translated_fields:
        field = model._meta.get_field(column)
        long_text = isinstance(field, models.TextField)
        max_length = getattr(field, "max_length", None)
        for code in languages:
            label = _("%(field)s (%(language)s)") % {
                "field": capfirst(field_name(model, column)),
                "language": language_name(code),
            }
            # A tabular inline shows no <label>, only a column header: the box names itself.
            widget_attrs = {"lang": code, "aria-label": label}
            attrs[translation_field(column, code)] = forms.CharField(
                required=False,
                max_length=max_length,
                label=label,
                widget=forms.Textarea(attrs={"rows": 3, **widget_attrs})
                if long_text
                else forms.TextInput(attrs=widget_attrs),
            )
    bases = (base,) if issubclass(base, TranslationsForm) else (TranslationsForm, base)
    return type(f"{model.__name__}TranslationsForm", bases, attrs)


def with_translations(
    fieldsets: Sequence[Any], model: type[Translated], bank_language: str
) -> list[Any]:
    """Return fieldsets where each translated column shares its row with its translations.

    A row of several fields ("kpi", "unit") is split so that each translated field gets its
    own row of languages, side by side.
    """
    languages = other_languages(bank_language)

    def row_of(column: str) -> tuple[str, ...]:
        return (column, *(translation_field(column, code) for code in languages))

    # Fieldsets built from the form's own fields already list the boxes (and the raw JSON).
    skipped = {"translations"} | {
        name
        for column in model.translated_fields
        for code, _name in settings.LANGUAGES
        for name in (translation_field(column, code),)
    }
    result = []
    for name, options in fieldsets:
        entries: list[Any] = []
        for entry in options.get("fields", ()):
            members = (entry,) if isinstance(entry, str) else tuple(entry)
            members = tuple(m for m in members if m not in skipped)
            plain = [m for m in members if m not in model.translated_fields]
            for member in members:
                if member in model.translated_fields:
                    entries.append(row_of(member))
            if plain:
                entries.append(plain[0] if len(plain) == 1 else tuple(plain))
        result.append((name, {**options, "fields": tuple(entries)}))
    return result


class TranslationsAdminMixin:
    """For a ModelAdmin or an inline of a Translated model: translations side by side.

    `bank_language_of(obj)` names the bank's own language for the page's object (or the
    inline's parent); on an add page without one the default language is assumed.
    """

    model: type[Translated]
    form: type[forms.ModelForm]

    class Media:
        css = {"all": ("css/admin-bank.css",)}

    def bank_language_of(self, obj: models.Model | None) -> str:
        from banks.admin import bank_of  # the admin module imports this one

        bank = bank_of(obj)
        return bank.language if bank is not None else DEFAULT_LANGUAGE

    def get_fieldsets(self, request: HttpRequest, obj: models.Model | None = None) -> Any:
        fieldsets: _FieldsetSpec = super().get_fieldsets(request, obj)  # type: ignore[misc]
        return with_translations(fieldsets, self.model, self.bank_language_of(obj))

    def _translations_form(self, request: HttpRequest, obj: models.Model | None) -> type:
        form = translations_form(self.form, self.model, self.bank_language_of(obj))
        readonly = set(self.get_readonly_fields(request, obj))  # type: ignore[attr-defined]
        # As ModelAdmin.get_form does for its own form: read-only fields leave the form.
        removed = {name: None for name in form.declared_fields if name in readonly}
        return type(form.__name__, (form,), removed) if removed else form

    def get_form(self, request: HttpRequest, obj: models.Model | None = None, **kwargs: Any) -> Any:
        kwargs.setdefault("form", self._translations_form(request, obj))
        return super().get_form(request, obj, **kwargs)  # type: ignore[misc]

    def get_formset(
        self, request: HttpRequest, obj: models.Model | None = None, **kwargs: Any
    ) -> Any:
        kwargs.setdefault("form", self._translations_form(request, obj))
        return super().get_formset(request, obj, **kwargs)  # type: ignore[misc]

    if not TYPE_CHECKING:  # for the type checker the mixin has only the attributes it declares

        def __getattr__(self, name: str) -> Callable[[Translated], str]:
            # A read-only page (a published version) shows "<column>__<language>" through the
            # admin's lookup of a callable by that name on the ModelAdmin.
            column, separator, code = name.rpartition(SEPARATOR)
            model = getattr(self, "model", None)
            if not separator or model is None or column not in model.translated_fields:
                raise AttributeError(name)

            def shown(obj: Translated) -> str:
                return str(((obj.translations or {}).get(code) or {}).get(column, ""))

            shown.short_description = _("%(field)s (%(language)s)") % {  # type: ignore[attr-defined]
                "field": capfirst(field_name(model, column)),
                "language": language_name(code),
            }
            return shown
