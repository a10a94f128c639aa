import re

from django import forms
from django.apps import apps as django_apps
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc

from apps.core.masking import can_see_personal, mask_phone
from apps.core.scoping import Grade, ScopeKind
from apps.registry.models import Chamber, Street

from .models import Department, Role, User, UserKind


def role_permission_apps() -> list[str]:
    """Permissions an administrator can put into a role: those of our own modules (every
    app under apps/), so a new module's permissions appear without touching this form."""
    return [
        config.label for config in django_apps.get_app_configs() if config.name.startswith("apps.")
    ]


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Wrong username or password. Note that both are case-sensitive."),
        "inactive": _("This account is disabled."),
    }


class OTPTokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Verification code"),
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"invalid": _("Enter the 6-digit code from your authenticator app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class UserForm(forms.ModelForm):
    # Longer than the column: spaces, dashes and +86 are typed and removed in clean_mobile.
    mobile = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Roles"),
        queryset=Group.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    scope_streets = forms.ModelMultipleChoiceField(
        label=_("Streets in scope"),
        queryset=Street.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    scope_chambers = forms.ModelMultipleChoiceField(
        label=_("Chambers in scope"),
        queryset=Chamber.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = User
        fields = [
            "username",
            "full_name",
            "email",
            "mobile",
            "kind",
            "department",
            "scope_kind",
            "scope_streets",
            "scope_chambers",
            "scope_uscc",
            "groups",
            "is_active",
            "password_rotation",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # ModelForm copies cleaned values onto the instance while validating.
        self.stored_mobile = self.instance.mobile
        if not self.instance.pk:
            # services.user_create always makes an active account; a checkbox
            # here would be silently ignored.
            del self.fields["is_active"]
        elif self.stored_mobile and not can_see_personal(user):
            # The administrator never receives the number unmasked; leaving the
            # masked value untouched keeps it (see clean_mobile).
            self.initial["mobile"] = mask_phone(self.stored_mobile)
            self.fields["mobile"].help_text = _(
                "Shown masked. Leave it as it is to keep the number, or type a new one."
            )

    def clean_mobile(self):
        value = self.cleaned_data.get("mobile", "").strip()
        stored = self.stored_mobile if self.instance.pk else ""
        if stored and value == mask_phone(stored) and not can_see_personal(self.user):
            return stored
        if "*" in value:
            raise forms.ValidationError(
                _("Type the whole phone number, or leave the masked number unchanged."),
                code="masked",
            )
        value = re.sub(r"[\s-]", "", value)
        return value[3:] if value.startswith("+86") else value

    def clean_scope_uscc(self):
        value = self.cleaned_data.get("scope_uscc", "").strip().upper()
        if value and not uscc.is_valid(value):
            raise forms.ValidationError(_("This is not a valid unified social credit code."))
        return value

    def clean(self):
        data = super().clean()
        kind, scope = data.get("kind"), data.get("scope_kind")
        if scope == ScopeKind.STREETS and not data.get("scope_streets"):
            self.add_error("scope_streets", _("Choose at least one street for this scope."))
        if scope == ScopeKind.CHAMBERS and not data.get("scope_chambers"):
            self.add_error("scope_chambers", _("Choose at least one chamber for this scope."))
        if scope == ScopeKind.ENTERPRISE and not data.get("scope_uscc"):
            self.add_error(
                "scope_uscc", _("An enterprise scope needs the enterprise's credit code.")
            )
        if kind == UserKind.ENTERPRISE and scope != ScopeKind.ENTERPRISE:
            self.add_error("scope_kind", _("An enterprise user can only see their own enterprise."))
        if kind == UserKind.STREET_OFFICER and scope == ScopeKind.DISTRICT:
            self.add_error("scope_kind", _("A street officer cannot have a district-wide scope."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in (
                "username",
                "full_name",
                "email",
                "mobile",
                "kind",
                "department",
                "scope_kind",
                "scope_uscc",
                "password_rotation",
            )
        }
        return fields | {
            "roles": data["groups"],
            "streets": data["scope_streets"] if data["scope_kind"] == ScopeKind.STREETS else [],
            "chambers": data["scope_chambers"] if data["scope_kind"] == ScopeKind.CHAMBERS else [],
        }


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        # Permission names are stored in English; show the translation when the
        # catalogue has one, and the code an administrator can search for.
        return f"{gettext(obj.name)} ({obj.content_type.app_label}.{obj.codename})"


class RoleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    grade = forms.TypedChoiceField(
        label=_("Detail grade"), choices=Grade.choices, coerce=int, initial=Grade.AGGREGATE
    )
    permissions = PermissionChoiceField(
        label=_("Permissions"),
        queryset=Permission.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, role: Role | None = None, **kwargs):
        self.role = role
        if role is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": role.group.name,
                    "description": role.description,
                    "grade": role.grade,
                    "permissions": role.group.permissions.all(),
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["permissions"].queryset = (
            Permission.objects.filter(content_type__app_label__in=role_permission_apps())
            .select_related("content_type")
            .order_by("content_type__app_label", "codename")
        )
        if role is not None and role.builtin:
            # Built-in roles are found by name (roles.ensure_builtin_roles); a
            # renamed one would be created again next deployment.
            self.fields["name"].disabled = True
            self.fields["name"].help_text = _("Built-in roles cannot be renamed.")

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Group.objects.filter(name=name)
        if self.role is not None:
            clash = clash.exclude(pk=self.role.group_id)
        if clash.exists():
            raise forms.ValidationError(_("A role with this name already exists."))
        return name


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "parent", "order"]
