"""The error pages as Django serves them with DEBUG off (as the test client runs): in the site's
layout and the user's language, saying what happened and where to go; a 404 that is the same for
"missing" and "not yours"; and the back office's way to the service desk."""

import re

import pytest
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client, RequestFactory
from django.urls import include, path, reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.defaults import server_error

from tests.conftest import PASSWORD
from tryghed.audit import log
from tryghed.audit.models import AuditEntry
from tryghed.organisation.models import Organisation

pytestmark = pytest.mark.django_db


@login_not_required
def forbidden(request):
    raise PermissionDenied("secret reason")


@login_not_required
def suspicious(request):
    raise SuspiciousOperation("secret reason")


@login_not_required
def broken(request):
    raise RuntimeError("secret reason")


# The site's own URLs plus views that fail on purpose, for @pytest.mark.urls below.
urlpatterns = [
    path("test-errors/403/", forbidden),
    path("test-errors/400/", suspicious),
    path("test-errors/500/", broken),
    path("", include("tryghed.urls")),
]
with_failing_views = pytest.mark.urls(__name__)


def da(text):
    with translation.override("da"):
        return gettext(text)


def main_of(response):
    """The page's main content: what differs only in the layout's tokens and links is left out."""
    return re.search(r'<main id="main-content".*?</main>', response.content.decode(), re.S)[0]


def assert_in_layout(content):
    # The site's header and footer, not Django's bare page.
    assert "vendor/dkfds/css/dkfds.min.css" in content
    assert 'class="solution-heading"' in content
    assert reverse("portal:accessibility") in content
    assert "<h1>Not Found</h1>" not in content and "Server Error (500)" not in content
    assert "secret reason" not in content


def front_page_link(content):
    return f'href="{reverse("portal:home")}"' in content


def back_office_link(content):
    return f'<a class="function-link" href="{reverse("staff:home")}">' in content


# 404


def test_a_missing_page_is_danish_by_default_in_the_sites_layout(reference):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    content = response.content.decode()
    assert '<html lang="da">' in content
    assert_in_layout(content)
    assert "Gå til indhold" in content  # the layout's own Danish
    assert f"<h1>{da('Page not found')}</h1>" in content
    assert da("Go to the front page") in content and front_page_link(main_of(response))
    # An anonymous visitor has no back office to go to.
    assert not back_office_link(content)


def test_a_missing_page_is_english_for_an_english_reader(reference):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/no-such-page/")
    assert response.status_code == 404
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert_in_layout(content)
    assert "<h1>Page not found</h1>" in content
    assert "Go to the front page" in content


def test_staff_are_pointed_to_the_back_office(koege_officer, client_for):
    response = client_for(koege_officer).get("/medarbejder/no-such-page/")
    assert response.status_code == 404
    assert back_office_link(main_of(response))
    assert da("Go to the back office") in main_of(response)


def test_not_yours_looks_exactly_like_missing(secretariat, other_district, client_for):
    north = Organisation.objects.create(
        kind=Organisation.Kind.POLICE, name="Nordjyllands Politi", district=other_district
    )
    theirs = log.record(north, by=None, action=AuditEntry.Action.CREATE)
    client = client_for(secretariat)
    not_yours = client.get(reverse("staff:audit:entry", args=[theirs.pk]))
    missing = client.get(reverse("staff:audit:entry", args=[theirs.pk + 1000]))
    assert not_yours.status_code == missing.status_code == 404
    assert main_of(not_yours) == main_of(missing)
    assert "Nordjyllands" not in not_yours.content.decode()


# 403, 400 and 500 from views that fail on purpose


@with_failing_views
@pytest.mark.parametrize(
    ("language", "heading"),
    [("da", lambda: da("Access denied")), ("en", lambda: "Access denied")],
)
def test_forbidden_in_the_users_language(reference, language, heading):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/test-errors/403/")
    assert response.status_code == 403
    content = response.content.decode()
    assert f'<html lang="{language}">' in content
    assert_in_layout(content)
    assert f"<h1>{heading()}</h1>" in content
    assert front_page_link(main_of(response))


