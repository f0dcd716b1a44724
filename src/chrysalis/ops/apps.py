from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "chrysalis.ops"
    label = "ops"
    verbose_name = "Operations: the task queue's health and retries"
