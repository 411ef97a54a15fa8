"""A small long-lived record and its event rows, only for the helper's own tests (tables made by the fixture)."""
from django.db import models


class Ticket(models.Model):
    class Status(models.TextChoices):
        OPEN = "OPEN", "abierto"
        DONE = "DONE", "resuelto"
        CLOSED = "CLOSED", "cerrado"

    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    person_id = models.BigIntegerField(null=True, blank=True)
    note = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "workflow"
        db_table = "workflow_test_ticket"


class TicketEvent(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=8)
    to_status = models.CharField(max_length=8)
    actor_repr = models.CharField(max_length=200)

    class Meta:
        app_label = "workflow"
        db_table = "workflow_test_ticket_event"
