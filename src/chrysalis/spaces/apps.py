from django.apps import AppConfig


class SpacesConfig(AppConfig):
    name = "chrysalis.spaces"
    label = "spaces"
