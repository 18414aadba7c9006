"""The dossier owns its links to fee items and payments (issue 9, knot 1).

Creates DossierFeeItem and DossierPayment and copies every existing link from the dossier
foreign keys on payments' rows (FeeItem.dossier, Payment.dossier), which
payments 0003 then drops. Plain ORM on the historical models, in batches: the same on
SQLite and PostgreSQL; reversible (the copy back runs after payments 0003 is reversed).
"""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 2000


def copy_links(apps, schema_editor):
    FeeItem = apps.get_model("payments", "FeeItem")
    Payment = apps.get_model("payments", "Payment")
    PaymentLine = apps.get_model("payments", "PaymentLine")
    DossierFeeItem = apps.get_model("dossiers", "DossierFeeItem")
    DossierPayment = apps.get_model("dossiers", "DossierPayment")
    db = schema_editor.connection.alias

    rows = (FeeItem.objects.using(db).filter(dossier__isnull=False).order_by("pk")
            .values_list("pk", "dossier_id"))
    batch = []
    for item_id, dossier_id in rows.iterator(chunk_size=BATCH):
        batch.append(DossierFeeItem(item_id=item_id, dossier_id=dossier_id))
        if len(batch) >= BATCH:
            DossierFeeItem.objects.using(db).bulk_create(batch)
            batch = []
    DossierFeeItem.objects.using(db).bulk_create(batch)

    # A payment covering a financial obligation (status 6 set in processing) says so.
    with_obligation = set(PaymentLine.objects.using(db).filter(
        item__source="obligation").values_list("payment_id", flat=True))
    rows = (Payment.objects.using(db).filter(dossier__isnull=False).order_by("pk")
            .values_list("pk", "dossier_id"))
    batch = []
    for payment_id, dossier_id in rows.iterator(chunk_size=BATCH):
        purpose = "obligation" if payment_id in with_obligation else "fees"
        batch.append(DossierPayment(payment_id=payment_id, dossier_id=dossier_id,
                                    purpose=purpose))
        if len(batch) >= BATCH:
            DossierPayment.objects.using(db).bulk_create(batch)
            batch = []
    DossierPayment.objects.using(db).bulk_create(batch)


def copy_links_back(apps, schema_editor):
    FeeItem = apps.get_model("payments", "FeeItem")
    Payment = apps.get_model("payments", "Payment")
    DossierFeeItem = apps.get_model("dossiers", "DossierFeeItem")
    DossierPayment = apps.get_model("dossiers", "DossierPayment")
    db = schema_editor.connection.alias
    for link in DossierFeeItem.objects.using(db).order_by("pk").iterator(chunk_size=BATCH):
        FeeItem.objects.using(db).filter(pk=link.item_id).update(dossier_id=link.dossier_id)
    for link in DossierPayment.objects.using(db).order_by("pk").iterator(chunk_size=BATCH):
        Payment.objects.using(db).filter(pk=link.payment_id).update(dossier_id=link.dossier_id)


class Migration(migrations.Migration):

    dependencies = [
        ('dossiers', '0005_documents'),
        ('payments', '0002_reconciliationrun_reconciliationline'),
    ]

    operations = [
        migrations.CreateModel(
            name='DossierFeeItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('dossier', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='fee_links', to='dossiers.dossier', verbose_name='dossier')),
                ('item', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='dossier_link', to='payments.feeitem', verbose_name='fee item')),
            ],
            options={
                'verbose_name': 'dossier fee item',
                'verbose_name_plural': 'dossier fee items',
            },
        ),
        migrations.CreateModel(
            name='DossierPayment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('purpose', models.CharField(choices=[('fees', 'fees and charges'), ('obligation', 'financial obligation')], default='fees', max_length=12, verbose_name='purpose')),
                ('dossier', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payment_links', to='dossiers.dossier', verbose_name='dossier')),
                ('payment', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='dossier_link', to='payments.payment', verbose_name='payment')),
            ],
            options={
                'verbose_name': 'dossier payment',
                'verbose_name_plural': 'dossier payments',
            },
        ),
        migrations.RunPython(copy_links, copy_links_back, elidable=False),
    ]
