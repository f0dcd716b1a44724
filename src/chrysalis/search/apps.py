from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "chrysalis.search"
    label = "search"
