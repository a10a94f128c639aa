"""Built-in roles: the separation of duties 等保 asks for (system administrator,
security administrator, auditor) and the business roles of the platform.

Later modules add their permissions to these roles here.
"""

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import Grade

from .models import Role

SYSTEM_ADMIN = "系统管理员"
SECURITY_ADMIN = "安全管理员"
AUDITOR = "审计管理员"
FIC_STAFF = "工商联业务人员"
LEADER = "领导"
STREET_OFFICER = "街乡工作人员"
ENTERPRISE = "企业用户"
CHAMBER_STAFF = "商会工作人员"
PEOPLE_READER = "统战人士查阅"

REGISTRY_VIEW = [
    "registry.view_street",
    "registry.view_chamber",
    "registry.view_industry",
    "registry.view_dictionaryitem",
]
REGISTRY_EDIT = [
    "registry.change_chamber",
    "registry.add_chamber",
    "registry.change_dictionaryitem",
    "registry.add_dictionaryitem",
]

ENTERPRISES_VIEW = [
    "enterprises.view_enterprise",
    "enterprises.view_ledgerentry",
    "enterprises.view_ledgerflag",
]
ENTERPRISES_EDIT = [
    "enterprises.add_enterprise",
    "enterprises.change_enterprise",
    "enterprises.add_ledgerentry",
    "enterprises.change_ledgerentry",
    "enterprises.import_enterprise",
    "enterprises.export_enterprise",
    "enterprises.confirm_ledgerflag",
]
# Enterprise accounts (apps.portal): review requests, make invitation codes.
PORTAL_REVIEW = ["portal.review_enterprise_link", "portal.invite_enterprise"]
# Enterprise filings (apps.filings): progress pages (aggregates), campaigns, review and
# chasing (催报), and an enterprise filling in its own.
FILINGS_PROGRESS = ["filings.view_campaign"]
FILINGS_MANAGE = ["filings.add_campaign", "filings.change_campaign"]
FILINGS_REVIEW = [
    "filings.view_filing",
    "filings.review_filing",
    "filings.export_filing",
    "filings.remind_filing",
]
FILINGS_FILL = ["filings.fill_filing"]
# The economic overview (apps.insights): dashboards, drill-down, the figures behind each
# chart (aggregates; enterprise names only for grades that see records).
INSIGHTS_VIEW = ["insights.view_summary"]
# Monthly data reports (apps.insights.report): read those of one's scope and grade, generate
# one on demand, manage who receives them; display tokens of the big screen.
REPORTS_READ = ["insights.view_monthlyreport"]
REPORTS_MAKE = ["insights.add_monthlyreport"]
REPORTS_SUBSCRIPTIONS = [
    "insights.view_reportsubscription",
    "insights.add_reportsubscription",
    "insights.change_reportsubscription",
    "insights.delete_reportsubscription",
]
DISPLAY_TOKENS = [
    "insights.view_displaytoken",
    "insights.add_displaytoken",
    "insights.change_displaytoken",
]
# Membership applications (apps.members.applications): street officers read their 街乡's,
# the membership department does the preliminary review (初审), the leader in charge
# approves (审批); certificates are issued by FIC staff.
APPLICATIONS_VIEW = ["members.view_application", "members.view_certificate"]
APPLICATIONS_REVIEW = [
    *APPLICATIONS_VIEW,
    "members.review_application",
    "members.issue_certificate",
]
APPLICATIONS_APPROVE = ["members.view_application", "members.approve_application"]
# Member database (apps.members): members, posts and terms, chambers' details and
# activities, dues. Street officers read their 街乡's members; chamber staff keep their
# own chamber's page and activities.
MEMBERS_VIEW = [
    "members.view_member",
    "members.view_memberstatuschange",
    "members.view_postholding",
    "members.view_term",
    "members.view_chamberprofile",
    "members.view_chamberactivity",
]
MEMBERS_EDIT = [
    "members.add_member",
    "members.change_member",
    "members.change_member_status",
    "members.import_member",
    "members.export_member",
    "members.add_postholding",
    "members.change_postholding",
    "members.add_term",
    "members.change_term",
    "members.change_chamberprofile",
    "members.add_chamberactivity",
]
DUES_VIEW = ["members.view_duescharge", "members.view_duespayment", "members.view_duesrate"]
DUES_EDIT = ["members.add_duespayment", "members.change_duesrate"]
# Notable people database (apps.people): district-level data; reading it needs a second
# factor (accounts.models.MFA_PERMISSIONS). Full ID numbers and mobiles need the grade
# "records with personal data" and a reason per value (people.reveal_person); an unmasked
# export needs someone else's approval (people.approve_personexport).
PEOPLE_VIEW = [
    "people.view_person",
    "people.view_politicalarrangement",
    "people.view_honour",
    "people.view_training",
    "people.view_evaluation",
    "people.export_person",
]
PEOPLE_EDIT = [
    "people.add_person",
    "people.change_person",
    "people.import_person",
    "people.reveal_person",
    "people.export_person_unmasked",
    "people.approve_personexport",
]

