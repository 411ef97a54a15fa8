from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("pasaporte", "0003_biometria_enrollment"),
    ]

    operations = [
        migrations.AddField(
            model_name="applicationevent",
            name="notified_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="notificado"),
        ),
    ]
