"""Rate limits for anonymous writes, counted per client address in Django's cache.

The cache is the database cache that every web worker shares, so a limit holds across
processes. Counts live in fixed windows (e.g. the current ten minutes, the current UTC day);
each of several rates must hold. The cache's increment is not atomic on every backend, so
a burst of truly simultaneous requests may be under-counted by a few: good enough to stop
floods, which is all this is for.

Usage, as a decorator (counts the responses that `counts` accepts, by default those below
400, and answers 429 with Retry-After once a limit is reached):

    @ratelimit("open311-post", rates="10/m,100/1d", response=open311_error_429)
    def post_request(request): ...
"""

import time
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.crypto import salted_hmac

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    def window(self, now):
        """The current window's number and the seconds left of it."""
        number = int(now // self.seconds)
        return number, (number + 1) * self.seconds - now


def parse_rate(text):
    """'5/10m' is 5 per 10 minutes; '20/d' is 20 per day."""
    try:
        count, period = text.strip().split("/")
        period = period.strip()
        unit = period[-1:]
        amount = int(period[:-1] or 1)
        rate = Rate(int(count), amount * UNITS[unit])
    except (ValueError, KeyError):
        raise ValueError(f"{text!r} is not a rate like '5/10m' or '20/1d'.") from None
    if rate.count < 1 or rate.seconds < 1:
        raise ValueError(f"{text!r}: the count and the period must be positive.")
    return rate


def parse_rates(spec):
    """Rates from a list of strings or one comma-separated string."""
    if isinstance(spec, str):
        spec = [part for part in spec.split(",") if part.strip()]
    return [parse_rate(part) for part in spec]


def client_ip(request):
    """The client's address. X-Forwarded-For is anyone's to write, so it is read only when
    the deployment says a proxy sets it; then the proxy's own (last) entry is the one to
    trust."""
    if settings.TRYGHED_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "")


def _key(scope, client, rate, window):
    # Keyed by a keyed hash: the cache table then holds no citizen's IP address.
    digest = salted_hmac("tryghed.ratelimit", client).hexdigest()[:32]
    return f"ratelimit:{scope}:{rate.count}/{rate.seconds}:{window}:{digest}"


def retry_after(scope, client, rates, now=None):
    """Seconds until the client may go on; 0 when no limit is reached."""
    now = time.time() if now is None else now
    wait = 0
    for rate in rates:
        window, left = rate.window(now)
        if (cache.get(_key(scope, client, rate, window)) or 0) >= rate.count:
            wait = max(wait, int(left) + 1)
    return wait


def hit(scope, client, rates, now=None):
    """Count one request against every rate."""
    now = time.time() if now is None else now
    for rate in rates:
        window, left = rate.window(now)
        key = _key(scope, client, rate, window)
        timeout = int(left) + 1
        if not cache.add(key, 1, timeout):
            try:
                cache.incr(key)
            except ValueError:
                # Expired between add and incr: this request opens the next count.
                cache.set(key, 1, timeout)
            else:
                # A backend without an increment of its own (the database cache) writes the
                # new count with the default timeout of five minutes: the count must last
                # to the end of its window, or a pause would reset a day's limit.
                cache.touch(key, timeout)


def too_many_requests(request, wait):
    response = render(
        request,
        "servicedesk/public/rate_limited.html",
        {"minutes": max(1, -(-wait // 60))},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


def _accepted(response):
    return response.status_code < 400


def ratelimit(scope, rates=None, *, methods=("POST",), counts=_accepted, response=None):
    """Limit a view per client address.

    `scope` is a name, or a callable (request, *args, **kwargs) -> name, so that one view
    can keep separate counts (e.g. per form). `rates` defaults to the setting
    TRYGHED_SUBMISSION_RATE; a callable is asked for them at each request, as that setting
    is read. `counts(response)` says whether a response used up one of the client's
    requests; `response(request, wait)` builds the answer over the limit.
    """
    respond = response or too_many_requests

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in methods:
                return view(request, *args, **kwargs)
            name = scope(request, *args, **kwargs) if callable(scope) else scope
            if rates is None:
                limits = parse_rates(settings.TRYGHED_SUBMISSION_RATE)
            else:
                limits = parse_rates(rates() if callable(rates) else rates)
            client = client_ip(request)
            wait = retry_after(name, client, limits)
            if wait:
                return respond(request, wait)
            result = view(request, *args, **kwargs)
            if counts(result):
                hit(name, client, limits)
            return result

        return wrapped

    return decorator
