"""The links on an enterprise's own home page. A link whose URL name does not exist (yet)
is left out, so a module adds its page by defining the URL name listed here."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class PortalLink:
    url_name: str
    label: str
    icon: str
    permission: str = ""
    with_enterprise: bool = False  # the URL takes the enterprise's id


LINKS = [
    PortalLink(
        "filings:my_list", _("My filings"), "bi-clipboard-data", permission="filings.fill_filing"
    ),
    PortalLink(
        "enterprises:detail",
        _("Enterprise record and ledger"),
        "bi-buildings",
        permission="enterprises.view_enterprise",
        with_enterprise=True,
    ),
    PortalLink("accounts:profile", _("My account"), "bi-person"),
    PortalLink("accounts:password_change", _("Change password"), "bi-key"),
]


def links_for(user, enterprise) -> list[dict]:
    found = []
    for link in LINKS:
        if link.permission and not user.has_perm(link.permission):
            continue
        if link.with_enterprise and enterprise is None:
            continue
        try:
            url = reverse(link.url_name, args=[enterprise.pk] if link.with_enterprise else [])
        except NoReverseMatch:
            continue
        found.append({"url": url, "label": link.label, "icon": link.icon})
    return found
