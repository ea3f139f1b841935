"""The production static files storage: every asset, with the files its CSS refers to.

WhiteNoise's storage adds compression to Django's manifest storage; the references are
resolved by the latter, which is what this checks.
"""

from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import override_settings

MANIFEST = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}


def test_collectstatic_resolves_every_reference(tmp_path):
    # override_settings makes Django rebuild staticfiles_storage on entry and on exit.
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=MANIFEST):
        call_command("collectstatic", interactive=False, verbosity=0)
        css = staticfiles_storage.url("vendor/dkfds/css/dkfds.min.css")
    assert (tmp_path / "staticfiles.json").exists()
    # A hashed name proves the manifest holds the file and its references were rewritten.
    assert css.startswith("/static/vendor/dkfds/css/dkfds.min.")
    assert css != "/static/vendor/dkfds/css/dkfds.min.css"
