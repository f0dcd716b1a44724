from django.urls import path

from chrysalis.connections import views

app_name = "connections"
urlpatterns = [
    path("", views.page, name="page"),
    path("card/people/", views.people_card, name="people_card"),
    path("card/questions/", views.questions_card, name="questions_card"),
    path("dismiss/", views.dismiss, name="dismiss"),
]
