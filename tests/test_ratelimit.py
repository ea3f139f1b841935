"""The counts of the anonymous-submission limits last to the end of their window, on the
database cache that production uses."""

import datetime as dt

import pytest
from django.core.cache.backends import db as database_cache

from tryghed.servicedesk import ratelimit

pytestmark = pytest.mark.django_db


def test_a_count_outlives_the_caches_default_timeout(monkeypatch):
    rates = ratelimit.parse_rates("3/1d")
    # An hour into a UTC day: the day's window has 23 hours left.
    start = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0) + dt.timedelta(hours=1)
    now = start.timestamp()
    for _ in range(3):
        ratelimit.hit("form", "192.0.2.1", rates, now=now)
    assert ratelimit.retry_after("form", "192.0.2.1", rates, now=now) > 0

    # The database cache reads its own clock; ten minutes later by it, the day is not over.
    real_now = database_cache.tz_now
    monkeypatch.setattr(database_cache, "tz_now", lambda: real_now() + dt.timedelta(minutes=10))
    assert ratelimit.retry_after("form", "192.0.2.1", rates, now=now + 600) > 0
    # A day later by both clocks, the count is gone.
    later = dt.timedelta(days=1, minutes=1)
    monkeypatch.setattr(database_cache, "tz_now", lambda: real_now() + later)
    assert ratelimit.retry_after("form", "192.0.2.1", rates, now=now + 86_460) == 0
