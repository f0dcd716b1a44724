from django.apps import AppConfig


class ConnectionsConfig(AppConfig):
    name = "chrysalis.connections"
    label = "connections"
    verbose_name = "Connections: people you should know, spaces, questions you could answer"
