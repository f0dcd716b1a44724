from django.urls import path

from chrysalis.impact import views

app_name = "impact"
urlpatterns = [
    path("", views.impact, name="impact"),
]
