from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "chrysalis.people"
    label = "people"
