from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizenMeetingsConfig(AppConfig):
    name = "tryghed.citizen_meetings"
    verbose_name = _("Citizen meetings")
