"""Factories of the people who use the site: Django's own user model, each with a verified
address (allauth's EmailAddress), as after following the sign-up mail's link."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

PASSWORD = "correct horse battery staple"
# The authenticator-app secret of StaffUserFactory's users (base32), for tests that log in.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    username = factory.SelfAttribute("email")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Give the user a verified primary address (pass verified=False for none)."""
        if not create or extracted is False or not self.email:
            return
        EmailAddress.objects.update_or_create(
            user=self, email=self.email, defaults={"verified": True, "primary": True}
        )


class StaffUserFactory(UserFactory):
    """A staff user with an authenticator app set up, as the admin requires."""

    is_staff = True

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP

        if not Authenticator.objects.filter(user=self, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(self, TOTP_SECRET)
