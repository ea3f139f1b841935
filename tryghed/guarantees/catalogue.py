"""The police guarantees in force in every district since 1 November 2021, the 2023 plan's
safety follow-up, and the answer to "Bestil en betjent", as rule versions.

Loading adds what is missing and never changes a version already stored: a guarantee whose
rule here differs from its newest stored version gets a new version, in force from the
moment it is loaded, so cases already running keep the rule they started under.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from tryghed.guarantees import rules
from tryghed.guarantees.clock import DANISH_TIME
from tryghed.guarantees.models import (
    Clock,
    Guarantee,
    GuaranteeVersion,
    PauseReason,
    StopEvent,
)

IN_FORCE = datetime.datetime(2021, 11, 1, tzinfo=DANISH_TIME)
OFFICER_REQUESTS_NATIONAL = datetime.datetime(2018, 12, 1, tzinfo=DANISH_TIME)
HOUR = 60
DAY = 24 * HOUR

GUARANTEES = [
    {
        "code": "indbrud-i-private-hjem",
        "name": "Indbrud i private hjem: politiet på stedet inden for 24 timer",
        "name_en": "Burglary in a private home: police on site within 24 hours",
        "description": (
            "Politiet kommer ud inden for 24 timer efter anmeldelsen, medmindre borgeren selv "
            "ønsker et senere tidspunkt, og straks, hvis gerningsmanden stadig er på stedet. "
            "Borgeren får vejledning i at sikre spor."
        ),
        "description_en": (
            "The police come out within 24 hours of the report unless the citizen asks for "
            "a later time, and at once if the burglar is still there. The citizen is advised "
            "on preserving traces."
        ),
        "rule": {
            "effective_from": IN_FORCE,
            "incident_categories": ["burglary_home"],
            "stop_event": StopEvent.ON_SITE,
            "target_minutes": 24 * HOUR,
            "pause_reasons": [PauseReason.CITIZEN_ASKED_LATER],
            "warn_before_minutes": 2 * HOUR,
        },
    },
    {
        "code": "narkotikasalg-ved-skoler",
        "name": "Åbenlys narkotikasalg ved skoler: straks-reaktion",
        "name_en": "Open drug sales at or near schools: immediate response",
        "description": (
            "Politiet reagerer straks på åbenlys narkotikasalg ved grundskoler og "
            "ungdomsuddannelser, og kommunen orienteres. Straks betyder på stedet inden for "
            "15 minutter."
        ),
        "description_en": (
            "The police respond at once to open drug sales at or near primary schools and "
            "youth education, and the municipality is told. At once means on site within "
            "15 minutes."
        ),
        "rule": {
            "effective_from": IN_FORCE,
            "incident_categories": ["drug_sale_school"],
            "service_codes": ["tip-narkotika"],
            "conditions": {"naer-skole": ["ja"]},
            "stop_event": StopEvent.ON_SITE,
            "target_minutes": 15,
            "warn_before_minutes": 5,
        },
    },
    {
        "code": "akut-vold",
        "name": "Akut vold: straks-reaktion",
        "name_en": "Acute violence: immediate response",
        "description": (
            "Politiet reagerer straks på akut vold, også vold i nære relationer: på stedet "
            "inden for 15 minutter."
        ),
        "description_en": (
            "The police respond at once to acute violence, also in close relations: on site "
            "within 15 minutes."
        ),
        "rule": {
            "effective_from": IN_FORCE,
            "incident_categories": ["violence", "violence_close_relations"],
            "stop_event": StopEvent.ON_SITE,
            "target_minutes": 15,
            "warn_before_minutes": 5,
        },
    },
    {
        "code": "akut-voldtaegt",
        "name": "Akut voldtægt: straks-reaktion med fokus på offeret",
        "name_en": "Acute rape: immediate response with a focus on the victim",
        "description": (
            "Politiet reagerer straks på akut voldtægt: på stedet inden for 15 minutter."
        ),
        "description_en": "The police respond at once to acute rape: on site within 15 minutes.",
        "rule": {
            "effective_from": IN_FORCE,
            # The code the incident records will carry; their category list has none yet.
            "incident_categories": ["rape"],
            "stop_event": StopEvent.ON_SITE,
            "target_minutes": 15,
            "warn_before_minutes": 5,
        },
    },
    {
        "code": "tryghedsopfoelgning",
        "name": "Tryghedsopfølgning efter indbrud",
        "name_en": "Safety follow-up after a burglary",
        "description": (
            "Lokalbetjenten kontakter borgeren senest 14 dage efter anmeldelsen af et indbrud "
            "i hjemmet, følger op på spørgsmål og vejleder om indbrudssikring og nabohjælp."
        ),
        "description_en": (
            "The local officer contacts the citizen no later than 14 days after the report of "
            "a burglary in their home, follows up on questions and advises on burglary "
            "protection and neighbourhood watch."
        ),
        "is_follow_up": True,
        "rule": {
            "effective_from": datetime.datetime(2023, 1, 1, tzinfo=DANISH_TIME),
            "incident_categories": ["burglary_home"],
            "stop_event": StopEvent.CITIZEN_CONTACTED,
            "target_minutes": 14 * DAY,
            "warn_before_minutes": 2 * DAY,
        },
    },
    {
        "code": "bestil-en-betjent-svar",
        "name": "Bestil en betjent: svar inden for 5 arbejdsdage",
        "name_en": "Order a police officer: an answer within 5 working days",
        "description": (
            "Borgeren får svar på sin bestilling inden for 5 arbejdsdage (kl. 8–16 på "
            "hverdage, uden helligdage)."
        ),
        "description_en": (
            "The citizen gets an answer to the request within 5 working days (8:00–16:00 on "
            "weekdays, without public holidays)."
        ),
        "rule": {
            "effective_from": OFFICER_REQUESTS_NATIONAL,
            "service_codes": ["betjent-foredrag", "betjent-faerdselskontrol", "betjent-narkohund"],
            "stop_event": StopEvent.ANSWER_SENT,
            "target_minutes": 5 * 8 * HOUR,
            "clock": Clock.SERVICE_HOURS,
            "service_start": datetime.time(8),
            "service_end": datetime.time(16),
            "service_weekdays": [0, 1, 2, 3, 4],
            "warn_before_minutes": 8 * HOUR,
        },
    },
]

RULE_FIELDS = [
    "service_codes",
    "incident_categories",
    "conditions",
    "stop_event",
    "target_minutes",
    "clock",
    "service_start",
    "service_end",
    "service_weekdays",
    "pause_reasons",
    "warn_before_minutes",
]
DEFAULTS = {
    "service_codes": [],
    "incident_categories": [],
    "conditions": {},
    "clock": Clock.CALENDAR,
    "service_start": None,
    "service_end": None,
    "service_weekdays": [],
    "pause_reasons": [],
    "warn_before_minutes": 0,
}


def revise_guarantee(guarantee, *, effective_from, **rule):
    """A new version of the guarantee's rule, in force from `effective_from`."""
    newest = guarantee.versions.order_by("-number").first()
    version = GuaranteeVersion.objects.create(
        guarantee=guarantee,
        number=(newest.number + 1) if newest else 1,
        effective_from=effective_from,
        **{**DEFAULTS, **rule},
    )
    rules.forget()
    return version


def _differs(version, rule):
    wanted = {**DEFAULTS, **rule}
    return any(getattr(version, name) != wanted[name] for name in RULE_FIELDS)


@transaction.atomic
def load_guarantees(now=None):
    """Returns (guarantees created, versions created)."""
    now = now or timezone.now()
    guarantees = versions = 0
    for order, spec in enumerate(GUARANTEES, start=1):
        spec = dict(spec)
        rule = dict(spec.pop("rule"))
        effective_from = rule.pop("effective_from")
        guarantee, created = Guarantee.objects.get_or_create(
            code=spec.pop("code"), defaults={**spec, "order": order}
        )
        guarantees += created
        newest = guarantee.versions.order_by("-number").first()
        if newest is None:
            revise_guarantee(guarantee, effective_from=effective_from, **rule)
            versions += 1
        elif _differs(newest, rule):
            revise_guarantee(guarantee, effective_from=max(now, effective_from), **rule)
            versions += 1
    return guarantees, versions
