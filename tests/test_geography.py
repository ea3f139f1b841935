"""Reference data and locating points."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tryghed.organisation import geo
from tryghed.organisation.models import Municipality, PoliceDistrict, PostalCode
from tryghed.organisation.reference import load_reference

pytestmark = pytest.mark.django_db


def test_all_districts_and_municipalities_are_loaded(reference):
    assert PoliceDistrict.objects.count() == 12
    # 98 municipalities and Christiansø.
    assert Municipality.objects.count() == 99
    district = PoliceDistrict.objects.get(number=8)
    assert district.name == "Midt- og Vestsjællands Politi"
    assert sorted(district.municipalities.values_list("code", flat=True)) == [
        "0253",
        "0259",
        "0265",
        "0269",
        "0306",
        "0316",
        "0326",
        "0329",
        "0336",
        "0350",
    ]
    # Postal codes are many-to-many: 4000 Roskilde reaches into Lejre too.
    assert set(
        PostalCode.objects.filter(number="4000").values_list("municipality__code", flat=True)
    ) >= {"0265"}


def test_reloading_changes_nothing(reference):
    before = (
        PoliceDistrict.objects.count(),
        Municipality.objects.count(),
        PostalCode.objects.count(),
    )
    ids = set(Municipality.objects.values_list("pk", flat=True))
    load_reference()
    after = (
        PoliceDistrict.objects.count(),
        Municipality.objects.count(),
        PostalCode.objects.count(),
    )
    assert before == after
    assert ids == set(Municipality.objects.values_list("pk", flat=True))


def test_locate_command_names_municipality_and_district(reference, capsys):
    call_command("locate", "55.6425", "12.0803")
    assert capsys.readouterr().out.strip() == "0265 Roskilde (Midt- og Vestsjællands Politi)"


def test_point_just_off_the_simplified_coast_goes_to_the_nearest_municipality(reference):
    # Køge Bugt, a little off the simplified shoreline south of Køge harbour.
    found = geo.locate(55.50, 12.25)
    assert found.code == "0259"
    assert 0 < found.distance_km < geo.MAX_SNAP_KM


@pytest.mark.parametrize("lat,lon", [(48.8566, 2.3522), (57.5, 3.0), (95, 12)])
def test_points_nowhere_near_denmark_are_refused(reference, lat, lon):
    with pytest.raises(geo.OutsideDenmark):
        geo.locate(lat, lon)
    with translation.override("en"), pytest.raises(CommandError, match="is not"):
        call_command("locate", str(lat), str(lon))


def test_vectorised_locate_matches_single_lookups(reference):
    points = [
        (55.6425, 12.0803),
        (55.5833, 12.3000),
        (55.4581, 12.1822),
        (56.1572, 10.2107),
        (48.8566, 2.3522),
        (55.1, 14.9),
        (55.3206, 15.1873),
    ]
    many = geo.locate_many([p[0] for p in points], [p[1] for p in points])
    assert [m.code if m else None for m in many] == [
        "0265",
        "0253",
        "0259",
        "0751",
        None,
        "0400",
        "0411",
    ]
    for (lat, lon), found in zip(points, many, strict=True):
        if found is None:
            with pytest.raises(geo.OutsideDenmark):
                geo.locate(lat, lon)
        else:
            assert geo.locate(lat, lon) == found
