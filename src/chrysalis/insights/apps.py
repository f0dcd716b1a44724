from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "chrysalis.insights"
    label = "insights"
    verbose_name = "Insights: the interaction graph, organisation insights"
