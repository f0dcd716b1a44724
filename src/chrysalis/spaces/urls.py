from django.urls import path

from chrysalis.web.views import under_construction

app_name = "spaces"
urlpatterns = [path("", under_construction, name="list")]
