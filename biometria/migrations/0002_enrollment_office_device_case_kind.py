import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("biometria", "0001_initial"),
        ("cuentas", "0002_devicecredential_devicenonce"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrollment",
            name="office",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="cuentas.office", verbose_name="sede"),
        ),
        migrations.AddField(
            model_name="enrollment",
            name="device_key_id",
            field=models.CharField(blank=True, max_length=64, verbose_name="estación de enrolamiento"),
        ),
        migrations.AlterField(
            model_name="enrollment",
            name="status",
            field=models.CharField(choices=[("ACTIVE", "vigente"), ("PENDING_REVIEW", "en revisión por un servidor"),
                                            ("REJECTED", "rechazado (duplicado)"),
                                            ("SUPERSEDED", "reemplazado por un enrolamiento posterior"),
                                            ("CANCELLED", "anulado")], max_length=16, verbose_name="estado"),
        ),
        migrations.AddField(
            model_name="duplicatecase",
            name="kind",
            field=models.CharField(choices=[("DUPLICATE", "posible duplicado con otra identidad"),
                                            ("REPLACEMENT", "reemplazo del enrolamiento vigente")],
                                   default="DUPLICATE", max_length=12, verbose_name="tipo"),
        ),
        migrations.AlterField(
            model_name="duplicatecase",
            name="status",
            field=models.CharField(choices=[("OPEN", "pendiente"),
                                            ("DIFFERENT_PERSONS", "personas distintas: enrolamiento aceptado"),
                                            ("SAME_PERSON", "misma persona: enrolamiento rechazado"),
                                            ("APPROVED", "reemplazo aprobado"),
                                            ("REFUSED", "reemplazo rechazado: sigue el enrolamiento anterior")],
                                   default="OPEN", max_length=20, verbose_name="estado"),
        ),
        migrations.AlterModelOptions(
            name="duplicatecase",
            options={"ordering": ["-created_at"], "verbose_name": "caso de revisión biométrica",
                     "verbose_name_plural": "casos de revisión biométrica"},
        ),
    ]
