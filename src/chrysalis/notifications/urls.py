from django.urls import path

from chrysalis.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("badge/", views.notification_badge, name="badge"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("<int:pk>/open/", views.notification_open, name="open"),
    path("email/", views.email_settings, name="email_settings"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
