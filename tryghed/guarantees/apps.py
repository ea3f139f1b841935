from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuaranteesConfig(AppConfig):
    name = "tryghed.guarantees"
    verbose_name = _("Police guarantees")

    def ready(self):
        from tryghed.guarantees import counts  # noqa: F401  (connects its signal receiver)
