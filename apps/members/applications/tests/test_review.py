"""The review workflow: 提交 → 初审 (membership department) → 审批 (the leader) → 入会, or
returned, or rejected; conflicts between reviewers; who may do which step."""

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent, PersonalDataRead
from apps.core.models import Delivery
from apps.enterprises.models import Enterprise
from apps.enterprises.models import MemberStatus as EnterpriseMemberStatus
from apps.enterprises.tests.factories import EnterpriseFactory
from apps.members.applications import services
from apps.members.models import Member
from apps.members.models_applications import (
    ApplicationAttachment,
    ApplicationStatus,
    AttachmentSlot,
    Certificate,
)

from .factories import ApplicationFactory, PersonApplicationFactory, image_bytes, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(street_a, division):
    return ApplicationFactory(street=street_a, industry=division)


def attach(application, slot=AttachmentSlot.LICENCE, content=None, name="x.pdf"):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    content = content or pdf_bytes()
    stored = default_storage.save(f"applications/test/{slot}.pdf", ContentFile(content))
    return ApplicationAttachment.objects.create(
        application=application,
        slot=slot,
        file=stored,
        original_name=name,
        content_type="application/pdf",
        size=len(content),
        digest="0" * 64,
    )


def post(client, name, application, **data):
    data.setdefault("version", application.version)
    return client.post(reverse(f"members:{name}", args=[application.pk]), data)


def test_staff_pass_and_the_leader_admits(
    login, district_admin, leader, application, django_capture_on_commit_callbacks
):
    staff = login(district_admin)
    response = post(staff, "application_review", application, note="材料齐全")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REVIEWED
    assert application.reviewed_by == district_admin

    boss = login(leader)
    page = boss.get(reverse("members:application_detail", args=[application.pk]))
    assert page.status_code == 200
    assert page.context["approve_form"] is not None
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            boss,
            "application_approve",
            application,
            join_date="2025-03-01",
            meeting_name="第十五届常委会第三次会议",
            meeting_date="2025-02-27",
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ADMITTED
    member = application.member
    assert member.number
    assert member.enterprise.uscc == application.uscc  # added to the enterprise database
    assert member.street == application.street
    assert str(member.join_date) == "2025-03-01"
    assert application.meeting_name == "第十五届常委会第三次会议"
    enterprise = Enterprise.objects.get(uscc=application.uscc)
    assert enterprise.member_status == EnterpriseMemberStatus.MEMBER
    assert Certificate.objects.filter(member=member, replaced_at__isnull=True).count() == 1
    sms = Delivery.objects.filter(channel="sms", kind="members.application.admitted").get()
    assert member.number in sms.body
    assert sms.address == application.mobile
    assert AuditEvent.objects.filter(action="members.application.admit").exists()
    page = boss.get(reverse("members:application_detail", args=[application.pk]))
    assert member.number in page.content.decode()


def test_an_enterprise_already_in_the_database_is_linked_not_added(
    login, district_admin, leader, street_a, division
):
    enterprise = EnterpriseFactory(street=street_a)
    application = ApplicationFactory(street=street_a, uscc=enterprise.uscc, enterprise=enterprise)
    services.application_review(actor=district_admin, application=application, version=1)
    admitted = services.application_approve(actor=leader, application=application, version=2)
    assert admitted.member.enterprise == enterprise
    assert Enterprise.objects.filter(uscc=enterprise.uscc).count() == 1


def test_a_person_is_admitted(district_admin, leader, street_a):
    application = PersonApplicationFactory(street=street_a)
    services.application_review(actor=district_admin, application=application, version=1)
    admitted = services.application_approve(actor=leader, application=application, version=2)
    assert admitted.member.person_name == application.person_name
    assert admitted.member.person_mobile == application.mobile
    assert admitted.member.enterprise is None


def test_return_then_the_applicant_answers(login, district_admin, application, client):
    staff = login(district_admin)
    response = post(staff, "application_return", application, reason="请补充法定代表人签字的申请表")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED
    assert Delivery.objects.filter(kind="members.application.returned").exists()
    # The applicant finds it with the reference and the mobile, and answers.
    lookup = client.post(
        reverse("members:apply_status"),
        {"reference": application.reference.lower(), "mobile": application.mobile},
    )
    assert lookup.status_code == 302
    page = client.get(lookup["Location"])
    assert "请补充法定代表人签字的申请表" in page.content.decode()
    data = {
        "version": application.version,
        "uscc": application.uscc,
        "org_name": application.org_name,
        "legal_representative": "张三",
        "industry": application.industry_id,
        "employees": "40",
        "street": application.street_id,
        "contact_name": "李四",
        "mobile": application.mobile,
        "other": _file("申请表.png", image_bytes("PNG")),
    }
    response = client.post(lookup["Location"], data)
    assert response.status_code == 302, response.context["form"].errors
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.employees == 40
    assert application.reason == ""
    assert application.attachments.filter(slot="other", current=True).count() == 1


