"""Reads for accounts: the staff of a sede, for the supervisor's activation-code page."""
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import roles
from .models import Office

User = get_user_model()


def staff_of_office(*, office: Office | None, exclude=None) -> QuerySet:
    """Active officers and supervisors of `office`, each with `has_totp`; none without an office."""
    if office is None:
        return User.objects.none()
    queryset = (User.objects.filter(office=office, is_active=True, groups__name__in=roles.STAFF_ROLES)
                .distinct()
                .annotate(has_totp=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
                .order_by("last_name", "first_name", "username"))
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude.pk)
    return queryset


def staff_member_of_office(*, office: Office | None, user_id: int):
    return staff_of_office(office=office).filter(pk=user_id).first()


def offices_open_to_the_public() -> QuerySet[Office]:
    """The active sedes, for the help page's list of addresses and hours."""
    return Office.objects.filter(active=True).order_by("city", "name")
