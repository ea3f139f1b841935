"""The Danish catalogue: compiled from its source, and used by default."""

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "tryghed" / "locale" / "da" / "LC_MESSAGES"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs gettext's msgfmt")
def test_the_compiled_catalogue_is_the_source_catalogue(tmp_path):
    subprocess.run(
        ["msgfmt", "--check", "-o", tmp_path / "django.mo", CATALOGUE / "django.po"], check=True
    )
    with open(tmp_path / "django.mo", "rb") as fresh, open(CATALOGUE / "django.mo", "rb") as kept:
        assert gettext.GNUTranslations(kept)._catalog == gettext.GNUTranslations(fresh)._catalog, (
            "tryghed/locale/da/LC_MESSAGES/django.mo is out of date: run make messages"
        )


def test_the_site_speaks_danish_unless_asked_otherwise(db, client):
    danish = client.get("/konto/login/").content.decode()
    assert '<html lang="da">' in danish
    assert "Log ind" in danish and "Adgangskode" in danish

    english = client.get("/konto/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in english
    assert "Log in" in english and "Password" in english