BUILTIN_ROLES = {
    SYSTEM_ADMIN: (
        Grade.RECORDS,
        _("Manages accounts and departments; cannot read or delete the audit log."),
        [
            "accounts.manage_users",
            "accounts.view_user",
            *REGISTRY_VIEW,
            *REGISTRY_EDIT,
            *DISPLAY_TOKENS,
        ],
    ),
    SECURITY_ADMIN: (
        Grade.AGGREGATE,
        _("Manages roles and permissions and unlocks accounts."),
        ["accounts.manage_roles", "accounts.view_role"],
    ),
    AUDITOR: (
        Grade.AGGREGATE,
        _("Reads and exports the audit log; nothing else."),
        ["audit.view_auditevent", "audit.export_auditevent"],
    ),
    FIC_STAFF: (
        Grade.PERSONAL,
        _("FIC staff who keep the databases."),
        [
            *MEMBERS_VIEW,
            *MEMBERS_EDIT,
            *DUES_VIEW,
            *DUES_EDIT,
            *REGISTRY_VIEW,
            *REGISTRY_EDIT,
            *ENTERPRISES_VIEW,
            *ENTERPRISES_EDIT,
            *PORTAL_REVIEW,
            *FILINGS_PROGRESS,
            *FILINGS_MANAGE,
            *FILINGS_REVIEW,
            *INSIGHTS_VIEW,
            *REPORTS_READ,
            *REPORTS_MAKE,
            *REPORTS_SUBSCRIPTIONS,
            *APPLICATIONS_REVIEW,
            *PEOPLE_VIEW,
            *PEOPLE_EDIT,
        ],
    ),
    LEADER: (
        Grade.AGGREGATE,
        _("District and FIC leaders: dashboards and reports."),
        [*FILINGS_PROGRESS, *INSIGHTS_VIEW, *REPORTS_READ, *APPLICATIONS_APPROVE],
    ),
    STREET_OFFICER: (
        Grade.RECORDS,
        _("Street staff who keep the enterprises of their own street."),
        [
            *MEMBERS_VIEW,
            "registry.view_street",
            "registry.view_chamber",
            "registry.view_industry",
            *ENTERPRISES_VIEW,
            *ENTERPRISES_EDIT,
            *PORTAL_REVIEW,
            *FILINGS_PROGRESS,
            *FILINGS_REVIEW,
            *INSIGHTS_VIEW,
            *REPORTS_READ,
            *REPORTS_MAKE,
            *APPLICATIONS_VIEW,
        ],
    ),
    CHAMBER_STAFF: (
        Grade.RECORDS,
        _("Staff of a chamber of commerce: their own chamber's members, officers and dues."),
        [
            "registry.view_chamber",
            *MEMBERS_VIEW,
            *DUES_VIEW,
            "members.change_chamberprofile",
            "members.add_chamberactivity",
            "members.export_member",
        ],
    ),
    PEOPLE_READER: (
        Grade.RECORDS,
        _("Reads the notable people database with ID numbers and mobiles masked."),
        [*PEOPLE_VIEW, "registry.view_industry"],
    ),
    ENTERPRISE: (
        Grade.RECORDS,
        _("An enterprise's own account."),
        ["enterprises.view_enterprise", "enterprises.view_ledgerentry", *FILINGS_FILL],
    ),
}


def _permissions(names: list[str]) -> list[Permission]:
    perms = []
    for name in names:
        app_label, codename = name.split(".")
        perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return perms


@transaction.atomic
def ensure_builtin_roles() -> dict[str, Role]:
    """Create missing built-in roles; never strips permissions an administrator added."""
    from .services import role_create

    roles = {}
    for name, (grade, description, perm_names) in BUILTIN_ROLES.items():
        role = Role.objects.filter(group__name=name).select_related("group").first()
        if role is None:
            role = role_create(
                actor=None,
                name=name,
                grade=grade,
                description=str(description),
                permissions=_permissions(perm_names),
                builtin=True,
            )
        else:
            role.group.permissions.add(*_permissions(perm_names))
        roles[name] = role
    return roles
