import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tryghed.settings")
application = get_wsgi_application()

# Every view module is imported now rather than by the first request. What start-up made
# lives as long as the process, yet each full garbage collection walks all of it: with
# 150,000 objects that pauses whichever request triggers it, and the requests queued
# behind it, for up to 100 ms. Frozen, the collector leaves it alone.
get_resolver().reverse_dict  # noqa: B018 - imports the URLconf and builds its index
gc.freeze()
