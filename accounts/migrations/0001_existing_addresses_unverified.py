"""Give every existing user an allauth address row, unverified: each proves it at next log-in.

Addresses were never checked before allauth came; the demo's are verified by seed_demo.
"""

import unicodedata

from django.conf import settings
from django.db import migrations


def _normalize(value: str) -> str:
    # The rule of organizations.addresses, copied: a migration must not change with the app.
    return unicodedata.normalize("NFKC", value or "").strip().casefold()


def add_unverified_addresses(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    EmailAddress = apps.get_model("account", "EmailAddress")
    known = set(EmailAddress.objects.values_list("user_id", flat=True))
    rows = []
    for user in User.objects.exclude(email="").exclude(pk__in=known).iterator():
        rows.append(
            EmailAddress(user=user, email=_normalize(user.email), verified=False, primary=True)
        )
    EmailAddress.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("account", "0009_emailaddress_unique_primary_email"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(add_unverified_addresses, migrations.RunPython.noop)]
