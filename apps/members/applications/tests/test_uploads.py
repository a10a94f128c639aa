"""Documents are checked by content, not by name (SECURITY.md 11)."""

import pytest
from django.core.exceptions import ValidationError

from apps.members.applications import uploads

from .factories import image_bytes, pdf_bytes, upload


def codes_of(error: ValidationError) -> set[str]:
    return {e.code for e in error.error_list}


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("营业执照.pdf", pdf_bytes(), "pdf"),
        ("scan.JPG", image_bytes("JPEG"), "jpeg"),
        ("scan.jpeg", image_bytes("JPEG"), "jpeg"),
        ("scan.png", image_bytes("PNG"), "png"),
    ],
)
def test_real_documents_are_accepted(name, content, kind):
    checked = uploads.check_upload(upload(name, content))
    assert checked.kind == kind
    assert checked.size == len(content)


def test_a_file_that_claims_to_be_a_pdf_but_is_not_is_refused():
    fake = upload("营业执照.pdf", b"MZ\x90\x00 this is an executable " * 50, "application/pdf")
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(fake)
    assert codes_of(refused.value) == {"type_mismatch"}


def test_html_named_pdf_is_refused():
    fake = upload("a.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")
    with pytest.raises(ValidationError):
        uploads.check_upload(fake)


def test_a_png_named_pdf_is_refused_as_a_mismatch():
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(upload("a.pdf", image_bytes("PNG")))
    assert codes_of(refused.value) == {"type_mismatch"}


def test_a_pdf_header_without_a_body_is_refused():
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(upload("a.pdf", b"%PDF-1.7\n" + b"x" * 500))
    assert codes_of(refused.value) == {"pdf_broken"}


def test_a_truncated_pdf_is_refused():
    content = pdf_bytes()
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(upload("a.pdf", content[: len(content) // 2]))
    assert codes_of(refused.value) == {"pdf_broken"}


def test_a_pdf_with_javascript_is_refused():
    action = b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"
    content = pdf_bytes().replace(b"/Type /Catalog", b"/Type /Catalog " + action)
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(upload("a.pdf", content))
    assert codes_of(refused.value) == {"pdf_active"}


def test_a_broken_image_is_refused():
    content = image_bytes("JPEG")[:40]
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(upload("a.jpg", content))
    assert codes_of(refused.value) == {"image_broken"}


def test_an_image_of_too_many_pixels_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(upload("a.png", image_bytes("PNG", size=(20, 20))))
    assert codes_of(refused.value) == {"image_pixels"}


@pytest.mark.parametrize("name", ["licence.docx", "licence.exe", "licence", "licence.pdf.exe"])
def test_other_types_are_refused_by_name_before_reading(name):
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(upload(name, pdf_bytes()))
    assert codes_of(refused.value) == {"type_not_allowed"}


def test_empty_and_over_size_files_are_refused(settings):
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(upload("a.pdf", b""))
    assert codes_of(refused.value) == {"empty"}
    settings.MEMBERS_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(upload("a.pdf", pdf_bytes()))
    assert codes_of(refused.value) == {"too_large"}


def test_stored_names_are_random_and_keep_nothing_of_the_applicants_name():
    checked = uploads.Checked(kind="pdf", size=10)
    first, second = uploads.stored_name(checked), uploads.stored_name(checked)
    assert first != second
    assert first.startswith("applications/") and first.endswith(".pdf")
