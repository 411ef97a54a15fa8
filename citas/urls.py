"""Pages of citas (none yet)."""
app_name = "citas"
urlpatterns: list = []
