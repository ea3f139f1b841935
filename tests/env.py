"""Loaded by pytest before Django reads its settings (`-p tests.env` in pyproject.toml).

The tests serve static files straight from their sources, so they need no collectstatic;
tests/test_static.py checks the production storage separately.
"""

import os

os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)
