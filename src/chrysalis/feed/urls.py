from django.urls import path

from chrysalis.feed import views

urlpatterns = [
    path("", views.home, name="home"),
    path("company/", views.company, name="company_feed"),
    path("departments/<slug:slug>/", views.department, name="department_feed"),
    path("tags/<str:name>/", views.tag, name="tag_feed"),
    path("feed/people/<str:username>/", views.person, name="person_feed"),
    path("feed/spaces/<slug:slug>/", views.space, name="space_feed"),
]
