"""Payments rail: the TUPA fee catalogue (versioned), the UIT, payments by order or receipt, refunds."""
