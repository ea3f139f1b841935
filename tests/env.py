"""Loaded by pytest before Django reads its settings (`-p tests.env` in pyproject.toml).

The tests serve static files straight from their sources, so they need no collectstatic;
tests/test_static.py checks the production storage separately.
"""

import os
import tempfile

os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)

# A live-server test serves the browser from several threads at once. With SQLite's default
# in-memory test database they would all share one connection, which hangs when the page
# fetches in parallel (charts, map data); a file in WAL mode gives each thread its own.
os.environ.setdefault(
    "SQLITE_TEST_NAME",
    os.path.join(tempfile.gettempdir(), f"tryghed-test-{os.getpid()}.sqlite3"),
)
