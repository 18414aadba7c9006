"""Payments no longer point at dossiers: the links moved to dossiers 0006 (issue 9, knot 1)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0002_reconciliationrun_reconciliationline'),
        # The links are copied before the columns go.
        ('dossiers', '0006_dossier_fee_and_payment_links'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='feeitem',
            name='payments_fe_dossier_ba2e19_idx',
        ),
        migrations.RemoveIndex(
            model_name='payment',
            name='payments_pa_dossier_9f0e78_idx',
        ),
        migrations.RemoveField(
            model_name='feeitem',
            name='dossier',
        ),
        migrations.RemoveField(
            model_name='payment',
            name='dossier',
        ),
    ]
