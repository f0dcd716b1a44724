from django.urls import path

from chrysalis.qa import views

app_name = "qa"
urlpatterns = [
    path("", views.index, name="index"),
    path("ask/", views.ask, name="ask"),
    path("similar/", views.similar, name="similar"),
    path("<int:pk>/", views.question, name="question"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/article/", views.article_new, name="article_new"),
    path("answers/<int:pk>/accept/", views.accept, name="accept"),
    path("posts/<int:pk>/vote/", views.vote, name="vote"),
    path("posts/<int:pk>/edit/", views.edit, name="edit"),
    path("posts/<int:pk>/revisions/", views.revisions, name="revisions"),
    path("posts/<int:pk>/revisions/<int:number>/rollback/", views.rollback, name="rollback"),
    path("articles/<int:pk>/", views.article, name="article"),
    path("tags/<str:name>/", views.tag, name="tag"),
    path("tags/<str:name>/follow/", views.tag_follow, name="tag_follow"),
    path("tags/<str:name>/describe/", views.tag_describe, name="tag_describe"),
    path("spaces/<slug:slug>/tag-policy/", views.space_tag_policy, name="space_tag_policy"),
]
