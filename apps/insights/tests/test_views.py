"""The dashboard and the data behind its charts: who may open what (every URL, every
persona), what each sees (their 街乡 only; leaders never an enterprise name, small cells
"<3"), downloads and drill-down links."""

import io
import json
import random

import openpyxl
import pytest
from django.urls import reverse

from apps.audit.models import ExportRecord
from apps.enterprises.models import Enterprise
from apps.insights import summary
from apps.insights.selectors import Query, latest_period
from apps.insights.views import CHARTS

from .data import district, from_ledger

pytestmark = pytest.mark.django_db

PERSONAS = [
    "district_admin",
    "street_a_clerk",
    "street_b_clerk",
    "leader",
    "enterprise_user",
    "anonymous",
]
# What each persona gets from the dashboard and every chart's data, except the top lists.
EXPECTED = {
    "district_admin": 200,
    "street_a_clerk": 200,
    "street_b_clerk": 200,
    "leader": 200,
    "enterprise_user": 403,
    "anonymous": 302,
}
TOP_EXPECTED = {**EXPECTED, "leader": 403}


@pytest.fixture
def built(street_a, street_b):
    ents = district(random.Random(21), streets=[street_a, street_b], enterprises=36)
    summary.rebuild()
    return ents


def urls() -> list[tuple[str, str]]:
    """(kind, url) of the dashboard and of each chart's JSON and xlsx."""
    out = [("page", reverse("insights:dashboard"))]
    for chart in CHARTS:
        for fmt in ("json", "xlsx"):
            out.append((chart, reverse(f"insights:data_{fmt}", args=[chart])))
    return out


def test_scope_and_grade_matrix_of_every_url(request, login, built):
    failures = []
    for persona in PERSONAS:
        client = login(request.getfixturevalue(persona))
        for kind, url in urls():
            expected = (TOP_EXPECTED if kind.startswith("top-") else EXPECTED)[persona]
            status = client.get(url).status_code
            if status != expected:
                failures.append(f"{persona:<16} {url:<40} expected {expected}, got {status}")
    assert not failures, "matrix mismatches:\n" + "\n".join(failures)


def test_another_streets_figures_answer_404(login, built, street_a_clerk, street_b):
    client = login(street_a_clerk)
    for _kind, url in urls():
        assert client.get(url, {"street": street_b.pk}).status_code == 404, url
    assert client.get(reverse("insights:dashboard"), {"street": 999999}).status_code == 404


def test_a_street_officer_reads_their_street_only(login, built, street_a_clerk, street_a):
    client = login(street_a_clerk)
    year, quarter = latest_period()
    data = client.get(reverse("insights:data_json", args=["by-street"])).json()
    assert [c["key"] for c in data["cells"]] == [str(street_a.pk)]
    head = client.get(reverse("insights:data_json", args=["headline"])).json()
    expected = from_ledger(Query(year=year, quarter=quarter), street_ids=[street_a.pk])
    assert head["figures"]["enterprises"]["value"] == expected["enterprises"]
    assert head["figures"]["revenue"]["value"] == float(expected["revenue"])
    names_elsewhere = Enterprise.objects.exclude(street=street_a).values_list("name", flat=True)
    top = client.get(reverse("insights:data_json", args=["top-revenue"])).content.decode()
    page = client.get(reverse("insights:dashboard")).content.decode()
    for name in names_elsewhere:
        assert name not in top and name not in page


def test_leaders_never_see_an_enterprise_name(login, built, leader):
    client = login(leader)
    names = list(Enterprise.objects.values_list("name", flat=True))
    for params in ({}, {"cumulative": "1"}, {"section": "I", "members": "1"}):
        for kind, url in urls():
            if kind.startswith("top-"):
                continue
            response = client.get(url, params)
            body = response.content
            if url.endswith(".xlsx"):
                book = openpyxl.load_workbook(io.BytesIO(body))
                body = "\n".join(
                    str(v) for row in book.active.iter_rows(values_only=True) for v in row
                ).encode()
            text = body.decode()
            leaked = [n for n in names if n in text]
            assert not leaked, (url, params, leaked)


def test_leaders_get_small_cells_suppressed_and_not_recoverable(login, built, leader):
    client = login(leader)
    year, quarter = latest_period()
    seen_suppressed = False
    for chart in ("by-street", "by-section", "by-size"):
        for params in ({}, {"size": "micro"}, {"section": "F"}, {"members": "1"}):
            data = client.get(reverse("insights:data_json", args=[chart]), params).json()
            head = client.get(reverse("insights:data_json", args=["headline"]), params).json()
            hidden = [c for c in data["cells"] if c["suppressed"]]
            for cell in data["cells"]:
                if cell["suppressed"]:
                    assert cell["revenue"] is None and cell["enterprises"] is None
                    assert cell["url"] is None
                    seen_suppressed = True
                else:
                    assert cell["enterprises"] >= 3
            if head["suppressed"]:
                continue
            # The shown total minus the shown cells never isolates one hidden cell, nor
            # a group of hidden cells holding fewer than 3 enterprises.
            assert len(hidden) != 1, (chart, params)
            if hidden:
                query = Query.from_params({**params, "year": year, "quarter": quarter})
                true_counts = []
                for cell in hidden:
                    by = chart.removeprefix("by-")
                    if by == "street":
                        cell_query = query.replace(street_id=int(cell["key"]))
                    elif by == "section":
                        cell_query = query.replace(section=cell["key"])
                    else:
                        cell_query = query.replace(size_class=cell["key"])
                    true_counts.append(from_ledger(cell_query)["enterprises"])
                assert sum(true_counts) >= 3, (chart, params, true_counts)
    assert seen_suppressed  # the random district has small cells


