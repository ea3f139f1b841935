from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "tryghed.organisation"
    verbose_name = _("Districts, municipalities and councils")
