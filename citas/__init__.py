"""Appointments rail: sedes with hours and counters, the services each offers, slots with capacity, appointments."""
