"""Remove what django-axes left behind: its tables, content types, permissions, migration rows.

allauth's rate limits replaced django-axes; a database that ran with axes would otherwise keep
four tables no code reads and permissions that name no model. The failed-log-in records in
them only mattered for lock-outs, which allauth now counts afresh.
"""

from django.db import migrations

AXES_TABLES = (
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
    "axes_accessattemptexpiration",
)


def remove_axes(apps, schema_editor):
    connection = schema_editor.connection
    existing = set(connection.introspection.table_names())
    cascade = " CASCADE" if connection.vendor == "postgresql" else ""
    # Expiration rows point at attempts: drop it first where no CASCADE exists.
    for table in reversed(AXES_TABLES):
        if table in existing:
            schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(table)}{cascade}")
    ContentType = apps.get_model("contenttypes", "ContentType")
    # Permissions and admin log entries of these content types go with them (foreign keys).
    ContentType.objects.filter(app_label="axes").delete()
    schema_editor.execute("DELETE FROM django_migrations WHERE app = %s", ["axes"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_existing_addresses_unverified"),
        ("contenttypes", "0002_remove_content_type_name"),
        # In the state, so the delete cascades to their rows.
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [migrations.RunPython(remove_axes, migrations.RunPython.noop)]
