"""Seed the satisfaction criteria (editable in the admin afterwards)."""

from django.db import migrations

CRITERIA = [
    ("thai-do", "Thái độ phục vụ", "Attitude of the staff", 1),
    ("thoi-gian", "Thời gian giải quyết", "Processing time", 2),
    ("huong-dan", "Hướng dẫn hồ sơ", "Guidance on the dossier", 3),
    ("cong-khai", "Tính công khai minh bạch", "Openness and transparency", 4),
]


def seed(apps, schema_editor):
    RatingCriterion = apps.get_model("feedback", "RatingCriterion")
    for code, name, name_en, order in CRITERIA:
        RatingCriterion.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "order": order}
        )


def unseed(apps, schema_editor):
    RatingCriterion = apps.get_model("feedback", "RatingCriterion")
    RatingCriterion.objects.filter(code__in=[c[0] for c in CRITERIA], scores__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
