"""Where a citizen request goes: its place decides the municipality and the district, its
service decides which of the municipality's queues receive it.

Routing reads, and writes only a queue that does not exist yet, so callers route before they
open the transaction that stores the request: on SQLite that transaction holds the
database's only write lock.

Every submission needs the same few rows: a municipality, its district and its queues. Each
worker remembers them per municipality for TTL seconds, and the transaction that stores a
request confirms them with `confirmation()` in the query it runs anyway to number the
request. When they no longer hold (reference data reloaded, a queue deleted), the request is
routed again from the database, so an old copy never decides where a request goes.
"""

import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections, router
from django.utils.translation import gettext as _

from tryghed.organisation import geo
from tryghed.organisation.models import Municipality, PoliceDistrict
from tryghed.servicedesk.models import Queue

# Only names can be older than this: what decides the route is confirmed for every request.
TTL = 60
# What routing reads of a municipality and its district. The boundaries are left out: they
# are tens of kilobytes of GeoJSON each, and locating a point uses geo's own index.
MUNICIPALITY_FIELDS = ("id", "code", "name", "district__id", "district__number", "district__name")


class RoutingError(ValueError):
    """The request cannot be received here; the message says why and where to turn."""


@dataclass
class Route:
    municipality: Municipality
    district: PoliceDistrict
    queues: list = field(default_factory=list)
    distance_km: float = 0.0


@dataclass(frozen=True)
class _Rows:
    """A municipality's routing rows as plain values, so that every route gets instances of
    its own and no request shares one with another thread."""

    municipality: tuple  # (id, code, name)
    district: tuple  # (id, number, name)
    queues: dict  # owner: (id, name, email)


class _Memory:
    def __init__(self, ttl=TTL):
        self.ttl = ttl
        self._entries = {}
        self._lock = threading.Lock()

    def get(self, municipality_id):
        entry = self._entries.get(municipality_id)
        if entry is not None and entry[0] > time.monotonic():
            return entry[1]
        return None

    def put(self, municipality_id, rows):
        with self._lock:
            self._entries[municipality_id] = (time.monotonic() + self.ttl, rows)

    def forget(self):
        with self._lock:
            self._entries.clear()


_memory = _Memory()


def forget():
    """Drop every municipality this worker remembers."""
    _memory.forget()


def served_district_numbers():
    """The districts that receive requests in this deployment (TRYGHED_SERVED_DISTRICTS)."""
    return set(settings.TRYGHED_SERVED_DISTRICTS)


def municipalities():
    """Municipalities with their district, as routing reads them."""
    return Municipality.objects.select_related("district").only(*MUNICIPALITY_FIELDS)


def place_of(*, lat=None, lon=None, municipality=None):
    """The id and code of the municipality of a request, from its coordinates when it has
    them, and the distance to that municipality (0 when inside it)."""
    if lat is not None and lon is not None:
        try:
            found = geo.locate(lat, lon)
        except geo.OutsideDenmark as exc:
            raise RoutingError(
                _("The place you marked is not in Denmark. Please mark a place in Denmark.")
            ) from exc
        # By code, which stays the same when the reference data is reloaded.
        if municipality is not None and municipality.code != found.code:
            raise RoutingError(
                _("The place you marked is in %(located)s, not in %(given)s.")
                % {"located": found.name, "given": municipality.name}
            )
        return found.municipality_id, found.code, found.distance_km
    if municipality is None:
        raise RoutingError(_("Please tell us where: mark the place or choose a municipality."))
    return municipality.pk, municipality.code, 0.0


def owners_of(service):
    owners = []
    if service.to_police:
        owners.append(Queue.Owner.POLICE)
    if service.to_municipality:
        owners.append(Queue.Owner.MUNICIPALITY)
    return owners


