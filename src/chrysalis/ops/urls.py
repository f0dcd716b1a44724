from django.urls import path

from chrysalis.ops import views

app_name = "ops"
urlpatterns = [
    path("tasks/", views.tasks_page, name="tasks"),
    path("tasks/retry/", views.retry, name="retry"),
]
