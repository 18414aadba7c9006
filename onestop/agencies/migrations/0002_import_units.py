from django.conf import settings
from django.db import migrations


def load(apps, schema_editor):
    from onestop.agencies.services import units_import

    units_import(
        province_code=settings.ONESTOP_PROVINCE_CODE,
        model=apps.get_model("agencies", "AdministrativeUnit"),
    )


class Migration(migrations.Migration):
    dependencies = [("agencies", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
