from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    # Agency admins see lock-outs and lift them (the admin's "lift" action needs "change").
    config = apps.get_app_config("accounts")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Agency admins")
    for codename in ("view_lockout", "change_lockout"):
        group.permissions.add(Permission.objects.get(content_type__app_label="accounts",
                                                     codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_lockout"),
        ("agencies", "0003_agency_admins_group"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
