"""The baseline that bench/intake.py measures submissions against: a minimal view on the same
server and database that does nothing but one INSERT of a comparable row.

Mounted only when TRYGHED_BENCH=1 (see urls.py).
"""

import secrets
from functools import cache

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseNotAllowed, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from tryghed.organisation.models import Municipality
from tryghed.servicedesk.models import Service, ServiceRequest


@cache
def _targets():
    # Looked up once per process, so that a request costs the one INSERT only.
    service = Service.objects.order_by("pk").values_list("pk", flat=True).first()
    municipality = Municipality.objects.filter(code="0265").values("pk", "district").get()
    return service, municipality["pk"], municipality["district"]


@csrf_exempt
@login_not_required
def insert(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    service, municipality, district = _targets()
    row = ServiceRequest.objects.create(
        token_hash=secrets.token_hex(32),
        service_id=service,
        description=request.POST.get("description", ""),
        lat=55.6425,
        lon=12.0803,
        municipality_id=municipality,
        district_id=district,
    )
    return JsonResponse([{"service_request_id": row.pk}], safe=False, status=201)
