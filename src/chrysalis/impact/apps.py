from django.apps import AppConfig


class ImpactConfig(AppConfig):
    name = "chrysalis.impact"
    label = "impact"
    verbose_name = "Impact: the benefit to the individual"
