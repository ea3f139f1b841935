"""Where a citizen request goes: its place decides the municipality and the district, its
service decides which of the municipality's queues receive it."""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from tryghed.organisation import geo
from tryghed.organisation.models import Municipality, PoliceDistrict
from tryghed.servicedesk.models import Queue


class RoutingError(ValueError):
    """The request cannot be received here; the message says why and where to turn."""


@dataclass
class Route:
    municipality: Municipality
    district: PoliceDistrict
    queues: list = field(default_factory=list)
    distance_km: float = 0.0


def served_district_numbers():
    """The districts that receive requests in this deployment (TRYGHED_SERVED_DISTRICTS)."""
    return set(settings.TRYGHED_SERVED_DISTRICTS)


def place_of(*, lat=None, lon=None, municipality=None):
    """The municipality of a request: from its coordinates when it has them."""
    if lat is not None and lon is not None:
        try:
            found = geo.locate(lat, lon)
        except geo.OutsideDenmark as exc:
            raise RoutingError(
                _("The place you marked is not in Denmark. Please mark a place in Denmark.")
            ) from exc
        located = Municipality.objects.select_related("district").get(pk=found.municipality_id)
        if municipality is not None and municipality.pk != located.pk:
            raise RoutingError(
                _("The place you marked is in %(located)s, not in %(given)s.")
                % {"located": located.name, "given": municipality.name}
            )
        return located, found.distance_km
    if municipality is None:
        raise RoutingError(_("Please tell us where: mark the place or choose a municipality."))
    return municipality, 0.0


def route(service, *, lat=None, lon=None, municipality=None):
    municipality, distance = place_of(lat=lat, lon=lon, municipality=municipality)
    district = municipality.district
    if district.number not in served_district_numbers():
        raise RoutingError(
            _(
                "%(municipality)s belongs to %(district)s, which does not receive requests "
                "here. Please contact %(district)s on politi.dk, or call 114."
            )
            % {"municipality": municipality.name, "district": district.name}
        )
    owners = []
    if service.to_police:
        owners.append(Queue.Owner.POLICE)
    if service.to_municipality:
        owners.append(Queue.Owner.MUNICIPALITY)
    queues = [ensure_queue(municipality, owner) for owner in owners]
    return Route(municipality, district, queues, distance)


def ensure_queue(municipality, owner):
    names = {
        Queue.Owner.POLICE: f"Lokalpolitiet {municipality.name}",
        Queue.Owner.MUNICIPALITY: f"{municipality.name} Kommune",
    }
    queue, _created = Queue.objects.get_or_create(
        owner=owner, municipality=municipality, defaults={"name": names[owner]}
    )
    return queue
