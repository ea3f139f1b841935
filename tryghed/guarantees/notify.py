"""Telling the responsible team about a deadline: an in-app notification and an e-mail.

The team of a case is the local police of its municipality: the police queue's team address
and the local officers; the district secretariat reads every notification of its district
in the app. E-mail goes out in the site's default language; a mail server that fails is
logged, and the notification stays in the app.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from tryghed.accounts.models import RoleAssignment
from tryghed.guarantees.models import Notification
from tryghed.servicedesk.models import Queue

logger = logging.getLogger(__name__)


def team_addresses(municipality_id, cache=None):
    """The e-mail addresses of a municipality's local police."""
    if cache is not None and municipality_id in cache:
        return cache[municipality_id]
    addresses = []
    if municipality_id is not None:
        addresses += [
            e
            for e in Queue.objects.filter(
                owner=Queue.Owner.POLICE, municipality=municipality_id
            ).values_list("email", flat=True)
            if e
        ]
        addresses += [
            e
            for e in RoleAssignment.objects.active()
            .filter(
                role=RoleAssignment.Role.LOCAL_OFFICER,
                municipality=municipality_id,
                user__is_active=True,
            )
            .values_list("user__email", flat=True)
            if e
        ]
    addresses = sorted(set(addresses))
    if cache is not None:
        cache[municipality_id] = addresses
    return addresses


def notify(deadline, kind, *, now, cache=None):
    """Record and send one notification; None when it was already there (another sweeper
    got there first, which the compare-and-set before this call should already prevent)."""
    to = team_addresses(deadline.municipality_id, cache)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                deadline=deadline,
                kind=kind,
                municipality_id=deadline.municipality_id,
                district_id=deadline.district_id,
                emailed_to=", ".join(to),
                created_at=now,
            )
    except IntegrityError:
        return None
    if to:
        with translation.override(settings.LANGUAGE_CODE):
            context = {"deadline": deadline, "kind": kind, "Kind": Notification.Kind}
            subject = render_to_string("guarantees/email/subject.txt", context).strip()
            body = render_to_string("guarantees/email/body.txt", context)
        try:
            send_mail(subject, body, None, to)
        except Exception:
            logger.exception("Could not e-mail the team about deadline %s", deadline.pk)
    return notification
