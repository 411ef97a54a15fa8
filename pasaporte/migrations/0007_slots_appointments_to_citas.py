"""pasaporte's turns and citas move to the appointments rail (citas): every row copied with its id, the
record it serves named by kind + id, ACTIVE becoming BOOKED; sequences reset on PostgreSQL; then the old
tables go. Reversible: the rows are copied back and removed from citas."""
from django.core.management.color import no_style
from django.db import migrations

KIND = "pasaporte.application"
SERVICE = "PASSPORT_ENROLLMENT"
TO_CITAS = {"ACTIVE": "BOOKED"}
TO_PASAPORTE = {"BOOKED": "ACTIVE"}


def _reset_sequences(schema_editor, models):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def forward(apps, schema_editor):
    OldSlot, OldAppointment = apps.get_model("pasaporte", "Slot"), apps.get_model("pasaporte", "Appointment")
    Slot, Appointment = apps.get_model("citas", "Slot"), apps.get_model("citas", "Appointment")
    Application = apps.get_model("pasaporte", "Application")
    db = schema_editor.connection.alias
    Slot.objects.using(db).bulk_create(
        [Slot(id=s.id, office_id=s.office_id, service=SERVICE, starts_at=s.starts_at, capacity=s.capacity,
              booked=s.booked) for s in OldSlot.objects.using(db).order_by("id").iterator()], batch_size=2000)
    owners = dict(Application.objects.using(db).values_list("id", "user_id"))
    people = dict(Application.objects.using(db).values_list("id", "person_id"))
    Appointment.objects.using(db).bulk_create(
        [Appointment(id=a.id, user_id=owners[a.application_id], document=a.dni, person_id=people[a.application_id],
                     service=SERVICE, slot_id=a.slot_id, record_kind=KIND, record_id=a.application_id,
                     status=TO_CITAS.get(a.status, a.status), created_at=a.created_at, closed_at=a.closed_at)
         for a in OldAppointment.objects.using(db).order_by("id").iterator()], batch_size=2000)
    # created_at is auto_now_add: put the original times back.
    for a in OldAppointment.objects.using(db).only("id", "created_at").iterator():
        Appointment.objects.using(db).filter(pk=a.id).update(created_at=a.created_at)
    _reset_sequences(schema_editor, [Slot, Appointment])


def backward(apps, schema_editor):
    OldSlot, OldAppointment = apps.get_model("pasaporte", "Slot"), apps.get_model("pasaporte", "Appointment")
    Slot, Appointment = apps.get_model("citas", "Slot"), apps.get_model("citas", "Appointment")
    db = schema_editor.connection.alias
    moved = Appointment.objects.using(db).filter(record_kind=KIND)
    slot_ids = set(moved.values_list("slot_id", flat=True)) | set(
        Slot.objects.using(db).filter(service=SERVICE).values_list("id", flat=True))
    OldSlot.objects.using(db).bulk_create(
        [OldSlot(id=s.id, office_id=s.office_id, starts_at=s.starts_at, capacity=s.capacity, booked=s.booked)
         for s in Slot.objects.using(db).filter(id__in=slot_ids).order_by("id")])
    OldAppointment.objects.using(db).bulk_create(
        [OldAppointment(id=a.id, application_id=a.record_id, dni=a.document[:8], slot_id=a.slot_id,
                        status=TO_PASAPORTE.get(a.status, a.status), created_at=a.created_at, closed_at=a.closed_at)
         for a in moved.order_by("id")])
    for a in moved.only("id", "created_at"):
        OldAppointment.objects.using(db).filter(pk=a.id).update(created_at=a.created_at)
    moved.delete()
    Slot.objects.using(db).filter(id__in=slot_ids).delete()
    _reset_sequences(schema_editor, [OldSlot, OldAppointment])


class Migration(migrations.Migration):
    dependencies = [
        ("pasaporte", "0006_application_payment_pagos"),
        ("citas", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="Appointment"),
        migrations.DeleteModel(name="Slot"),
    ]
