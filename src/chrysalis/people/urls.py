from django.urls import path

from chrysalis.people import views

app_name = "people"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/avatar/", views.avatar_upload, name="avatar_upload"),
    path("settings/tokens/", views.token_create, name="token_create"),
    path("settings/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("suggest/", views.suggest, name="suggest"),
    path("<str:username>/", views.profile, name="profile"),
    path("<str:username>/avatar", views.avatar, name="avatar"),
    path("<str:username>/orgchart/", views.orgchart, name="orgchart"),
    path("<str:username>/reports/", views.reports, name="reports"),
    path("<str:username>/follow/", views.follow, name="follow"),
]
