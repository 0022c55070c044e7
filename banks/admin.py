"""Django admin for question banks: a whole area on one page, drafts only."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from banks.admin_translations import TranslationsAdminMixin
from banks.forms import SCALE_ANCHORS
from banks.models import Area, ConsistencyRule, Dimension, Question, QuestionBank
from banks.problems import problem_text
from banks.selectors import bank_missing_translations
from banks.services import (
    BankDraftExistsError,
    BankInvalidError,
    BankNotDraftError,
    bank_draft_from,
    bank_export_yaml,
    bank_import_draft,
    bank_preview,
    bank_problems,
    bank_publish,
    bank_text_language,
    bank_to_engine,
    language_name,
)
from organizations.models import ValueDiscipline
from reports.bands import band_label
from scoring.bank import Bank, BankError
from scoring.constants import DISCIPLINES
from scoring.text import localize

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec

LOCKED_NOTICES: dict[str, Promise] = {
    QuestionBank.Status.PUBLISHED: gettext_lazy(
        "%(bank)s is published and read-only: assessments that use it must keep their scores. "
        "To change it, open the bank version and choose “New draft from this version”."
    ),
    QuestionBank.Status.RETIRED: gettext_lazy(
        "%(bank)s is retired and read-only: assessments that use it must keep their scores. "
        "To change it, open the bank version and choose “New draft from this version”."
    ),
}


method_decorator_post = method_decorator(require_POST)


def bank_of(obj: Model | None) -> QuestionBank | None:
    """Return the bank version a bank row belongs to (None on an add page)."""
    if obj is None:
        return None
    if isinstance(obj, QuestionBank):
        return obj
    if isinstance(obj, Dimension | ConsistencyRule):
        return obj.bank
    if isinstance(obj, Area):
        return obj.dimension.bank
    if isinstance(obj, Question):
        return obj.area.dimension.bank
    raise TypeError(obj)


def is_locked(obj: Model | None) -> bool:
    bank = bank_of(obj)
    return bank is not None and not bank.is_draft


class DraftOnlyInline:
    """Inline rows of a bank version: editable only while the version is a draft."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return not is_locked(obj) and super().has_add_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return not is_locked(obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return not is_locked(obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]

    def get_formset(self, request: HttpRequest, obj: Model | None = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)  # type: ignore[misc]
        if isinstance(self, admin.TabularInline):
            return labelled_formset(formset)
        return formset


def labelled_formset(formset: Any) -> Any:
    """Give every field of a table-like inline an accessible name.

    A tabular inline names its columns once, in the table head; its inputs have no <label>, so
    screen readers announce "edit text" and axe reports them (rule "label", critical). Each
    input gets an aria-label: the column's name and the row's number.
    """

    class LabelledFormSet(formset):
        def add_fields(self, form: forms.Form, index: int | None) -> None:
            super().add_fields(form, index)
            for name, field in form.fields.items():
                if field.widget.is_hidden:
                    continue
                label = str(field.label or name)
                if index is not None:
                    label = _("%(field)s, row %(row)d") % {"field": label, "row": index + 1}
                field.widget.attrs.setdefault("aria-label", label)

    return LabelledFormSet


class DraftOnlyAdmin(SimpleHistoryAdmin):
    """Bank rows: published and retired versions are shown read-only, with a notice."""

    # For the add form: the foreign key that may only point into a draft, and its lookup.
    draft_parent: tuple[str, str] | None = None

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return not is_locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return not is_locked(obj) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if self.draft_parent and db_field.name == self.draft_parent[0]:
            kwargs["queryset"] = db_field.related_model.objects.filter(
                **{self.draft_parent[1]: QuestionBank.Status.DRAFT}
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)
        bank = bank_of(obj)
        if request.method == "GET" and bank is not None and not bank.is_draft:
            notice = LOCKED_NOTICES.get(bank.status, LOCKED_NOTICES[QuestionBank.Status.RETIRED])
            messages.warning(request, str(notice) % {"bank": bank.label})
        return super().change_view(request, object_id, form_url, extra_context)


