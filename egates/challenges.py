"""One-time challenges for Active Authentication at the gate: issued to a device, used once, within 60 s."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models import ChipChallenge

CHALLENGE_TTL = dt.timedelta(seconds=60)

# Why a challenge sent back with a verification proves nothing (control's reason codes).
UNKNOWN, EXPIRED, OTHER_DEVICE, REUSED = ("challenge_unknown", "challenge_expired", "challenge_other_device",
                                          "challenge_reused")


@dataclass(frozen=True)
class ChallengeUse:
    """The challenge as the decision service judges it: its bytes, or the reason it may not be used."""

    nonce: bytes | None
    refused: str = ""  # one of the reason codes above, "" when the challenge is good


def challenge_issue(*, device) -> ChipChallenge:
    now = timezone.now()
    return ChipChallenge.objects.create(device=device, nonce=secrets.token_hex(8), issued_at=now,
                                        expires_at=now + CHALLENGE_TTL)


def challenge_use(*, device, nonce_hex: str) -> ChallengeUse:
    """Spend the challenge (once, under its row lock): good only if issued to this device, unexpired and
    unused. A refused challenge is still marked used when it was this device's, so it never works later."""
    nonce_hex = (nonce_hex or "").strip().lower()
    with transaction.atomic():
        challenge = ChipChallenge.objects.select_for_update().filter(nonce=nonce_hex).first()
        if challenge is None:
            return ChallengeUse(None, UNKNOWN)
        if challenge.device_id != device.pk:
            return ChallengeUse(None, OTHER_DEVICE)
        if challenge.used_at is not None:
            return ChallengeUse(None, REUSED)
        now = timezone.now()
        challenge.used_at = now
        challenge.save(update_fields=["used_at"])
        if now > challenge.expires_at:
            return ChallengeUse(None, EXPIRED)
        return ChallengeUse(bytes.fromhex(challenge.nonce))


def challenges_purge(*, older_than: dt.timedelta = dt.timedelta(hours=1)) -> int:
    return ChipChallenge.objects.filter(expires_at__lt=timezone.now() - older_than).delete()[0]
