"""API keys of Open311 client applications.

Only a prefix (to recognise a key in lists and logs) and a SHA-256 hash are stored; the key
itself is shown once, when it is created. A key is 32 random bytes, so a plain hash is as
strong as a slow one and lets every request check its key with one indexed lookup.
"""

import re
import secrets
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tryghed.accounts.scope import scope_of
from tryghed.audit.log import record
from tryghed.audit.models import AuditEntry
from tryghed.open311 import memo
from tryghed.organisation.models import PoliceDistrict
from tryghed.servicedesk.models import ApiClient, hash_token
from tryghed.servicedesk.routing import served_district_numbers

KEY_PREFIX = "tg_"
KEY_PATTERN = re.compile(r"tg_[A-Za-z0-9_-]{20,80}")
PREFIX_LENGTH = 10
# A client's last use is written at most this often, so that a busy client does not turn
# every submission into a write on its one shared row.
LAST_USED_RESOLUTION = timedelta(minutes=5)


class ApiKeyError(ValueError):
    """A client cannot be created as asked; the message says why."""


def new_key():
    return KEY_PREFIX + secrets.token_urlsafe(32)


def _public_fields(client):
    # The audit log records what a reader of the back office sees, never the key's hash.
    return {
        "name": client.name,
        "key_prefix": client.key_prefix,
        "active": client.active,
    }


def _audit_district(by):
    """The served district whose log shows a key change: the actor's own secretariat
    district, or the deployment's own district for the shell and for administrators."""
    numbers = served_district_numbers()
    districts = list(
        PoliceDistrict.objects.defer("boundary").filter(number__in=numbers).order_by("number")
    )
    scope = scope_of(by)
    for district in districts:
        if district.pk in scope.secretariat_district_ids:
            return district
    for district in districts:
        if district.number == settings.TRYGHED_DISTRICT:
            return district
    return districts[0] if districts else None


def _record(client, *, by, action, before=None, message=""):
    entry = record(
        client,
        by=by,
        action=action,
        before=before,
        after=_public_fields(client),
        message=message,
    )
    district = _audit_district(by)
    if district is not None:
        # ApiClient belongs to the deployment, not to a district; without this the entry
        # would be outside every secretariat's view of the log.
        AuditEntry.objects.filter(pk=entry.pk).update(district=district)
    return entry


def may_manage(user):
    """API keys are the business of the secretariat of a district this deployment serves."""
    scope = scope_of(user)
    if scope.is_global:
        return True
    if not scope.secretariat_district_ids:
        return False
    return PoliceDistrict.objects.filter(
        pk__in=scope.secretariat_district_ids, number__in=served_district_numbers()
    ).exists()


@transaction.atomic
def create_client(name, *, by, message=""):
    """Create a client and return (client, key); the key is not stored and cannot be
    shown again."""
    name = (name or "").strip()
    if not name:
        raise ApiKeyError(_("Give the client application a name."))
    if any(unicodedata.category(c) == "Cc" for c in name):
        # The back office's form refuses them too; PostgreSQL refuses a NUL outright.
        raise ApiKeyError(_("The name cannot hold control characters such as line breaks."))
    max_length = ApiClient._meta.get_field("name").max_length
    if len(name) > max_length:
        raise ApiKeyError(
            _("The name can be at most %(max)d characters long.") % {"max": max_length}
        )
    if ApiClient.objects.filter(name__iexact=name).exists():
        raise ApiKeyError(_("An API client named “%(name)s” already exists.") % {"name": name})
    key = new_key()
    client = ApiClient.objects.create(
        name=name,
        key_prefix=key[:PREFIX_LENGTH],
        key_hash=hash_token(key),
        created_by=by if by is not None and by.pk else None,
    )
    _record(client, by=by, action=AuditEntry.Action.CREATE, message=message)
    return client, key


@transaction.atomic
def deactivate_client(client, *, by):
    """Stop a client's key from working; it cannot be turned on again, only replaced."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if not client.active:
        return client
    before = _public_fields(client)
    client.active = False
    client.save(update_fields=["active"])
    _record(client, by=by, action=AuditEntry.Action.UPDATE, before=before)
    # This worker forgets the key at once, and again once the change is committed, in case
    # a concurrent request remembered it in between.
    memo.clients.clear()
    transaction.on_commit(memo.clients.clear)
    return client


def verify_key(key):
    """The active client holding `key`, or None. A worker remembers a valid key for
    memo.TTL seconds, so a deactivation reaches the other workers within that time."""
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        return None
    key_hash = hash_token(key)
    client = memo.clients.get(
        key_hash, lambda: ApiClient.objects.filter(key_hash=key_hash, active=True).first()
    )
    if client is None:
        return None
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at > LAST_USED_RESOLUTION:
        # Compare-and-set: of several concurrent requests, one writes.
        ApiClient.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION),
            pk=client.pk,
        ).update(last_used_at=now)
        client.last_used_at = now
    return client
