from django.urls import path

from chrysalis.search import views

urlpatterns = [path("", views.search_page, name="search")]
