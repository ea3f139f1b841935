from django.contrib import messages
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tryghed.organisation import actions
from tryghed.organisation.forms import AddMemberForm, EndMembershipForm
from tryghed.organisation.models import Council, CouncilMembership

# Kinds in the order they are declared: the statutory councils first, then the local ones,
# then the working groups.
KIND_ORDER = Case(
    *(When(kind=kind, then=Value(i)) for i, kind in enumerate(Council.Kind.values)),
    default=Value(len(Council.Kind.values)),
    output_field=IntegerField(),
)
POSITION_ORDER = Case(
    When(position=CouncilMembership.Position.CHAIR, then=Value(0)),
    When(position=CouncilMembership.Position.SECRETARY, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)

# Boundaries are megabytes of GeoJSON that no page here shows.
NO_BOUNDARIES = ("district__boundary", "municipality__boundary")


def council_list(request):
    today = timezone.localdate()
    current = (Q(memberships__start_date__isnull=True) | Q(memberships__start_date__lte=today)) & (
        Q(memberships__end_date__isnull=True) | Q(memberships__end_date__gte=today)
    )
    councils = (
        Council.objects.visible_to(request.user)
        .select_related("district", "municipality")
        .defer(*NO_BOUNDARIES)
        .annotate(
            kind_order=KIND_ORDER,
            member_count=Count("memberships", filter=current, distinct=True),
        )
        .order_by("district__number", "kind_order", "municipality__name", "name")
    )
    return render(request, "organisation/council_list.html", {"councils": councils})


def council_detail(request, pk):
    council = get_object_or_404(
        Council.objects.visible_to(request.user)
        .select_related("district", "municipality")
        .defer(*NO_BOUNDARIES),
        pk=pk,
    )
    today = timezone.localdate()
    current, upcoming, former = [], [], []
    for membership in council.memberships.select_related("person", "organisation").order_by(
        POSITION_ORDER, "person__name", "start_date"
    ):
        if membership.end_date is not None and membership.end_date < today:
            former.append(membership)
        elif membership.start_date is not None and membership.start_date > today:
            upcoming.append(membership)
        else:
            current.append(membership)
    former.sort(key=lambda m: m.end_date, reverse=True)
    return render(
        request,
        "organisation/council_detail.html",
        {
            "council": council,
            "current": current,
            "upcoming": upcoming,
            "former": former,
            "can_edit": Council.objects.editable_by(request.user).filter(pk=council.pk).exists(),
        },
    )


def add_member(request, pk):
    council = get_object_or_404(
        Council.objects.visible_to(request.user)
        .editable_by(request.user)
        .select_related("district", "municipality")
        .defer(*NO_BOUNDARIES),
        pk=pk,
    )
    form = AddMemberForm(request.POST or None, council=council)
    if request.method == "POST" and form.is_valid():
        try:
            membership = actions.add_member(council, by=request.user, **form.action_kwargs())
        except actions.MembershipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(person)s was added to %(council)s.")
                % {"person": membership.person, "council": council},
            )
            return redirect("staff:organisation:council", council.pk)
    return render(request, "organisation/add_member.html", {"council": council, "form": form})


def end_membership(request, pk):
    membership = get_object_or_404(
        CouncilMembership.objects.visible_to(request.user)
        .filter(council__in=Council.objects.editable_by(request.user))
        .select_related("council__district", "council__municipality", "person", "organisation")
        .defer("council__district__boundary", "council__municipality__boundary"),
        pk=pk,
    )
    form = EndMembershipForm(
        request.POST or None,
        membership=membership,
        initial={"end_date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.end_membership(
                membership, by=request.user, end_date=form.cleaned_data["end_date"]
            )
        except actions.MembershipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("The membership of %(person)s ends on %(date)s.")
                % {
                    "person": membership.person,
                    "date": formats.date_format(form.cleaned_data["end_date"]),
                },
            )
            return redirect("staff:organisation:council", membership.council_id)
    return render(
        request,
        "organisation/end_membership.html",
        {"membership": membership, "council": membership.council, "form": form},
    )
