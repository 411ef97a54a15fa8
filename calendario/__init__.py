"""Business-day calendar rail: national and regional holidays and the public sector's non-working days, as data per year."""
