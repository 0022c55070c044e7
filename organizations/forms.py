"""Organization, strategy and member forms. Forms validate; services write."""

from typing import Any, ClassVar, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organizations.addresses import normalize_email
from organizations.languages import language_active, language_field, language_supported
from organizations.models import Membership, Organization, StrategyProfile, ValueDiscipline
from organizations.zones import time_zone_choices


class TimeZoneField(forms.ChoiceField):
    """A select of IANA zones grouped by region; an unknown name gets a message beside it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Time zone"))
        kwargs.setdefault(
            "help_text",
            _("Dates and times of your organization are shown in this zone, with its name."),
        )
        # Left out of a post (an older page, a script): the zone stays what it was.
        kwargs.setdefault("required", False)
        super().__init__(choices=time_zone_choices, **kwargs)
        self.error_messages["invalid_choice"] = _(
            "“%(value)s” is not a time zone we know. Choose one from the list, "
            "for example Europe/London or America/New_York."
        )


class _TimeZoneMixin:
    instance: Organization
    cleaned_data: dict[str, Any]

    def clean_time_zone(self) -> str:
        return self.cleaned_data.get("time_zone") or self.instance.time_zone


def _organization_language_field() -> forms.ChoiceField:
    # Left out of a post (an older page, a script): the language stays what it was, or for a
    # new organization the language its owner uses.
    return language_field(
        label=_("Language of reports and e-mails"),
        help_text=_(
            "Reports, PDFs and the e-mails to the people you invite are written in this "
            "language. Everyone still sees the pages in their own language."
        ),
        required=False,
    )


class _LanguageMixin:
    instance: Organization
    cleaned_data: dict[str, Any]

    def clean_language(self) -> str:
        chosen = language_supported(self.cleaned_data.get("language"))
        if chosen:
            return chosen
        return self.instance.language if self.instance.pk else language_active()


class OrganizationForm(_LanguageMixin, _TimeZoneMixin, forms.ModelForm):
    time_zone = TimeZoneField(initial="UTC")
    language = _organization_language_field()

    class Meta:
        model = Organization
        fields = (
            "name",
            "industry",
            "size_band",
            "capacity_days_per_month",
            "time_zone",
            "language",
        )
        help_texts: ClassVar[dict[str, Any]] = {
            "capacity_days_per_month": _(
                "How many person-days a month your team can spend on improvement work "
                "beside the daily business. Your action plan is scheduled against it."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", gettext("Save")))
        if not self.is_bound:
            # static/js/time_zone.js puts the browser's zone here until the owner picks one.
            self.fields["time_zone"].widget.attrs["data-propose-browser-zone"] = ""
            # The language the owner reads the site in, until they pick another.
            self.fields["language"].initial = language_active()


class OrganizationSettingsForm(_LanguageMixin, _TimeZoneMixin, forms.ModelForm):
    """What an owner may change after creation; each saved change lands in the history."""

    time_zone = TimeZoneField()
    language = _organization_language_field()

    class Meta:
        model = Organization
        fields = (
            "name",
            "industry",
            "size_band",
            "capacity_days_per_month",
            "review_interval_days",
            "time_zone",
            "language",
        )
        labels: ClassVar[dict[str, Any]] = {
            "name": _("Name"),
            "industry": _("Industry"),
            "size_band": _("Size"),
            "capacity_days_per_month": _("Capacity for improvement work (person-days a month)"),
            "review_interval_days": _("Reassess every … days"),
        }
        help_texts: ClassVar[dict[str, Any]] = {
            "capacity_days_per_month": _(
                "The action plan is scheduled so that its work never asks for more than this. "
                "A change applies to the next report built; rebuild the latest report to "
                "reschedule its plan."
            ),
            "review_interval_days": _(
                "When the last cycle is this old, the owners get an e-mail that a new "
                "assessment is due (7 to 730 days)."
            ),
        }
        error_messages: ClassVar[dict[str, Any]] = {
            "name": {"required": _("Give the organization a name.")},
            "capacity_days_per_month": {
                "required": _("Enter the person-days a month, for example 4."),
                "invalid": _("Enter a number of person-days, for example 4 or 2.5."),
                "min_value": _("Enter at least half a person-day (0.5) a month."),
                "max_value": _("Enter at most 500 person-days a month."),
                "max_decimal_places": _("Use at most one decimal, for example 2.5."),
                "max_digits": _("Enter at most 500 person-days a month."),
            },
            "review_interval_days": {
                "required": _("Enter how many days may pass between assessments."),
                "invalid": _("Enter a whole number of days, for example 90."),
                "min_value": _("Reassess at most once a week: enter 7 days or more."),
                "max_value": _("Reassess at least every two years: enter 730 days or fewer."),
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save the settings")))

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the organization a name."))
        return name


DISCIPLINE_EXPLANATIONS: dict[str, str | Promise] = {
    ValueDiscipline.OPERATIONAL_EXCELLENCE: _(
        "Customers come to you because you are reliable, quick and good value. You win by "
        "running a tight, efficient operation with few surprises. Think of a discount "
        "supermarket or a busy bakery that always has fresh bread at a fair price."
    ),
    ValueDiscipline.PRODUCT_LEADERSHIP: _(
        "Customers come to you for the best or newest product. You win by creating and "
        "improving what you sell faster than others. Think of a craft brewery that keeps "
        "launching new beers, or a workshop known for its designs."
    ),
    ValueDiscipline.CUSTOMER_INTIMACY: _(
        "Customers come to you because you know them and tailor what you do to them. You win "
        "through relationships and service. Think of a family accountant or a shop whose "
        "staff know every regular by name."
    ),
}


class StrategyForm(forms.ModelForm):
    """The three questions of strategy: who the customers are, what value, how you operate."""

    class Meta:
        model = StrategyProfile
        fields = ("target_customers", "segment", "primary_value", "value_discipline", "goals")
        labels: ClassVar[dict[str, Any]] = {
            "target_customers": _("Who are your customers?"),
            "primary_value": _("What do your customers value most in what you offer?"),
            "value_discipline": _("How does your business operate to win them?"),
            "goals": _("What do you want to achieve in the next year or two?"),
        }
        help_texts: ClassVar[dict[str, Any]] = {
            "goals": _("Optional. For example: “open a second shop”, “cut waste by a third”."),
        }
        widgets: ClassVar[dict[str, Any]] = {
            "target_customers": forms.Textarea(attrs={"rows": 3}),
            "goals": forms.Textarea(attrs={"rows": 3}),
            "primary_value": forms.RadioSelect,
            "value_discipline": forms.RadioSelect,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Radio buttons need no "---------" choice: nothing checked means nothing chosen.
        # The model fields have choices, so ModelForm made both ChoiceFields.
        primary_value = cast(forms.ChoiceField, self.fields["primary_value"])
        value_discipline = cast(forms.ChoiceField, self.fields["value_discipline"])
        primary_value.choices = StrategyProfile.PrimaryValue.choices
        value_discipline.choices = [
            (value, format_html("<strong>{}</strong>: {}", label, DISCIPLINE_EXPLANATIONS[value]))
            for value, label in ValueDiscipline.choices
        ]
        self.fields["value_discipline"].help_text = _(
            "Most successful small businesses pick one of these and are merely good enough "
            "at the other two. Choose the one that describes why customers pick you."
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(gettext("1 · Your customers"), "target_customers", "segment"),
            Fieldset(gettext("2 · The value you offer"), "primary_value"),
            Fieldset(gettext("3 · How you operate"), "value_discipline"),
            Fieldset(gettext("4 · Your goals"), "goals"),
        )
        self.helper.add_input(Submit("submit", gettext("Save the strategy")))


class MemberInviteForm(forms.Form):
    email = forms.EmailField(label=_("Their e-mail address"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Membership.Role.choices,
        initial=Membership.Role.MANAGER,
        widget=forms.RadioSelect,
        help_text=_(
            "A co-owner can change the strategy, invite people and close cycles. A manager "
            "answers the questionnaire at manager level and sees the results."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", gettext("Add the member")))

    def clean_email(self) -> str:
        return normalize_email(self.cleaned_data["email"])
