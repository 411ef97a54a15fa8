"""Pages of pagos (none yet)."""
app_name = "pagos"
urlpatterns: list = []