def route(service, *, lat=None, lon=None, municipality=None, fresh=False):
    """Where a request of `service` at this place goes; `fresh` reads the database rather
    than what this worker remembers."""
    owners = owners_of(service)
    municipality_id, code, distance = place_of(lat=lat, lon=lon, municipality=municipality)
    rows = None if fresh else _memory.get(municipality_id)
    if rows is None or rows.municipality[1] != code:
        rows = _read(municipality_id, code)
        if rows is None and lat is not None:
            # The worker's boundary index was built before the reference data was reloaded
            # with other keys.
            geo.reset_index()
            municipality_id, code, distance = place_of(lat=lat, lon=lon, municipality=municipality)
            rows = _read(municipality_id, code)
        if rows is None:
            raise RoutingError(_("Please tell us where: mark the place or choose a municipality."))
        _memory.put(municipality_id, rows)
    place, district, queues = _instances(rows)
    if district.number not in served_district_numbers():
        raise RoutingError(
            _(
                "%(municipality)s belongs to %(district)s, which does not receive requests "
                "here. Please contact %(district)s on politi.dk, or call 114."
            )
            % {"municipality": place.name, "district": district.name}
        )
    missing = [owner for owner in owners if owner not in queues]
    for owner in missing:
        queues[owner] = ensure_queue(place, owner)
    if missing:
        made = {
            owner: (queues[owner].pk, queues[owner].name, queues[owner].email) for owner in missing
        }
        _memory.put(place.pk, _Rows(rows.municipality, rows.district, {**rows.queues, **made}))
    return Route(place, district, [queues[owner] for owner in owners], distance)


def _read(municipality_id, code):
    """The routing rows of the municipality with this id and code, or None.

    One query in plain SQL: the ORM takes more than ten times longer to build it than the
    database takes to answer it.
    """
    connection = connections[router.db_for_read(Queue)]
    quote = connection.ops.quote_name
    sql = (
        "SELECT m.id, m.code, m.name, d.id, d.number, d.name, q.id, q.owner, q.name, q.email "
        f"FROM {quote(Municipality._meta.db_table)} m "
        f"INNER JOIN {quote(PoliceDistrict._meta.db_table)} d ON d.id = m.district_id "
        f"LEFT JOIN {quote(Queue._meta.db_table)} q ON q.municipality_id = m.id "
        "WHERE m.id = %s AND m.code = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [municipality_id, code])
        found = cursor.fetchall()
    if not found:
        return None
    return _Rows(
        municipality=found[0][0:3],
        district=found[0][3:6],
        queues={row[7]: (row[6], *row[8:10]) for row in found if row[6] is not None},
    )


def _instances(rows):
    """The municipality, its district and its queues by owner, as the ORM would load them
    with .only(): any other field is deferred, so reading it fetches it."""
    using = router.db_for_read(Queue)
    m_id, code, name = rows.municipality
    d_id, number, d_name = rows.district
    district = _loaded(PoliceDistrict, using, id=d_id, number=number, name=d_name)
    place = _loaded(Municipality, using, id=m_id, code=code, name=name, district_id=d_id)
    place.district = district
    queues = {}
    for owner, (q_id, q_name, email) in rows.queues.items():
        queue = _loaded(
            Queue, using, id=q_id, owner=owner, municipality_id=m_id, name=q_name, email=email
        )
        queue.municipality = place
        queues[owner] = queue
    return place, district, queues


def _loaded(model, using, **values):
    fields = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(using, fields, [values[name] for name in fields])


def confirmation(found, connection):
    """SQL for a SELECT list, with its parameters, that is true when the rows `found` was
    made from are still as it read them: the municipality with its code in the district with
    its number, and each queue with its owner in that municipality."""
    quote = connection.ops.quote_name
    queues = " OR ".join(["(q.id = %s AND q.owner = %s)"] * len(found.queues)) or "1 = 0"
    sql = (
        f"((SELECT COUNT(*) FROM {quote(Municipality._meta.db_table)} m "
        f"INNER JOIN {quote(PoliceDistrict._meta.db_table)} d ON d.id = m.district_id "
        "WHERE m.id = %s AND m.code = %s AND d.id = %s AND d.number = %s) "
        f"+ (SELECT COUNT(*) FROM {quote(Queue._meta.db_table)} q "
        f"WHERE q.municipality_id = %s AND ({queues})) = %s)"
    )
    place, district = found.municipality, found.district
    params = [place.pk, place.code, district.pk, district.number, place.pk]
    for queue in found.queues:
        params += [queue.pk, str(queue.owner)]
    return sql, [*params, 1 + len(found.queues)]


def ensure_queue(municipality, owner):
    names = {
        Queue.Owner.POLICE: f"Lokalpolitiet {municipality.name}",
        Queue.Owner.MUNICIPALITY: f"{municipality.name} Kommune",
    }
    queue, _created = Queue.objects.get_or_create(
        owner=owner, municipality=municipality, defaults={"name": names[owner]}
    )
    return queue
