"""Biometrics move to biometria: applications link its enrollment; pasaporte's own copies are dropped.

The dropped tables held images under pasaporte's interim key scheme; biometria needs templates made
at capture time, so they are not copied. Personalization refuses an application without a biometria
enrollment, so one enrolled but not yet personalized before this migration stops there visibly.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('biometria', '0001_initial'),
        ('pasaporte', '0002_fee_01810_and_counter'),
    ]

    # Models that point at Enrollment go first; no RemoveField, which SQLite would turn into a table
    # rebuild that trips over the (enrollment, position) constraint.
    operations = [
        migrations.AddField(
            model_name='application',
            name='biometric_enrollment',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='biometria.enrollment', verbose_name='enrolamiento biométrico'),
        ),
        migrations.DeleteModel(
            name='DuplicateCase',
        ),
        migrations.DeleteModel(
            name='EnrollmentFinger',
        ),
        migrations.DeleteModel(
            name='Enrollment',
        ),
    ]
