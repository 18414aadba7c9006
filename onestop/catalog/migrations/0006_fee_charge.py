"""Fees tell a lệ phí from a phí (Law on Fees and Charges 2015): every existing fee named
"Phí …" (accents and case aside) becomes a phí, every other one a lệ phí, the common case of
one-stop procedures; agency admins correct the rest in the admin."""

import unicodedata

from django.db import migrations, models


def _fold(text):
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower().strip()


def guess_charge(apps, schema_editor):
    Fee = apps.get_model("catalog", "Fee")
    for fee in Fee.objects.all().only("pk", "name"):
        if _fold(fee.name).startswith("phi "):
            Fee.objects.filter(pk=fee.pk).update(charge="phi")


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0005_legal_clock'),
    ]

    operations = [
        migrations.AddField(
            model_name='fee',
            name='charge',
            field=models.CharField(choices=[('le_phi', 'administrative fee (lệ phí)'), ('phi', 'charge (phí)')], default='le_phi', max_length=10, verbose_name='fee or charge'),
        ),
        migrations.RunPython(guess_charge, migrations.RunPython.noop),
    ]
