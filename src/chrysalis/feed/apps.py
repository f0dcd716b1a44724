from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "chrysalis.feed"
    label = "feed"
