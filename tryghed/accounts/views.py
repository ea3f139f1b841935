from urllib.parse import urlsplit

from django.contrib.auth import views as auth_views
from django.db.models import Prefetch
from django.shortcuts import render

from tryghed.accounts.forms import LoginForm
from tryghed.accounts.scope import scope_of
from tryghed.organisation.models import Council
from tryghed.plans.models import CooperationPlan, Initiative, weighted_progress

# Boundaries are megabytes of GeoJSON that no page here shows.
NO_BOUNDARIES = ("district__boundary", "municipality__boundary")
KINDS = list(Council.Kind.values)


def home(request):
    """The staff start page: the user's roles, plans and councils."""
    scope = scope_of(request.user)
    plans = list(
        CooperationPlan.objects.visible_to(request.user)
        .select_related("district")
        .defer("district__boundary")
        .prefetch_related(
            Prefetch(
                "initiatives",
                queryset=Initiative.objects.roots().only("plan_id", "weight", "progress"),
                to_attr="root_initiatives",
            )
        )
    )
    for plan in plans:
        # The same figure as plan.progress(), from the prefetched rows instead of one
        # query per plan.
        plan.progress_now = weighted_progress(plan.root_initiatives)
    return render(
        request,
        "accounts/home.html",
        {
            "roles": request.user.roles.active()
            .select_related("district", "municipality", "council")
            .defer("district__boundary", "municipality__boundary")
            .order_by("role", "pk"),
            "plans": plans,
            "councils": sorted(
                Council.objects.visible_to(request.user)
                .select_related("district", "municipality")
                .defer(*NO_BOUNDARIES),
                # As on the council list: by district, statutory councils first.
                key=lambda c: (
                    c.district.number,
                    KINDS.index(c.kind),
                    c.municipality.name if c.municipality_id else "",
                    c.name,
                ),
            ),
            "scope": scope,
            "is_secretariat": scope.is_secretariat(),
        },
    )


class LoginView(auth_views.LoginView):
    """Django's login, refused for a while after too many failed attempts (`LoginForm`)."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def get_redirect_url(self):
        url = super().get_redirect_url()
        # A signed-in user sent on to this very page would be sent back here for ever.
        return "" if url and urlsplit(url).path == self.request.path else url

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.wait:
            response.status_code = 429
            response["Retry-After"] = str(form.wait)
        return response
