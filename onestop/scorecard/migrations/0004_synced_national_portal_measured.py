"""The "synchronised to the national portal" indicator is now measured from the national
sync outbox (national/selectors.py portal_sync), no longer entered by hand."""

from django.db import migrations


def measured(apps, schema_editor):
    IndicatorDefinition = apps.get_model("scorecard", "IndicatorDefinition")
    IndicatorDefinition.objects.filter(code="synced_national_portal").update(measurable=True)


def entered(apps, schema_editor):
    IndicatorDefinition = apps.get_model("scorecard", "IndicatorDefinition")
    IndicatorDefinition.objects.filter(code="synced_national_portal").update(measurable=False)


class Migration(migrations.Migration):

    dependencies = [
        ("scorecard", "0003_rules_version"),
        ("national", "0001_initial"),
    ]

    operations = [migrations.RunPython(measured, entered)]
