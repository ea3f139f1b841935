"""Demo cases for the guarantees: incidents of the demo district this year, with deadlines
met, missed and still running, and safety follow-ups done and to do.

The incidents are made up (a source of their own, `demo-politigarantier`), spread over the
district's municipalities; they go through the same path as imported incidents. Loading is
idempotent: an incident already there is left alone.
"""

import datetime
import random

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tryghed.guarantees import actions, counts, rules
from tryghed.guarantees.models import Advice, SafetyFollowUp
from tryghed.incidents.models import Incident, IncidentSource
from tryghed.organisation.models import Municipality, PoliceDistrict

SOURCE = "demo-politigarantier"
# (category, how many, minutes to the police on site: usual range, late range)
# The counts of a year, about as many as the district records: enough that the district's
# shares are read by the councils, where a handful would all be hidden as "<5".
CASES = [
    ("burglary_home", 480, (90, 20 * 60), (25 * 60, 40 * 60)),
    ("drug_sale_school", 24, (5, 14), (17, 35)),
    ("violence", 160, (4, 14), (16, 30)),
    ("violence_close_relations", 40, (5, 14), (16, 25)),
]
TITLES = {
    "burglary_home": "Indbrud i villa/lejlighed/landejendom",
    "drug_sale_school": "Narkotikasalg ved skole",
    "violence": "Vold",
    "violence_close_relations": "Vold i nære relationer",
}


class MissingDemoDistrict(Exception):
    pass


@transaction.atomic
def load_demo_cases(now=None):
    """Returns the number of incidents created."""
    now = now or timezone.now()
    district = PoliceDistrict.objects.filter(number=settings.TRYGHED_DISTRICT).first()
    if district is None:
        raise MissingDemoDistrict("Load the reference data first (manage.py load_reference).")
    source, _created = IncidentSource.objects.get_or_create(
        name=SOURCE, defaults={"district": district}
    )
    municipalities = list(Municipality.objects.filter(district=district).defer("boundary"))
    have = set(source.incidents.values_list("external_id", flat=True))
    rng = random.Random(8)
    start_of_year = datetime.datetime(now.year, 1, 1, tzinfo=datetime.UTC)
    span = (now - start_of_year).total_seconds()
    created = []
    for category, count, usual, late in CASES:
        for n in range(count):
            external_id = f"{category}-{now.year}-{n + 1:03d}"
            # The last few of each kind were reported in the past hours: still running.
            recent = n >= count - 2
            if recent:
                reported = now - datetime.timedelta(minutes=rng.randint(2, 10 * 60))
            else:
                reported = start_of_year + datetime.timedelta(seconds=rng.random() * span * 0.97)
            minutes = rng.randint(*(late if rng.random() < 0.06 else usual))
            responded = reported + datetime.timedelta(minutes=minutes)
            if recent or responded > now:
                responded = None
            municipality = rng.choice(municipalities)
            if external_id in have:
                continue
            created.append(
                Incident(
                    source=source,
                    external_id=external_id,
                    occurred_at=reported - datetime.timedelta(minutes=rng.randint(5, 90)),
                    reported_at=reported,
                    responded_at=responded,
                    category=category,
                    title=TITLES[category],
                    place=municipality.name,
                    municipality=municipality,
                    summary="Demosag til politigarantierne.",
                )
            )
    Incident.objects.bulk_create(created)
    rules.forget()
    actions.incidents_written(created, district_id=district.pk)
    _follow_ups(created, now=now, rng=rng)
    return len(created)


def _follow_ups(incidents, *, now, rng):
    """The follow-ups were made, a few of them late; of those of the last month some are
    still to do, as a team has them at any time."""
    for follow_up in SafetyFollowUp.objects.filter(incident__in=incidents).select_related(
        "deadline__version", "incident"
    ):
        deadline = follow_up.deadline
        days = rng.choice([2, 3, 4, 6, 8, 9, 11, 13, 16, 19])
        at = deadline.started_at + datetime.timedelta(days=days, hours=rng.randint(0, 6))
        recent = now - deadline.started_at < datetime.timedelta(days=30)
        if at > now or (recent and rng.random() < 0.3):
            continue
        follow_up.status = SafetyFollowUp.Status.DONE
        follow_up.attempts = rng.randint(1, 2)
        follow_up.reached = True
        follow_up.contacted_at = at
        follow_up.advice = sorted(rng.sample(Advice.values, rng.randint(1, 3)))
        follow_up.save()
        actions._stop(deadline, at)
        counts.save([deadline], fields=actions.STOP_FIELDS)
