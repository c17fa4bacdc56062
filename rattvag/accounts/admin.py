"""Administration of organisations, users and API tokens. Client data is deliberately not here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ApiToken, Municipality, Partner, Role, Unit, User
from .provisioning import ROLES_NEEDING_UNITS
from .tokens import api_token_revoke


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    ordering = ["code"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "municipality"]
    list_filter = ["municipality"]
    search_fields = ["code", "name"]
    list_select_related = ["municipality"]
    ordering = ["code"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    ordering = ["code"]


def _check_role_fits(form: forms.ModelForm) -> None:
    """The same rules as provisioning: partner officers belong to a partner, unit staff to units."""
    data = form.cleaned_data
    role, partner, units = data.get("role"), data.get("partner"), data.get("units")
    if role == Role.PARTNER_OFFICER:
        if not partner:
            form.add_error("partner", _("A partner officer needs a partner organisation."))
        if units:
            form.add_error("units", _("A partner officer works for a partner organisation, not for units."))
    elif partner:
        form.add_error("partner", _("Only a partner officer belongs to a partner organisation."))
    elif role in ROLES_NEEDING_UNITS and not units:
        form.add_error("units", _("This role needs at least one unit."))


class UserAddForm(AdminUserCreationForm):
    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        _check_role_fits(self)
        return cleaned


class UserEditForm(UserChangeForm):
    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        _check_role_fits(self)
        return cleaned


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserAddForm
    list_display = ["username", "first_name", "last_name", "role", "partner", "is_active", "is_demo"]
    list_filter = ["role", "is_active", "is_demo", "units", "partner"]
    list_select_related = ["partner"]
    filter_horizontal = ["units", "groups", "user_permissions"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Work"), {"fields": ("role", "units", "partner", "is_demo")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        (_("Work"), {"fields": ("first_name", "last_name", "email", "role", "units", "partner", "is_demo")}),
    )
    readonly_fields = ["last_login", "date_joined"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with `manage.py issue_api_token`; here they are only seen and revoked."""

    list_display = ["user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["user__username", "prefix"]
    ordering = ["-created_at"]
    fields = ["user", "prefix", "digest", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "prefix", "digest", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Revoke instead: the row shows who had a token and when it was last used.
        return False

    @admin.action(description=_("Revoke selected tokens"))
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset.select_related("user").filter(revoked_at__isnull=True):
            api_token_revoke(token=token, actor=request.user)  # type: ignore[arg-type]
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count) % {"count": count},
            messages.SUCCESS,
        )
