from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import admin as auth_admin

from tryghed.accounts.forms import AdminLoginForm
from tryghed.accounts.models import RoleAssignment, User
from tryghed.audit import log
from tryghed.audit.admin import AuditedAdmin, AuditedInlinesAdmin
from tryghed.audit.models import AuditEntry


def _hide_password(before, after):
    """The log says that a password was set or changed, never its hash."""
    old, new = before.get("password"), after.get("password")
    before = {k: v for k, v in before.items() if k != "password"}
    after = {k: v for k, v in after.items() if k != "password"}
    if old != new:
        if old:
            before["password"] = "(hidden)"
        after["password"] = "(changed)" if old else "(set)"
    return before, after


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = ["role", "district", "municipality", "council", "valid_until"]
    autocomplete_fields = ["municipality", "council"]


@admin.register(User)
class UserAdmin(AuditedInlinesAdmin, auth_admin.UserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_superuser"]

    # AuditedAdmin's own entries would carry the password hash; these three methods record
    # the same entries with the hash hidden, and skip AuditedAdmin's versions.
    def save_related(self, request, form, formsets, change):
        super(AuditedAdmin, self).save_related(request, form, formsets, change)
        obj, before, change = request._audit_pending
        before, after = _hide_password(before, log.snapshot(obj))
        log.record(
            obj,
            by=request.user,
            action=AuditEntry.Action.UPDATE if change else AuditEntry.Action.CREATE,
            before=before,
            after=after,
            message="admin",
        )

    def delete_model(self, request, obj):
        # The roles go with the user; each one is logged under its district, whose
        # secretariat reads that log.
        for role in obj.roles.all():
            log.record(
                role,
                by=request.user,
                action=AuditEntry.Action.DELETE,
                before=log.snapshot(role),
                message="admin",
            )
        before, _after = _hide_password(log.snapshot(obj), {})
        log.record(
            obj, by=request.user, action=AuditEntry.Action.DELETE, before=before, message="admin"
        )
        super(AuditedAdmin, self).delete_model(request, obj)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            _log_password_changed(self.get_object(request, unquote(id)), by=request.user)
        return response


def _log_password_changed(user, *, by):
    log.record(
        user,
        by=by,
        action=AuditEntry.Action.UPDATE,
        before={"password": "(hidden)"},
        after={"password": "(changed)"},
        message="admin",
    )


def _logged_password_change(view):
    """The admin site's form for one's own password, logged as `user_change_password` logs
    another's."""

    def password_change(request, extra_context=None):
        response = view(request, extra_context)
        if request.method == "POST" and response.status_code == 302:
            _log_password_changed(request.user, by=request.user)
        return response

    return password_change


admin.site.password_change = _logged_password_change(admin.site.password_change)
# The admin's own login is limited like the site's.
admin.site.login_form = AdminLoginForm
