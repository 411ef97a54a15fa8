app_name = "egates_api"
urlpatterns: list = []
