from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    name = "chrysalis.experts"
    label = "experts"
    verbose_name = "Expertise: expert search and question routing"
