"""allauth's log-in and sign-up forms in the site's words, with the address in its one form."""

from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django.utils.translation import gettext_lazy as _

from organizations.addresses import normalize_email


def _normalized_data(form: Any, field: str) -> None:
    # Before validation, so a full-width address is read as the ASCII one it stands for.
    if form.is_bound and field in form.data:
        data = form.data.copy()
        data[field] = normalize_email(data[field])
        form.data = data


class LoginForm(AllauthLoginForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _normalized_data(self, "login")
        self.fields["login"].label = _("E-mail address")
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["password"].help_text = ""  # the page links the reset itself
        self.fields["password"].widget.attrs.pop("placeholder", None)
        if "remember" in self.fields:
            self.fields["remember"].label = _("Keep me logged in on this device")

    def clean_login(self) -> str:
        return normalize_email(super().clean_login())


class SignupForm(AllauthSignupForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _normalized_data(self, "email")
        self.fields["email"].label = _("E-mail address")
        self.fields["email"].help_text = _(
            "Used to log in and to receive invitations and reports. We mail a link to confirm it."
        )
        self.fields["password1"].label = _("Password")
        self.fields["password2"].label = _("Password (again)")
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)