QUESTION_FIELDSETS: "_FieldsetSpec" = (
    (None, {"fields": ("code", "text", "help", "weight", "position", "continues")}),
    (
        gettext_lazy("What each strategy needs (targets, 1–5)"),
        {
            "fields": (
                (
                    "target_operational_excellence",
                    "target_product_leadership",
                    "target_customer_intimacy",
                ),
            )
        },
    ),
    (
        gettext_lazy("SMART action template"),
        {
            "fields": (
                "action_title",
                "action_specific",
                ("action_kpi", "action_unit"),
                "action_owner_role",
                ("action_effort", "action_effort_days", "action_duration_weeks"),
                ("action_kpi_target", "action_kpi_direction"),
            )
        },
    ),
    (
        gettext_lazy("Scale-back template (when practice goes beyond what the strategy needs)"),
        {
            "classes": ("collapse",),
            "description": gettext_lazy(
                "Leave the title empty when going beyond the target needs no action."
            ),
            "fields": (
                "scale_back_title",
                "scale_back_specific",
                ("scale_back_kpi", "scale_back_unit"),
                "scale_back_owner_role",
                ("scale_back_effort", "scale_back_effort_days", "scale_back_duration_weeks"),
                ("scale_back_kpi_target", "scale_back_kpi_direction"),
            ),
        },
    ),
)


class DimensionInline(TranslationsAdminMixin, DraftOnlyInline, admin.TabularInline):
    model = Dimension
    extra = 0
    fields = ("position", "code", "title", "weight")
    show_change_link = True


class RuleInline(TranslationsAdminMixin, DraftOnlyInline, admin.StackedInline):
    model = ConsistencyRule
    extra = 0
    fields = (("code", "severity", "position"), "message", "condition", "remedies")


BANK_FILE_MAX_BYTES = 2 * 1024 * 1024  # the default bank is about 75 KB


class BankImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Question bank file (YAML)"),
        help_text=gettext_lazy(
            "The format that “Download YAML” produces and the README's “The question bank” "
            "section describes. It is loaded as a new draft version."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > BANK_FILE_MAX_BYTES:
            raise forms.ValidationError(
                _("This file is %(size)s MB; a question bank file can be at most %(limit)s MB.")
                % {
                    "size": number_format(upload.size / 1024 / 1024, decimal_pos=1),
                    "limit": number_format(BANK_FILE_MAX_BYTES // 1024 // 1024),
                }
            )
        return upload


@admin.register(QuestionBank)
class QuestionBankAdmin(TranslationsAdminMixin, DraftOnlyAdmin):
    list_display = ("slug", "version", "title", "status", "published_at")
    list_filter = ("status", "slug")
    search_fields = ("slug", "title")
    readonly_fields = ("status", "language", "published_at", "created_at", "copied_from")
    inlines = (DimensionInline, RuleInline)
    change_form_template = "admin/banks/questionbank/change_form.html"
    change_list_template = "admin/banks/questionbank/change_list.html"

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="banks_questionbank_import"),
            path("<int:pk>/draft/", wrap(self.draft_view), name="banks_questionbank_draft"),
            path(
                "<int:pk>/publish/",
                wrap(self.publish_view),
                name="banks_questionbank_publish",
            ),
            path("<int:pk>/export/", wrap(self.export_view), name="banks_questionbank_export"),
            path(
                "<int:pk>/preview/",
                wrap(self.preview_view),
                name="banks_questionbank_preview",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        bank = self.get_object(request, object_id)
        if bank is not None:
            extra_context = {
                **(extra_context or {}),
                "missing_translations": bank_missing_translations(bank_row=bank),
                "bank_language_name": language_name(bank.language),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def _bank(self, request: HttpRequest, pk: int, *, change: bool) -> QuestionBank:
        bank = get_object_or_404(QuestionBank, pk=pk)
        allowed = (
            self.has_add_permission(request) if change else self.has_view_permission(request, bank)
        )
        if not allowed:
            raise PermissionDenied
        return bank

    def _change_url(self, bank: QuestionBank) -> str:
        return reverse("admin:banks_questionbank_change", args=[bank.pk])

    @method_decorator_post
    def draft_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        bank = self._bank(request, pk, change=True)
        try:
            draft = bank_draft_from(bank_row=bank)
        except BankDraftExistsError as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(self._change_url(bank))
        messages.success(
            request,
            _("%(draft)s was created from %(bank)s. Edit it, then publish it.")
            % {"draft": draft.label, "bank": bank.label},
        )
        return HttpResponseRedirect(self._change_url(draft))

    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Ask for confirmation (GET), then publish (POST) and return to the list of versions."""
        bank = self._bank(request, pk, change=True)
        if request.method != "POST":
            if not bank.is_draft:
                return HttpResponseRedirect(self._change_url(bank))
            published = QuestionBank.objects.filter(
                slug=bank.slug, status=QuestionBank.Status.PUBLISHED
            ).first()
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": bank,
                "bank": bank,
                "published": published,
                "title": _("Publish %(bank)s?") % {"bank": bank.label},
            }
            return TemplateResponse(
                request, "admin/banks/questionbank/publish_confirm.html", context
            )
        try:
            bank_publish(bank_row=bank)
        except BankInvalidError as exc:
            messages.error(
                request,
                ngettext(
                    "%(bank)s was not published: %(count)d problem.",
                    "%(bank)s was not published: %(count)d problems.",
                    len(exc.problems),
                )
                % {"bank": bank.label, "count": len(exc.problems)},
            )
            for problem in exc.problems:
                messages.error(request, problem_text(problem))
        except BankNotDraftError as exc:
            messages.error(request, str(exc))
        else:
            # To the list, not the version's page: that page now carries the read-only notice,
            # which right after "published" reads like a contradiction.
            messages.success(
                request,
                _(
                    "%(bank)s is published: new assessments use it, and it can no longer be "
                    "edited. To change it later, make a new draft from it."
                )
                % {"bank": bank.label},
            )
            return HttpResponseRedirect(reverse("admin:banks_questionbank_changelist"))
        return HttpResponseRedirect(self._change_url(bank))

    def export_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        bank = self._bank(request, pk, change=False)
        try:
            text = bank_export_yaml(bank_row=bank)
        except BankError as exc:
            for problem in exc.problems:
                messages.error(request, problem_text(problem))
            return HttpResponseRedirect(self._change_url(bank))
        response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
        filename = f"{bank.slug}-v{bank.version}.yaml"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = BankImportForm(request.POST or None, request.FILES or None)
        problems: list[str] = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                text = upload.read().decode("utf-8")
                draft = bank_import_draft(text=text, source=upload.name)
            except UnicodeDecodeError:
                problems = [_("%(file)s: the file is not UTF-8 text") % {"file": upload.name}]
            except BankError as exc:
                problems = [problem_text(problem) for problem in exc.problems]
            except BankDraftExistsError as exc:
                problems = [str(exc)]
            else:
                messages.success(
                    request,
                    _("%(draft)s was imported. Check it, then publish it.")
                    % {"draft": draft.label},
                )
                return HttpResponseRedirect(self._change_url(draft))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import a question bank"),
            "form": form,
            "problems": problems,
        }
        return TemplateResponse(request, "admin/banks/questionbank/import.html", context)

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        bank = self._bank(request, pk, change=False)
        discipline = request.GET.get("discipline", DISCIPLINES[0])
        if discipline not in DISCIPLINES:
            discipline = DISCIPLINES[0]
        problems = [problem_text(p) for p in bank_problems(bank_row=bank)]
        language = bank_text_language()
        result = (
            None
            if problems
            else bank_preview(bank_row=bank, value_discipline=discipline, language=language)
        )
        context = {
            "questionnaire": []
            if problems
            else _questionnaire(bank_to_engine(bank), discipline, language),
            "scale": SCALE_ANCHORS,
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": bank,
            "title": _("Preview of %(bank)s") % {"bank": bank.label},
            "bank": bank,
            "disciplines": [(code, ValueDiscipline(code).label) for code in DISCIPLINES],
            "discipline": discipline,
            "discipline_label": ValueDiscipline(discipline).label,
            "band_label": band_label(result.band) if result else "",
            "problems": problems,
            "result": result,
        }
        return TemplateResponse(request, "admin/banks/questionbank/preview.html", context)


# One whole sentence per strategy, so that each language writes the strategy's name its own way.
SUGGESTED_TARGET = {
    "operational_excellence": gettext_lazy(
        "Suggested target for operational excellence: %(target)s"
    ),
    "product_leadership": gettext_lazy("Suggested target for product leadership: %(target)s"),
    "customer_intimacy": gettext_lazy("Suggested target for customer intimacy: %(target)s"),
}


def _questionnaire(bank: Bank, discipline: str, language: str) -> list[dict[str, Any]]:
    """Return the bank laid out as the wizard shows it, with the discipline's suggested targets."""
    sentence = str(SUGGESTED_TARGET[discipline])
    return [
        {
            "title": localize(dimension.title, language),
            "areas": [
                {
                    "title": localize(area.title, language),
                    "questions": [
                        {
                            "text": localize(q.text, language),
                            "help": localize(q.help, language),
                            "target": q.targets[discipline],
                            "suggested": sentence % {"target": q.targets[discipline]},
                        }
                        for q in area.questions
                    ],
                }
                for area in dimension.areas
            ],
        }
        for dimension in bank.dimensions
    ]


class AreaInline(TranslationsAdminMixin, DraftOnlyInline, admin.TabularInline):
    model = Area
    extra = 0
    fields = ("position", "code", "title", "weight")
    show_change_link = True


@admin.register(Dimension)
class DimensionAdmin(TranslationsAdminMixin, DraftOnlyAdmin):
    draft_parent = ("bank", "status")
    list_display = ("code", "title", "bank", "weight")
    list_select_related = ("bank",)
    list_filter = ("bank",)
    search_fields = ("code", "title")
    inlines = (AreaInline,)


class QuestionInline(TranslationsAdminMixin, DraftOnlyInline, admin.StackedInline):
    model = Question
    extra = 0
    fieldsets = QUESTION_FIELDSETS
    show_change_link = True


@admin.register(Area)
class AreaAdmin(TranslationsAdminMixin, DraftOnlyAdmin):
    draft_parent = ("dimension", "bank__status")
    list_display = ("code", "title", "dimension", "weight")
    list_select_related = ("dimension",)
    list_filter = ("dimension__bank", "dimension__code")
    search_fields = ("code", "title")
    inlines = (QuestionInline,)


@admin.register(Question)
class QuestionAdmin(TranslationsAdminMixin, DraftOnlyAdmin):
    draft_parent = ("area", "dimension__bank__status")
    list_display = ("code", "short_text", "area", "weight")
    list_filter = ("area__dimension__bank", "area__dimension__code", "area__code")
    search_fields = ("code", "text", "help")
    list_select_related = ("area__dimension__bank",)
    fieldsets = ((None, {"fields": ("area",)}), *QUESTION_FIELDSETS)

    @admin.display(description=gettext_lazy("statement"))
    def short_text(self, obj: Question) -> str:
        return obj.text if len(obj.text) <= 80 else obj.text[:77] + "…"


@admin.register(ConsistencyRule)
class ConsistencyRuleAdmin(TranslationsAdminMixin, DraftOnlyAdmin):
    draft_parent = ("bank", "status")
    list_display = ("code", "severity", "bank")
    list_select_related = ("bank",)
    list_filter = ("bank", "severity")
    search_fields = ("code", "message")
