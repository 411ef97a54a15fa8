"""Device HMAC secrets move from clear text to AES-GCM under DEVICE_SECRET_KEYS (issue 10, item 14)."""
from django.conf import settings
from django.db import migrations, models


def seal_existing(apps, schema_editor):
    from cuentas.sealing import seal_secret

    DeviceCredential = apps.get_model("cuentas", "DeviceCredential")
    for credential in DeviceCredential.objects.filter(sealed_secret="").iterator():
        credential.sealed_secret = seal_secret(credential.secret, device_key_id=credential.key_id,
                                               spec=settings.DEVICE_SECRET_KEYS)
        credential.save(update_fields=["sealed_secret"])


def open_existing(apps, schema_editor):
    from cuentas.sealing import unseal_secret

    DeviceCredential = apps.get_model("cuentas", "DeviceCredential")
    for credential in DeviceCredential.objects.iterator():
        credential.secret = unseal_secret(credential.sealed_secret, device_key_id=credential.key_id,
                                          spec=settings.DEVICE_SECRET_KEYS)
        credential.save(update_fields=["secret"])


class Migration(migrations.Migration):

    dependencies = [
        ("cuentas", "0002_devicecredential_devicenonce"),
    ]

    operations = [
        migrations.AddField(
            model_name="devicecredential",
            name="sealed_secret",
            field=models.TextField(default="", editable=False, verbose_name="secreto cifrado"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="devicecredential",
            name="secret",
            field=models.CharField(blank=True, default="", max_length=128, verbose_name="secreto"),
        ),
        migrations.RunPython(seal_existing, open_existing),
        migrations.RemoveField(model_name="devicecredential", name="secret"),
    ]
