"""Pages of documentos (none yet)."""
app_name = "documentos"
urlpatterns: list = []
