app_name = "pasaporte"
urlpatterns: list = []
