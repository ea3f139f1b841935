"""The public site: the district's front page, its published plans and the accessibility
statement. Everything here is open to anonymous visitors."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render

from tryghed.organisation.models import Municipality, PoliceDistrict
from tryghed.plans.models import CooperationPlan
from tryghed.portal.maps import district_map
from tryghed.portal.outline import plan_outline, published_plan
from tryghed.portal.pdf import plan_pdf as render_plan_pdf


@login_not_required
def home(request):
    district = PoliceDistrict.objects.filter(number=settings.TRYGHED_DISTRICT).first()
    if district is None:
        # Before `make setup` has loaded the reference data: say so instead of failing.
        return render(request, "portal/home.html", {"district": None})
    plans = list(CooperationPlan.objects.published().filter(district=district).order_by("-year"))
    newest = plans[0] if plans else None
    municipalities = Municipality.objects.filter(district=district).order_by("name")
    if newest:
        municipalities = municipalities.annotate(
            initiative_count=Count("initiatives", filter=Q(initiatives__plan=newest), distinct=True)
        )
    municipalities = list(municipalities)
    return render(
        request,
        "portal/home.html",
        {
            "district": district,
            "municipalities": municipalities,
            "district_map": district_map(municipalities),
            "newest_plan": newest,
            "earlier_plans": plans[1:],
        },
    )


@login_not_required
def plan(request, year):
    outline = plan_outline(published_plan(year))
    return render(request, "portal/plan.html", {"outline": outline, "plan": outline.plan})


@login_not_required
def plan_pdf(request, year):
    pdf = render_plan_pdf(published_plan(year))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="samarbejdsplan-{year}.pdf"'
    return response


@login_not_required
def accessibility(request):
    return render(request, "portal/accessibility.html")