def test_drilling_into_a_hidden_cell_shows_nothing_more(login, built, leader):
    client = login(leader)
    data = client.get(reverse("insights:data_json", args=["by-street"]), {"size": "large"})
    for cell in data.json()["cells"]:
        if cell["suppressed"]:
            head = client.get(
                reverse("insights:data_json", args=["headline"]),
                {"size": "large", "street": cell["key"]},
            ).json()
            assert head["suppressed"]
            assert head["figures"]["revenue"]["value"] is None


def test_records_grades_see_every_figure(login, built, district_admin):
    client = login(district_admin)
    data = client.get(reverse("insights:data_json", args=["by-section"]), {"size": "large"})
    assert not any(c["suppressed"] for c in data.json()["cells"])


def test_json_answers_the_contract_shape(login, built, district_admin):
    client = login(district_admin)
    year, quarter = latest_period()
    data = client.get(reverse("insights:data_json", args=["trend"]), {"quarters": 8}).json()
    assert data["query"] == {"year": str(year), "quarter": str(quarter)}
    assert len(data["cells"]) == 8
    assert set(data["cells"][0]) >= {"key", "label", "enterprises", "revenue", "tax", "url"}
    head = client.get(reverse("insights:data_json", args=["headline"])).json()
    assert set(head["figures"]) == {"enterprises", "revenue", "tax", "employees", "profit", "rd"}
    top = client.get(reverse("insights:data_json", args=["top-tax"]), {"n": 5}).json()
    taxes = [row["value"] for row in top["rows"]]
    assert taxes == sorted(taxes, reverse=True) and len(taxes) == 5
    assert client.get(reverse("insights:data_json", args=["nothing"])).status_code == 404


def test_each_download_is_a_spreadsheet_and_is_logged(login, built, district_admin):
    client = login(district_admin)
    response = client.get(reverse("insights:data_xlsx", args=["by-street"]), {"cumulative": "1"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    assert "district_admin" in rows[1][0]
    data = client.get(reverse("insights:data_json", args=["by-street"]), {"cumulative": "1"}).json()
    assert [r[0] for r in rows[3:]] == [c["label"] for c in data["cells"]]
    record = ExportRecord.objects.get()
    assert record.name == "insights:by-street" and record.row_count == len(data["cells"])
    assert record.filters["cumulative"] == "1"


def test_the_dashboard_drills_from_the_district_to_the_enterprise_list(
    login, built, district_admin, leader
):
    client = login(district_admin)
    page = client.get(reverse("insights:dashboard"))
    assert page.context["level"] == "street"
    url = page.context["drill_cells"][0][1]
    for level in ("section", "division", ""):
        page = client.get(url)
        assert page.status_code == 200 and page.context["level"] == level
        if level:
            url = page.context["drill_cells"][0][1]
    crumbs = page.context["crumbs"]
    assert len(crumbs) == 4 and crumbs[-1][1] is None
    list_url = page.context["enterprise_list_url"]
    query = page.context["query"]
    assert f"street={query.street_id}" in list_url and f"division={query.division}" in list_url
    assert client.get(list_url).status_code == 200
    # Leaders stop at the division: no list of enterprises.
    leader_page = login(leader).get(url)
    assert leader_page.context["enterprise_list_url"] is None
    assert "insights-enterprise-list" not in leader_page.content.decode()


def test_the_dashboard_keeps_its_state_in_the_url(login, built, district_admin, street_a):
    client = login(district_admin)
    params = {"year": "2025", "quarter": "2", "cumulative": "1", "street": str(street_a.pk)}
    page = client.get(reverse("insights:dashboard"), {**params, "size": "micro", "members": "1"})
    query = page.context["query"]
    assert query == Query(2025, 2, True, street_a.pk, "", "", "micro", True)
    for chart in page.context["charts"]:
        assert "cumulative=1" in chart["src"] and "members=1" in chart["src"]
    html = page.content.decode()
    assert f'name="street" value="{street_a.pk}"' in html


def test_the_dashboard_query_count_is_pinned(
    login, built, district_admin, django_assert_max_num_queries
):
    client = login(district_admin)
    client.get(reverse("insights:dashboard"))
    with django_assert_max_num_queries(16):
        client.get(reverse("insights:dashboard"))
    # A chart's data: the session's queries, the data version (PostgreSQL, where answers
    # are cached by it) and one lookup of the rollup.
    with django_assert_max_num_queries(6):
        client.get(reverse("insights:data_json", args=["by-street"]), {"year": 2025, "quarter": 3})


def test_filing_completion_shows_when_there_is_a_campaign(login, built, district_admin):
    from datetime import date

    from apps.filings.models import Campaign, CampaignStatus

    year, quarter = latest_period()
    Campaign.objects.create(
        year=year, quarter=quarter, title="季度填报", deadline=date(2030, 1, 1),
        status=CampaignStatus.OPEN, created_by=district_admin,
    )  # fmt: skip
    data = login(district_admin).get(reverse("insights:data_json", args=["filings"])).json()
    assert data["filings"]["campaign"]["name"]
    assert data["filings"]["targets"] == 0


def test_json_has_no_html_injection(login, built, district_admin):
    data = login(district_admin).get(reverse("insights:data_json", args=["by-section"]))
    assert json.loads(data.content)["chart"] == "by-section"
