from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "chrysalis.notifications"
    label = "notifications"
