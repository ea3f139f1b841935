from django.utils.translation import get_language


class Translated:
    """Content written in Danish with an optional English version in `<field>_en`.

    `obj.tr("title")` gives the English text when English is active and one was written,
    the Danish text otherwise.
    """

    def tr(self, field):
        if (get_language() or "da").startswith("en"):
            english = getattr(self, f"{field}_en", "")
            if english:
                return english
        return getattr(self, field)
