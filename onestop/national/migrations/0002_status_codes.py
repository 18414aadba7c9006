"""onestop's dossier statuses are the portal's TrangThaiHoSo codes (docs/domain.md §5), so each
status starts mapped to its own number; an admin may change or blank any of them."""

from django.db import migrations


def seed(apps, schema_editor):
    StatusMapping = apps.get_model("national", "StatusMapping")
    for status in range(1, 11):
        StatusMapping.objects.get_or_create(status=status,
                                            defaults={"national_code": str(status)})


class Migration(migrations.Migration):
    dependencies = [("national", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
