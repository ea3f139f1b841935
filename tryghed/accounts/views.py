from django.shortcuts import render

from tryghed.accounts.scope import scope_of
from tryghed.organisation.models import Council
from tryghed.plans.models import CooperationPlan


def home(request):
    """The staff start page: the user's roles, plans and councils."""
    scope = scope_of(request.user)
    return render(
        request,
        "accounts/home.html",
        {
            "roles": request.user.roles.active().select_related(
                "district", "municipality", "council"
            ),
            "plans": CooperationPlan.objects.visible_to(request.user).select_related("district"),
            "councils": Council.objects.visible_to(request.user).select_related(
                "district", "municipality"
            ),
            "is_secretariat": scope.is_secretariat(),
        },
    )
