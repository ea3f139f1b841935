"""E-mails to citizens who gave an address: the receipt with the status link, and a note
when staff reply. Each goes out in the language the citizen used on the form.

Sending happens in the web request, not through the task queue: the receipt holds the
status link, whose secret is kept nowhere else, and a queued task would store it in the
database. A mail server that fails is logged and does not undo the request.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from tryghed.servicedesk.models import Kind

logger = logging.getLogger(__name__)

# The form's language is kept with the answers until ServiceRequest has a field for it.
LANGUAGE_KEY = "_language"


def language_of(request):
    language = (request.details or {}).get(LANGUAGE_KEY) or settings.LANGUAGE_CODE
    available = {code for code, _name in settings.LANGUAGES}
    return language if language in available else settings.LANGUAGE_CODE


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def _send(request, subject, template, context):
    if not request.reporter_email:
        return False
    with translation.override(language_of(request)):
        context = {
            "reference": request.reference,
            "service_name": request.service.tr("name"),
            "kind": request.service.kind,
            "Kind": Kind,
            **context,
        }
        subject = subject(context)
        body = render_to_string(template, context)
    try:
        send_mail(subject, body, None, [request.reporter_email])
    except Exception:
        # The request is stored and the receipt page shows the link; a lost e-mail must
        # not turn that into an error page.
        logger.exception("Could not e-mail the citizen about %s", request.reference)
        return False
    return True


def send_receipt(request, token):
    """The receipt with the secret status link; only when the citizen gave an address."""
    return _send(
        request,
        lambda c: _("We have received your request %(reference)s") % c,
        "servicedesk/public/email/receipt.txt",
        {"status_link": absolute(request.status_url(token))},
    )


def notify_public_reply(request, message):
    """Tell the citizen that staff replied (message is the public reply); False when there
    is no address or the mail could not be sent.

    The status link cannot be repeated (only its hash is kept), so the mail quotes the
    reply and points to the link the citizen received.
    """
    return _send(
        request,
        lambda c: _("New answer to your request %(reference)s") % c,
        "servicedesk/public/email/reply.txt",
        {"message": message, "sender": message.queue.name if message.queue else ""},
    )
