"""User, role and department administration for the FIC system administrator
and the security administrator."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.core.masking import mask_phone, phone_for

from . import services
from .forms import DepartmentForm, RoleForm, UserForm
from .models import Department, Role, User, UserKind

manage_users = permission_required("accounts.manage_users", raise_exception=True)
manage_roles = permission_required("accounts.manage_roles", raise_exception=True)


def _page(request, queryset, per_page=50):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


@login_required
@manage_users
def user_list(request):
    users = (
        User.objects.select_related("department").prefetch_related("groups").order_by("username")
    )
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    kind = request.GET.get("kind", "")
    if kind in UserKind.values:
        users = users.filter(kind=kind)
    active = request.GET.get("active", "")
    if active in {"1", "0"}:
        users = users.filter(is_active=active == "1")
    page = _page(request, users)
    for account in page:
        account.mobile_masked = mask_phone(account.mobile)  # a list never shows the number
    context = {"page_obj": page, "kinds": UserKind.choices, "q": q}
    return render(request, "accounts/user_list.html", context)


@never_cache  # the response can carry the initial password
@login_required
@manage_users
def user_create(request):
    form = UserForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = services.user_create(actor=request.user, **form.service_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(
                request, "accounts/user_password.html", {"account": user, "password": password}
            )
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
@manage_users
def user_update(request, pk):
    account = get_object_or_404(User, pk=pk)
    form = UserForm(request.POST or None, instance=account, user=request.user)
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        try:
            services.user_update(
                actor=request.user,
                user=account,
                is_active=form.cleaned_data["is_active"],
                **kwargs,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The account has been saved."))
            return redirect("accounts:user_detail", pk=account.pk)
    return render(request, "accounts/user_form.html", {"form": form, "account": account})


@login_required
@manage_users
def user_detail(request, pk):
    account = get_object_or_404(User.objects.select_related("department"), pk=pk)
    context = {
        "account": account,
        "mobile": phone_for(request.user, account.mobile),
        "roles": account.groups.select_related("role").order_by("name"),
        "has_mfa": TOTPDevice.objects.devices_for_user(account, confirmed=True).exists(),
    }
    return render(request, "accounts/user_detail.html", context)


@never_cache  # the response carries the new password
@login_required
@manage_users
@require_POST
def user_reset_password(request, pk):
    account = get_object_or_404(User, pk=pk)
    password = services.user_reset_password(actor=request.user, user=account)
    return render(
        request,
        "accounts/user_password.html",
        {"account": account, "password": password, "reset": True},
    )


@login_required
@manage_users
@require_POST
def user_reset_mfa(request, pk):
    account = get_object_or_404(User, pk=pk)
    services.user_reset_mfa(actor=request.user, user=account)
    messages.success(request, _("Two-factor authentication was reset; the user enrols again."))
    return redirect("accounts:user_detail", pk=pk)


@login_required
@manage_users
@require_POST
def user_unlock(request, pk):
    account = get_object_or_404(User, pk=pk)
    services.user_unlock(actor=request.user, user=account)
    messages.success(request, _("The account has been unlocked."))
    return redirect("accounts:user_detail", pk=pk)


# --- roles -------------------------------------------------------------------------


@login_required
@manage_roles
def role_list(request):
    roles = Role.objects.select_related("group").annotate(
        user_count=Count("group__user", distinct=True),
        permission_count=Count("group__permissions", distinct=True),
    )
    return render(request, "accounts/role_list.html", {"roles": roles})


@login_required
@manage_roles
def role_edit(request, pk=None):
    role = get_object_or_404(Role.objects.select_related("group"), pk=pk) if pk else None
    form = RoleForm(request.POST or None, role=role)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if role is None:
            services.role_create(actor=request.user, **data)
        else:
            services.role_update(actor=request.user, role=role, **data)
        messages.success(request, _("The role has been saved."))
        return redirect("accounts:role_list")
    return render(request, "accounts/role_form.html", {"form": form, "role": role})


# --- departments -----------------------------------------------------------------


def _tree(departments):
    """Departments in tree order with their depth, for an indented list."""
    children: dict = {}
    for d in departments:
        children.setdefault(d.parent_id, []).append(d)
    ordered = []

    def walk(parent_id, depth):
        for d in children.get(parent_id, []):
            ordered.append((d, depth))
            walk(d.pk, depth + 1)

    walk(None, 0)
    return ordered


@login_required
@manage_users
def department_list(request):
    departments = Department.objects.annotate(user_count=Count("users"))
    return render(request, "accounts/department_list.html", {"rows": _tree(departments)})


@login_required
@manage_users
def department_edit(request, pk=None):
    department = get_object_or_404(Department, pk=pk) if pk else None
    # The form gets its own copy: a ModelForm writes the posted values onto its
    # instance while validating, and the service must see the saved state to
    # record a correct before/after diff.
    form_instance = Department.objects.get(pk=pk) if department else None
    form = DepartmentForm(request.POST or None, instance=form_instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.department_save(actor=request.user, department=department, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("parent", error)
        else:
            messages.success(request, _("The department has been saved."))
            return redirect("accounts:department_list")
    return render(
        request, "accounts/department_form.html", {"form": form, "department": department}
    )
