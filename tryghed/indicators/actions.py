"""Writes to indicators. Each takes the acting user and leaves an audit entry."""

from django.db import transaction

from tryghed.audit import log
from tryghed.audit.models import AuditEntry
from tryghed.indicators.models import Indicator


@transaction.atomic
def save_indicator(indicator, *, by):
    """Create or update an indicator from a validated form instance."""
    creating = indicator.pk is None
    before = {} if creating else log.snapshot(Indicator.objects.get(pk=indicator.pk))
    indicator.save()
    log.record(
        indicator,
        by=by,
        action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE,
        before=before,
    )
    return indicator


@transaction.atomic
def delete_indicator(indicator, *, by):
    before = log.snapshot(indicator)
    # Recorded first: the entry names the indicator's district, read through its owner.
    log.record(indicator, by=by, action=AuditEntry.Action.DELETE, before=before)
    indicator.delete()
