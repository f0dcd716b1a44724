from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "chrysalis.integrations"
    label = "integrations"
    verbose_name = "Integrations (imports from other tools)"
