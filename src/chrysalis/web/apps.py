from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "chrysalis.web"
    label = "web"
