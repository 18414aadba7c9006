"""Seed the 2022 service-index framework (Decision 766/QĐ-TTg) and the 2022 DTI framework
(Decision 922/QĐ-BTTTT). A frozen copy of onestop/scorecard/frameworks.py: the per-indicator
points are onestop's choice (not authoritative), the group maxima and DTI weights are the
decisions'."""

import datetime
from decimal import Decimal as D

from django.db import migrations

GROUPS = (("publicity", D("18")), ("progress", D("20")), ("digitisation", D("22")),
          ("online", D("22")), ("satisfaction", D("18")))
INDICATORS = (
    ("published_on_time", "publicity", D("4"), D("1"), False),
    ("updated_on_time", "publicity", D("4"), D("1"), False),
    ("components_published", "publicity", D("4"), D("1"), False),
    ("synced_national_portal", "publicity", D("6"), D("1"), False),
    ("on_time", "progress", D("12"), D("1"), True),
    ("processing_time", "progress", D("8"), D("1"), True),
    ("e_results", "digitisation", D("8"), D("1"), True),
    ("digitised_dossiers", "digitisation", D("8"), D("0.8"), True),
    ("data_reuse", "digitisation", D("6"), D("0.8"), False),
    ("offered_online", "online", D("4"), D("0.8"), True),
    ("procedures_online_filed", "online", D("4"), D("1"), True),
    ("online_filing", "online", D("5"), D("0.5"), True),
    ("procedures_online_paid", "online", D("4"), D("0.8"), True),
    ("online_payment", "online", D("5"), D("1"), True),
    ("feedback_on_time", "satisfaction", D("5"), D("1"), True),
    ("feedback_satisfaction", "satisfaction", D("4"), D("1"), False),
    ("procedure_satisfaction", "satisfaction", D("5"), D("0.9"), True),
    ("rating_satisfaction", "satisfaction", D("4"), D("1"), True),
)
DTI = (
    ("awareness", "Nhận thức số", 100),
    ("institutions", "Thể chế số", 100),
    ("infrastructure", "Hạ tầng số", 100),
    ("human_resources", "Nhân lực số", 100),
    ("cyber_security", "An toàn thông tin mạng", 100),
    ("digital_government", "Hoạt động chính quyền số", 200),
    ("digital_economy", "Hoạt động kinh tế số", 150),
    ("digital_society", "Hoạt động xã hội số", 150),
)


def seed(apps, schema_editor):
    Framework = apps.get_model("scorecard", "Framework")
    FrameworkGroup = apps.get_model("scorecard", "FrameworkGroup")
    IndicatorDefinition = apps.get_model("scorecard", "IndicatorDefinition")
    DtiFramework = apps.get_model("scorecard", "DtiFramework")
    DtiSubIndex = apps.get_model("scorecard", "DtiSubIndex")
    RollupCursor = apps.get_model("scorecard", "RollupCursor")
    fw, _ = Framework.objects.get_or_create(
        code="766-2022", defaults={"name": "Bộ chỉ số phục vụ người dân, doanh nghiệp "
                                           "(Quyết định 766/QĐ-TTg)",
                                   "valid_from": datetime.date(2022, 6, 23),
                                   "is_default": True})
    for order, (group, points) in enumerate(GROUPS):
        FrameworkGroup.objects.get_or_create(framework=fw, group=group,
                                             defaults={"max_points": points, "order": order})
    for order, (code, group, points, threshold, measurable) in enumerate(INDICATORS):
        IndicatorDefinition.objects.get_or_create(
            framework=fw, code=code,
            defaults={"group": group, "max_points": points, "threshold": threshold,
                      "measurable": measurable, "order": order})
    dti, _ = DtiFramework.objects.get_or_create(
        code="2022", defaults={"name": "DTI cấp tỉnh 2022 (Quyết định 922/QĐ-BTTTT)",
                               "is_default": True})
    for order, (code, name, weight) in enumerate(DTI):
        DtiSubIndex.objects.get_or_create(framework=dti, code=code,
                                          defaults={"name": name, "weight": weight,
                                                    "order": order})
    RollupCursor.objects.get_or_create(id=1)


class Migration(migrations.Migration):
    dependencies = [("scorecard", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
