app_name = "tam"
urlpatterns: list = []