def _file(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_reject_with_a_reason(login, district_admin, application):
    response = post(login(district_admin), "application_reject", application, reason="不符合条件")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert application.reason == "不符合条件"
    assert Delivery.objects.filter(kind="members.application.rejected").exists()


def test_a_reason_is_required(login, district_admin, application):
    response = post(login(district_admin), "application_reject", application, reason="")
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_approving_what_another_reviewer_rejected_is_a_conflict(
    login, district_admin, leader, application
):
    services.application_review(actor=district_admin, application=application, version=1)
    application.refresh_from_db()
    boss = login(leader)
    seen = boss.get(reverse("members:application_detail", args=[application.pk]))
    version_seen = seen.context["approve_form"].initial["version"]
    # Another approver (another leader) rejects first.
    services.application_reject(
        actor=leader, application=application, version=version_seen, reason="重复申请"
    )
    response = post(
        boss, "application_approve", application, version=version_seen, join_date="2025-03-01"
    )
    assert response.status_code == 409
    assert "Someone else" in response.content.decode() or "他人" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert application.member is None
    assert not Member.objects.exists()


def test_an_admitted_application_is_not_admitted_twice(district_admin, leader, application):
    services.application_review(actor=district_admin, application=application, version=1)
    services.application_approve(actor=leader, application=application, version=2)
    with pytest.raises(services.ApplicationConflict):
        services.application_approve(actor=leader, application=application, version=2)
    with pytest.raises(services.ApplicationConflict):
        services.application_approve(actor=leader, application=application, version=3)
    assert Member.objects.count() == 1


def test_the_steps_belong_to_their_roles(
    login, district_admin, leader, street_a_clerk, application
):
    # The leader does not do the preliminary review; staff do not approve; street officers
    # read only.
    assert post(login(leader), "application_review", application).status_code == 403
    assert post(login(street_a_clerk), "application_review", application).status_code == 403
    assert (
        post(login(street_a_clerk), "application_reject", application, reason="x").status_code
        == 403
    )
    services.application_review(actor=district_admin, application=application, version=1)
    application.refresh_from_db()
    response = post(
        login(district_admin), "application_approve", application, join_date="2025-03-01"
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REVIEWED


def test_the_leader_may_return_or_reject_at_approval(login, district_admin, leader, application):
    services.application_review(actor=district_admin, application=application, version=1)
    application.refresh_from_db()
    assert (
        post(login(district_admin), "application_reject", application, reason="x").status_code
        == 403
    )
    response = post(login(leader), "application_return", application, reason="请补充会议材料")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED


def test_duplicates_are_flagged_to_the_reviewer(login, district_admin, leader, street_a, division):
    first = ApplicationFactory(street=street_a, industry=division)
    services.application_review(actor=district_admin, application=first, version=1)
    admitted = services.application_approve(actor=leader, application=first, version=2)
    again = ApplicationFactory(street=street_a, uscc=first.uscc, industry=division)
    page = login(district_admin).get(reverse("members:application_detail", args=[again.pk]))
    texts = [d.text for d in page.context["duplicates"]]
    assert any(admitted.member.number in text for text in texts)


def test_a_person_applying_twice_is_flagged(login, district_admin, street_a):
    first = PersonApplicationFactory(street=street_a, mobile="13900000001")
    second = PersonApplicationFactory(street=street_a, mobile="13900000001")
    third = PersonApplicationFactory(street=street_a, person_name=first.person_name)
    page = login(district_admin).get(reverse("members:application_detail", args=[second.pk]))
    assert [d.application_id for d in page.context["duplicates"]] == [first.pk]
    page = login(district_admin).get(reverse("members:application_detail", args=[third.pk]))
    assert first.pk in [d.application_id for d in page.context["duplicates"]]
    assert "疑似重复" in page.content.decode() or "Possible duplicate" in page.content.decode()


def test_documents_download_as_attachments_and_are_audited(login, district_admin, application):
    attachment = attach(application)
    response = login(district_admin).get(
        reverse("members:application_attachment", args=[attachment.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="members.application.attachment_read").count() == 1


def test_an_identity_card_scan_is_a_personal_data_read(login, district_admin, street_a):
    application = PersonApplicationFactory(street=street_a)
    attachment = attach(application, slot=AttachmentSlot.ID_SCAN)
    response = login(district_admin).get(
        reverse("members:application_attachment", args=[attachment.pk])
    )
    assert response.status_code == 200
    assert PersonalDataRead.objects.filter(object_id=str(application.pk)).exists()


def test_who_may_open_documents(login, leader, street_a_clerk, street_b_clerk, application):
    attachment = attach(application)
    url = reverse("members:application_attachment", args=[attachment.pk])
    assert login(street_a_clerk).get(url).status_code == 403  # reads the application only
    assert login(street_b_clerk).get(url).status_code == 404  # another street's
    assert login(leader).get(url).status_code == 403  # aggregates grade
    assert login(None).get(url).status_code == 302


def test_the_mobile_is_masked_below_the_personal_data_grade(
    login, leader, street_a_clerk, application
):
    for user in (leader, street_a_clerk):
        page = login(user).get(reverse("members:application_detail", args=[application.pk]))
        assert application.mobile not in page.content.decode()
        assert application.mobile[:3] + "****" in page.content.decode()


def test_the_list_shows_open_applications_in_scope(
    login, street_a_clerk, district_admin, street_a, street_b, django_assert_max_num_queries
):
    mine = ApplicationFactory(street=street_a, org_name="建外申请企业")
    other = ApplicationFactory(street=street_b, org_name="朝外申请企业")
    done = ApplicationFactory(street=street_a, org_name="已驳回企业", status="rejected")
    for _ in range(5):
        ApplicationFactory(street=street_a)
    url = reverse("members:application_list")
    page = login(street_a_clerk).get(url)
    names = {a.org_name for a in page.context["object_list"]}
    assert mine.org_name in names and other.org_name not in names and done.org_name not in names
    client = login(district_admin)
    client.get(url)
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert {mine.org_name, other.org_name} <= {a.org_name for a in page.context["object_list"]}
    page = client.get(url, {"status": "all", "q": "已驳回"})
    assert [a.org_name for a in page.context["object_list"]] == [done.org_name]
