"""Loading the official reference data: police districts, municipalities, postal codes."""

import csv
import json
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from tryghed.organisation import geo
from tryghed.organisation.models import Municipality, PoliceDistrict, PostalCode


def _ref(name):
    return Path(settings.TRYGHED_REFERENCE_DIR) / name


@transaction.atomic
def load_reference(progress=None):
    """Create or update all districts, municipalities and postal codes; safe to re-run.

    Returns counts of what is now in the database.
    """
    district_geo = json.loads(_ref("dk_politikredse_dagi500_2014.geojson").read_text("utf-8"))
    muni_geo = json.loads(_ref("dk_kommuner_dagi500_2014.geojson").read_text("utf-8"))
    boundaries = {f["properties"]["kommunekode"]: f["geometry"] for f in muni_geo["features"]}

    districts = {}
    for feature in district_geo["features"]:
        props = feature["properties"]
        number = int(props["politikreds_nr"])
        districts[number], _ = PoliceDistrict.objects.update_or_create(
            number=number,
            defaults={
                "name": props["politikreds_navn"],
                "slug": slugify(props["politikreds_navn"]),
                "boundary": feature["geometry"],
            },
        )

    with _ref("politikreds_kommune.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        Municipality.objects.update_or_create(
            code=row["kommunekode"],
            defaults={
                "name": row["kommunenavn"],
                "district": districts[int(row["politikreds_nr"])],
                "region_code": row["regionskode"],
                "region_name": row["regionsnavn"],
                "boundary": boundaries.get(row["kommunekode"]),
            },
        )
        if progress:
            progress()

    municipalities = {m.code: m for m in Municipality.objects.all()}
    with _ref("postnr_kommune_postnord2020.csv").open(encoding="utf-8", newline="") as fh:
        wanted = {
            (row["postnr"], row["kommunekode"]): row["postnrnavn"] for row in csv.DictReader(fh)
        }
    existing = {
        (p.number, p.municipality.code): p
        for p in PostalCode.objects.select_related("municipality")
    }
    PostalCode.objects.bulk_create(
        [
            PostalCode(number=number, name=name, municipality=municipalities[code])
            for (number, code), name in wanted.items()
            if (number, code) not in existing and code in municipalities
        ]
    )
    stale = [p.pk for key, p in existing.items() if key not in wanted]
    PostalCode.objects.filter(pk__in=stale).delete()
    geo.reset_index()
    return {
        "districts": PoliceDistrict.objects.count(),
        "municipalities": Municipality.objects.count(),
        "postal_codes": PostalCode.objects.count(),
    }
