from django.urls import path

from chrysalis.web.views import under_construction

urlpatterns = [path("", under_construction, name="home")]
