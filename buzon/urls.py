"""Pages of buzon (none yet)."""
app_name = "buzon"
urlpatterns: list = []
