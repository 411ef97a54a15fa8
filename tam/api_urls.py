app_name = "tam_api"
urlpatterns: list = []
