app_name = "egates"
urlpatterns: list = []
