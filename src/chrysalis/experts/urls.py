from django.urls import path

from chrysalis.experts import views

app_name = "experts"
urlpatterns = [
    path("", views.search, name="search"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/decline/", views.decline, name="decline"),
    path("inbox/card/", views.waiting_card, name="waiting_card"),
    path("settings/", views.settings_page, name="settings"),
    path("knows/<str:username>/", views.knows_about, name="knows_about"),
    path("ask-hint/<str:username>/", views.ask_hint, name="ask_hint"),
    path("questions/<int:pk>/routing/", views.question_routing, name="question_routing"),
    path("spaces/<slug:slug>/routing/", views.space_routing, name="space_routing"),
]
