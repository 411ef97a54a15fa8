from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("auditoria", "0003_append_only_trigger")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
    ]
