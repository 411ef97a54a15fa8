app_name = "control_api"
urlpatterns: list = []
