"""API keys in the back office: the district secretariat lists, creates and deactivates the
keys of Open311 client applications. Everyone else gets 404, as for a page that is not there."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tryghed.open311 import keys
from tryghed.servicedesk.models import ApiClient


class ClientForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name of the client application"),
        max_length=ApiClient._meta.get_field("name").max_length,
        help_text=gettext_lazy("For example the app or the system that will use the key."),
    )


def _require_manager(request):
    if not keys.may_manage(request.user):
        raise Http404


@never_cache
def client_list(request):
    _require_manager(request)
    form = ClientForm(request.POST or None)
    created = new_key = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created, new_key = keys.create_client(form.cleaned_data["name"], by=request.user)
            except keys.ApiKeyError as exc:
                form.add_error("name", str(exc))
        if form.errors:
            status = 400
        else:
            form = ClientForm()
    clients = ApiClient.objects.select_related("created_by")
    return render(
        request,
        "open311/api_keys.html",
        {"form": form, "clients": clients, "created": created, "new_key": new_key},
        status=status,
    )


@require_POST
def deactivate(request, pk):
    _require_manager(request)
    client = get_object_or_404(ApiClient, pk=pk)
    if client.active:
        keys.deactivate_client(client, by=request.user)
        messages.success(
            request, _("The key of “%(name)s” no longer works.") % {"name": client.name}
        )
    return redirect("staff:api_keys:list")
