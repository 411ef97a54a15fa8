"""Old device nonces are purged; fresh ones stay so replays are still caught."""
import datetime as dt

import pytest
from django.utils import timezone

from cuentas.models import DeviceNonce
from cuentas.tasks import device_nonces_purge

pytestmark = pytest.mark.django_db


def test_purge_drops_only_nonces_that_can_no_longer_be_replayed():
    old = DeviceNonce.objects.create(key_id="G1", nonce="a" * 16)
    fresh = DeviceNonce.objects.create(key_id="G1", nonce="b" * 16)
    DeviceNonce.objects.filter(pk=old.pk).update(seen_at=timezone.now() - dt.timedelta(minutes=11))
    assert device_nonces_purge() == 1
    assert list(DeviceNonce.objects.values_list("pk", flat=True)) == [fresh.pk]
