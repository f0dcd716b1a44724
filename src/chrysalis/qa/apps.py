from django.apps import AppConfig


class QaConfig(AppConfig):
    name = "chrysalis.qa"
    label = "qa"
    verbose_name = "Questions and answers"
