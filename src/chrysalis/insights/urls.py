from django.urls import path

from chrysalis.insights import views

app_name = "insights"
urlpatterns = [
    path("", views.adoption, name="adoption"),
    path("qa/", views.qa, name="qa"),
    path("silos/", views.silos, name="silos"),
    path("risk/", views.risk, name="risk"),
    path("compute/", views.compute_now, name="compute"),
    path("introductions/", views.introduce, name="introduce"),
    path("<slug:name>.csv", views.csv_table, name="csv"),
]
