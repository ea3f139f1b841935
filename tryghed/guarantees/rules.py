"""Which rule versions cover a case, from each process's memory of the rules.

Citizen intake is the busiest write in the system, so finding a request's guarantees costs
it no query: the versions are kept in memory and checked against the database's stamp (the
highest version id and the number of versions; versions are only ever added) at most every
`CHECK_SECONDS`. A new version therefore reaches every process within that time; since a
version is normally saved ahead of the moment it takes effect, the cases it covers get it.
"""

import threading
import time

from django.db.models import Count, Max

from tryghed.guarantees.models import GuaranteeVersion

CHECK_SECONDS = 10.0

_lock = threading.Lock()
_memory = {"stamp": None, "checked": None, "versions": ()}


def _stamp():
    found = GuaranteeVersion.objects.aggregate(top=Max("pk"), count=Count("pk"))
    return found["top"], found["count"]


def versions(*, fresh=False):
    """Every rule version with its guarantee, newest first within each guarantee."""
    now = time.monotonic()
    checked = _memory["checked"]
    if fresh or checked is None or now - checked > CHECK_SECONDS:
        with _lock:
            stamp = _stamp()
            if fresh or stamp != _memory["stamp"]:
                _memory["versions"] = tuple(
                    GuaranteeVersion.objects.select_related("guarantee").order_by(
                        "guarantee__order", "guarantee_id", "-effective_from", "-number"
                    )
                )
                _memory["stamp"] = stamp
            _memory["checked"] = now
    return _memory["versions"]


def forget():
    """Drop what this process remembers (tests, and after loading rules)."""
    with _lock:
        _memory.update(stamp=None, checked=None, versions=())


def in_force(at, *, fresh=False):
    """For each guarantee, the version in force at the moment `at` (none before its first)."""
    chosen = {}
    for version in versions(fresh=fresh):
        if version.guarantee_id not in chosen and version.effective_from <= at:
            chosen[version.guarantee_id] = version
    return list(chosen.values())


def for_request(service_code, details, at, *, fresh=False):
    return [v for v in in_force(at, fresh=fresh) if v.covers_request(service_code, details)]


def for_incident(category, at, *, fresh=False):
    return [v for v in in_force(at, fresh=fresh) if v.covers_incident(category)]
