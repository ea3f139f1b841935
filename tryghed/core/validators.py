from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# A number to ring, written as people write it: "+", "()" or "-" alone is none.
validate_phone = RegexValidator(
    r"^\+?[0-9][0-9 ()-]{5,28}$",
    _("Enter a phone number using digits, e.g. 12 34 56 78."),
)


def validate_mailbox(value):
    """Beside Django's e-mail check, which takes a domain of letters like ø label by label:
    a label too long once written for DNS ("xn--…", at most 63 characters) cannot be sent
    to, and the citizen's receipt would be lost."""
    domain = value.rpartition("@")[2]
    try:
        domain.encode("idna")
    except UnicodeError:
        raise ValidationError(
            _("Enter an e-mail address that can receive mail."), code="invalid"
        ) from None
