"""Dues: the arrears list (and its export), the rates table, recording a payment, and the
members flagged for the lapse review."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView

from apps.core.scoped_views import ScopedListView, ScopedMixin

from .. import dues, exports
from ..forms import PaymentForm, RatesForm
from ..models import CURRENT_STATUSES, DuesCharge, DuesRate, Member, MemberKind
from .base import ActionFormMixin, ObjectFormView


class ArrearsListView(ScopedListView):
    """欠费名单: each unpaid year past its due date, of members still on the rolls."""

    model = DuesCharge
    permission_required = "members.view_duescharge"
    template_name = "members/arrears_list.html"

    def params(self) -> dict:
        get = self.request.GET
        year, kind = get.get("year", ""), get.get("kind", "")
        return {
            "year": int(year) if year.isdigit() else None,
            "kind": kind if kind in MemberKind.values else "",
        }

    def get_queryset(self):
        params = self.params()
        charges = (
            super()
            .get_queryset()
            .outstanding()
            .filter(due_date__lt=timezone.localdate(), member__status__in=CURRENT_STATUSES)
            .select_related("member", "member__enterprise", "member__chamber", "member__street")
            .order_by("member__number", "year")
        )
        if params["year"]:
            charges = charges.filter(year=params["year"])
        if params["kind"]:
            charges = charges.filter(member__kind=params["kind"])
        return charges

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        charges = self.object_list
        context.update(
            params=self.params(),
            kinds=MemberKind.choices,
            years=sorted(
                set(DuesCharge.objects.in_scope(self.request.user).values_list("year", flat=True)),
                reverse=True,
            ),
            total=dues.arrears_total(charges.order_by()),
            can_export=self.request.user.has_perm("members.export_member"),
        )
        return context


class ArrearsExportView(ArrearsListView):
    permission_required = ("members.view_duescharge", "members.export_member")

    def get(self, request, *args, **kwargs):
        params = self.params()
        filters = {}
        if params["year"]:
            filters[_("Year")] = str(params["year"])
        if params["kind"]:
            filters[_("Member kind")] = str(MemberKind(params["kind"]).label)
        return exports.export_response(
            request=request,
            log_name="members.arrears",
            title=_("Dues in arrears"),
            headers=exports.ARREARS_HEADERS,
            rows=exports.arrears_export_rows(self.get_queryset(), request.user),
            filters=filters,
        )


class RatesView(ActionFormMixin, ScopedMixin, FormView):
    """会费标准: read by those who see dues, edited by those who may change the rates."""

    model = DuesRate
    permission_required = "members.view_duesrate"
    form_class = RatesForm
    template_name = "members/rates.html"

    def scoped_queryset(self):  # the rates are one table for the whole FIC
        return DuesRate.objects.all()

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"rates": dues.rate_table()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kinds"] = MemberKind.choices
        context["can_edit"] = self.request.user.has_perm("members.change_duesrate")
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("members.change_duesrate"):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def act(self, form) -> str:
        count = dues.dues_rates_save(actor=self.request.user, rates=form.rates())
        if not count:
            return _("Nothing was changed.")
        return _("The dues rates have been saved. They apply to dues assessed from now on.")

    def get_success_url(self):
        return reverse("members:rates")


class PaymentCreateView(ObjectFormView):
    model = Member
    permission_required = ("members.view_member", "members.add_duespayment")
    form_class = PaymentForm

    @property
    def title(self):
        return _("Record a dues payment of %(name)s") % {"name": self.object.display_name}

    submit_label = property(lambda self: _("Save"))

    def act(self, form) -> str:
        data = form.cleaned_data
        dues.dues_payment_record(
            actor=self.request.user,
            member=self.object,
            year=data["year"],
            amount=data["amount"],
            paid_on=data["paid_on"],
            method=data["method"],
            receipt_number=data["receipt_number"],
            note=data["note"],
        )
        return _("The payment has been recorded.")

    def get_success_url(self):
        return reverse("members:detail", args=[self.object.pk])


class LapseReviewView(ScopedListView):
    """Members in arrears for over a year: staff review them (keep, or 退会 / 除名 through
    the status change). Nobody is lapsed automatically."""

    model = Member
    permission_required = ("members.view_member", "members.change_member_status")
    template_name = "members/lapse_review.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .current()
            .filter(lapse_flagged_on__isnull=False)
            .select_related("enterprise", "chamber", "street")
            .prefetch_related("dues")
            .order_by("lapse_flagged_on", "number")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        for member in context["object_list"]:
            member.unpaid = [
                c for c in member.dues.all() if c.paid < c.amount and c.due_date < today
            ]
        return context
