from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicedeskConfig(AppConfig):
    name = "tryghed.servicedesk"
    verbose_name = _("Citizen services")
