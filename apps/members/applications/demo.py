"""Demo membership applications in 建外 and 朝外 (where the street personas work): two waiting
for 初审, one waiting for the `leader`'s 审批, one returned to the applicant and one rejected,
each with a small PDF or image as its document. Running it again adds nothing."""

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.models import User
from apps.core.demo import make_uscc, person_name
from apps.registry.models import Industry, Street

from . import services, uploads
from .services import NewAttachment

STREETS = ["110105001000", "110105002000"]  # 建外, 朝外


def _pdf(text: str) -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return out.getvalue()


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (120, 80), (235, 235, 235)).save(out, format="PNG")
    return out.getvalue()


def _document(slot: str, name: str, content: bytes) -> NewAttachment:
    upload = SimpleUploadedFile(name, content)
    return NewAttachment(slot=slot, upload=upload, checked=uploads.check_upload(upload))


def seed(*, scale: str, rng: random.Random) -> dict[str, int]:
    from apps.members.models_applications import Application

    if Application.objects.exists():
        return {"applications": 0}
    local = random.Random(rng.getrandbits(64))
    streets = list(Street.objects.filter(code__in=STREETS).order_by("code"))
    division = Industry.objects.filter(level=Industry.Level.DIVISION, code="65").first()
    if not streets or division is None:
        return {"applications": 0}
    staff = User.objects.filter(username="staff").first()
    leader = User.objects.filter(username="leader").first()
    made = []
    enterprises = [
        ("北京朝阳云启科技有限公司", streets[0]),
        ("北京建外恒信咨询有限公司", streets[-1]),
        ("北京朝外数智服务有限公司", streets[0]),
        ("北京国贸拾光文化传媒有限公司", streets[-1]),
    ]
    for index, (org, street) in enumerate(enterprises):
        made.append(
            services.application_submit(
                kind="enterprise",
                data={
                    "street": street,
                    "uscc": make_uscc(local),
                    "org_name": org,
                    "legal_representative": person_name(local),
                    "industry": division,
                    "employees": local.randint(8, 300),
                    "address": f"朝阳区建国路{local.randint(1, 99)}号",
                    "contact_name": person_name(local),
                    "mobile": f"139{local.randint(0, 99_999_999):08d}",
                    "introduction": "软件和信息技术服务。",
                },
                attachments=[_document("licence", f"营业执照{index}.pdf", _pdf("licence"))],
            )
        )
    person = services.application_submit(
        kind="person",
        data={
            "street": streets[0],
            "person_name": person_name(local),
            "gender": "female",
            "employer": "北京朝阳云启科技有限公司",
            "position": "总经理",
            "mobile": f"138{local.randint(0, 99_999_999):08d}",
        },
        attachments=[_document("id_scan", "身份证.png", _png())],
        sensitive_consent=True,
    )
    made.append(person)
    if staff is not None and staff.has_perm(services.REVIEW):
        services.application_review(actor=staff, application=made[2], version=1)
        services.application_return(
            actor=staff,
            application=made[3],
            version=1,
            reason="营业执照副本不清晰，请重新扫描上传。",
        )
        if leader is not None and leader.has_perm(services.APPROVE):
            services.application_review(actor=staff, application=made[1], version=1)
            services.application_reject(
                actor=leader, application=made[1], version=2, reason="不在本区注册经营。"
            )
    return {"applications": len(made)}
