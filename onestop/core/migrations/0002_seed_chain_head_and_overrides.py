from django.db import migrations


def seed(apps, schema_editor):
    from onestop.core.workcalendar import KNOWN_OVERRIDES

    apps.get_model("core", "AuditChainHead").objects.get_or_create(id=1)
    Override = apps.get_model("core", "CalendarOverride")
    for day, kind, note in KNOWN_OVERRIDES:
        Override.objects.get_or_create(date=day, defaults={"kind": kind, "note": note})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
