app_name = "pasaporte_api"
urlpatterns: list = []
