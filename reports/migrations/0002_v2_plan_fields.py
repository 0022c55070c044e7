"""The v2 action plan: KPIs in their own unit, practice levels apart, direction, addresses."""

from django.db import migrations, models


def practice_levels_apart(apps, schema_editor):
    """Before v2, baseline and target held the 1–5 practice levels dressed in the KPI's unit.

    They move to practice_from / practice_to; the KPI's baseline waits for its first reading.
    """
    ActionItem = apps.get_model("reports", "ActionItem")
    ActionItem.objects.filter(practice_from__isnull=True).update(
        practice_from=models.F("baseline"),
        practice_to=models.F("target"),
        baseline=None,
        target=None,
    )


def bands_v2(apps, schema_editor):
    """Store every index's band on the v2 scale (< 60, 60–79, 80–89, ≥ 90) so no page mixes two."""
    Report = apps.get_model("reports", "Report")
    bands = [
        (models.Q(alignment_index__isnull=True), "insufficient_data"),
        (models.Q(alignment_index__lt=60), "misaligned"),
        (models.Q(alignment_index__lt=80), "partially_aligned"),
        (models.Q(alignment_index__lt=90), "aligned"),
        (models.Q(alignment_index__gte=90), "resonant"),
    ]
    done = models.Q(status__in=["queued", "running"], result__isnull=True)
    for condition, band in bands:
        Report.objects.filter(condition).exclude(done).update(band=band)
        done |= condition


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(
            model_name="actionitem", old_name="answers_findings", new_name="addresses"
        ),
        migrations.AddField(
            model_name="actionitem",
            name="kpi_direction",
            field=models.CharField(default="up", max_length=4),
        ),
        migrations.AddField(
            model_name="actionitem",
            name="direction",
            field=models.CharField(
                choices=[("raise", "Raise"), ("scale_back", "Scale back")],
                default="raise",
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="actionitem",
            name="practice_from",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="actionitem",
            name="practice_to",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="actionitem",
            name="baseline",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="actionitem",
            name="target",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.RunPython(practice_levels_apart, migrations.RunPython.noop),
        migrations.RunPython(bands_v2, migrations.RunPython.noop),
    ]