@with_failing_views
def test_forbidden_tells_staff_whom_to_ask_and_where_to_go(koege_officer, client_for):
    response = client_for(koege_officer).get("/test-errors/403/")
    assert response.status_code == 403
    assert da("If your work needs it, ask the secretariat of your police district for access.") in (
        main_of(response)
    )
    assert back_office_link(main_of(response))


@with_failing_views
def test_a_bad_request_in_the_sites_layout(reference):
    response = Client().get("/test-errors/400/")
    assert response.status_code == 400
    content = response.content.decode()
    assert '<html lang="da">' in content
    assert_in_layout(content)
    assert f"<h1>{da('Bad request')}</h1>" in content
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/test-errors/400/").content.decode()
    assert "<h1>Bad request</h1>" in english


def test_an_unknown_host_gets_the_bad_request_page(reference):
    response = Client(HTTP_HOST="evil.example").get("/")
    assert response.status_code == 400
    assert f"<h1>{da('Bad request')}</h1>" in response.content.decode()


@with_failing_views
@pytest.mark.parametrize("language", ["da", "en"])
def test_a_server_error_is_danish_with_an_english_line(reference, language):
    response = Client(HTTP_ACCEPT_LANGUAGE=language, raise_request_exception=False).get(
        "/test-errors/500/"
    )
    assert response.status_code == 500
    content = response.content.decode()
    assert '<html lang="da">' in content
    assert_in_layout(content)
    assert "<h1>Der skete en fejl hos os</h1>" in content
    assert '<p lang="en">Something went wrong on our side' in content
    assert front_page_link(main_of(response))


def test_the_server_error_page_needs_no_database_user_or_language(django_assert_num_queries):
    # As Django calls it: no context processors, so no user; and here no query either, since
    # the error may be the database.
    request = RequestFactory().get("/")
    with translation.override("en"), django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    content = response.content.decode()
    assert '<html lang="da">' in content and "Der skete en fejl hos os" in content
    assert f'href="{reverse("staff:home")}"' in content  # staff are told of the back office


def test_a_stale_form_gets_a_friendly_csrf_page(secretariat):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("accounts:login"), {"username": "secretariat", "password": PASSWORD}
    )
    assert response.status_code == 403
    content = response.content.decode()
    assert '<html lang="da">' in content
    assert_in_layout(content)
    assert f"<h1>{da('The form could not be sent')}</h1>" in content
    assert "CSRF verification failed" not in content
    assert front_page_link(main_of(response))
    english = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en").post(
        reverse("accounts:login"), {"username": "secretariat", "password": PASSWORD}
    )
    assert "<h1>The form could not be sent</h1>" in english.content.decode()


# The back office's way to the service desk.

DESK_USERS = {"secretariat", "district_staff", "koege_officer", "greve_staff"}


def desk_in_menu(content):
    return f'<a class="nav-link" href="{reverse("staff:servicedesk_staff:queues")}"' in content


def desk_on_home(content):
    return f'<a class="function-link" href="{reverse("staff:servicedesk_staff:queues")}"' in content


@pytest.mark.parametrize(
    "who", ["secretariat", "district_staff", "koege_officer", "greve_staff", "council_member"]
)
def test_the_service_desk_is_offered_to_those_who_can_use_it(who, personas, client_for):
    client = client_for(personas[who])
    home = client.get(reverse("staff:home")).content.decode()
    offered = who in DESK_USERS
    assert desk_in_menu(home) is offered
    assert desk_on_home(home) is offered
    if offered:
        assert da("Service desk") in home
    # The link leads where the user may go: a council member has no desk.
    desk = client.get(reverse("staff:servicedesk_staff:queues"))
    assert desk.status_code == (200 if offered else 404)
    assert desk_in_menu(desk.content.decode()) is offered


def test_the_outsider_is_offered_no_service_desk(outsider, client_for):
    home = client_for(outsider).get(reverse("staff:home")).content.decode()
    assert not desk_in_menu(home) and not desk_on_home(home)


def test_the_menu_marks_the_service_desk_as_the_current_section(koege_officer, client_for):
    content = (
        client_for(koege_officer).get(reverse("staff:servicedesk_staff:queues")).content.decode()
    )
    url = reverse("staff:servicedesk_staff:queues")
    assert f'<li class="active"><a class="nav-link" href="{url}" aria-current="page">' in content
