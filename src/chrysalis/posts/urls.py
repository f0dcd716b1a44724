from django.urls import path

from chrysalis.posts import views

app_name = "posts"
urlpatterns = [
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/remove/", views.remove, name="remove"),
    path("<int:pk>/react/", views.react, name="react"),
    path("<int:pk>/comments/", views.comment, name="comment"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/remove/", views.comment_remove, name="comment_remove"),
    path("comments/<int:pk>/react/", views.comment_react, name="comment_react"),
    path("files/<int:pk>/", views.attachment, name="attachment"),
]
