from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "chrysalis.posts"
    label = "posts"
