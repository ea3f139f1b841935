"""Staff pages to add, edit and delete a plan's indicators (for those who edit the plan).

The pages hang under the plan's addresses (see tryghed/plans/urls.py). An indicator of a plan
the user may not edit answers 404, as a missing one does.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tryghed.indicators import actions
from tryghed.indicators.forms import IndicatorForm
from tryghed.indicators.models import Indicator
from tryghed.plans.models import CooperationPlan
from tryghed.plans.views import form_page


def _editable_indicator(request, pk):
    indicators = Indicator.objects.editable_by(request.user).select_related(
        "focus_area__plan__district", "initiative__plan__district"
    )
    return get_object_or_404(indicators, pk=pk)


def _back(indicator):
    """The page the indicator is shown on: its initiative's, or else its plan's."""
    if indicator.initiative_id:
        return indicator.initiative.get_absolute_url()
    return indicator.plan.get_absolute_url()


def indicator_add(request, pk):
    plans = CooperationPlan.objects.editable_by(request.user).select_related("district")
    plan = get_object_or_404(plans, pk=pk)
    initial = {}
    for name, related in (("focus_area", plan.focus_areas), ("initiative", plan.initiatives)):
        value = request.GET.get(name, "")
        if value.isascii() and value.isdigit() and related.filter(pk=value).exists():
            initial[name] = int(value)
    form = IndicatorForm(request.POST or None, instance=Indicator(), plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        indicator = actions.save_indicator(form.instance, by=request.user)
        messages.success(request, _("The indicator was added."))
        return redirect(_back(indicator))
    cancel = plan.get_absolute_url()
    if "initiative" in initial:
        cancel = plan.initiatives.get(pk=initial["initiative"]).get_absolute_url()
    return form_page(request, form, title=_("Add an indicator"), plan=plan, cancel_url=cancel)


def indicator_edit(request, pk):
    indicator = _editable_indicator(request, pk)
    plan = indicator.plan
    cancel = _back(indicator)
    form = IndicatorForm(request.POST or None, instance=indicator, plan=plan)
    if request.method == "POST" and form.is_valid():
        actions.save_indicator(form.instance, by=request.user)
        messages.success(request, _("The indicator was saved."))
        return redirect(_back(indicator))
    return form_page(
        request,
        form,
        title=_("Edit indicator"),
        plan=plan,
        cancel_url=cancel,
        delete_url=reverse("staff:plans:indicator_delete", args=[indicator.pk]),
    )


@require_POST
def indicator_delete(request, pk):
    indicator = _editable_indicator(request, pk)
    back = _back(indicator)
    actions.delete_indicator(indicator, by=request.user)
    messages.success(request, _("The indicator “%(title)s” was deleted.") % {"title": indicator})
    return redirect(back)
