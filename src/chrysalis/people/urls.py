from django.urls import path

from chrysalis.web.views import under_construction

app_name = "people"
urlpatterns = [
    path("", under_construction, name="directory"),
    path("settings/", under_construction, name="settings"),
    path("<str:username>/", under_construction, name="profile"),
    path("<str:username>/avatar", under_construction, name="avatar"),
]
