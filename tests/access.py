"""The shared access check for staff views.

A test class lists its views with `StaffView(...)` entries and says which personas may use
each one; the mixin then walks every view for every persona (see `pytest_generate_tests` in
conftest.py):

- anonymous visitors are sent to the login page;
- a persona that may use the view gets `ok_status`;
- every other persona gets 404, exactly as for a record that does not exist, and a write
  leaves no trace (no audit entry, nothing changed).

The class provides a fixture `ctx` returning a dict of the objects its URLs need.
"""

from dataclasses import dataclass, field

from tryghed.audit.models import AuditEntry

PERSONAS = [
    "secretariat",
    "district_staff",
    "koege_officer",
    "greve_staff",
    "council_member",
    "foreign_secretariat",
    "outsider",
]


@dataclass
class StaffView:
    name: str
    url: object  # callable(ctx) -> str
    allowed: set
    method: str = "get"
    data: object = None  # dict, or callable(ctx) -> dict, for POST
    ok_status: int = 200
    extra: dict = field(default_factory=dict)

    def __str__(self):
        return self.name


class StaffViewAccess:
    views: list = []

    def _request(self, client, view, ctx):
        url = view.url(ctx)
        if view.method == "get":
            return client.get(url)
        data = view.data(ctx) if callable(view.data) else (view.data or {})
        return client.post(url, data)

    def test_anonymous_is_sent_to_login(self, view, ctx, client):
        response = self._request(client, view, ctx)
        assert response.status_code == 302, view
        assert "/konto/login/" in response["Location"], view

    def test_persona_access(self, view, persona, personas, ctx, client_for):
        client = client_for(personas[persona])
        entries = AuditEntry.objects.count()
        response = self._request(client, view, ctx)
        if persona in view.allowed:
            assert response.status_code == view.ok_status, (view, persona)
        else:
            assert response.status_code == 404, (view, persona, response.status_code)
            assert AuditEntry.objects.count() == entries, (view, persona)
