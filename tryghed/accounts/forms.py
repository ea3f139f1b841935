from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

from tryghed.servicedesk.ratelimit import client_ip, hit, parse_rates, retry_after


class Throttled:
    """A login form refused without a password check while the client's address or the
    account named has had too many failed attempts (TRYGHED_LOGIN_RATE each), so that a
    password cannot be guessed by trying thousands. `wait`: the seconds left, once refused."""

    wait = 0

    def clean(self):
        rates = parse_rates(settings.TRYGHED_LOGIN_RATE)
        username = (self.data.get("username") or "").strip().casefold()
        counts = [("login-address", client_ip(self.request)), ("login-account", username)]
        self.wait = max(retry_after(scope, who, rates) for scope, who in counts)
        if self.wait:
            minutes = max(1, -(-self.wait // 60))
            raise ValidationError(
                ngettext(
                    "Too many failed attempts to log in. Try again in %(minutes)d minute.",
                    "Too many failed attempts to log in. Try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
                code="throttled",
            )
        try:
            return super().clean()
        except ValidationError:
            for scope, who in counts:
                hit(scope, who, rates)
            raise


class LoginForm(Throttled, AuthenticationForm):
    pass


class AdminLoginForm(Throttled, AdminAuthenticationForm):
    pass
