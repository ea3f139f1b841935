"""Recording staff writes. Actions call `snapshot()` before a change and `record()` after it."""

import datetime
import decimal
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models

from tryghed.audit.models import AuditEntry

# Hashes of a status link's token, of an API key and of what a citizen sent (by which a
# request sent again is recognised): written once, never worth a log line.
# (A user's password hash is replaced by a note in accounts/admin.py.)
SECRET_FIELDS = {"token_hash", "key_hash", "fingerprint"}


def _plain(value, field=None):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal) and isinstance(field, models.DecimalField):
        # A form hands over Decimal("40"), the database gives back Decimal("40.00"): written
        # the stored way, an unchanged value never shows as a change.
        value = value.quantize(decimal.Decimal(1).scaleb(-field.decimal_places))
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj):
    """The object's own field values and many-to-many ids, as JSON-ready data."""
    if obj is None or obj.pk is None:
        return {}
    data = {}
    for f in obj._meta.concrete_fields:
        if f.name == "boundary" or f.name in SECRET_FIELDS:
            continue
        data[f.name] = _plain(getattr(obj, f.attname), f)
    for f in obj._meta.many_to_many:
        data[f.name] = sorted(
            obj.__class__.objects.filter(pk=obj.pk)
            .values_list(f"{f.name}__pk", flat=True)
            .exclude(**{f"{f.name}__pk": None})
        )
    return data


def diff(before, after):
    keys = set(before) | set(after)
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(keys)
        if before.get(key) != after.get(key)
    }


def _district_of(obj):
    for attr in ("district_id",):
        if getattr(obj, attr, None):
            return getattr(obj, attr)
    for path in ("plan", "council", "initiative", "municipality"):
        related = getattr(obj, path, None)
        if related is not None and related is not obj:
            found = _district_of(related)
            if found:
                return found
    return None


def exported(obj, *, by, message):
    """Log that `by` took data about `obj` out of the system (a file download)."""
    return record(obj, by=by, action=AuditEntry.Action.EXPORT, before={}, after={}, message=message)


def record(obj, *, by, action, before=None, after=None, message=""):
    """Write one audit entry for a staff change of `obj`."""
    if action == AuditEntry.Action.CREATE:
        changes = diff({}, after if after is not None else snapshot(obj))
    elif action == AuditEntry.Action.DELETE:
        changes = diff(before or {}, {})
    else:
        changes = diff(before or {}, after if after is not None else snapshot(obj))
    return AuditEntry.objects.create(
        actor=by if by is not None and by.pk else None,
        actor_name=(by.get_username() if by is not None else "system"),
        action=action,
        content_type=ContentType.objects.get_for_model(obj.__class__),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        district_id=_district_of(obj),
        changes=changes,
        message=message[:300],
    )
