"""Intake writes its rows with plain INSERTs built from the models (tryghed.core.inserts): what
they store must be what the ORM stores for the same objects, column for column."""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Upper

from tryghed.core.inserts import Insert
from tryghed.guarantees import rules
from tryghed.guarantees.catalogue import load_guarantees
from tryghed.guarantees.models import Deadline
from tryghed.servicedesk import actions
from tryghed.servicedesk.models import Handling, Queue, Service, ServiceRequest

KOEGE = (55.4581, 12.1822)
MOMENT = datetime.datetime(2026, 11, 27, 9, 30, 15, 123456, tzinfo=datetime.UTC)


@pytest.fixture
def services(reference):
    from django.core.management import call_command

    call_command("load_services", verbosity=0)
    load_guarantees()
    rules.forget()
    yield
    rules.forget()


def stored(model, pk):
    """The row as the database holds it, by column name."""
    quote = connection.ops.quote_name
    table, key = quote(model._meta.db_table), quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE {key} = %s", [pk])
        row = cursor.fetchone()
        names = [column[0] for column in cursor.description]
    return dict(zip(names, row, strict=True))


def copy_of(obj, **changes):
    values = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    values.update(changes)
    return type(obj)(**values)


def assert_same_row(model, fast_pk, orm_pk, *, unique=()):
    fast, orm = stored(model, fast_pk), stored(model, orm_pk)
    ignored = {model._meta.pk.column, *unique}
    assert set(fast) == {f.column for f in model._meta.concrete_fields}
    assert {k: v for k, v in fast.items() if k not in ignored} == {
        k: v for k, v in orm.items() if k not in ignored
    }


def submit(code, **details):
    with mock.patch("django.utils.timezone.now", return_value=MOMENT):
        request, _token = actions.submit_request(
            Service.objects.get(code=code),
            description="Unge samles ved skolen – hver aften, også i weekenden",
            lat=KOEGE[0],
            lon=KOEGE[1],
            place="Torvet 1, 4600 Køge",
            details=details,
            reporter_name="Søren Ærø",
            reporter_email="soeren@example.dk",
            reporter_phone="+45 12 34 56 78",
            channel=ServiceRequest.Channel.OPEN311,
        )
    return request


def test_a_submitted_request_is_stored_as_the_orm_would_store_it(services):
    request = submit("tip-narkotika", **{"naer-skole": "ja", "tidspunkt": ["aften", "nat"]})
    twin = copy_of(request, id=None, reference="TIP-2026-TWIN", token_hash="0" * 64)
    with mock.patch("django.utils.timezone.now", return_value=MOMENT):
        twin.save(force_insert=True)
    assert_same_row(ServiceRequest, request.pk, twin.pk, unique={"reference", "token_hash"})
    assert stored(ServiceRequest, request.pk)["reference"] == request.reference
    fresh = ServiceRequest.objects.get(pk=request.pk)
    assert fresh.details == {"naer-skole": "ja", "tidspunkt": ["aften", "nat"]}
    assert fresh.submitted_at == MOMENT
    assert not request._state.adding


def test_handlings_and_deadlines_are_stored_as_bulk_create_stores_them(services):
    request = submit("tip-narkotika", **{"naer-skole": "ja"})
    handling = request.handlings.get()
    deadline = request.guarantee_deadlines.get()
    assert deadline.due_at > deadline.started_at == MOMENT

    other = submit("tip-andet")
    other.handlings.all().delete()
    handling_twin = copy_of(handling, id=None, request_id=other.pk)
    deadline_twin = copy_of(deadline, id=None, service_request_id=other.pk)
    with mock.patch("django.utils.timezone.now", return_value=MOMENT):
        Handling.objects.bulk_create([handling_twin])
        Deadline.objects.bulk_create([deadline_twin])
    assert_same_row(Handling, handling.pk, handling_twin.pk, unique={"request_id"})
    assert_same_row(Deadline, deadline.pk, deadline_twin.pk, unique={"service_request_id"})


def test_rows_without_a_key_get_the_key_the_database_gave_them(services):
    request, other = submit("tip-andet"), submit("tip-andet")
    queue = request.handlings.get().queue
    Handling.objects.filter(request__in=[request, other]).delete()
    rows = [Handling(request=request, queue=queue), Handling(request=other, queue=queue)]
    Insert(Handling).rows(rows)
    if connection.features.can_return_rows_from_bulk_insert:
        assert [h.pk for h in rows] == list(
            Handling.objects.filter(queue=queue, request__in=[request, other])
            .order_by("request_id")
            .values_list("pk", flat=True)
        )
    assert all(not h._state.adding for h in rows)


def test_a_value_the_database_computes_is_left_to_the_orm(services):
    request = submit("tip-andet")
    twin = copy_of(
        request, id=None, reference=None, token_hash="1" * 64, place=Upper(Value("torvet"))
    )
    Insert(ServiceRequest).rows([twin])
    assert ServiceRequest.objects.get(pk=twin.pk).place == "TORVET"


def test_an_unsaved_related_row_is_refused_as_bulk_create_refuses_it(services):
    request = submit("tip-andet")
    queue = request.handlings.get().queue
    with pytest.raises(ValueError, match="unsaved related object"):
        Insert(Handling).rows([Handling(request=ServiceRequest(), queue=queue)])
    assert Handling.objects.filter(queue=queue).count() == 1


def test_rows_prepared_before_their_key_is_known_are_written_with_the_key_filled_in(services):
    request = submit("tip-andet")
    police = request.handlings.get().queue
    municipality = Queue.objects.create(
        owner=Queue.Owner.MUNICIPALITY, municipality=police.municipality, name="Køge Kommune"
    )
    queues = [police, municipality]
    twin = copy_of(request, id=None, reference="", token_hash="2" * 64)
    with mock.patch("django.utils.timezone.now", return_value=MOMENT):
        twin_rows = Insert(ServiceRequest).prepare([twin])
    handling_rows = Insert(Handling).prepare([Handling(queue=queue) for queue in queues])
    number = request.pk + 1000
    twin_rows.fill("id", number)
    twin_rows.fill("reference", actions.reference(request.service, twin.submitted_at, number))
    twin_rows.write()
    handling_rows.fill("request", twin)
    handling_rows.write()

    assert twin.pk == number and not twin._state.adding
    assert stored(ServiceRequest, number)["reference"] == f"TIP-2026-{number:06d}"
    assert_same_row(ServiceRequest, number, request.pk, unique={"reference", "token_hash"})
    assert set(Handling.objects.filter(request=twin).values_list("queue", flat=True)) == {
        queue.pk for queue in queues
    }
    assert all(h.request_id == number for h in handling_rows.objs)


def test_one_key_cannot_be_filled_into_several_rows(services):
    request = submit("tip-andet")
    rows = Insert(ServiceRequest).prepare(
        [copy_of(request, id=None, token_hash=str(n) * 64) for n in (3, 4)]
    )
    with pytest.raises(ValueError, match="one row"):
        rows.fill("id", request.pk + 1)


def test_a_value_filled_in_reaches_rows_left_to_the_orm(services):
    request = submit("tip-andet")
    twin = copy_of(
        request, id=None, reference="", token_hash="5" * 64, place=Upper(Value("torvet"))
    )
    rows = Insert(ServiceRequest).prepare([twin])
    rows.fill("reference", "TIP-2026-FILLED")
    rows.write()
    stored_twin = ServiceRequest.objects.get(pk=twin.pk)
    assert (stored_twin.reference, stored_twin.place) == ("TIP-2026-FILLED", "TORVET")
