from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tryghed.core"
    verbose_name = "Tryghed"
