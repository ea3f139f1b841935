"""The Open311 jurisdictions of this deployment: the police districts it receives requests for.

A jurisdiction_id is the district's address on politi.dk without the scheme, e.g.
"politi.dk/midt-og-vestsjaellands-politi", the same path the police use for the district.
"""

from dataclasses import dataclass

from tryghed.core.text import danish_slug
from tryghed.organisation.models import PoliceDistrict
from tryghed.servicedesk.routing import served_district_numbers


@dataclass(frozen=True)
class Jurisdiction:
    jurisdiction_id: str
    district: PoliceDistrict
    served: bool


def _districts():
    # Without the boundaries: a district's GeoJSON is tens of kilobytes to parse.
    return PoliceDistrict.objects.defer("boundary").order_by("number")


def jurisdiction_id(district):
    return "politi.dk/" + danish_slug(district.name)


def normalise(value):
    value = value.strip().lower()
    for prefix in ("https://", "http://", "www."):
        value = value.removeprefix(prefix)
    return value.rstrip("/")


def served():
    """The served districts as jurisdictions, in district order."""
    numbers = served_district_numbers()
    return [
        Jurisdiction(jurisdiction_id(d), d, True) for d in _districts().filter(number__in=numbers)
    ]


def find(value):
    """The jurisdiction named by a jurisdiction_id parameter, served or not; None if unknown."""
    wanted = normalise(value)
    numbers = served_district_numbers()
    for district in _districts():
        if jurisdiction_id(district) == wanted:
            return Jurisdiction(wanted, district, district.number in numbers)
    return None
