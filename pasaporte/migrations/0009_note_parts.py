"""The timeline's notes and the status reason kept also as msgids with parameters (pasaporte.notes)."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("pasaporte", "0008_applicationevent_step")]

    operations = [
        migrations.AddField(model_name="application", name="status_reason_parts",
                            field=models.JSONField(blank=True, default=list)),
        migrations.AddField(model_name="applicationevent", name="note_parts",
                            field=models.JSONField(blank=True, default=list)),
    ]
