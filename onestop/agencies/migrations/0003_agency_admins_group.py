from django.contrib.auth.management import create_permissions
from django.db import migrations

# What an agency admin manages in the Django admin (docs/domain.md §1: the catalog, process steps,
# staff and calendar overrides). Row-level narrowing to their own agencies is in the admin.
PERMISSIONS = {
    "catalog": {
        "field": ("view",),
        "procedure": ("add", "change", "view"),
        "procedureversion": ("add", "change", "view"),
        "requireddocument": ("add", "change", "delete", "view"),
        "fee": ("add", "change", "delete", "view"),
        "processstep": ("add", "change", "delete", "view"),
    },
    "agencies": {
        "agency": ("view",),
        "administrativeunit": ("view",),
        "membership": ("add", "change", "delete", "view"),
    },
    "core": {"calendaroverride": ("add", "change", "delete", "view")},
    "accounts": {"user": ("view",)},
}


def create_group(apps, schema_editor):
    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Agency admins")
    for app_label, models in PERMISSIONS.items():
        for model, verbs in models.items():
            for verb in verbs:
                group.permissions.add(Permission.objects.get(
                    content_type__app_label=app_label, codename=f"{verb}_{model}"
                ))


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0002_import_units"),
        ("catalog", "0001_initial"),
        ("core", "0002_seed_chain_head_and_overrides"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
