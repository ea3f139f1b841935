"""The same request sent again by the same citizen: Back and send, or the form opened again
and the same report typed or pasted in once more.

The form's one-time id (public/views.py) only stops the same page from being sent twice. A
browser that goes Back fetches the form again (Chromium does, even for a visitor it has seen
before), gets a new id, and restores what was typed into it: without this check the same
report was filed twice.

A request is a repeat of an earlier one when a request of the same channel carries the
same fingerprint (below), was sent within WINDOW, and tells nothing that the earlier one
does not. A repeat is answered with the earlier reference and stored nowhere, so what it
carries must already be there:
- the fingerprint holds the service, the description (white space and Unicode composition
  normalised: a text pasted again, or re-wrapped, is the same text), the answers to the
  service's questions (without the page's language), the address or place (also without
  case) and the municipality it was routed to. A different answer is a new request;
- a point on the map must lie within RADIUS_M of the earlier's point. A request without a
  point repeats one with a point in the same municipality: the browser restores the typed
  text, the answers and the chosen municipality on Back, but not the point, which the map's
  script keeps in hidden fields (seen in Chromium);
- a request with photos is always new: the browser does not restore them either, so they
  were chosen again on purpose, and they may show what the earlier request lacks;
- the fingerprint also holds the contact details: name, e-mail and phone, normalised the way
  people write them again (case, spaces, dashes). Two citizens who write "Fest i parken"
  about the same park are two requests when their contact details differ, and the police see
  that two people complain.

The fingerprint is indexed with the time the request was sent, so the check reads an index
range of a row or two.

Anonymous requests (no name, e-mail or phone; most tips) have nothing that tells one
citizen from another. Merged by content alone, two neighbours who each write "Fest i parken"
about the same park would count as one complaint, and the second would be told the first's
reference as if it were theirs. So an anonymous repeat must also come from the same client
address (as the rate limits read it) as the earlier request: the view remembers a keyed
hash of address and reference in the cache for WINDOW, and never in the database, since a
stored link between an anonymous tip and where it came from would undo its anonymity. A
citizen whose address changes between the two (a phone moving from Wi-Fi to mobile data)
files twice, which is the safe way to be wrong.
"""

import json
import unicodedata
from datetime import timedelta

from django.utils.crypto import salted_hmac

from tryghed.servicedesk.duplicates import distance_m

# Going Back and sending again, or opening the form again and pasting the same text, happens
# within minutes of the first sending. Half an hour covers a slow citizen (a phone call in
# between, a photo to find) with room to spare, yet the same party in the same park still
# going on an hour later, reported again in the same words, is a new request, as it should
# be: it says that the nuisance goes on. It also bounds how long the cache holds the link
# between an anonymous request and a client address.
WINDOW = timedelta(minutes=30)
# A place marked again by hand lands a little elsewhere: at street zoom a few metres, at the
# zoom the map opens with (the whole district) one pixel is some 170 m. Only a request with
# the same text and the same contact details (or the same client address) is compared, so
# a wide margin costs nothing.
RADIUS_M = 200
# Candidates read per check: a citizen who sends the same thing more often than this within
# WINDOW is not held back by it.
LIMIT = 20

_LANGUAGE_KEY = "_language"  # notify.LANGUAGE_KEY: the page's language is not content


def _text(value):
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def _phone(value):
    return "".join(c for c in value or "" if c.isdigit() or c == "+")


def _answers(value):
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, list):
        return [_answers(v) for v in value]
    if isinstance(value, dict):
        return {k: _answers(v) for k, v in value.items() if k != _LANGUAGE_KEY}
    return value


def fingerprint(
    service,
    *,
    channel,
    description,
    details,
    place,
    municipality,
    reporter_name,
    reporter_email,
    reporter_phone,
):
    """What identifies a request's content and sender, as 64 hex characters.

    Keyed with the secret key: the contact details are in it, and a plain hash of a request's
    text with a guessed e-mail address could be checked by anyone holding a copy of the
    database."""
    parts = [
        1,  # the version of this recipe: change it when the parts change
        service.pk,
        channel,
        _text(description),
        _answers(details or {}),
        _text(place).casefold(),
        municipality.pk if municipality is not None else None,
        _text(reporter_name).casefold(),
        (reporter_email or "").strip().casefold(),
        _phone(reporter_phone),
    ]
    payload = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return salted_hmac("tryghed.servicedesk.resubmission", payload, algorithm="sha256").hexdigest()


def earlier(queryset, *, fingerprint, now, lat=None, lon=None, photos=0, same_sender=None):
    """The most recent request in `queryset` that the new request repeats, or None.

    `same_sender(candidate)` says whether an anonymous candidate came from the sender of the
    new request; a candidate with contact details matched them already (they are in the
    fingerprint)."""
    if photos:
        return None
    candidates = (
        queryset.filter(fingerprint=fingerprint, submitted_at__gte=now - WINDOW)
        .only("pk", "reference", "lat", "lon", "reporter_name", "reporter_email", "reporter_phone")
        .order_by("-submitted_at", "-pk")[:LIMIT]
    )
    for candidate in candidates:
        if lat is not None and (
            candidate.lat is None or distance_m(lat, lon, candidate.lat, candidate.lon) > RADIUS_M
        ):
            continue
        if candidate.is_anonymous and not (same_sender is not None and same_sender(candidate)):
            continue
        return candidate
    return None
